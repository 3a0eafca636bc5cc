// Aho-Corasick construction over ASCII-folded byte patterns: trie, failure links, merged
// outputs and byte classes, numbered breadth-first so the engine can verify fail[s] < s and
// expand the dense table in one pass. Pure data in, typed arrays out.

import { foldByte } from "./naive.js";

export interface AutomatonTables {
  stateCount: number;
  classCount: number;
  /** raw byte → class; upper-case ASCII shares its lower-case letter's class; 0 = byte in no pattern. */
  classOf: Uint8Array;
  fail: Uint32Array;
  edgeStart: Uint32Array;
  /** target << 8 | class, sorted by class within a state. */
  edges: Uint32Array;
  outStart: Uint32Array;
  /** pattern ids ending at each state, including those inherited along failure links. */
  outputs: Uint32Array;
}

/** Builds the automaton for `patterns` (already case-folded); pattern id = index. */
export function buildAutomaton(patterns: Uint8Array[]): AutomatonTables {
  const classOf = new Uint8Array(256);
  let classCount = 1;
  const used = new Uint8Array(256);
  for (const p of patterns) for (const b of p) used[foldByte(b)] = 1;
  for (let b = 0; b < 256; b++) if (used[b] && foldByte(b) === b) classOf[b] = classCount++;
  for (let b = 0; b < 256; b++) if (foldByte(b) !== b) classOf[b] = classOf[foldByte(b)];
  if (classCount > 256) throw new Error("more than 255 distinct pattern bytes");

  // Trie in insertion order; children as Map<class, trieNode>.
  const children: Map<number, number>[] = [new Map()];
  const ends: number[][] = [[]];
  patterns.forEach((p, id) => {
    let node = 0;
    for (const b of p) {
      const c = classOf[b];
      let next = children[node].get(c);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        ends.push([]);
        children[node].set(c, next);
      }
      node = next;
    }
    ends[node].push(id);
  });

  // Breadth-first numbering, children visited by class so numbering is deterministic.
  const order: number[] = [0];
  const number = new Int32Array(children.length).fill(-1);
  number[0] = 0;
  for (let i = 0; i < order.length; i++) {
    const kids = [...children[order[i]].entries()].sort((a, b) => a[0] - b[0]);
    for (const [, kid] of kids) { number[kid] = order.length; order.push(kid); }
  }

  const n = order.length;
  const failTrie = new Int32Array(children.length);
  const outputs: number[][] = new Array(children.length);
  outputs[0] = [...ends[0]];
  for (const node of order) {
    for (const [c, kid] of children[node]) {
      let f = failTrie[node];
      let target = 0;
      if (node !== 0) {
        while (true) {
          const g = children[f].get(c);
          if (g !== undefined) { target = g; break; }
          if (f === 0) break;
          f = failTrie[f];
        }
      }
      failTrie[kid] = target;
    }
    if (node !== 0) outputs[node] = [...ends[node], ...outputs[failTrie[node]]];
  }

  const fail = new Uint32Array(n);
  const edgeStart = new Uint32Array(n + 1);
  const outStart = new Uint32Array(n + 1);
  const edgeList: number[] = [];
  const outList: number[] = [];
  order.forEach((node, s) => {
    fail[s] = number[failTrie[node]];
    edgeStart[s] = edgeList.length;
    const kids = [...children[node].entries()].sort((a, b) => a[0] - b[0]);
    for (const [c, kid] of kids) edgeList.push(((number[kid] << 8) | c) >>> 0);
    outStart[s] = outList.length;
    outList.push(...outputs[node]);
  });
  edgeStart[n] = edgeList.length;
  outStart[n] = outList.length;
  return {
    stateCount: n, classCount, classOf, fail, edgeStart,
    edges: Uint32Array.from(edgeList), outStart, outputs: Uint32Array.from(outList),
  };
}
