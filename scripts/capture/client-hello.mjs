// Reads a TLS ClientHello into the fields of a JA3 string (GREASE values dropped), its JA3 with the
// extensions sorted, and a few readable lists (ciphers, groups, ALPN, versions) for the fixture's `tls`.
import { createHash } from "node:crypto";

const isGrease = (v) => (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);

/** hs: the handshake message (type 1) without the 4-byte handshake header. */
export function parseClientHello(hs) {
  let p = 0;
  const u8 = () => hs[p++];
  const u16 = () => { const v = hs.readUInt16BE(p); p += 2; return v; };
  const legacyVersion = u16();
  p += 32; // random
  const sidLen = u8();
  p += sidLen; // session id
  const ciphers = [];
  const cipherLen = u16();
  for (const end = cipherLen + p; p < end;) ciphers.push(u16());
  const compLen = u8();
  p += compLen; // compression methods
  const extensions = [], groups = [], pointFormats = [], alpn = [], supportedVersions = [], sigAlgs = [];
  let sni = null;
  if (p < hs.length) {
    const extLen = u16();
    for (const end = extLen + p; p + 4 <= end;) {
      const type = u16(), len = u16(), body = hs.subarray(p, p + len);
      p += len;
      extensions.push(type);
      if (type === 0 && len > 5) sni = body.subarray(5, 5 + body.readUInt16BE(3)).toString("latin1");
      if (type === 10) for (let i = 2; i < 2 + body.readUInt16BE(0); i += 2) groups.push(body.readUInt16BE(i));
      if (type === 11) for (let i = 1; i < 1 + body[0]; i++) pointFormats.push(body[i]);
      if (type === 13) for (let i = 2; i < 2 + body.readUInt16BE(0); i += 2) sigAlgs.push(body.readUInt16BE(i));
      if (type === 16) for (let i = 2; i < body.length;) { const l = body[i]; alpn.push(body.subarray(i + 1, i + 1 + l).toString("latin1")); i += 1 + l; }
      if (type === 43) for (let i = 1; i < 1 + body[0]; i += 2) supportedVersions.push(body.readUInt16BE(i));
    }
  }
  const ng = (a) => a.filter((v) => !isGrease(v));
  const ja3 = [legacyVersion, ng(ciphers).join("-"), ng(extensions).join("-"), ng(groups).join("-"), pointFormats.join("-")].join(",");
  const sortedExts = ng(extensions).slice().sort((a, b) => a - b);
  const ja3Sorted = [legacyVersion, ng(ciphers).join("-"), sortedExts.join("-"), ng(groups).join("-"), pointFormats.join("-")].join(",");
  const hex = (v) => `0x${v.toString(16).padStart(4, "0")}`;
  return {
    ja3, ja3Hash: createHash("md5").update(ja3).digest("hex"),
    // Chromium permutes its extension order per connection; with the extensions sorted the string is stable.
    ja3SortedExtensions: ja3Sorted, ja3SortedExtensionsHash: createHash("md5").update(ja3Sorted).digest("hex"),
    sni, alpn, supportedVersions: ng(supportedVersions).map(hex), greased: extensions.some(isGrease) || ciphers.some(isGrease),
    ciphers: ng(ciphers).map(hex), extensions: ng(extensions), groups: ng(groups).map(hex), signatureAlgorithms: ng(sigAlgs).map(hex),
  };
}
