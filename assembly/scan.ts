// Automaton search over one field, in one of two interchangeable forms: a dense DFA over byte
// classes (built at load time from the pack's compact form, and run behind the trigram
// prefilter) or the compact form itself (goto edges plus failure links). Both report the same
// pattern ends; `matches.ts` turns them into signature hits.

import { tables } from "./pack";
import { childOf, hasOutputs, buildDense } from "./trie";
import { onPatternEnd } from "./matches";
import { bitmap, stride, trigramHash, secondBytes, bigrams, maxKeyOffset } from "./prefilter";
import { testBit } from "./bytes";

let denseReady = false;

/** Builds the signatures' dense table. */
export function buildSignatureDense(): bool {
  buildDense(tables.trie);
  denseReady = true;
  return true;
}

export function isDense(): bool {
  return denseReady;
}

/** Reports the patterns ending at `s`: its own, then along the output links. */
function reportOutputs(state: u32, hay: usize, len: u32, end: u32): void {
  const t = tables.trie;
  let s = state;
  while (true) {
    const o1 = load<u32>(t.outStart + (<usize>(s + 1) << 2));
    for (let o = load<u32>(t.outStart + (<usize>s << 2)); o < o1; o++) {
      onPatternEnd(load<u32>(t.outputs + (<usize>o << 2)), hay, len, end);
    }
    s = load<u32>(t.outLink + (<usize>s << 2));
    if (s == 0) return;
  }
}

/** Runs the dense DFA over the whole field. */
function scanDenseAll(hay: usize, len: u32): void {
  const t = tables.trie;
  const table = t.dense, offsets = t.classOffset, rowBytes = t.rowBytes;
  let at: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const entry = load<u32>(table + <usize>at + <usize>load<u32>(offsets + (<usize>load<u8>(hay + i) << 2)));
    at = entry & ~3;
    if (entry & 1) reportOutputs(at / rowBytes, hay, len, i + 1);
  }
}

/**
 * Samples the field every second byte; from a sample whose trigram may be a pattern's key (at its
 * key offset or one byte earlier), runs the DFA from the root, starting far enough back to cover
 * the pattern's start, until it has passed the key and is shallow again (no partial match longer
 * than 2 bytes), then resumes sampling 2 bytes back so a pattern starting in that tail is still
 * seen. Every candidate moves the scan forward by at least one byte and re-reads at most
 * maxKeyOffset + 3: linear time. The caller guarantees 4 readable bytes past the field's end.
 */
function scanDenseFiltered(hay: usize, len: u32): void {
  const t = tables.trie;
  const table = t.dense, offsets = t.classOffset, rowBytes = t.rowBytes, bits = bitmap, seconds = secondBytes, pairs = bigrams;
  let i: u32 = 0;
  while (i < len) {
    const word = load<u32>(hay + i) | 0x20202020;
    if (!testBit(bits, trigramHash(word))) {
      // A two-byte pattern ending at the sample has no key there (see prefilter.ts).
      if (seconds == 0 || i == 0 || !testBit(seconds, word & 0xff) || !testBit(pairs, (word << 8 | (<u32>load<u8>(hay + i - 1) | 0x20)) & 0xffff)) {
        i += 2;
        continue;
      }
    }
    // The key may sit up to maxKeyOffset bytes into its pattern, one more for the odd alignment.
    const back = maxKeyOffset + 1;
    const start: u32 = i >= back ? i - back : 0;
    let j = start;
    let at: u32 = 0;
    while (j < len) {
      const entry = load<u32>(table + <usize>at + <usize>load<u32>(offsets + (<usize>load<u8>(hay + j) << 2)));
      at = entry & ~3;
      j++;
      if (entry & 1) reportOutputs(at / rowBytes, hay, len, j);
      if ((entry & 2) && j >= i + 3) break;
    }
    if (j >= len) return;
    i = j - 2;
  }
}

/** Scans `len` bytes at `hay` with the compact form, following failure links. */
export function scanCompact(hay: usize, len: u32): void {
  const t = tables.trie;
  const classOf = t.classOf;
  let s: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const cls = <u32>load<u8>(classOf + <usize>load<u8>(hay + i));
    while (true) {
      const next = childOf(t, s, cls);
      if (next >= 0) { s = <u32>next; break; }
      if (s == 0) break;
      s = load<u32>(t.fail + (<usize>s << 2));
    }
    if (hasOutputs(t, s)) reportOutputs(s, hay, len, i + 1);
  }
}

export function scanField(hay: usize, len: u32): void {
  if (!denseReady) scanCompact(hay, len);
  else if (stride != 0) scanDenseFiltered(hay, len);
  else scanDenseAll(hay, len);
}
