// The rules language's functions as the engine runs them, with the reference evaluator's
// semantics (bindings/rules/builtins.ts): byte strings, ASCII case, Python-style substring
// indexes, URL decoding, IP networks; Base64 and JSON are in decoders.ts. Missing arguments give
// a missing result (except concat, which skips them). Every function is linear and never traps.

import {
  FN_LOWER, FN_UPPER, FN_LEN, FN_STARTS_WITH, FN_ENDS_WITH, FN_CONCAT, FN_SUBSTRING, FN_TO_STRING, FN_URL_DECODE,
  FN_ANY, FN_ALL, FN_CIDR, FN_CIDR6, FN_JOIN, FN_REMOVE_BYTES, FN_DECODE_BASE64, FN_LOOKUP_JSON_STRING, FN_LOOKUP_JSON_INTEGER, MAX_CALL_ARGS,
} from "../bindings/format";
import {
  SLOT, T_MISSING, T_BOOL, T_INT, T_BYTES, T_IP, T_ARRAY, pop, pushSlot, setMissing, setBool, setInt, setBytes, setIp, setArray,
  copySlot, tagOf, auxOf, ptrOf, intOf, isTrue, arenaAlloc, peek,
} from "./values";
import { decodeBase64, lookupJson } from "./decoders";
import { sameBytes } from "./bytes";

const MAX_ARGS: u32 = MAX_CALL_ARGS;
const args = memory.data(MAX_CALL_ARGS * 16);

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

export function hexDigit(c: u32): i32 {
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
    if (auxOf(out) == n && sameBytes(before, ptrOf(out), n)) return;
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
/** len(), the commonest call, in place on its argument: a string's bytes or an array's elements; missing stays missing. */
@inline export function lengthInPlace(v: usize): void {
  const tag = tagOf(v);
  if (tag == T_BYTES || tag == T_ARRAY) setInt(v, <i64>auxOf(v)); else setMissing(v);
}

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
    case FN_STARTS_WITH: setBool(out, auxOf(b) <= auxOf(a) && sameBytes(ptrOf(a), ptrOf(b), auxOf(b))); return;
    case FN_ENDS_WITH: setBool(out, auxOf(b) <= auxOf(a) && sameBytes(ptrOf(a) + auxOf(a) - auxOf(b), ptrOf(b), auxOf(b))); return;
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
    case FN_LOOKUP_JSON_STRING: lookupJson(out, args, argc, false); return;
    case FN_LOOKUP_JSON_INTEGER: lookupJson(out, args, argc, true); return;
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
