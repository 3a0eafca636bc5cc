// decode_base64 and lookup_json_* as the engine runs them, byte for byte the reference
// evaluator's (bindings/rules/builtins.ts, json.ts): Base64 with the standard alphabet, and a
// JSON reader that validates the whole document while it follows the path. Linear, never traps.

import { SLOT, T_MISSING, T_BYTES, T_INT, setMissing, setInt, setBytes, tagOf, auxOf, ptrOf, intOf, arenaAlloc } from "./values";
import { hexDigit } from "./functions";

/** The current call's argument slots (lookupJson's `args`). */
let argsBase: usize = 0;
@inline function arg(i: u32): usize { return argsBase + <usize>i * SLOT; }

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
export function decodeBase64(out: usize, p: usize, len: u32): void {
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

/** lookup_json_*(document, key…): the arguments are the `argc` slots at `args`, none missing. */
export function lookupJson(out: usize, args: usize, argc: u32, integer: bool): void {
  argsBase = args;
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
