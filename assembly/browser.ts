// The browser a user agent claims and its major version (botsift.ua.family, botsift.ua.major):
// the product tokens before each "/" ("Chrome/131", "Version/18 … Safari/605"), the most
// specific winning (an Edge user agent also says Chrome; a Chrome one also says Safari).

import { setMissing, setInt, setBytes } from "./values";

// Token priorities, most specific first: 0 Edg, 1 EdgA, 2 EdgiOS, 3 OPR, 4 SamsungBrowser,
// 5 HeadlessChrome, 6 CriOS, 7 Chrome, 8 FxiOS, 9 Firefox, 10 Version (Safari).
// The family names, one static string (no copy per request): "edge opera samsung headless_chrome chrome firefox safari other".
const FAMILY_TEXT = memory.data<u8>([
  0x65, 0x64, 0x67, 0x65, 0x6f, 0x70, 0x65, 0x72, 0x61, 0x73, 0x61, 0x6d, 0x73, 0x75, 0x6e, 0x67, 0x68, 0x65, 0x61, 0x64, 0x6c, 0x65,
  0x73, 0x73, 0x5f, 0x63, 0x68, 0x72, 0x6f, 0x6d, 0x65, 0x63, 0x68, 0x72, 0x6f, 0x6d, 0x65, 0x66, 0x69, 0x72, 0x65, 0x66, 0x6f, 0x78,
  0x73, 0x61, 0x66, 0x61, 0x72, 0x69, 0x6f, 0x74, 0x68, 0x65, 0x72,
]);
// Per token priority (and NO_FAMILY last): offset << 8 | length of its family's name in FAMILY_TEXT.
const FAMILY_NAME = memory.data<u16>([
  0x0004, 0x0004, 0x0004, 0x0405, 0x0907, 0x100f, 0x1f06, 0x1f06, 0x2507, 0x2507, 0x2c06, 0x3205,
]);
const NO_FAMILY = 11;
const SAFARI_TOKEN = 12;

/** The `n` (< 8) bytes at `p` as a little-endian word; reads 8, at most 4 past the user agent (the input region has slack). */
@inline function shortWord(p: usize, n: u32): u64 {
  return load<u64>(p) & ((<u64>1 << (<u64>n << 3)) - 1);
}

@inline function isLetter(b: u32): bool {
  return (b | 0x20) - 0x61 < 26;
}

/** Whether the `n` letters before byte `i` of `p` are the word `word` (little-endian, n < 8) and a whole word. */
@inline function wordBefore(p: usize, i: u32, n: u32, word: u64): bool {
  return i >= n && shortWord(p + i - n, n) == word && (i == n || !isLetter(<u32>load<u8>(p + i - n - 1)));
}

function wordBefore14(p: usize, i: u32, head: u64, tail: u64): bool {
  return i >= 14 && load<u64>(p + i - 14) == head && load<u64>(p + i - 8) == tail && (i == 14 || !isLetter(<u32>load<u8>(p + i - 15)));
}

// The last three letters of every product token (Edg, EdgA, EdgiOS, OPR, SamsungBrowser,
// HeadlessChrome, CriOS, Chrome, FxiOS, Firefox, Version, Safari) at the slot of a 16-slot
// perfect hash (TAIL_HASH), so the other words cost a load and a compare, without a branch per kind.
const TOKEN_TAILS = memory.data<u32>([0x676445, 0x416764, 0x534f69, 0x0, 0x0, 0x726573, 0x697261, 0x0, 0x786f66, 0x52504f, 0x0, 0x0, 0x0, 0x656d6f, 0x0, 0x6e6f69]);
const TAIL_HASH: u32 = 0x18072e8d;

/** Whether the three bytes before byte `i` end one of the product tokens. */
@inline function mayEndToken(p: usize, i: u32): bool {
  if (i < 3) return false;
  const tail = load<u32>(p + i - 3) & 0xffffff;
  return load<u32>(TOKEN_TAILS + (<usize>((tail * TAIL_HASH) >> 28) << 2)) == tail;
}

/**
 * The priority of the product token that ends right before the "/" at byte `i` (see
 * FAMILY_NAME), SAFARI_TOKEN, or NO_FAMILY. The token's last letter picks the candidates, so the
 * other words ("Mozilla", "AppleWebKit") cost one load; words compare as little-endian integers.
 */
function productToken(p: usize, i: u32): i32 {
  if (i == 0) return NO_FAMILY;
  switch (<u32>load<u8>(p + i - 1)) {
    case 0x67: return wordBefore(p, i, 3, 0x676445) ? 0 : NO_FAMILY; // Edg
    case 0x41: return wordBefore(p, i, 4, 0x41676445) ? 1 : NO_FAMILY; // EdgA
    case 0x53: // EdgiOS, CriOS, FxiOS
      return wordBefore(p, i, 6, 0x534f69676445) ? 2 : wordBefore(p, i, 5, 0x534f697243) ? 6 : wordBefore(p, i, 5, 0x534f697846) ? 8 : NO_FAMILY;
    case 0x52: return wordBefore(p, i, 3, 0x52504f) ? 3 : NO_FAMILY; // OPR
    case 0x72: return wordBefore14(p, i, 0x42676e75736d6153, 0x726573776f724267) ? 4 : NO_FAMILY; // SamsungBrowser
    case 0x65: // HeadlessChrome, Chrome
      return wordBefore14(p, i, 0x7373656c64616548, 0x656d6f7268437373) ? 5 : wordBefore(p, i, 6, 0x656d6f726843) ? 7 : NO_FAMILY;
    case 0x78: return wordBefore(p, i, 7, 0x786f6665726946) ? 9 : NO_FAMILY; // Firefox
    case 0x6e: return wordBefore(p, i, 7, 0x6e6f6973726556) ? 10 : NO_FAMILY; // Version
    case 0x69: return wordBefore(p, i, 6, 0x697261666153) ? SAFARI_TOKEN : NO_FAMILY; // Safari
  }
  return NO_FAMILY;
}

/**
 * The browser the user agent of `n` bytes at `p` claims (into the `family` slot: missing for an
 * empty user agent, "other" for none) and its major version (into `major`, or missing), in one
 * pass: at every "/" the word before it is compared with the product tokens; the highest-priority
 * token wins. "Version/x" counts as Safari only when a "Safari/" token is present too. Reads up
 * to 4 bytes past the user agent (the input region has slack).
 */
export function readClaimedBrowser(p: usize, n: u32, family: usize, major: usize): void {
  let best = NO_FAMILY, bestAt: u32 = 0;
  let sawSafari = false;
  // Slashes 16 bytes at a time; a user agent has a handful of them in a hundred-odd bytes. The
  // last, partial block is the field's last 16 bytes, shifted past those already searched.
  const slash = i8x16.splat(0x2f);
  for (let block: u32 = 0; block < n; block += 16) {
    let found: u32 = 0;
    if (block + 16 <= n) found = <u32>i8x16.bitmask(i8x16.eq(v128.load(p + block), slash));
    else if (n >= 16) found = <u32>i8x16.bitmask(i8x16.eq(v128.load(p + n - 16), slash)) >> (block + 16 - n);
    else for (let k: u32 = block; k < n; k++) if (load<u8>(p + k) == 0x2f) found |= 1 << (k - block);
    while (found != 0) {
      const i = block + <u32>ctz(found);
      found &= found - 1;
      if (!mayEndToken(p, i)) continue;
      const t = productToken(p, i);
      if (t == SAFARI_TOKEN) sawSafari = true;
      else if (t < best) { best = t; bestAt = i + 1; }
    }
  }
  if (best == 10 && !sawSafari) best = NO_FAMILY;
  setMissing(major);
  if (best != NO_FAMILY) {
    let v: i64 = 0, digits = 0, i = bestAt;
    while (i < n && load<u8>(p + i) >= 0x30 && load<u8>(p + i) <= 0x39 && digits < 9) { v = v * 10 + <i64>(load<u8>(p + i) - 0x30); i++; digits++; }
    if (digits > 0) setInt(major, v);
  }
  const name = <u32>load<u16>(FAMILY_NAME + (<usize>best << 1));
  if (n > 0) setBytes(family, FAMILY_TEXT + <usize>(name >> 8), name & 0xff);
  else setMissing(family);
}
