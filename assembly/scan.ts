// Automaton search over one field, in one of two interchangeable forms: a dense DFA over byte
// classes (built at load time from the pack's compact form, and run behind the trigram
// prefilter) or the compact form itself (goto edges plus failure links). Both report the same
// pattern ends; `matches.ts` turns them into signature hits.

import { tables, childOf } from "./pack";
import { onPatternEnd } from "./matches";
import { bitmap, stride, trigramHash, secondBytes, bigrams, maxKeyOffset } from "./prefilter";

/**
 * dense[row + classOffset] = next row | 1 (next has outputs) | 2 (next is shallow: depth < 3),
 * rows and class offsets in bytes (state × classCount × 4, class × 4).
 */
let dense: usize = 0;
let classOffset: usize = 0;
let rowBytes: u32 = 0;
let denseReady = false;

function depthsOf(states: usize): usize {
  const depth = heap.alloc(states);
  store<u8>(depth, 0);
  for (let s: usize = 0; s < states; s++) {
    const d = load<u8>(depth + s);
    const e1 = load<u32>(tables.edgeStart + ((s + 1) << 2));
    for (let e = load<u32>(tables.edgeStart + (s << 2)); e < e1; e++) {
      store<u8>(depth + <usize>(load<u32>(tables.edges + (<usize>e << 2)) >> 8), d < 3 ? d + 1 : 3);
    }
  }
  return depth;
}

/** Builds the dense table; `fail[s] < s` (checked at load) makes one pass in state order enough. */
export function buildDense(): bool {
  const C = <usize>tables.classCount;
  const states = <usize>tables.stateCount;
  rowBytes = <u32>(C * 4);
  const depth = depthsOf(states);
  dense = heap.alloc(states * C * 4);
  classOffset = heap.alloc(256 * 4);
  for (let b: usize = 0; b < 256; b++) store<u32>(classOffset + (b << 2), <u32>load<u8>(tables.classOf + b) << 2);
  for (let s: usize = 0; s < states; s++) {
    const row = dense + s * C * 4;
    if (s == 0) {
      memory.fill(row, 0, C * 4);
      // The root is depth 0, so every transition back to it is shallow.
      for (let c: usize = 0; c < C; c++) store<u32>(row + (c << 2), 2);
    } else {
      memory.copy(row, dense + <usize>load<u32>(tables.fail + (s << 2)) * C * 4, C * 4);
    }
    const e1 = load<u32>(tables.edgeStart + ((s + 1) << 2));
    for (let e = load<u32>(tables.edgeStart + (s << 2)); e < e1; e++) {
      const edge = load<u32>(tables.edges + (<usize>e << 2));
      const t = <usize>(edge >> 8);
      const flags: u32 = (hasOutputs(<u32>t) ? 1 : 0) | (load<u8>(depth + t) < 3 ? 2 : 0);
      store<u32>(row + (<usize>(edge & 0xff) << 2), <u32>(t * C * 4) | flags);
    }
  }
  denseReady = true;
  return true;
}

export function isDense(): bool {
  return denseReady;
}

/** A pattern ends at `s`: its own, or one on its output-link chain. */
@inline function hasOutputs(s: u32): bool {
  return load<u32>(tables.outStart + (<usize>(s + 1) << 2)) != load<u32>(tables.outStart + (<usize>s << 2))
    || load<u32>(tables.outLink + (<usize>s << 2)) != 0;
}

/** Reports the patterns ending at `s`: its own, then along the output links. */
function reportOutputs(state: u32, hay: usize, len: u32, end: u32): void {
  let s = state;
  while (true) {
    const o1 = load<u32>(tables.outStart + (<usize>(s + 1) << 2));
    for (let o = load<u32>(tables.outStart + (<usize>s << 2)); o < o1; o++) {
      onPatternEnd(load<u32>(tables.outputs + (<usize>o << 2)), hay, len, end);
    }
    s = load<u32>(tables.outLink + (<usize>s << 2));
    if (s == 0) return;
  }
}

/** Runs the dense DFA over the whole field. */
function scanDenseAll(hay: usize, len: u32): void {
  const table = dense, offsets = classOffset;
  let at: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const entry = load<u32>(table + <usize>at + <usize>load<u32>(offsets + (<usize>load<u8>(hay + i) << 2)));
    at = entry & ~3;
    if (entry & 1) reportOutputs(at / rowBytes, hay, len, i + 1);
  }
}

/** Whether bit `bit` of the bitmap at `map` is set. */
@inline function testBit(map: usize, bit: u32): bool {
  return (load<u32>(map + (<usize>(bit >> 5) << 2)) & (1 << (bit & 31))) != 0;
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
  const table = dense, offsets = classOffset, bits = bitmap, seconds = secondBytes, pairs = bigrams;
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
  const classOf = tables.classOf;
  let s: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const cls = <u32>load<u8>(classOf + <usize>load<u8>(hay + i));
    while (true) {
      const next = childOf(s, cls);
      if (next >= 0) { s = <u32>next; break; }
      if (s == 0) break;
      s = load<u32>(tables.fail + (<usize>s << 2));
    }
    if (hasOutputs(s)) reportOutputs(s, hay, len, i + 1);
  }
}

export function scanField(hay: usize, len: u32): void {
  if (!denseReady) scanCompact(hay, len);
  else if (stride != 0) scanDenseFiltered(hay, len);
  else scanDenseAll(hay, len);
}
