// An Aho-Corasick automaton as the pack carries it (a trie over byte classes: goto edges and the
// outputs ending at each state) and what the engine derives from it at load (failure and output
// links, and optionally the dense DFA). The signatures' automaton and each rule set's literal
// automaton are both one of these; the pack layout is AUTOMATON in bindings/format.ts.

import { AUTOMATON_FIXED, MAX_STATES, MAX_CLASSES } from "../bindings/format";

export class Trie {
  stateCount: u32 = 0;
  classCount: u32 = 0;
  classOf: usize = 0;
  edgeStart: usize = 0;
  edges: usize = 0;
  outStart: usize = 0;
  outputs: usize = 0;
  /** Failure and output links, derived at load (see linkTrie). */
  fail: usize = 0;
  outLink: usize = 0;
  /**
   * dense[row + classOffset] = next row | 1 (next has outputs) | 2 (next is shallow: depth < 3),
   * rows and class offsets in bytes (state × classCount × 4, class × 4); 0 until buildDense.
   */
  dense: usize = 0;
  classOffset: usize = 0;
  rowBytes: u32 = 0;
}

/**
 * Reads and checks the trie block at `p` (`length` bytes): every output below `outputLimit`, every
 * edge pointing to a later state with one parent. Fills `t` and derives its links.
 */
export function readTrie(t: Trie, p: usize, length: u32, outputLimit: u32): bool {
  if (length < <u32>AUTOMATON_FIXED) return false;
  const states = load<u32>(p);
  const classes = load<u32>(p + 4);
  const edgeCount = load<u32>(p + 8);
  const outputCount = load<u32>(p + 12);
  if (states == 0 || states > <u32>MAX_STATES) return false;
  if (classes == 0 || classes > <u32>MAX_CLASSES) return false;
  const countBytes: u64 = (<u64>states + 3) & ~3;
  if (<u64>AUTOMATON_FIXED + countBytes * 2 + (<u64>edgeCount + <u64>outputCount) * 4 != <u64>length) return false;
  const classOf = p + 16;
  for (let b = 0; b < 256; b++) if (<u32>load<u8>(classOf + b) >= classes) return false;
  // Per-state child and output counts (u8) become start offsets here: the pack stays small.
  const childCounts = classOf + 256;
  const outCounts = childCounts + <usize>countBytes;
  const edges = outCounts + <usize>countBytes;
  const outputs = edges + (<usize>edgeCount << 2);
  const edgeStart = heap.alloc((<usize>states + 1) << 2);
  const outStart = heap.alloc((<usize>states + 1) << 2);
  let e: u64 = 0, o: u64 = 0;
  for (let s: u32 = 0; s < states; s++) {
    store<u32>(edgeStart + (<usize>s << 2), <u32>e);
    store<u32>(outStart + (<usize>s << 2), <u32>o);
    e += <u64>load<u8>(childCounts + s);
    o += <u64>load<u8>(outCounts + s);
  }
  if (e != <u64>edgeCount || o != <u64>outputCount) return false;
  store<u32>(edgeStart + (<usize>states << 2), edgeCount);
  store<u32>(outStart + (<usize>states << 2), outputCount);
  // A trie: every state but the root has exactly one parent, numbered before it.
  const parents = heap.alloc(<usize>states);
  memory.fill(parents, 0, <usize>states);
  for (let s: u32 = 0; s < states; s++) {
    const e0 = load<u32>(edgeStart + (<usize>s << 2));
    const e1 = load<u32>(edgeStart + (<usize>(s + 1) << 2));
    let lastClass: i32 = -1;
    for (let k = e0; k < e1; k++) {
      const edge = load<u32>(edges + (<usize>k << 2));
      const cls = <i32>(edge & 0xff);
      const target = edge >> 8;
      if (cls <= lastClass || <u32>cls >= classes) return false;
      if (target <= s || target >= states || load<u8>(parents + target) != 0) return false;
      store<u8>(parents + target, 1);
      lastClass = cls;
    }
  }
  for (let s: u32 = 1; s < states; s++) if (load<u8>(parents + s) == 0) return false;
  for (let k: u32 = 0; k < outputCount; k++) if (load<u32>(outputs + (<usize>k << 2)) >= outputLimit) return false;
  t.stateCount = states;
  t.classCount = classes;
  t.classOf = classOf;
  t.edgeStart = edgeStart;
  t.edges = edges;
  t.outStart = outStart;
  t.outputs = outputs;
  t.dense = 0;
  return linkTrie(t);
}

/** The child of `s` on class `cls`, or -1 (edges are sorted by class). */
export function childOf(t: Trie, s: u32, cls: u32): i32 {
  let lo = load<u32>(t.edgeStart + (<usize>s << 2));
  let hi = load<u32>(t.edgeStart + (<usize>(s + 1) << 2));
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const edge = load<u32>(t.edges + (<usize>mid << 2));
    const c = edge & 0xff;
    if (c == cls) return <i32>(edge >> 8);
    if (c < cls) lo = mid + 1; else hi = mid;
  }
  return -1;
}

@inline function ownOutputs(t: Trie, s: u32): bool {
  return load<u32>(t.outStart + (<usize>(s + 1) << 2)) != load<u32>(t.outStart + (<usize>s << 2));
}

/** A pattern ends at `s`: its own, or one on its output-link chain. */
@inline export function hasOutputs(t: Trie, s: u32): bool {
  return ownOutputs(t, s) || load<u32>(t.outLink + (<usize>s << 2)) != 0;
}

/**
 * Computes the failure links (the longest proper suffix of a state's path that is a state) and
 * the output links (the nearest state on the failure chain with outputs of its own), in state
 * order. The pack stores neither: they follow from the trie, and deriving them here keeps packs
 * small. A numbering in which a failure link does not point backwards is refused.
 */
function linkTrie(t: Trie): bool {
  const states = t.stateCount;
  t.fail = heap.alloc(<usize>states << 2);
  t.outLink = heap.alloc(<usize>states << 2);
  store<u32>(t.fail, 0);
  store<u32>(t.outLink, 0);
  for (let s: u32 = 0; s < states; s++) {
    const e1 = load<u32>(t.edgeStart + (<usize>(s + 1) << 2));
    for (let e = load<u32>(t.edgeStart + (<usize>s << 2)); e < e1; e++) {
      const edge = load<u32>(t.edges + (<usize>e << 2));
      const target = edge >> 8, cls = edge & 0xff;
      let f: u32 = 0;
      if (s != 0) {
        let g = load<u32>(t.fail + (<usize>s << 2));
        while (true) {
          const next = childOf(t, g, cls);
          if (next >= 0) { f = <u32>next; break; }
          if (g == 0) break;
          g = load<u32>(t.fail + (<usize>g << 2));
        }
      }
      if (f >= target) return false;
      store<u32>(t.fail + (<usize>target << 2), f);
      store<u32>(t.outLink + (<usize>target << 2), ownOutputs(t, f) ? f : load<u32>(t.outLink + (<usize>f << 2)));
    }
  }
  return true;
}

function depthsOf(t: Trie): usize {
  const states = <usize>t.stateCount;
  const depth = heap.alloc(states);
  store<u8>(depth, 0);
  for (let s: usize = 0; s < states; s++) {
    const d = load<u8>(depth + s);
    const e1 = load<u32>(t.edgeStart + ((s + 1) << 2));
    for (let e = load<u32>(t.edgeStart + (s << 2)); e < e1; e++) {
      store<u8>(depth + <usize>(load<u32>(t.edges + (<usize>e << 2)) >> 8), d < 3 ? d + 1 : 3);
    }
  }
  return depth;
}

/** Builds the dense table; `fail[s] < s` (checked at load) makes one pass in state order enough. */
export function buildDense(t: Trie): void {
  const C = <usize>t.classCount;
  const states = <usize>t.stateCount;
  t.rowBytes = <u32>(C * 4);
  const depth = depthsOf(t);
  const dense = heap.alloc(states * C * 4);
  t.classOffset = heap.alloc(256 * 4);
  for (let b: usize = 0; b < 256; b++) store<u32>(t.classOffset + (b << 2), <u32>load<u8>(t.classOf + b) << 2);
  for (let s: usize = 0; s < states; s++) {
    const row = dense + s * C * 4;
    if (s == 0) {
      // The root is depth 0, so every transition back to it is shallow.
      for (let c: usize = 0; c < C; c++) store<u32>(row + (c << 2), 2);
    } else {
      memory.copy(row, dense + <usize>load<u32>(t.fail + (s << 2)) * C * 4, C * 4);
    }
    const e1 = load<u32>(t.edgeStart + ((s + 1) << 2));
    for (let e = load<u32>(t.edgeStart + (s << 2)); e < e1; e++) {
      const edge = load<u32>(t.edges + (<usize>e << 2));
      const target = <usize>(edge >> 8);
      const flags: u32 = (hasOutputs(t, <u32>target) ? 1 : 0) | (load<u8>(depth + target) < 3 ? 2 : 0);
      store<u32>(row + (<usize>(edge & 0xff) << 2), <u32>(target * C * 4) | flags);
    }
  }
  t.dense = dense;
}
