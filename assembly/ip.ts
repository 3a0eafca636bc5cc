// Client addresses: parsing IPv4 and IPv6 text into 128-bit big-endian words (IPv4 and
// IPv4-mapped IPv6 as plain IPv4), and longest-prefix lookup in the pack's range tables, which
// the compiler has flattened into sorted, disjoint intervals so a binary search suffices.

import { tables, compare128 } from "./pack";
import { IP_V4_INTERVAL_SIZE, IP_V6_INTERVAL_SIZE } from "../bindings/format";

export const IP_NONE: i32 = 0;
export const IP_V4: i32 = 4;
export const IP_V6: i32 = 6;

/** The parsed address: v4 in `v4`, v6 as four big-endian u32 words at `v6`. */
export let v4: u32 = 0;
export const v6: usize = memory.data(16);
const groups: usize = memory.data(16);

@inline function hexValue(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  const l = c | 0x20;
  if (l - 0x61 < 6) return <i32>(l - 0x61 + 10);
  return -1;
}

function parseV4(p: usize, len: u32): bool {
  let value: u32 = 0, part: u32 = 0, digits: u32 = 0, dots: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const c = <u32>load<u8>(p + i);
    if (c == 0x2e) {
      if (digits == 0 || dots == 3) return false;
      value = (value << 8) | part;
      part = 0; digits = 0; dots++;
    } else if (c - 0x30 < 10) {
      if (digits > 0 && part == 0) return false; // no leading zeros: 010 is ambiguous (octal)
      part = part * 10 + (c - 0x30);
      digits++;
      if (part > 255 || digits > 3) return false;
    } else return false;
  }
  if (digits == 0 || dots != 3) return false;
  v4 = (value << 8) | part;
  return true;
}

function parseV6(p: usize, len: u32): bool {
  // Up to 8 groups; `gap` is where "::" stood (-1 if absent).
  let count: i32 = 0, gap: i32 = -1, i: u32 = 0;
  if (len >= 2 && load<u8>(p) == 0x3a && load<u8>(p + 1) == 0x3a) { gap = 0; i = 2; }
  else if (len > 0 && load<u8>(p) == 0x3a) return false;
  while (i < len) {
    if (count == 8) return false;
    // An embedded IPv4 tail (::ffff:1.2.3.4) takes two groups.
    let j = i, dot = false;
    while (j < len && load<u8>(p + j) != 0x3a) { if (load<u8>(p + j) == 0x2e) dot = true; j++; }
    if (dot) {
      if (j != len || count > 6 || !parseV4(p + i, len - i)) return false;
      store<u16>(groups + (<usize>count << 1), <u16>(v4 >> 16));
      store<u16>(groups + (<usize>(count + 1) << 1), <u16>(v4 & 0xffff));
      count += 2;
      i = len;
      break;
    }
    if (j == i || j - i > 4) return false;
    let g: u32 = 0;
    for (let k = i; k < j; k++) {
      const h = hexValue(<u32>load<u8>(p + k));
      if (h < 0) return false;
      g = (g << 4) | <u32>h;
    }
    store<u16>(groups + (<usize>count << 1), <u16>g);
    count++;
    i = j;
    if (i < len) {
      i++; // the ':'
      if (i < len && load<u8>(p + i) == 0x3a) {
        if (gap >= 0) return false;
        gap = count;
        i++;
      } else if (i == len) return false;
    }
  }
  if (gap < 0 && count != 8) return false;
  if (gap >= 0 && count > 7) return false;
  // Expand into 8 groups, then pack into big-endian words.
  const fill = 8 - count;
  for (let w = 0; w < 4; w++) store<u32>(v6 + (<usize>w << 2), 0);
  for (let k: i32 = 0; k < count; k++) {
    const at = gap >= 0 && k >= gap ? k + fill : k;
    const g = <u32>load<u16>(groups + (<usize>k << 1));
    const word = v6 + (<usize>(at >> 1) << 2);
    store<u32>(word, load<u32>(word) | (g << ((at & 1) == 0 ? 16 : 0)));
  }
  return true;
}

/** Parses an address; returns IP_V4, IP_V6 or IP_NONE (absent or malformed). */
export function parseIp(p: usize, len: u32): i32 {
  if (len == 0 || len > 64) return IP_NONE;
  // A zone index (fe80::1%eth0) does not change which ranges an address is in.
  for (let i: u32 = 0; i < len; i++) if (load<u8>(p + i) == 0x25) { len = i; break; }
  if (parseV4(p, len)) return IP_V4;
  if (!parseV6(p, len)) return IP_NONE;
  // IPv4-mapped (::ffff:a.b.c.d) is IPv4 for every purpose here.
  if (load<u32>(v6) == 0 && load<u32>(v6 + 4) == 0 && load<u32>(v6 + 8) == 0xffff) {
    v4 = load<u32>(v6 + 12);
    return IP_V4;
  }
  return IP_V6;
}

/** The range set (offset into the pack's sets) containing the parsed address, or -1. */
export function lookupIp(kind: i32): i32 {
  if (kind == IP_V4) {
    let lo: u32 = 0, hi = tables.v4Count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = tables.v4 + <usize>mid * IP_V4_INTERVAL_SIZE;
      if (v4 < load<u32>(e)) hi = mid;
      else if (v4 > load<u32>(e + 4)) lo = mid + 1;
      else return <i32>load<u32>(e + 8);
    }
    return -1;
  }
  if (kind == IP_V6) {
    let lo: u32 = 0, hi = tables.v6Count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = tables.v6 + <usize>mid * IP_V6_INTERVAL_SIZE;
      if (compare128(v6, e) < 0) hi = mid;
      else if (compare128(v6, e + 16) > 0) lo = mid + 1;
      else return <i32>load<u32>(e + 32);
    }
  }
  return -1;
}
