// The rules language's functions as the engine runs them, with the reference evaluator's
// semantics (bindings/rules/builtins.ts, json.ts): byte strings, ASCII case, Python-style
// substring indexes, Base64 and JSON lookups; missing arguments give a missing result (except
// concat, which skips them). Every function is linear in its input and never traps.

import {
  FN_LOWER, FN_UPPER, FN_LEN, FN_STARTS_WITH, FN_ENDS_WITH, FN_CONCAT, FN_SUBSTRING, FN_TO_STRING, FN_URL_DECODE,
  FN_ANY, FN_ALL, FN_CIDR, FN_CIDR6, FN_JOIN, FN_REMOVE_BYTES, FN_DECODE_BASE64, FN_LOOKUP_JSON_STRING, FN_LOOKUP_JSON_INTEGER,
} from "../bindings/format";
import {
  SLOT, T_MISSING, T_BOOL, T_INT, T_BYTES, T_IP, T_ARRAY, pop, pushSlot, setMissing, setBool, setInt, setBytes, setIp, setArray,
  copySlot, tagOf, auxOf, ptrOf, intOf, isTrue, arenaAlloc, peek,
} from "./values";

const MAX_ARGS: u32 = 16;
const args = memory.data(16 * 16);

export function bytesCompare(a: usize, an: u32, b: usize, bn: u32): i32 {
  const n = an < bn ? an : bn;
  for (let i: u32 = 0; i < n; i++) {
    const x = load<u8>(a + i), y = load<u8>(b + i);
    if (x != y) return x < y ? -1 : 1;
  }
  return an == bn ? 0 : an < bn ? -1 : 1;
}

/** Byte equality, lengths first: most unequal values (header names, set members) differ in length. */
export function bytesEqual(a: usize, an: u32, b: usize, bn: u32): bool {
  if (an != bn) return false;
  for (let i: u32 = 0; i < an; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

/** First index of `needle` in `hay`, or -1 (values are bounded by the field limit). */
export function indexOf(hay: usize, n: u32, needle: usize, m: u32): i32 {
  if (m == 0) return 0;
  if (m > n) return -1;
  const first = load<u8>(needle);
  for (let i: u32 = 0; i + m <= n; i++) {
    if (load<u8>(hay + i) != first) continue;
    let k: u32 = 1;
    while (k < m && load<u8>(hay + i + k) == load<u8>(needle + k)) k++;
    if (k == m) return <i32>i;
  }
  return -1;
}

function arg(i: u32): usize { return args + <usize>i * 16; }

function copyBytes(out: usize, p: usize, n: u32, mode: i32): void {
  const buf = arenaAlloc(n);
  if (buf == 0 && n > 0) { setMissing(out); return; }
  for (let i: u32 = 0; i < n; i++) {
    let c = <u32>load<u8>(p + i);
    if (mode == 1 && c - 0x41 < 26) c |= 0x20;
    if (mode == 2 && c - 0x61 < 26) c &= ~0x20;
    store<u8>(buf + i, <u8>c);
  }
  setBytes(out, buf, n);
}

function hexDigit(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  if (c - 0x41 < 6) return <i32>(c - 0x41 + 10);
  if (c - 0x61 < 6) return <i32>(c - 0x61 + 10);
  return -1;
}

/** One pass of %HH, + and (with `unicode`) %uHHHH decoding from `p` into a fresh arena buffer. */
function decodeOnce(out: usize, p: usize, n: u32, unicode: bool): bool {
  const buf = arenaAlloc(n * 3 + 1); // %uHHHH (6 bytes) becomes at most 3 UTF-8 bytes
  if (buf == 0) { setMissing(out); return false; }
  let w: u32 = 0, i: u32 = 0;
  while (i < n) {
    const b = <u32>load<u8>(p + i);
    if (b == 0x2b) { store<u8>(buf + w++, 0x20); i++; continue; }
    if (b != 0x25) { store<u8>(buf + w++, <u8>b); i++; continue; }
    if (unicode && i + 1 < n && (load<u8>(p + i + 1) | 0x20) == 0x75 && i + 5 < n) {
      let cp: i32 = 0, ok = true;
      for (let k: u32 = 2; k <= 5; k++) { const d = hexDigit(<u32>load<u8>(p + i + k)); if (d < 0) ok = false; cp = cp * 16 + d; }
      if (ok && !(cp >= 0xd800 && cp <= 0xdfff)) {
        if (cp < 0x80) store<u8>(buf + w++, <u8>cp);
        else if (cp < 0x800) { store<u8>(buf + w++, <u8>(0xc0 | (cp >> 6))); store<u8>(buf + w++, <u8>(0x80 | (cp & 0x3f))); }
        else { store<u8>(buf + w++, <u8>(0xe0 | (cp >> 12))); store<u8>(buf + w++, <u8>(0x80 | ((cp >> 6) & 0x3f))); store<u8>(buf + w++, <u8>(0x80 | (cp & 0x3f))); }
        i += 6;
        continue;
      }
    } else if (i + 2 < n) {
      const hi = hexDigit(<u32>load<u8>(p + i + 1)), lo = hexDigit(<u32>load<u8>(p + i + 2));
      if (hi >= 0 && lo >= 0) { store<u8>(buf + w++, <u8>(hi * 16 + lo)); i += 3; continue; }
    }
    store<u8>(buf + w++, <u8>b);
    i++;
  }
  setBytes(out, buf, w);
  return true;
}

function urlDecode(out: usize, value: usize, options: usize): void {
  let repeat = false, unicode = false;
  if (tagOf(options) == T_BYTES) {
    for (let i: u32 = 0; i < auxOf(options); i++) {
      const c = load<u8>(ptrOf(options) + i);
      if (c == 0x72) repeat = true;
      if (c == 0x75) unicode = true;
    }
  }
  if (!decodeOnce(out, ptrOf(value), auxOf(value), unicode) || !repeat) return;
  for (let pass = 0; pass < 10; pass++) {
    const before = ptrOf(out), n = auxOf(out);
    if (!decodeOnce(out, before, n, unicode)) return;
    if (auxOf(out) == n && bytesCompare(before, n, ptrOf(out), n) == 0) return;
  }
}

function writeDecimal(buf: usize, v: i64): u32 {
  let w: u32 = 0;
  let u: u64 = v < 0 ? <u64>(-v) : <u64>v;
  if (v < 0) store<u8>(buf + w++, 0x2d);
  const start = w;
  do { store<u8>(buf + w++, <u8>(0x30 + <u32>(u % 10))); u /= 10; } while (u > 0);
  for (let a = start, b = w - 1; a < b; a++, b--) { const t = load<u8>(buf + a); store<u8>(buf + a, load<u8>(buf + b)); store<u8>(buf + b, t); }
  return w;
}

/** IPv4 dotted, IPv6 per RFC 5952 (lower-case hex, the longest run of ≥ 2 zero groups as "::"). */
function formatIp(buf: usize, family: u32, p: usize): u32 {
  let w: u32 = 0;
  if (family == 4) {
    for (let i = 0; i < 4; i++) { if (i > 0) store<u8>(buf + w++, 0x2e); w += writeDecimal(buf + w, <i64>load<u8>(p + 12 + i)); }
    return w;
  }
  let bestAt: i32 = -1, bestLen: i32 = 0;
  for (let i = 0; i < 8;) {
    if (load<u16>(p + (i << 1)) != 0) { i++; continue; }
    let j = i;
    while (j < 8 && load<u16>(p + (j << 1)) == 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestAt = i; bestLen = j - i; }
    i = j;
  }
  for (let i = 0; i < 8; i++) {
    if (i == bestAt) { store<u8>(buf + w++, 0x3a); if (i == 0) store<u8>(buf + w++, 0x3a); i += bestLen - 1; if (i == 7) {} continue; }
    if (i > 0 && !(bestAt >= 0 && i == bestAt + bestLen)) store<u8>(buf + w++, 0x3a);
    else if (i > 0 && i == bestAt + bestLen) store<u8>(buf + w++, 0x3a);
    const g = (<u32>load<u8>(p + (i << 1)) << 8) | <u32>load<u8>(p + (i << 1) + 1);
    let started = false;
    for (let s = 12; s >= 0; s -= 4) {
      const d = (g >> <u32>s) & 0xf;
      if (d == 0 && !started && s > 0) continue;
      started = true;
      store<u8>(buf + w++, <u8>(d < 10 ? 0x30 + d : 0x57 + d));
    }
  }
  return w;
}

function maskIp(out: usize, value: usize, bits: i64): void {
  const family = auxOf(value);
  const width: i64 = family == 4 ? 32 : 128;
  if (bits < 0 || bits > width) { setMissing(out); return; }
  const buf = arenaAlloc(16);
  if (buf == 0) { setMissing(out); return; }
  memory.copy(buf, ptrOf(value), 16);
  const hostBits = <i32>(width - bits);
  for (let k = 0; k < hostBits; k++) {
    const bit = 127 - k;
    const byte = buf + <usize>(bit >> 3);
    store<u8>(byte, <u8>(<u32>load<u8>(byte) & ~(<u32>0x80 >> <u32>(bit & 7))));
  }
  setIp(out, family, buf);
}

/** Pops `argc` arguments, applies function `fn`, pushes the result. */
export function callFunction(fn: u32, argc: u32): void {
  if (argc == 0 || argc > MAX_ARGS) { pushSlot(); setMissing(peek(0)); return; }
  for (let i = <i32>argc - 1; i >= 0; i--) copySlot(arg(<u32>i), pop());
  const out = pushSlot();
  const a = arg(0), b = arg(1), c = arg(2);
  if (fn == FN_CONCAT) { concat(out, argc); return; }
  if (fn == FN_ANY || fn == FN_ALL) {
    if (tagOf(a) != T_ARRAY) { setMissing(out); return; }
    let any = false, all = true;
    for (let i: u32 = 0; i < auxOf(a); i++) { const t = isTrue(ptrOf(a) + <usize>i * SLOT); any = any || t; all = all && t; }
    setBool(out, fn == FN_ANY ? any : all);
    return;
  }
  for (let i: u32 = 0; i < argc; i++) if (tagOf(arg(i)) == T_MISSING) { setMissing(out); return; }
  switch (fn) {
    case FN_LOWER: copyBytes(out, ptrOf(a), auxOf(a), 1); return;
    case FN_UPPER: copyBytes(out, ptrOf(a), auxOf(a), 2); return;
    case FN_LEN: setInt(out, <i64>auxOf(a)); return;
    case FN_STARTS_WITH: setBool(out, auxOf(b) <= auxOf(a) && bytesCompare(ptrOf(a), auxOf(b), ptrOf(b), auxOf(b)) == 0); return;
    case FN_ENDS_WITH: setBool(out, auxOf(b) <= auxOf(a) && bytesCompare(ptrOf(a) + auxOf(a) - auxOf(b), auxOf(b), ptrOf(b), auxOf(b)) == 0); return;
    case FN_SUBSTRING: {
      const n = <i64>auxOf(a);
      let from = intOf(b), to = argc > 2 ? intOf(c) : n;
      from = from < 0 ? (n + from < 0 ? 0 : n + from) : (from > n ? n : from);
      to = to < 0 ? (n + to < 0 ? 0 : n + to) : (to > n ? n : to);
      setBytes(out, ptrOf(a) + <usize>from, to > from ? <u32>(to - from) : 0);
      return;
    }
    case FN_TO_STRING: {
      const buf = arenaAlloc(48);
      if (buf == 0) { setMissing(out); return; }
      let w: u32 = 0;
      if (tagOf(a) == T_INT) w = writeDecimal(buf, intOf(a));
      else if (tagOf(a) == T_BOOL) { const t = intOf(a) != 0 ? "true" : "false"; for (let k = 0; k < t.length; k++) store<u8>(buf + w++, <u8>t.charCodeAt(k)); }
      else if (tagOf(a) == T_IP) w = formatIp(buf, auxOf(a), ptrOf(a));
      else { setMissing(out); return; }
      setBytes(out, buf, w);
      return;
    }
    case FN_URL_DECODE: urlDecode(out, a, argc > 1 ? b : 0); return;
    case FN_CIDR: maskIp(out, a, auxOf(a) == 4 ? intOf(b) : intOf(c)); return;
    case FN_CIDR6: if (auxOf(a) == 4) copySlot(out, a); else maskIp(out, a, intOf(b)); return;
    case FN_REMOVE_BYTES: {
      const buf = arenaAlloc(auxOf(a));
      if (buf == 0 && auxOf(a) > 0) { setMissing(out); return; }
      let w: u32 = 0;
      for (let i: u32 = 0; i < auxOf(a); i++) {
        const x = load<u8>(ptrOf(a) + i);
        let drop = false;
        for (let k: u32 = 0; k < auxOf(b); k++) if (load<u8>(ptrOf(b) + k) == x) { drop = true; break; }
        if (!drop) store<u8>(buf + w++, x);
      }
      setBytes(out, buf, w);
      return;
    }
    case FN_JOIN: {
      if (tagOf(a) != T_ARRAY) { setMissing(out); return; }
      let total: u32 = 0;
      for (let i: u32 = 0; i < auxOf(a); i++) total += auxOf(ptrOf(a) + <usize>i * SLOT) + (i > 0 ? auxOf(b) : 0);
      const buf = arenaAlloc(total);
      if (buf == 0 && total > 0) { setMissing(out); return; }
      let w: u32 = 0;
      for (let i: u32 = 0; i < auxOf(a); i++) {
        if (i > 0) { memory.copy(buf + w, ptrOf(b), auxOf(b)); w += auxOf(b); }
        const item = ptrOf(a) + <usize>i * SLOT;
        memory.copy(buf + w, ptrOf(item), auxOf(item));
        w += auxOf(item);
      }
      setBytes(out, buf, w);
      return;
    }
    case FN_DECODE_BASE64: decodeBase64(out, ptrOf(a), auxOf(a)); return;
    case FN_LOOKUP_JSON_STRING: lookupJson(out, argc, false); return;
    case FN_LOOKUP_JSON_INTEGER: lookupJson(out, argc, true); return;
  }
  setMissing(out);
}

/** concat: byte strings into one, or arrays into one; missing arguments are skipped. */
function concat(out: usize, argc: u32): void {
  let first: i32 = -1;
  for (let i: u32 = 0; i < argc; i++) if (tagOf(arg(i)) != T_MISSING) { first = <i32>i; break; }
  if (first < 0) { setMissing(out); return; }
  const arrays = tagOf(arg(<u32>first)) == T_ARRAY;
  let total: u32 = 0;
  for (let i: u32 = 0; i < argc; i++) if (tagOf(arg(i)) != T_MISSING) total += auxOf(arg(i));
  const buf = arenaAlloc(arrays ? total * SLOT : total);
  if (buf == 0 && total > 0) { setMissing(out); return; }
  let w: u32 = 0;
  for (let i: u32 = 0; i < argc; i++) {
    const v = arg(i);
    if (tagOf(v) == T_MISSING) continue;
    if (arrays) { memory.copy(buf + <usize>w * SLOT, ptrOf(v), <usize>auxOf(v) * SLOT); w += auxOf(v); }
    else { memory.copy(buf + w, ptrOf(v), auxOf(v)); w += auxOf(v); }
  }
  if (arrays) setArray(out, w, buf); else setBytes(out, buf, w);
}

// ---- decode_base64 ----

function base64Value(c: u32): i32 {
  if (c - 0x41 < 26) return <i32>(c - 0x41);
  if (c - 0x61 < 26) return <i32>(c - 0x61 + 26);
  if (c - 0x30 < 10) return <i32>(c - 0x30 + 52);
  if (c == 0x2b) return 62;
  if (c == 0x2f) return 63;
  return -1;
}

/**
 * Standard alphabet; padding is either complete ("=" or "==" making a multiple of 4) or absent.
 * Leftover bits must be zero, so every valid text has exactly one decoding (as the reference).
 */
function decodeBase64(out: usize, p: usize, len: u32): void {
  let n = len;
  if ((n & 3) == 0 && n > 0 && load<u8>(p + n - 1) == 0x3d) {
    n--;
    if (load<u8>(p + n - 1) == 0x3d) n--;
  }
  const rem = n & 3;
  if (rem == 1) { setMissing(out); return; }
  // Validate before allocating, so hostile input costs no arena.
  for (let i: u32 = 0; i < n; i++) if (base64Value(<u32>load<u8>(p + i)) < 0) { setMissing(out); return; }
  if (rem > 0) {
    const last = base64Value(<u32>load<u8>(p + n - 1));
    if ((last & (rem == 2 ? 15 : 3)) != 0) { setMissing(out); return; }
  }
  const size = (n >> 2) * 3 + (rem > 0 ? rem - 1 : 0);
  const buf = arenaAlloc(size);
  if (buf == 0 && size > 0) { setMissing(out); return; }
  let acc: u32 = 0, bits: u32 = 0, w: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    acc = ((acc << 6) | <u32>base64Value(<u32>load<u8>(p + i))) & 0xffff;
    bits += 6;
    if (bits >= 8) { bits -= 8; store<u8>(buf + w++, <u8>(acc >> bits)); }
  }
  setBytes(out, buf, w);
}

// ---- UTF-8 as the reference's TextDecoder reads it ----

/**
 * At p+i: > 0, the length of a valid UTF-8 sequence; < 0, minus the number of bytes one U+FFFD
 * replaces (WHATWG's decoder: the lead byte and the continuation bytes that fitted).
 */
function utf8Sequence(p: usize, i: u32, n: u32): i32 {
  const b = <u32>load<u8>(p + i);
  if (b < 0x80) return 1;
  let need: u32 = 0, lo: u32 = 0x80, hi: u32 = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) need = 1;
  else if (b >= 0xe0 && b <= 0xef) { need = 2; if (b == 0xe0) lo = 0xa0; if (b == 0xed) hi = 0x9f; }
  else if (b >= 0xf0 && b <= 0xf4) { need = 3; if (b == 0xf0) lo = 0x90; if (b == 0xf4) hi = 0x8f; }
  else return -1;
  for (let k: u32 = 1; k <= need; k++) {
    if (i + k >= n) return -<i32>k;
    const c = <u32>load<u8>(p + i + k);
    if (c < lo || c > hi) return -<i32>k;
    lo = 0x80;
    hi = 0xbf;
  }
  return <i32>need + 1;
}

/** TextDecoder drops one leading BOM (EF BB BF) unless told to keep it; the reference does not tell it. */
@inline function bomLength(p: usize, n: u32): u32 {
  return n >= 3 && load<u8>(p) == 0xef && load<u8>(p + 1) == 0xbb && load<u8>(p + 2) == 0xbf ? 3 : 0;
}

/**
 * An object key of the path as the reference compares it: decoded by a non-fatal TextDecoder
 * (BOM dropped, each invalid sequence → U+FFFD), here re-encoded as UTF-8 into the slot.
 */
function normalizeKey(slot: usize): void {
  const p = ptrOf(slot), n = auxOf(slot);
  const bom = bomLength(p, n);
  let valid = true;
  for (let i = bom; i < n;) {
    const s = utf8Sequence(p, i, n);
    if (s < 0) { valid = false; break; }
    i += <u32>s;
  }
  if (valid) { setBytes(slot, p + bom, n - bom); return; }
  const buf = arenaAlloc(n * 3);
  if (buf == 0) { setMissing(slot); return; }
  let w: u32 = 0;
  for (let i = bom; i < n;) {
    const s = utf8Sequence(p, i, n);
    if (s > 0) { memory.copy(buf + w, p + i, <usize>s); w += <u32>s; i += <u32>s; continue; }
    store<u8>(buf + w, 0xef); store<u8>(buf + w + 1, 0xbf); store<u8>(buf + w + 2, 0xbd);
    w += 3;
    i += <u32>(-s);
  }
  setBytes(slot, buf, w);
}

// ---- lookup_json_string / lookup_json_integer (bindings/rules/json.ts) ----
// One recursive-descent pass over the document, reading every value (a document is only valid
// as a whole) and following the path on the way; the leaf is decoded once at the end. The
// reader's state is global: the engine runs one call at a time.

const JSON_MAX_DEPTH: u32 = 128;
/** The reference matches numbers with a regex over at most 400 characters; longer tokens fail it. */
const JSON_MAX_NUMBER: u32 = 400;
const MAX_SAFE_INTEGER: i64 = 9007199254740991;
const SKIP: i32 = -1;
const LEAF_NONE: u32 = 0, LEAF_STRING: u32 = 1, LEAF_INT: u32 = 2;

let doc: usize = 0;
let docLength: u32 = 0;
let at: u32 = 0;
let pathLength: i32 = 0;
let leafKind: u32 = LEAF_NONE;
let leafStart: u32 = 0;
let leafEnd: u32 = 0;
let leafEscaped = false;
let leafInt: i64 = 0;

// Where scanned string contents go: nowhere (0), compared with a key (1), written out (2).
let sinkMode: u32 = 0;
let sinkPtr: usize = 0;
let sinkLength: u32 = 0;
let sinkAt: u32 = 0;
let sinkSame = true;
let sawEscape = false;

function sinkByte(b: u32): void {
  if (sinkMode == 1) {
    if (sinkSame && sinkAt < sinkLength && <u32>load<u8>(sinkPtr + sinkAt) == b) sinkAt++;
    else sinkSame = false;
  } else if (sinkMode == 2) {
    store<u8>(sinkPtr + sinkAt++, <u8>b);
  }
}

/** A code point from an escape, as UTF-8; a lone surrogate never equals a key (the path's text has none) and is written as U+FFFD (TextEncoder). */
function sinkCodePoint(cp: u32): void {
  if (cp - 0xd800 < 0x800) {
    if (sinkMode == 1) { sinkSame = false; return; }
    cp = 0xfffd;
  }
  if (cp < 0x80) sinkByte(cp);
  else if (cp < 0x800) { sinkByte(0xc0 | (cp >> 6)); sinkByte(0x80 | (cp & 0x3f)); }
  else if (cp < 0x10000) { sinkByte(0xe0 | (cp >> 12)); sinkByte(0x80 | ((cp >> 6) & 0x3f)); sinkByte(0x80 | (cp & 0x3f)); }
  else { sinkByte(0xf0 | (cp >> 18)); sinkByte(0x80 | ((cp >> 12) & 0x3f)); sinkByte(0x80 | ((cp >> 6) & 0x3f)); sinkByte(0x80 | (cp & 0x3f)); }
}

@inline function docByte(i: u32): u32 { return <u32>load<u8>(doc + i); }

/** The four hex digits at `i` as a UTF-16 unit, or -1. */
function hex4(i: u32): i32 {
  if (i + 4 > docLength) return -1;
  let v: i32 = 0;
  for (let k: u32 = 0; k < 4; k++) {
    const d = hexDigit(docByte(i + k));
    if (d < 0) return -1;
    v = (v << 4) | d;
  }
  return v;
}

/** The string token at `at` (on its quote) with JSON.parse's rules; its contents go to the sink. */
function scanString(): bool {
  at++;
  sawEscape = false;
  while (true) {
    if (at >= docLength) return false;
    const c = docByte(at);
    if (c == 0x22) { at++; return true; }
    if (c < 0x20) return false;
    if (c != 0x5c) { sinkByte(c); at++; continue; }
    sawEscape = true;
    if (at + 1 >= docLength) return false;
    const e = docByte(at + 1);
    let unit: i32 = -1;
    if (e == 0x22 || e == 0x5c || e == 0x2f) unit = <i32>e;
    else if (e == 0x62) unit = 0x08;
    else if (e == 0x66) unit = 0x0c;
    else if (e == 0x6e) unit = 0x0a;
    else if (e == 0x72) unit = 0x0d;
    else if (e == 0x74) unit = 0x09;
    else if (e == 0x75) {
      unit = hex4(at + 2);
      if (unit < 0) return false;
      at += 4;
    } else return false;
    at += 2;
    // A high surrogate pairs only with a low one escaped right after it (raw text has no surrogates).
    if (unit >= 0xd800 && unit < 0xdc00 && at + 1 < docLength && docByte(at) == 0x5c && docByte(at + 1) == 0x75) {
      const low = hex4(at + 2);
      if (low >= 0xdc00 && low < 0xe000) {
        sinkCodePoint(0x10000 + ((<u32>(unit - 0xd800)) << 10) + <u32>(low - 0xdc00));
        at += 6;
        continue;
      }
    }
    sinkCodePoint(<u32>unit);
  }
  return false;
}

function skipSpace(): void {
  while (at < docLength) {
    const c = docByte(at);
    if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) return;
    at++;
  }
}

@inline function isDigit(i: u32): bool { return i < docLength && docByte(i) - 0x30 < 10; }

/** A number token: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`, any other tail being an error wherever it stands. */
function scanNumber(index: i32): bool {
  const start = at;
  const negative = docByte(at) == 0x2d;
  if (negative) at++;
  if (!isDigit(at)) return false;
  let value: i64 = 0;
  let big = false;
  if (docByte(at) == 0x30) at++;
  else {
    while (isDigit(at)) {
      if (!big) { value = value * 10 + <i64>(docByte(at) - 0x30); big = value > MAX_SAFE_INTEGER; }
      at++;
    }
  }
  let integer = true;
  if (at < docLength && docByte(at) == 0x2e) {
    if (!isDigit(at + 1)) return false;
    at++;
    while (isDigit(at)) at++;
    integer = false;
  }
  if (at < docLength && (docByte(at) | 0x20) == 0x65) {
    let k = at + 1;
    if (k < docLength && (docByte(k) == 0x2b || docByte(k) == 0x2d)) k++;
    if (!isDigit(k)) return false;
    at = k;
    while (isDigit(at)) at++;
    integer = false;
  }
  if (at - start > JSON_MAX_NUMBER) return false;
  if (index >= 0) {
    if (index == pathLength && integer && !big) { leafKind = LEAF_INT; leafInt = negative ? -value : value; }
    else leafKind = LEAF_NONE;
  }
  return true;
}

function scanWord(word: string): bool {
  const n = <u32>word.length;
  if (at + n > docLength) return false;
  for (let k: u32 = 0; k < n; k++) if (docByte(at + k) != <u32>word.charCodeAt(<i32>k)) return false;
  at += n;
  return true;
}

/**
 * Reads the value at `at`. With `index` ≥ 0 the value is on the path (path[index…] still to
 * follow) and sets the leaf: the last member matching path[index] decides, as in the reference.
 */
function scanValue(index: i32, depth: u32): bool {
  if (at >= docLength) return false;
  const c = docByte(at);
  if (c == 0x7b || c == 0x5b) {
    if (depth + 1 > JSON_MAX_DEPTH) return false;
    const object = c == 0x7b;
    const close: u32 = object ? 0x7d : 0x5d;
    let key: usize = 0;
    if (index >= 0) {
      leafKind = LEAF_NONE;
      if (index < pathLength) {
        const k = arg(<u32>index + 1);
        if (tagOf(k) == (object ? T_BYTES : T_INT)) key = k;
      }
    }
    at++;
    skipSpace();
    if (at < docLength && docByte(at) == close) { at++; return true; }
    for (let i: i64 = 0; ; i++) {
      skipSpace();
      let matched = false;
      if (object) {
        if (at >= docLength || docByte(at) != 0x22) return false;
        if (key != 0) { sinkMode = 1; sinkPtr = ptrOf(key); sinkLength = auxOf(key); sinkAt = 0; sinkSame = true; }
        else sinkMode = 0;
        const ok = scanString();
        matched = key != 0 && sinkSame && sinkAt == sinkLength;
        sinkMode = 0;
        if (!ok) return false;
        skipSpace();
        if (at >= docLength || docByte(at) != 0x3a) return false;
        at++;
        skipSpace();
      } else {
        matched = key != 0 && intOf(key) == i;
      }
      if (!scanValue(matched ? index + 1 : SKIP, depth + 1)) return false;
      skipSpace();
      if (at >= docLength) return false;
      const d = docByte(at);
      at++;
      if (d == 0x2c) continue;
      return d == close;
    }
  }
  if (c == 0x22) {
    const start = at;
    sinkMode = 0;
    if (!scanString()) return false;
    if (index >= 0) {
      if (index == pathLength) { leafKind = LEAF_STRING; leafStart = start; leafEnd = at; leafEscaped = sawEscape; }
      else leafKind = LEAF_NONE;
    }
    return true;
  }
  if (c == 0x2d || c - 0x30 < 10) return scanNumber(index);
  if (scanWord("true") || scanWord("false") || scanWord("null")) {
    if (index >= 0) leafKind = LEAF_NONE;
    return true;
  }
  return false;
}

/** lookup_json_*(document, key…): the arguments are in args[0 … argc-1], none missing. */
function lookupJson(out: usize, argc: u32, integer: bool): void {
  const document = arg(0);
  if (tagOf(document) != T_BYTES) { setMissing(out); return; }
  for (let i: u32 = 1; i < argc; i++) {
    if (tagOf(arg(i)) == T_BYTES) {
      normalizeKey(arg(i));
      if (tagOf(arg(i)) == T_MISSING) { setMissing(out); return; }
    }
  }
  // The reference decodes the document with a fatal TextDecoder: invalid UTF-8 anywhere fails it.
  const p = ptrOf(document), n = auxOf(document);
  const bom = bomLength(p, n);
  for (let i = bom; i < n;) {
    const s = utf8Sequence(p, i, n);
    if (s < 0) { setMissing(out); return; }
    i += <u32>s;
  }
  doc = p + bom;
  docLength = n - bom;
  at = 0;
  pathLength = <i32>argc - 1;
  leafKind = LEAF_NONE;
  sinkMode = 0;
  skipSpace();
  const ok = scanValue(0, 0);
  skipSpace();
  if (!ok || at != docLength) { setMissing(out); return; }
  if (integer) {
    if (leafKind == LEAF_INT) setInt(out, leafInt); else setMissing(out);
    return;
  }
  if (leafKind != LEAF_STRING) { setMissing(out); return; }
  const inner = leafEnd - leafStart - 2;
  if (!leafEscaped) { setBytes(out, doc + leafStart + 1, inner); return; }
  // Escapes only shrink: \uXXXX (6 bytes) is at most 3 bytes of UTF-8, a pair (12) is 4.
  const buf = arenaAlloc(inner);
  if (buf == 0 && inner > 0) { setMissing(out); return; }
  sinkMode = 2; sinkPtr = buf; sinkAt = 0;
  at = leafStart;
  scanString();
  sinkMode = 0;
  setBytes(out, buf, sinkAt);
}
