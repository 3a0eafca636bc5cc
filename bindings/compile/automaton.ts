// The Aho-Corasick trie over ASCII-folded byte patterns: byte classes, goto edges and the
// patterns ending at each state, numbered breadth-first (every edge points forward, every state
// has one parent). The engine derives the failure links at load; the pack carries only the trie.

import { foldByte } from "./naive.js";

export interface AutomatonTables {
  stateCount: number;
  classCount: number;
  /** raw byte → class; upper-case ASCII shares its lower-case letter's class; 0 = byte in no pattern. */
  classOf: Uint8Array;
  edgeStart: Uint32Array;
  /** target << 8 | class, sorted by class within a state. */
  edges: Uint32Array;
  outStart: Uint32Array;
  /** ids of the patterns that end exactly at each state. */
  outputs: Uint32Array;
}

/** Builds the trie for `patterns` (already case-folded); pattern id = index. */
export function buildAutomaton(patterns: Uint8Array[]): AutomatonTables {
  const classOf = new Uint8Array(256);
  let classCount = 1;
  const used = new Uint8Array(256);
  for (const p of patterns) for (const b of p) used[foldByte(b)] = 1;
  for (let b = 0; b < 256; b++) if (used[b] && foldByte(b) === b) classOf[b] = classCount++;
  for (let b = 0; b < 256; b++) if (foldByte(b) !== b) classOf[b] = classOf[foldByte(b)];
  if (classCount > 256) throw new Error("more than 255 distinct pattern bytes");

  // Trie in insertion order: children as Map<class, node>.
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

  // Breadth-first numbering, children by class, so the layout is deterministic.
  const order: number[] = [0];
  const number = new Int32Array(children.length);
  const sortedKids: [number, number][][] = new Array(children.length);
  for (let i = 0; i < order.length; i++) {
    const kids = [...children[order[i]].entries()].sort((a, b) => a[0] - b[0]);
    sortedKids[order[i]] = kids;
    for (const [, kid] of kids) { number[kid] = order.length; order.push(kid); }
  }

  const n = order.length;
  const edgeStart = new Uint32Array(n + 1);
  const outStart = new Uint32Array(n + 1);
  const edgeList: number[] = [];
  const outList: number[] = [];
  order.forEach((node, s) => {
    edgeStart[s] = edgeList.length;
    for (const [c, kid] of sortedKids[node]) edgeList.push(((number[kid] << 8) | c) >>> 0);
    outStart[s] = outList.length;
    outList.push(...ends[node]);
  });
  edgeStart[n] = edgeList.length;
  outStart[n] = outList.length;
  return { stateCount: n, classCount, classOf, edgeStart, edges: Uint32Array.from(edgeList), outStart, outputs: Uint32Array.from(outList) };
}
