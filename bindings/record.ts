// Writes normalized requests into the engine's input region as request records
// (layout in bindings/format.ts): UTF-8 straight into Wasm memory with encodeInto, no copies.

import * as F from "./format.js";
import type { NormalizedRequest } from "./request.js";

const encoder = new TextEncoder();

const SHORT = 64;

/**
 * Writes `s` as UTF-8 at `at`, at most `max` bytes; returns the byte count, or −(count + 1) when
 * `s` was cut short. Short ASCII text is copied directly: for method, address, host and the like
 * that is cheaper than a view for encodeInto.
 */
export function writeText(u8: Uint8Array, at: number, s: string, max: number): number {
  if (s.length <= SHORT && s.length <= max) {
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      u8[at + i] = c;
    }
    if (i === s.length) return i;
  }
  const r = encoder.encodeInto(s, u8.subarray(at, at + max));
  return r.read < s.length ? -r.written - 1 : r.written;
}

/** Upper bound of a record's size, for reserving the input region before writing. */
export function recordBound(req: NormalizedRequest, maxField: number): number {
  const text = (s: string) => Math.min(s.length * 3, maxField);
  let n = F.RECORD_HEADER_SIZE + text(req.userAgent) + text(req.method) + text(req.url) + text(req.host) + text(req.httpVersion)
    + text(req.ip) + text(req.country) + text(req.ja3) + text(req.ja4) + 8;
  if (req.headers) {
    let h = 0;
    for (const [k, v] of req.headers) h += 4 + Math.min(k.length * 3, 0xffff) + Math.min(v.length * 3, 0xffff);
    n += Math.min(h, maxField * 4);
  }
  return (n + 3) & ~3;
}

/**
 * Writes `req` at byte offset `at` of `u8` (a view of the input region) and returns the
 * record's size, 4-aligned. Each text field is cut at `maxField` bytes (flagged truncated);
 * the header block at 4 × maxField, dropping whole headers past it.
 */
export function writeRecord(u8: Uint8Array, dv: DataView, at: number, req: NormalizedRequest, maxField: number): number {
  let cursor = at + F.RECORD_HEADER_SIZE;
  let flags = 0;
  const put = (id: number, s: string) => {
    if (s === "") { dv.setUint32(at + id * 8, 0, true); dv.setUint32(at + id * 8 + 4, 0, true); return; }
    const written = writeText(u8, cursor, s, maxField);
    if (written < 0) flags |= F.RECORD_FLAG_TRUNCATED;
    const n = written < 0 ? -written - 1 : written;
    dv.setUint32(at + id * 8, cursor - at, true);
    dv.setUint32(at + id * 8 + 4, n, true);
    cursor += n;
  };
  put(F.FIELD_USER_AGENT, req.userAgent);
  put(F.FIELD_METHOD, req.method);
  put(F.FIELD_URL, req.url);
  put(F.FIELD_HOST, req.host);
  put(F.FIELD_HTTP_VERSION, req.httpVersion);
  put(F.FIELD_IP, req.ip);
  put(F.FIELD_COUNTRY, req.country);
  put(F.FIELD_JA3, req.ja3);
  put(F.FIELD_JA4, req.ja4);
  dv.setUint32(at + F.FIELD_HEADERS * 8, 0, true);
  dv.setUint32(at + F.FIELD_HEADERS * 8 + 4, 0, true);
  if (req.headers) {
    flags |= F.RECORD_FLAG_HEADERS_COMPLETE | (req.headersOrdered ? F.RECORD_FLAG_HEADERS_ORDERED : 0);
    const start = cursor, limit = start + maxField * 4;
    for (const [name, value] of req.headers) {
      if (cursor + 4 >= limit) { flags |= F.RECORD_FLAG_TRUNCATED; break; }
      const n = writeText(u8, cursor + 4, name, Math.min(limit - cursor - 4, 0xffff));
      if (n < 0) { flags |= F.RECORD_FLAG_TRUNCATED; break; }
      const v = writeText(u8, cursor + 4 + n, value, Math.max(0, Math.min(limit - cursor - 4 - n, 0xffff)));
      const vn = v < 0 ? -v - 1 : v;
      if (v < 0) flags |= F.RECORD_FLAG_TRUNCATED;
      dv.setUint16(cursor, n, true);
      dv.setUint16(cursor + 2, vn, true);
      cursor += 4 + n + vn;
    }
    dv.setUint32(at + F.FIELD_HEADERS * 8, start - at, true);
    dv.setUint32(at + F.FIELD_HEADERS * 8 + 4, cursor - start, true);
  }
  dv.setUint32(at + F.RECORD_ASN, req.asn ?? 0, true);
  if (req.asn !== undefined) flags |= F.RECORD_FLAG_ASN_KNOWN;
  if (req.tls) flags |= F.RECORD_FLAG_TLS;
  dv.setUint32(at + F.RECORD_FLAGS, flags, true);
  return ((cursor - at) + 3) & ~3;
}
