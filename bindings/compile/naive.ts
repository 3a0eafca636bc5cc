// The reference matcher: signature semantics written as plainly as possible.
// Slow on purpose; the automaton in the engine is tested against it, never the other way round.

import type { SignatureSource } from "./source.js";

const utf8 = new TextEncoder();

/** ASCII-only lower-casing of one byte; other bytes are compared exactly. */
export function foldByte(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

/** Word bytes are [A-Za-z0-9_], as in a regex `\b` over ASCII. */
export function isWordByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
}

function bytesEqualAt(hay: Uint8Array, at: number, needle: Uint8Array, caseSensitive: boolean): boolean {
  if (at < 0 || at + needle.length > hay.length) return false;
  for (let k = 0; k < needle.length; k++) {
    const a = hay[at + k], b = needle[k];
    if (caseSensitive ? a !== b : foldByte(a) !== foldByte(b)) return false;
  }
  return true;
}

/** Offsets at which `inner` occurs inside `outer`, under the same case rule. */
export function offsetsWithin(outer: Uint8Array, inner: Uint8Array, caseSensitive: boolean): number[] {
  const found: number[] = [];
  for (let k = 0; k + inner.length <= outer.length; k++) if (bytesEqualAt(outer, k, inner, caseSensitive)) found.push(k);
  return found;
}

/**
 * Start offsets of every occurrence of `sig` in `hay` that passes its anchors and word boundaries
 * and is not covered by one of its exclusions. An exclusion covers an occurrence at `i` when the
 * exclusion occurs at `i - k` for some offset `k` at which the literal sits inside the exclusion.
 */
export function naiveOccurrences(sig: SignatureSource, hay: Uint8Array): number[] {
  const lit = utf8.encode(sig.literal);
  const cs = sig.caseSensitive === true;
  const exclusions = (sig.exclude ?? []).map((e) => {
    const bytes = utf8.encode(e);
    return { bytes, offsets: offsetsWithin(bytes, lit, cs) };
  });
  const out: number[] = [];
  for (let i = 0; i + lit.length <= hay.length; i++) {
    const end = i + lit.length;
    if (!bytesEqualAt(hay, i, lit, cs)) continue;
    if (sig.anchorStart && i !== 0) continue;
    if (sig.anchorEnd && end !== hay.length) continue;
    if (sig.wordStart && i > 0 && isWordByte(hay[i - 1])) continue;
    if (sig.wordEnd && end < hay.length && isWordByte(hay[end])) continue;
    const vetoed = exclusions.some((ex) => ex.offsets.some((k) => bytesEqualAt(hay, i - k, ex.bytes, cs)));
    if (!vetoed) out.push(i);
  }
  return out;
}

/** Whether `sig` matches anywhere in `hay`. */
export function naiveMatches(sig: SignatureSource, hay: Uint8Array | string): boolean {
  const bytes = typeof hay === "string" ? utf8.encode(hay) : hay;
  return naiveOccurrences(sig, bytes).length > 0;
}
