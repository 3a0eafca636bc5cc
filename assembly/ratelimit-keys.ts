// Rate-limit keys: a seeded 64-bit hash over a rule's characteristics' values, read from the
// current request (assembly/fields.ts): addresses, ASN, country, JA3/JA4, host, path, every value
// of a named header, the first value of a named cookie or query argument (raw, not decoded).
// Values the host supplies (address, ASN, country, JA3/JA4) that are missing make the rule not
// apply; values the client controls count as empty when absent, so omitting them buys nothing.

import { T_BYTES, T_INT, T_IP, tagOf, auxOf, ptrOf, intOf } from "./values";
import { request, loadField } from "./fields";
import {
  RATE_LIMIT_CHARACTERISTIC_SIZE, CH_IP_SRC, CH_ASNUM, CH_COUNTRY, CH_HOST, CH_PATH, CH_JA3, CH_JA4, CH_HEADER, CH_COOKIE,
  CH_QUERY_ARG, FIELD_HEADERS, FIELD_URL, RECORD_FLAG_HEADERS_COMPLETE, RF_IP_SRC, RF_ASNUM, RF_COUNTRY, RF_HOST, RF_URI_PATH,
  RF_JA3, RF_JA4,
} from "../bindings/format";

const scratch = memory.data(16); // one value slot (assembly/values.ts)
const P1: u64 = 0x9e3779b185ebca87;
const P2: u64 = 0xc2b2ae3d27d4eb4f;
const P4: u64 = 0x85ebca77c2b2ae63;
let h: u64 = 0;

@inline function absorb(k: u64): void {
  h = rotl<u64>(h ^ (rotl<u64>(k * P2, 31) * P1), 27) * P1 + P4;
}

function absorbBytes(p: usize, n: u32): void {
  absorb(<u64>n);
  let i: u32 = 0;
  while (i + 8 <= n) { absorb(load<u64>(p + i)); i += 8; }
  if (i < n) {
    let tail: u64 = 0, shift: u64 = 0;
    while (i < n) { tail |= <u64>load<u8>(p + i) << shift; shift += 8; i++; }
    absorb(tail);
  }
}

function finish(x: u64): u64 {
  x ^= x >> 33; x *= 0xff51afd7ed558ccd; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53; x ^= x >> 33;
  return x == 0 ? 1 : x;
}

/** A field's value; false when it is missing and `required` (the host supplies it, so the rule cannot apply). */
function absorbField(f: u32, required: bool): bool {
  loadField(scratch, f);
  const t = tagOf(scratch);
  if (t == T_BYTES) absorbBytes(ptrOf(scratch), auxOf(scratch));
  else if (t == T_INT) absorb(<u64>intOf(scratch));
  else if (t == T_IP) { absorb(<u64>auxOf(scratch)); absorbBytes(ptrOf(scratch), 16); }
  else { if (required) return false; absorbBytes(0, 0); }
  return true;
}

function same(a: usize, b: usize, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

@inline function isSpace(c: u32): bool { return c == 0x20 || c == 0x09; }

/** One cookie's value from `value` ("a=1; b=2"), absorbed with a found flag; true when found. */
function absorbCookieIn(p: usize, n: u32, name: usize, nameLen: u32): bool {
  let i: u32 = 0;
  while (i < n) {
    while (i < n && (isSpace(<u32>load<u8>(p + i)) || load<u8>(p + i) == 0x3b)) i++;
    const ks = i;
    while (i < n && load<u8>(p + i) != 0x3d && load<u8>(p + i) != 0x3b) i++;
    let ke = i;
    while (ke > ks && isSpace(<u32>load<u8>(p + ke - 1))) ke--;
    if (i >= n || load<u8>(p + i) != 0x3d) continue;
    i++;
    while (i < n && isSpace(<u32>load<u8>(p + i))) i++;
    const vs = i;
    while (i < n && load<u8>(p + i) != 0x3b) i++;
    let ve = i;
    while (ve > vs && isSpace(<u32>load<u8>(p + ve - 1))) ve--;
    if (ke - ks == nameLen && same(p + ks, name, nameLen)) { absorb(1); absorbBytes(p + vs, ve - vs); return true; }
  }
  return false;
}

/** Every value of header `name` (lower case), or the first value of cookie `name` (kind CH_COOKIE). */
function absorbHeader(name: usize, nameLen: u32, cookie: bool): void {
  const base = <usize>request.fieldPtr[FIELD_HEADERS], total = request.fieldLen[FIELD_HEADERS];
  let at: u32 = 0, found: u64 = 0;
  while (at + 4 <= total) {
    const n = <u32>load<u16>(base + at), v = <u32>load<u16>(base + at + 2);
    if (<u64>at + 4 + <u64>n + <u64>v > <u64>total) break;
    const value = base + at + 4 + n;
    if (cookie) {
      if (n == 6 && isCookie(base + at + 4) && absorbCookieIn(value, v, name, nameLen)) return;
    } else if (n == nameLen && same(base + at + 4, name, n)) { absorbBytes(value, v); found++; }
    at += 4 + n + v;
  }
  absorb(found);
}

function isCookie(p: usize): bool {
  return load<u8>(p) == 0x63 && load<u8>(p + 1) == 0x6f && load<u8>(p + 2) == 0x6f && load<u8>(p + 3) == 0x6b && load<u8>(p + 4) == 0x69 && load<u8>(p + 5) == 0x65;
}

/** The raw value of the first query argument `name` (not URL-decoded). */
function absorbArg(name: usize, nameLen: u32): void {
  const p = <usize>request.fieldPtr[FIELD_URL], n = request.fieldLen[FIELD_URL];
  let i: u32 = 0;
  while (i < n && load<u8>(p + i) != 0x3f) i++;
  i++;
  while (i < n) {
    const ks = i;
    while (i < n && load<u8>(p + i) != 0x3d && load<u8>(p + i) != 0x26) i++;
    const ke = i;
    let vs = i, ve = i;
    if (i < n && load<u8>(p + i) == 0x3d) { i++; vs = i; while (i < n && load<u8>(p + i) != 0x26) i++; ve = i; }
    if (ke - ks == nameLen && same(p + ks, name, nameLen)) { absorb(1); absorbBytes(p + vs, ve - vs); return; }
    i++;
  }
  absorb(0);
}

/**
 * The counter key of limit `i` (its entry at `limit`) for this request, or 0 when a value the
 * host supplies is missing. `withIndex`: the rule's index is part of the key (one table for all
 * rules); an external store keys by rule id instead.
 */
export function keyOf(i: u32, limit: usize, characteristics: usize, names: usize, seed: u64, withIndex: bool): u64 {
  h = seed;
  if (withIndex) absorb(<u64>i);
  const start = load<u32>(limit + 24), count = load<u32>(limit + 28);
  for (let c = start; c < start + count; c++) {
    const e = characteristics + <usize>c * RATE_LIMIT_CHARACTERISTIC_SIZE;
    const kind = load<u32>(e);
    const name = names + <usize>load<u32>(e + 4), nameLen = load<u32>(e + 8);
    absorb(<u64>kind);
    switch (kind) {
      case CH_IP_SRC: if (!absorbField(RF_IP_SRC, true)) return 0; break;
      case CH_ASNUM: if (!absorbField(RF_ASNUM, true)) return 0; break;
      case CH_COUNTRY: if (!absorbField(RF_COUNTRY, true)) return 0; break;
      case CH_JA3: if (!absorbField(RF_JA3, true)) return 0; break;
      case CH_JA4: if (!absorbField(RF_JA4, true)) return 0; break;
      case CH_HOST: absorbField(RF_HOST, false); break;
      case CH_PATH: absorbField(RF_URI_PATH, false); break;
      case CH_HEADER: case CH_COOKIE:
        if ((request.flags & RECORD_FLAG_HEADERS_COMPLETE) == 0) return 0;
        absorbHeader(name, nameLen, kind == CH_COOKIE);
        break;
      case CH_QUERY_ARG: absorbArg(name, nameLen); break;
      default: return 0;
    }
  }
  return finish(h);
}
