// Signed packs (.bspk): a 96-byte envelope header, then the pack. Ed25519 through WebCrypto,
// which Node ≥ 20, Deno, Bun, workerd and Chromium all provide, so signing and verifying run
// anywhere the engine runs.
//
// Layout, little-endian:
//   0   4  magic "BSPK"
//   4   2  envelope version (1)
//   6   2  header length (96)
//   8   8  sequence: u64 ≤ 2^53 − 1; a pack replaces the serving one only with a higher sequence
//  16   8  key id: the first 8 bytes of SHA-256 of the raw 32-byte public key
//  24   4  pack length; the pack ends the file exactly
//  28   4  reserved (0)
//  32  64  Ed25519 signature over bytes 0–31 followed by the pack
//  96   …  the pack (bindings/format.ts), whose own checksum the engine checks on load
//
// Keys: a public key is the base64 of its 32 raw bytes; a private key is PKCS#8 PEM.

import { BotsiftError } from "../errors.js";
import { base64ToBytes } from "../base64.js";

export const ENVELOPE_MAGIC = "BSPK";
export const ENVELOPE_VERSION = 1;
export const ENVELOPE_HEADER = 96;
const SIGNED_PREFIX = 32;
const ED25519 = { name: "Ed25519" } as const;

export interface SignedPack {
  sequence: number;
  /** Hex, 16 digits. */
  keyId: string;
  pack: Uint8Array;
}

export interface SigningKey {
  /** Base64 of the raw public key: what `createPackUpdater({ publicKey })` takes. */
  publicKey: string;
  /** PKCS#8 PEM: keep it secret; what `botsift pack sign --key` reads. */
  privateKey: string;
  keyId: string;
}

function envelopeError(message: string): BotsiftError {
  return new BotsiftError("PACK_ENVELOPE", message);
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Buffers WebCrypto accepts whatever the Uint8Array's backing store. */
function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

function rawPublicKey(publicKey: string): Uint8Array<ArrayBuffer> {
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = base64ToBytes(publicKey.trim());
  } catch {
    throw envelopeError("public key is not base64");
  }
  if (raw.length !== 32) throw envelopeError(`public key must be 32 bytes of base64, is ${raw.length} bytes`);
  return raw;
}

/** The key id of a base64 public key: 16 hex digits. */
export async function keyIdOf(publicKey: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", rawPublicKey(publicKey)));
  return hex(digest.subarray(0, 8));
}

function pemToPkcs8(pem: string): Uint8Array<ArrayBuffer> {
  const m = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
  if (!m) throw envelopeError("private key must be PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)");
  return base64ToBytes(m[1].replace(/\s+/g, ""));
}

/** A new Ed25519 key pair for signing packs. */
export async function generateSigningKey(): Promise<SigningKey> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ["sign", "verify"])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const body = toBase64(pkcs8).replace(/.{1,64}/g, "$&\n");
  const publicKey = toBase64(raw);
  return { publicKey, privateKey: `-----BEGIN PRIVATE KEY-----\n${body}-----END PRIVATE KEY-----\n`, keyId: await keyIdOf(publicKey) };
}

/** The base64 public key belonging to a PKCS#8 PEM private key. */
export async function publicKeyOf(privateKeyPem: string): Promise<string> {
  const key = await crypto.subtle.importKey("pkcs8", pemToPkcs8(privateKeyPem), ED25519, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", key);
  if (typeof jwk.x !== "string") throw envelopeError("private key has no public part");
  return toBase64(base64ToBytes(jwk.x.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (jwk.x.length % 4)) % 4)));
}

function checkSequence(sequence: number): void {
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw envelopeError(`sequence must be an integer from 0 to 2^53 - 1, not ${sequence}`);
}

/** Wraps `pack` in a signed envelope with `sequence`. The pack itself is not checked here. */
export async function signPack(pack: Uint8Array, privateKeyPem: string, sequence: number): Promise<Uint8Array> {
  checkSequence(sequence);
  const key = await crypto.subtle.importKey("pkcs8", pemToPkcs8(privateKeyPem), ED25519, false, ["sign"]);
  const keyId = await keyIdOf(await publicKeyOf(privateKeyPem));
  const out = new Uint8Array(ENVELOPE_HEADER + pack.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = ENVELOPE_MAGIC.charCodeAt(i);
  view.setUint16(4, ENVELOPE_VERSION, true);
  view.setUint16(6, ENVELOPE_HEADER, true);
  view.setBigUint64(8, BigInt(sequence), true);
  for (let i = 0; i < 8; i++) out[16 + i] = parseInt(keyId.slice(i * 2, i * 2 + 2), 16);
  view.setUint32(24, pack.length, true);
  out.set(pack, ENVELOPE_HEADER);
  const signature = new Uint8Array(await crypto.subtle.sign(ED25519, key, signedBytes(out)));
  out.set(signature, SIGNED_PREFIX);
  return out;
}

/** The bytes the signature covers: the first 32 header bytes and the pack. */
function signedBytes(envelope: Uint8Array): Uint8Array<ArrayBuffer> {
  const pack = envelope.subarray(ENVELOPE_HEADER);
  const out = new Uint8Array(SIGNED_PREFIX + pack.length);
  out.set(envelope.subarray(0, SIGNED_PREFIX));
  out.set(pack, SIGNED_PREFIX);
  return out;
}

/** True when `bytes` start like a signed pack. */
export function isSignedPack(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]) === ENVELOPE_MAGIC;
}

/** Reads the envelope without checking the signature; throws a BotsiftError (PACK_ENVELOPE) saying what is wrong. */
export function readSignedPack(bytes: Uint8Array): SignedPack & { signature: Uint8Array } {
  if (!isSignedPack(bytes)) throw envelopeError("not a signed pack (no BSPK envelope); sign it with `botsift pack sign`");
  if (bytes.length < ENVELOPE_HEADER) throw envelopeError("signed pack is shorter than its header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== ENVELOPE_VERSION) throw envelopeError(`unsupported envelope version ${version} (this botsift reads ${ENVELOPE_VERSION})`);
  if (view.getUint16(6, true) !== ENVELOPE_HEADER) throw envelopeError("envelope header length is not 96");
  const sequence = view.getBigUint64(8, true);
  if (sequence > BigInt(Number.MAX_SAFE_INTEGER)) throw envelopeError("sequence is above 2^53 - 1");
  const packLength = view.getUint32(24, true);
  if (ENVELOPE_HEADER + packLength !== bytes.length) throw envelopeError(`envelope says the pack has ${packLength} bytes, the file holds ${bytes.length - ENVELOPE_HEADER} (truncated or padded)`);
  return {
    sequence: Number(sequence),
    keyId: hex(bytes.subarray(16, 24)),
    pack: bytes.subarray(ENVELOPE_HEADER),
    signature: bytes.subarray(SIGNED_PREFIX, ENVELOPE_HEADER),
  };
}

/**
 * Reads the envelope and checks its Ed25519 signature against one of `publicKeys` (picked by key
 * id, so keys can be rotated). Throws a BotsiftError (PACK_ENVELOPE) when anything is wrong.
 */
export async function verifySignedPack(bytes: Uint8Array, publicKeys: readonly string[]): Promise<SignedPack> {
  const signed = readSignedPack(bytes);
  let publicKey: string | undefined;
  for (const k of publicKeys) if ((await keyIdOf(k)) === signed.keyId) publicKey = k;
  if (publicKey === undefined) throw envelopeError(`signed with key ${signed.keyId}, which is not among the trusted public keys`);
  const key = await crypto.subtle.importKey("raw", rawPublicKey(publicKey), ED25519, false, ["verify"]);
  const ok = await crypto.subtle.verify(ED25519, key, own(signed.signature), signedBytes(bytes));
  if (!ok) throw envelopeError(`signature does not verify with key ${signed.keyId} (modified after signing?)`);
  return { sequence: signed.sequence, keyId: signed.keyId, pack: signed.pack };
}
