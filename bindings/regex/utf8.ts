// UTF-8 for the NFA: a set of scalar values becomes the byte-range sequences that encode exactly
// those values (the construction of Russ Cox's utf8-ranges), so a DFA over bytes matches code points.

import type { CharSet } from "./ast.js";

/** One UTF-8 byte-range sequence: `[lo0, hi0, lo1, hi1, …]`, 1 to 4 byte ranges. */
export type ByteSeq = number[];

const MAX_BY_LEN = [0x7f, 0x7ff, 0xffff];

/**
 * The byte-range sequences whose union is exactly the UTF-8 encodings of `set`. Each sequence is
 * a product of byte ranges; every scalar in the set is matched by exactly one sequence.
 */
export function utf8Sequences(set: CharSet): ByteSeq[] {
  const out: ByteSeq[] = [];
  for (let k = set.length - 2; k >= 0; k -= 2) {
    const stack: [number, number][] = [[set[k], set[k + 1]]];
    // Ranges are split until each one's encodings form a product of byte ranges.
    const seqs: ByteSeq[] = [];
    while (stack.length > 0) {
      let [lo, hi] = stack.pop()!;
      for (;;) {
        if (lo < 0xe000 && hi > 0xd7ff) {
          stack.push([0xe000, hi]);
          hi = 0xd7ff;
          continue;
        }
        if (lo > hi) break;
        let split = false;
        for (const max of MAX_BY_LEN) {
          if (lo <= max && max < hi) {
            stack.push([max + 1, hi]);
            hi = max;
            split = true;
            break;
          }
        }
        if (split) continue;
        if (hi <= 0x7f) {
          seqs.push([lo, hi]);
          break;
        }
        for (let i = 1; i < 4; i++) {
          const m = (1 << (6 * i)) - 1;
          if ((lo & ~m) !== (hi & ~m)) {
            if ((lo & m) !== 0) {
              stack.push([(lo | m) + 1, hi]);
              hi = lo | m;
              split = true;
              break;
            }
            if ((hi & m) !== m) {
              stack.push([hi & ~m, hi]);
              hi = (hi & ~m) - 1;
              split = true;
              break;
            }
          }
        }
        if (split) continue;
        const a = encode(lo), b = encode(hi);
        const seq: ByteSeq = [];
        for (let i = 0; i < a.length; i++) seq.push(a[i], b[i]);
        seqs.push(seq);
        break;
      }
    }
    out.push(...seqs);
  }
  return out;
}

/** The UTF-8 bytes of one scalar value. */
export function encode(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}
