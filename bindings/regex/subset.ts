// Subset construction: search NFA → complete DFA over byte classes, with zero-width assertions
// (anchors, word boundaries) decided per transition and at the end of input, and the state budget.

import { RegexError, quote } from "./error.js";
import { BYTES, LOOK, LOOK_BIT, MATCH, SPLIT, WORD_LOOKS, type Nfa } from "./nfa.js";

/** The DFA before minimisation: `trans[s * classCount + c]`, accept flags per state. */
export interface RawDfa {
  n: number;
  start: number;
  trans: Int32Array;
  now: Uint8Array;
  end: Uint8Array;
}

// Facts about the previous position that a DFA state remembers when its assertions need them.
const AT_START = 1;
const PREV_WORD = 2;
const PREV_NL = 4;

export function isWordByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
}

/** Assertions that hold between the previous position (`flags`) and byte `b`. */
function looksBefore(flags: number, b: number): number {
  const prevWord = (flags & PREV_WORD) !== 0;
  const word = isWordByte(b);
  let l = 0;
  if (flags & AT_START) l |= LOOK_BIT.start;
  if (flags & (AT_START | PREV_NL)) l |= LOOK_BIT.lineStart;
  if (b === 0x0a) l |= LOOK_BIT.lineEnd;
  if (prevWord !== word) l |= LOOK_BIT.wordBoundary;
  else {
    l |= LOOK_BIT.notWordBoundary;
    // In Unicode mode, inside a UTF-8 sequence (before a continuation byte) is not a position.
    if (b < 0x80 || b > 0xbf) l |= LOOK_BIT.notWordBoundaryUnicode;
  }
  if (!prevWord && word) l |= LOOK_BIT.wordStart;
  if (prevWord && !word) l |= LOOK_BIT.wordEnd;
  return l;
}

/** Assertions that hold at the end of the input. */
function looksAtEnd(flags: number): number {
  const prevWord = (flags & PREV_WORD) !== 0;
  let l = LOOK_BIT.end | LOOK_BIT.lineEnd;
  if (flags & AT_START) l |= LOOK_BIT.start;
  if (flags & (AT_START | PREV_NL)) l |= LOOK_BIT.lineStart;
  l |= prevWord ? LOOK_BIT.wordBoundary | LOOK_BIT.wordEnd : LOOK_BIT.notWordBoundary | LOOK_BIT.notWordBoundaryUnicode;
  return l;
}

/** A set of NFA nodes (in no particular order), with whether it holds MATCH or a LOOK node. */
interface NodeSet {
  nodes: Int32Array;
  match: boolean;
  look: boolean;
}

/** Order-independent hash of a set of node ids and the state's flags. */
function hashOf(nodes: ArrayLike<number>, flags: number): number {
  let h = Math.imul(flags + 1, 0x9e3779b1);
  for (let i = 0; i < nodes.length; i++) {
    let x = Math.imul(nodes[i] ^ (nodes[i] >>> 15), 0x2c1b3c6d);
    x = Math.imul(x ^ (x >>> 12), 0x297a2d39);
    h = (h + (x ^ (x >>> 15))) | 0;
  }
  return (h ^ nodes.length) | 0;
}

/** Lists compare in order (bucket lists of one state are built in the same order). */
function sameList(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Cached epsilon closures (without assertions) of single nodes stop growing at this many ids. */
const CLOSURE_CACHE_BUDGET = 4_000_000;

/**
 * Subset construction. A DFA state is a set of NFA nodes (BYTES, LOOK and MATCH nodes reached
 * through epsilon splits, with pending assertions kept unexpanded) plus what its assertions need
 * to know about the previous position (AT_START, PREV_WORD, PREV_NL; 0 when it has no LOOK node).
 * Reading byte b: pending assertions that hold before b are expanded (reaching MATCH there is a
 * match), then BYTES nodes step on b. Every set holding MATCH is the single match state.
 * Throws RegexError when more than `maxStates` states are needed.
 */
export function subsetConstruction(nfa: Nfa, classOf: Uint8Array, classCount: number, rep: number[], pattern: string, maxStates: number): RawDfa {
  const size = nfa.kind.length;
  const stamp = new Int32Array(size);
  let gen = 0;
  const flagMask = AT_START | (nfa.looks & WORD_LOOKS ? PREV_WORD : 0) | (nfa.looks & LOOK_BIT.lineStart ? PREV_NL : 0);
  const stack: number[] = [];
  const found: number[] = [];
  const cache: (Int32Array | undefined)[] = new Array(size);
  let cacheLeft = CLOSURE_CACHE_BUDGET;

  /** Depth-first closure from `seed` through splits and assertions in `looks`, added to `found`. */
  const explore = (seed: number, looks: number) => {
    stack.push(seed);
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (stamp[i] === gen) continue;
      stamp[i] = gen;
      const k = nfa.kind[i];
      if (k === SPLIT) {
        const out = nfa.out[i];
        for (let j = out.length - 1; j >= 0; j--) stack.push(out[j]);
      } else if (k === LOOK && looks & nfa.look[i]) stack.push(nfa.next[i]);
      else found.push(i);
    }
  };

  /** The closure of one node without assertions, cached while the budget lasts. */
  const nodeClosure = (seed: number): Int32Array => {
    let c = cache[seed];
    if (c !== undefined) return c;
    gen++;
    found.length = 0;
    explore(seed, 0);
    c = Int32Array.from(found);
    if (cacheLeft >= c.length) {
      cacheLeft -= c.length;
      cache[seed] = c;
    }
    return c;
  };

  /** Nodes reachable from `seeds` through splits and through assertions in `looks`. */
  const closure = (seeds: ArrayLike<number>, looks: number): NodeSet => {
    const parts: Int32Array[] = [];
    if (looks === 0) for (let j = 0; j < seeds.length; j++) {
      const k = nfa.kind[seeds[j]];
      if (k === SPLIT) parts.push(nodeClosure(seeds[j]));
    }
    gen++;
    found.length = 0;
    let p = 0;
    for (let j = 0; j < seeds.length; j++) {
      const seed = seeds[j];
      if (looks === 0 && nfa.kind[seed] === SPLIT) {
        for (const i of parts[p++]) {
          if (stamp[i] !== gen) {
            stamp[i] = gen;
            found.push(i);
          }
        }
      } else explore(seed, looks);
    }
    let match = false;
    let look = false;
    for (const i of found) {
      const k = nfa.kind[i];
      if (k === MATCH) match = true;
      else if (k === LOOK) look = true;
    }
    return { nodes: Int32Array.from(found), match, look };
  };

  // Equality of two node sets, by marking one of them.
  const mark = new Int32Array(size);
  let markGen = 0;
  const sameSet = (a: Int32Array, b: Int32Array): boolean => {
    if (a.length !== b.length) return false;
    markGen++;
    for (const i of a) mark[i] = markGen;
    for (const i of b) if (mark[i] !== markGen) return false;
    return true;
  };

  // The classes each BYTES node covers (classes need not be contiguous ranges of bytes).
  const nodeClasses: (Int32Array | undefined)[] = new Array(size);
  const classesOf = (i: number): Int32Array => {
    let cs = nodeClasses[i];
    if (cs === undefined) {
      const ranges = nfa.bytes[i];
      const seen = new Set<number>();
      for (let r = 0; r < ranges.length; r += 2) for (let b = ranges[r]; b <= ranges[r + 1]; b++) seen.add(classOf[b]);
      nodeClasses[i] = cs = Int32Array.from(seen);
    }
    return cs;
  };

  const sets: Int32Array[] = [];
  const flagsOf: number[] = [];
  const hasLook: boolean[] = [];
  const byHash = new Map<number, number[]>();
  const trans: number[] = [];
  let matchState = -1;
  const newState = (nodes: Int32Array, flags: number, look: boolean): number => {
    if (sets.length >= maxStates) {
      throw new RegexError(`pattern ${quote(pattern)} needs more than maxStates = ${maxStates} DFA states; simplify it (a bounded repetition after an unbounded one, such as (a|b)*a(a|b){20}, multiplies states) or raise maxStates`, 0, pattern, { end: pattern.length, limit: "maxStates" });
    }
    sets.push(nodes);
    flagsOf.push(flags);
    hasLook.push(look);
    return sets.length - 1;
  };
  const intern = (set: NodeSet, flags: number): number => {
    if (set.match) {
      if (matchState < 0) matchState = newState(new Int32Array(0), -1, false);
      return matchState;
    }
    const f = set.look ? flags & flagMask : 0;
    const h = hashOf(set.nodes, f);
    let same = byHash.get(h);
    if (same === undefined) byHash.set(h, (same = []));
    for (const id of same) if (flagsOf[id] === f && sameSet(sets[id], set.nodes)) return id;
    const id = newState(set.nodes, f, set.look);
    same.push(id);
    return id;
  };

  const start = intern(closure([nfa.start], 0), AT_START);
  const buckets: number[][] = Array.from({ length: classCount }, () => []);
  const row = new Int32Array(classCount);
  const rowAfter = new Int32Array(classCount);
  const inGroup = new Int32Array(classCount);
  let groupMark = 0;
  for (let s = 0; s < sets.length; s++) {
    if (s === matchState) {
      for (let c = 0; c < classCount; c++) trans.push(s);
      continue;
    }
    const nodes = sets[s];
    const pending = hasLook[s];
    // Classes are grouped by the assertions that hold before their bytes (one group when the
    // state has no pending assertion); within a group, BYTES nodes are bucketed by class.
    const groups = new Map<number, number[]>();
    for (let c = 0; c < classCount; c++) {
      const looks = pending ? looksBefore(flagsOf[s], rep[c]) : 0;
      let g = groups.get(looks);
      if (g === undefined) groups.set(looks, (g = []));
      g.push(c);
    }
    for (const [looks, classes] of groups) {
      let here: ArrayLike<number> = nodes;
      if (pending) {
        const expanded = closure(nodes, looks);
        if (expanded.match) {
          const m = intern(expanded, 0);
          for (const c of classes) row[c] = m;
          continue;
        }
        here = expanded.nodes;
      }
      groupMark++;
      for (const c of classes) {
        buckets[c].length = 0;
        inGroup[c] = groupMark;
      }
      for (let j = 0; j < here.length; j++) {
        const i = here[j];
        if (nfa.kind[i] !== BYTES) continue;
        const next = nfa.next[i];
        for (const c of classesOf(i)) if (inGroup[c] === groupMark) buckets[c].push(next);
      }
      // Classes with the same successors share one closure (found by hash, confirmed by comparison).
      const memo = new Map<number, number[]>();
      for (const c of classes) {
        const b = rep[c];
        const after = (isWordByte(b) ? PREV_WORD : 0) | (b === 0x0a ? PREV_NL : 0);
        const list = buckets[c];
        const h = hashOf(list, after);
        let same = memo.get(h);
        if (same === undefined) memo.set(h, (same = []));
        let t = -1;
        for (const d of same) if (rowAfter[d] === after && sameList(buckets[d], list)) t = row[d];
        if (t < 0) {
          t = intern(closure(list, 0), after);
          same.push(c);
        }
        row[c] = t;
        rowAfter[c] = after;
      }
    }
    for (let c = 0; c < classCount; c++) trans.push(row[c]);
  }
  const n = sets.length;
  const now = new Uint8Array(n);
  const end = new Uint8Array(n);
  for (let s = 0; s < n; s++) {
    if (s === matchState) now[s] = end[s] = 1;
    else if (hasLook[s] && closure(sets[s], looksAtEnd(flagsOf[s])).match) end[s] = 1;
  }
  return { n, start, trans: Int32Array.from(trans), now, end };
}
