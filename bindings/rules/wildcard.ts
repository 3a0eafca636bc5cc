// Wildcard patterns of `wildcard` / `strict wildcard`: `*` matches any run of bytes (including
// none), `\*` is a literal star and `\\` a literal backslash; the whole value must match. Parsed
// into literal pieces, matched in linear time by finding the pieces left to right.

import type { RuleLimits } from "./settings.js";
import { indexOfBytes, lowerByte } from "./bytes.js";

/**
 * A wildcard as its literal pieces: the value must start with `pieces[0]`, end with the last
 * piece, and contain the others in order between them. No `*` at all means one piece, the
 * whole value. Pieces may be empty (a leading or trailing `*`).
 */
export interface WildcardPattern {
  readonly pieces: readonly Uint8Array[];
  /** `wildcard` folds ASCII case; `strict wildcard` does not. */
  readonly caseInsensitive: boolean;
}

/** A problem at [start, end) of the pattern's bytes. */
export class WildcardSyntaxError extends Error {
  constructor(message: string, readonly start: number, readonly end: number) {
    super(message);
    this.name = "WildcardSyntaxError";
  }
}

/** Parses pattern bytes; throws WildcardSyntaxError on `**`, a bad escape, or too many stars. */
export function parseWildcard(pattern: Uint8Array, caseInsensitive: boolean, limits: RuleLimits): WildcardPattern {
  const pieces: Uint8Array[] = [];
  let current: number[] = [];
  let stars = 0;
  let lastWasStar = false;
  for (let i = 0; i < pattern.length; i++) {
    const b = pattern[i];
    if (b === 0x2a) {
      if (lastWasStar) throw new WildcardSyntaxError("\"**\" is not allowed in a wildcard pattern: one * already matches any run of characters", i - 1, i + 1);
      pieces.push(Uint8Array.from(current));
      current = [];
      stars++;
      lastWasStar = true;
      continue;
    }
    lastWasStar = false;
    if (b === 0x5c) {
      const e = pattern[i + 1];
      if (e !== 0x2a && e !== 0x5c) {
        throw new WildcardSyntaxError("invalid escape in a wildcard pattern: only \\* (a literal star) and \\\\ (a literal backslash) are escapes", i, i + 2);
      }
      current.push(e);
      i++;
      continue;
    }
    current.push(b);
  }
  pieces.push(Uint8Array.from(current));
  if (stars > limits.maxWildcardStars) {
    throw new WildcardSyntaxError(`the pattern has ${stars} * metacharacters, over the limit of ${limits.maxWildcardStars} (setting maxWildcardStars)`, 0, pattern.length);
  }
  return { pieces, caseInsensitive };
}

function startsWithAt(value: Uint8Array, piece: Uint8Array, at: number, fold: boolean): boolean {
  if (at < 0 || at + piece.length > value.length) return false;
  for (let j = 0; j < piece.length; j++) {
    const a = value[at + j];
    const b = piece[j];
    if (a !== b && !(fold && lowerByte(a) === lowerByte(b))) return false;
  }
  return true;
}

/** Whole-value match. Leftmost placement of each middle piece is optimal, so no backtracking. */
export function matchWildcard(w: WildcardPattern, value: Uint8Array): boolean {
  const { pieces, caseInsensitive: fold } = w;
  if (pieces.length === 1) return value.length === pieces[0].length && startsWithAt(value, pieces[0], 0, fold);
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (first.length + last.length > value.length) return false;
  if (!startsWithAt(value, first, 0, fold)) return false;
  const end = value.length - last.length;
  if (!startsWithAt(value, last, end, fold)) return false;
  let at = first.length;
  for (let k = 1; k < pieces.length - 1; k++) {
    const found = indexOfBytes(value.subarray(0, end), pieces[k], at, fold);
    if (found < 0) return false;
    at = found + pieces[k].length;
  }
  return true;
}
