// The regex syntax tree shared by the parser, the NFA compiler and the literal extractor,
// and the sets of Unicode scalar values that character classes denote.

/**
 * Zero-width assertions. Whole-input anchors: `start` (`^`, `\A`), `end` (`$`, `\z`);
 * multi-line anchors under `(?m)`: `lineStart` (start, or after `\n`), `lineEnd` (end, or before
 * `\n`); ASCII word boundaries: `wordBoundary` `\b`, `notWordBoundary` `\B`, `wordStart`
 * `\<` / `\b{start}`, `wordEnd` `\>` / `\b{end}`. Word bytes are `[0-9A-Za-z_]`.
 * `notWordBoundaryUnicode` is `\B` in Unicode mode: it never holds inside a UTF-8 sequence.
 */
export type Look = "start" | "end" | "lineStart" | "lineEnd" | "wordBoundary" | "notWordBoundary" | "notWordBoundaryUnicode" | "wordStart" | "wordEnd";

/**
 * A set of Unicode scalar values as sorted, disjoint, non-adjacent inclusive ranges
 * `[lo0, hi0, lo1, hi1, …]`. Never contains surrogates (U+D800–U+DFFF).
 */
export type CharSet = readonly number[];

/**
 * One node of the tree. A `class` matches one scalar value (its UTF-8 bytes) from `set`; with
 * `bytes`, `set` holds byte values (0–255) and the class matches one byte (byte mode).
 */
export type Node =
  | { type: "empty" }
  | { type: "class"; set: CharSet; bytes?: boolean }
  | { type: "look"; look: Look }
  | { type: "concat"; items: Node[] }
  | { type: "alt"; items: Node[] }
  /** `max` is Infinity when unbounded; laziness is recorded but does not change whether a match exists. */
  | { type: "repeat"; item: Node; min: number; max: number; greedy: boolean }
  | { type: "group"; item: Node; name?: string; capture: boolean };

export const MAX_SCALAR = 0x10ffff;
const SUR_LO = 0xd800;
const SUR_HI = 0xdfff;

/** Normalises arbitrary inclusive ranges (pairs) into a CharSet; surrogates are removed. */
export function makeSet(pairs: readonly number[]): CharSet {
  const rs: [number, number][] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const lo = pairs[i], hi = pairs[i + 1];
    if (lo > hi) continue;
    if (lo < SUR_LO && hi > SUR_HI) { rs.push([lo, SUR_LO - 1], [SUR_HI + 1, hi]); continue; }
    const a = lo >= SUR_LO && lo <= SUR_HI ? SUR_HI + 1 : lo;
    const b = hi >= SUR_LO && hi <= SUR_HI ? SUR_LO - 1 : hi;
    if (a <= b) rs.push([a, b]);
  }
  rs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [lo, hi] of rs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1] + 1) {
      out[n - 1] = Math.max(out[n - 1], hi);
    } else out.push(lo, hi);
  }
  return out;
}

export function union(a: CharSet, b: CharSet): CharSet {
  return makeSet([...a, ...b]);
}

/** All bytes (0–255) not in `s`, a set of bytes. */
export function negateBytes(s: CharSet): CharSet {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < s.length && s[i] <= 0xff; i += 2) {
    if (s[i] > next) out.push(next, s[i] - 1);
    next = s[i + 1] + 1;
  }
  if (next <= 0xff) out.push(next, 0xff);
  return out;
}

/** All scalar values not in `s`. */
export function negate(s: CharSet): CharSet {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < s.length; i += 2) {
    if (s[i] > next) out.push(next, s[i] - 1);
    next = s[i + 1] + 1;
  }
  if (next <= MAX_SCALAR) out.push(next, MAX_SCALAR);
  return makeSet(out);
}

/** `s` closed under ASCII case folding: a-z and A-Z gain their other case; nothing else changes. */
export function foldAscii(s: CharSet): CharSet {
  const extra: number[] = [];
  for (let i = 0; i < s.length; i += 2) {
    const lo = s[i], hi = s[i + 1];
    const a = Math.max(lo, 0x41), b = Math.min(hi, 0x5a);
    if (a <= b) extra.push(a + 32, b + 32);
    const c = Math.max(lo, 0x61), d = Math.min(hi, 0x7a);
    if (c <= d) extra.push(c - 32, d - 32);
  }
  return extra.length ? makeSet([...s, ...extra]) : s;
}

/** Number of scalar values in `s`. */
export function setSize(s: CharSet): number {
  let n = 0;
  for (let i = 0; i < s.length; i += 2) n += s[i + 1] - s[i] + 1;
  return n;
}

export function setHas(s: CharSet, cp: number): boolean {
  for (let i = 0; i < s.length; i += 2) if (cp >= s[i] && cp <= s[i + 1]) return true;
  return false;
}

/** ASCII classes of the dialect (`\d \w \s` and the POSIX names), as range pairs. */
export const PERL_CLASSES: Record<string, CharSet> = {
  d: makeSet([0x30, 0x39]),
  w: makeSet([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]),
  // Rust's ASCII \s: [\t\n\v\f\r ]
  s: makeSet([0x09, 0x0d, 0x20, 0x20]),
};

export const POSIX_CLASSES: Record<string, CharSet> = {
  alnum: makeSet([0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a]),
  alpha: makeSet([0x41, 0x5a, 0x61, 0x7a]),
  ascii: makeSet([0x00, 0x7f]),
  blank: makeSet([0x09, 0x09, 0x20, 0x20]),
  cntrl: makeSet([0x00, 0x1f, 0x7f, 0x7f]),
  digit: makeSet([0x30, 0x39]),
  graph: makeSet([0x21, 0x7e]),
  lower: makeSet([0x61, 0x7a]),
  print: makeSet([0x20, 0x7e]),
  punct: makeSet([0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e]),
  space: makeSet([0x09, 0x0d, 0x20, 0x20]),
  upper: makeSet([0x41, 0x5a]),
  word: makeSet([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]),
  xdigit: makeSet([0x30, 0x39, 0x41, 0x46, 0x61, 0x66]),
};
