// botsift's header fingerprint (our own format; not JA4H): who a client is by the shape of its
// request. `{method:2}{version:2}-{keys:2 hex}-{count:2}-{order:1}{hash:11 hex}`, e.g.
// `ge11-8f-12-o3a5c0e19b7d2`:
//   method   first two letters of the method, lower-cased ("ge", "po", "he"; "xx" unknown)
//   version  10, 11, 20, 30 for HTTP/1.0, 1.1, 2, 3; 00 unknown
//   keys     bitmask of key headers present: 01 accept, 02 accept-language, 04 accept-encoding,
//            08 cookie, 10 referer, 20 sec-fetch-*, 40 sec-ch-ua*, 80 upgrade-insecure-requests
//   count    number of headers, capped at 99
//   order    "o" when the names were hashed in wire order, "s" when the caller's headers
//            were already sorted (Fetch Headers objects are), so order is unknown
//   hash     FNV-1a 64 of the lower-cased header names joined by ",", top 44 bits in hex
// Headers also yield `keyHeaders`, the bitmask, for the heuristics.

export const KEY_ACCEPT: u32 = 0x01;
export const KEY_ACCEPT_LANGUAGE: u32 = 0x02;
export const KEY_ACCEPT_ENCODING: u32 = 0x04;
export const KEY_COOKIE: u32 = 0x08;
export const KEY_REFERER: u32 = 0x10;
export const KEY_SEC_FETCH: u32 = 0x20;
export const KEY_SEC_CH_UA: u32 = 0x40;
export const KEY_UPGRADE_INSECURE: u32 = 0x80;

export let keyHeaders: u32 = 0;
export let headerCount: u32 = 0;

const HEX = memory.data<u8>([0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66]);

@inline function hex(out: usize, value: u64, digits: i32): void {
  for (let d = digits - 1; d >= 0; d--) {
    store<u8>(out + <usize>(digits - 1 - d), load<u8>(HEX + <usize>((value >> (<u64>d * 4)) & 0xf)));
  }
}

function startsWith(p: usize, len: u32, lit: string): bool {
  const n = <u32>lit.length;
  if (len < n) return false;
  for (let i: u32 = 0; i < n; i++) if (<u32>load<u8>(p + i) != <u32>lit.charCodeAt(i)) return false;
  return true;
}

function equals(p: usize, len: u32, lit: string): bool {
  return len == <u32>lit.length && startsWith(p, len, lit);
}

function keyOf(name: usize, len: u32): u32 {
  if (equals(name, len, "accept")) return KEY_ACCEPT;
  if (equals(name, len, "accept-language")) return KEY_ACCEPT_LANGUAGE;
  if (equals(name, len, "accept-encoding")) return KEY_ACCEPT_ENCODING;
  if (equals(name, len, "cookie")) return KEY_COOKIE;
  if (equals(name, len, "referer")) return KEY_REFERER;
  if (startsWith(name, len, "sec-fetch-")) return KEY_SEC_FETCH;
  if (startsWith(name, len, "sec-ch-ua")) return KEY_SEC_CH_UA;
  if (equals(name, len, "upgrade-insecure-requests")) return KEY_UPGRADE_INSECURE;
  return 0;
}

function versionCode(p: usize, len: u32): u32 {
  // "HTTP/1.1", "1.1", "HTTP/2", "h2", ...: the first digit and the digit after a dot.
  let major: i32 = -1, minor: i32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const c = <u32>load<u8>(p + i);
    if (c - 0x30 < 10) {
      if (major < 0) major = <i32>(c - 0x30);
      else { minor = <i32>(c - 0x30); break; }
    }
  }
  if (major == 1 && minor == 0) return 10;
  if (major == 1 && minor == 1) return 11;
  if (major == 2) return 20;
  if (major == 3) return 30;
  return 0;
}

/**
 * Walks the header blob (validating every length against `len`), sets keyHeaders and
 * headerCount, and writes the fingerprint at `out` (FINGERPRINT_SIZE bytes, NUL-padded).
 * Returns false on a malformed blob.
 */
export function fingerprint(headers: usize, len: u32, method: usize, methodLen: u32, version: usize, versionLen: u32, ordered: bool, out: usize): bool {
  let at: u32 = 0, count: u32 = 0, keys: u32 = 0;
  let hash: u64 = 0xcbf29ce484222325;
  while (at + 4 <= len) {
    const nameLen = <u32>load<u16>(headers + at);
    const valueLen = <u32>load<u16>(headers + at + 2);
    if (<u64>at + 4 + <u64>nameLen + <u64>valueLen > <u64>len) return false;
    const name = headers + at + 4;
    keys |= keyOf(name, nameLen);
    if (count > 0) hash = (hash ^ 0x2c) * 0x100000001b3;
    for (let i: u32 = 0; i < nameLen; i++) hash = (hash ^ <u64>load<u8>(name + i)) * 0x100000001b3;
    count++;
    at += 4 + nameLen + valueLen;
  }
  if (at != len) return false;
  keyHeaders = keys;
  headerCount = count;
  const m0 = methodLen > 0 ? <u32>load<u8>(method) | 0x20 : 0x78;
  const m1 = methodLen > 1 ? <u32>load<u8>(method + 1) | 0x20 : 0x78;
  store<u8>(out, <u8>m0);
  store<u8>(out + 1, <u8>m1);
  const v = versionCode(version, versionLen);
  store<u8>(out + 2, <u8>(0x30 + v / 10));
  store<u8>(out + 3, <u8>(0x30 + v % 10));
  store<u8>(out + 4, 0x2d);
  hex(out + 5, <u64>keys, 2);
  store<u8>(out + 7, 0x2d);
  const shown = count > 99 ? 99 : count;
  store<u8>(out + 8, <u8>(0x30 + shown / 10));
  store<u8>(out + 9, <u8>(0x30 + shown % 10));
  store<u8>(out + 10, 0x2d);
  store<u8>(out + 11, ordered ? 0x6f : 0x73);
  hex(out + 12, hash >> 20, 11);
  return true;
}
