// Syntax tree → DFA tables for the `matches` operator: Thompson NFA (nfa.ts) → byte classes →
// subset construction with assertion handling and a state budget → Hopcroft minimisation.
// The tables' contract (RegexTables) is what the Wasm runner and the pack encoder rely on.

import type { Node } from "./ast.js";
import { RegexError, quote, resolveLimits, type RegexLimits } from "./error.js";
import { minimize } from "./minimize.js";
import { BYTES, LOOK, LOOK_BIT, MATCH, SPLIT, WORD_LOOKS, buildNfa, type Nfa } from "./nfa.js";

export { requiredLiterals, type RegexLiteral } from "./literals.js";

/**
 * A compiled regular expression: a complete DFA over byte classes that answers "does the
 * pattern match anywhere in the input?" (unanchored search; `^`/`$` anchor to the whole input).
 *
 * Contract (the Wasm runner and the pack encoder rely on exactly this):
 * - `classOf[b]` (256 entries) is the class of byte `b`, in `0 .. classCount-1`; 1 ≤ classCount ≤ 256.
 * - States are `0 .. stateCount-1`; `start` is the state before any byte (currently always 0;
 *   states are numbered breadth-first from it).
 * - `transitions[s * classCount + classOf[b]]` is the state after reading byte `b` in state `s`;
 *   every entry is a valid state id (the table is complete).
 * - `acceptNow[s] === 1`: a match lies within the bytes read so far, so the answer is true
 *   whatever follows. At most one state has it, and every transition from it leads to itself.
 * - `acceptAtEnd[s] === 1`: if the input ends in state `s`, the answer is true (this is where
 *   `$`, `\z`, `\b` and friends at the very end are decided). acceptNow implies acceptAtEnd.
 * - `dead` is the state from which no match is possible any more (every transition leads to
 *   itself, both accept flags 0), or -1 if there is none; a runner may stop there with false.
 *
 * Running (see run.ts, the executable spec): `s = start`; if `acceptNow[s]` answer true; for each
 * byte: `s = transitions[s * classCount + classOf[b]]`, answer true if `acceptNow[s]`, false if
 * `s === dead`; at the end answer `acceptAtEnd[s] === 1`. One table lookup per byte: linear time.
 *
 * Text is matched as UTF-8 bytes: `.` and classes match whole encoded scalar values, so a byte
 * sequence that is not valid UTF-8 is never matched by them (literal bytes still are).
 */
export interface RegexTables {
  classOf: Uint8Array;
  classCount: number;
  stateCount: number;
  start: number;
  transitions: Uint32Array;
  acceptNow: Uint8Array;
  acceptAtEnd: Uint8Array;
  dead: number;
}

/** Internal switches, for tests. */
export interface CompileSwitches {
  /** Skips minimisation and class merging (the raw subset construction). Default true. */
  minimize?: boolean;
}

// Facts about the previous position that a DFA state remembers when its assertions need them.
const AT_START = 1;
const PREV_WORD = 2;
const PREV_NL = 4;

function isWordByte(b: number): boolean {
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
  l |= prevWord !== word ? LOOK_BIT.wordBoundary : LOOK_BIT.notWordBoundary;
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
  l |= prevWord ? LOOK_BIT.wordBoundary | LOOK_BIT.wordEnd : LOOK_BIT.notWordBoundary;
  return l;
}

/** Compiles a parsed pattern to tables; throws RegexError when a budget is exceeded. */
export function compileTables(ast: Node, pattern: string, limits: Partial<RegexLimits> = {}, switches: CompileSwitches = {}): RegexTables {
  const lim = resolveLimits(limits);
  const nfa = buildNfa(ast, pattern, lim);
  const { classOf, classCount, rep } = byteClasses(nfa);
  const raw = subsetConstruction(nfa, classOf, classCount, rep, pattern, lim.maxStates);
  if (switches.minimize === false) return finish(classOf, classCount, raw.n, raw.start, raw.trans, raw.now, raw.end);
  return minimal(classOf, classCount, raw);
}

/**
 * Byte classes: bytes that no range boundary of the NFA (nor the word / newline distinction,
 * when assertions need it) separates behave alike. `rep[c]` is one byte of class `c`.
 */
function byteClasses(nfa: Nfa): { classOf: Uint8Array; classCount: number; rep: number[] } {
  const cut = new Uint8Array(257);
  const cutRange = (lo: number, hi: number) => {
    cut[lo] = 1;
    cut[hi + 1] = 1;
  };
  for (let i = 0; i < nfa.kind.length; i++) if (nfa.kind[i] === BYTES) cutRange(nfa.lo[i], nfa.hi[i]);
  if (nfa.looks & WORD_LOOKS) for (const [lo, hi] of [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]]) cutRange(lo, hi);
  if (nfa.looks & (LOOK_BIT.lineStart | LOOK_BIT.lineEnd)) cutRange(0x0a, 0x0a);
  const classOf = new Uint8Array(256);
  const rep: number[] = [0];
  let c = 0;
  for (let b = 1; b < 256; b++) {
    if (cut[b]) {
      c++;
      rep.push(b);
    }
    classOf[b] = c;
  }
  return { classOf, classCount: c + 1, rep };
}

interface Raw {
  n: number;
  start: number;
  trans: Int32Array;
  now: Uint8Array;
  end: Uint8Array;
}

/**
 * Subset construction. A DFA state is a set of NFA nodes (BYTES, LOOK and MATCH nodes reached
 * through epsilon splits, with pending assertions kept unexpanded) plus what its assertions need
 * to know about the previous position (AT_START, PREV_WORD, PREV_NL; 0 when it has no LOOK node).
 * Reading byte b: pending assertions that hold before b are expanded (reaching MATCH there is a
 * match), then BYTES nodes step on b. Every set holding MATCH is the single match state.
 */
function subsetConstruction(nfa: Nfa, classOf: Uint8Array, classCount: number, rep: number[], pattern: string, maxStates: number): Raw {
  const size = nfa.kind.length;
  const stamp = new Int32Array(size);
  let gen = 0;
  const flagMask = AT_START | (nfa.looks & WORD_LOOKS ? PREV_WORD : 0) | (nfa.looks & LOOK_BIT.lineStart ? PREV_NL : 0);

  /** Nodes reachable from `seeds` through splits and through assertions in `looks`. */
  const closure = (seeds: Iterable<number>, looks: number): number[] => {
    gen++;
    const found: number[] = [];
    const stack: number[] = [];
    for (const s of seeds) stack.push(s);
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (stamp[i] === gen) continue;
      stamp[i] = gen;
      const k = nfa.kind[i];
      if (k === SPLIT) for (const o of nfa.out[i]) stack.push(o);
      else if (k === LOOK && looks & nfa.look[i]) stack.push(nfa.next[i]);
      else found.push(i);
    }
    return found.sort((a, b) => a - b);
  };
  const hasMatch = (nodes: number[]) => nodes.some((i) => nfa.kind[i] === MATCH);
  const hasLook = (nodes: number[]) => nodes.some((i) => nfa.kind[i] === LOOK);

  const sets: number[][] = [];
  const flagsOf: number[] = [];
  const ids = new Map<string, number>();
  const trans: number[] = [];
  let matchState = -1;
  const intern = (nodes: number[], flags: number): number => {
    if (hasMatch(nodes)) {
      if (matchState < 0) matchState = intern([], -1);
      return matchState;
    }
    const f = flags === -1 ? -1 : hasLook(nodes) ? flags & flagMask : 0;
    const key = `${f}|${nodes.join(",")}`;
    let id = ids.get(key);
    if (id === undefined) {
      if (sets.length >= maxStates) {
        throw new RegexError(`pattern ${quote(pattern)} needs more than maxStates = ${maxStates} DFA states; simplify it (a bounded repetition after an unbounded one, such as (a|b)*a(a|b){20}, multiplies states) or raise maxStates`, 0, pattern);
      }
      id = sets.length;
      ids.set(key, id);
      sets.push(nodes);
      flagsOf.push(f);
    }
    return id;
  };

  const start = intern(closure([nfa.start], 0), AT_START);
  const buckets: number[][] = Array.from({ length: classCount }, () => []);
  const row = new Int32Array(classCount);
  const rowAfter = new Int32Array(classCount);
  for (let s = 0; s < sets.length; s++) {
    if (s === matchState) {
      for (let c = 0; c < classCount; c++) trans.push(s);
      continue;
    }
    const nodes = sets[s];
    // Classes are grouped by the assertions that hold before their bytes (one group when the
    // state has no pending assertion); within a group, BYTES nodes are bucketed by class.
    const groups = new Map<number, number[]>();
    const pending = hasLook(nodes);
    for (let c = 0; c < classCount; c++) {
      const looks = pending ? looksBefore(flagsOf[s], rep[c]) : 0;
      let g = groups.get(looks);
      if (g === undefined) groups.set(looks, (g = []));
      g.push(c);
    }
    for (const [looks, classes] of groups) {
      const here = pending ? closure(nodes, looks) : nodes;
      if (pending && hasMatch(here)) {
        const m = intern(here, 0);
        for (const c of classes) row[c] = m;
        continue;
      }
      for (const c of classes) buckets[c].length = 0;
      const inGroup = classes.length === classCount ? null : new Set(classes);
      for (const i of here) {
        if (nfa.kind[i] !== BYTES) continue;
        for (let c = classOf[nfa.lo[i]]; c <= classOf[nfa.hi[i]]; c++) if (inGroup === null || inGroup.has(c)) buckets[c].push(nfa.next[i]);
      }
      // Classes with the same successors share one closure (found by hash, confirmed by comparison).
      const memo = new Map<number, number[]>();
      for (const c of classes) {
        const b = rep[c];
        const after = (isWordByte(b) ? PREV_WORD : 0) | (b === 0x0a ? PREV_NL : 0);
        const list = buckets[c];
        let h = after * 0x9e3779b1;
        for (const x of list) h = Math.imul(h ^ x, 0x01000193) + list.length;
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
    else if (hasLook(sets[s]) && hasMatch(closure(sets[s], looksAtEnd(flagsOf[s])))) end[s] = 1;
  }
  return { n, start, trans: Int32Array.from(trans), now, end };
}

function sameList(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Minimises states (Hopcroft), then merges byte classes whose columns are equal. */
function minimal(classOf: Uint8Array, k: number, raw: Raw): RegexTables {
  const label = new Int32Array(raw.n);
  for (let s = 0; s < raw.n; s++) label[s] = raw.now[s] * 2 + raw.end[s];
  const { block, count } = minimize(raw.n, k, raw.trans, label);
  const trans = new Int32Array(count * k);
  const now = new Uint8Array(count);
  const end = new Uint8Array(count);
  for (let s = 0; s < raw.n; s++) {
    const b = block[s];
    now[b] = raw.now[s];
    end[b] = raw.end[s];
    for (let c = 0; c < k; c++) trans[b * k + c] = block[raw.trans[s * k + c]];
  }
  // Classes with identical columns are merged.
  const colId = new Map<string, number>();
  const newClass: number[] = [];
  const keep: number[] = [];
  for (let c = 0; c < k; c++) {
    const col: number[] = [];
    for (let s = 0; s < count; s++) col.push(trans[s * k + c]);
    const key = col.join(",");
    let id = colId.get(key);
    if (id === undefined) {
      colId.set(key, (id = keep.length));
      keep.push(c);
    }
    newClass.push(id);
  }
  const k2 = keep.length;
  const trans2 = new Int32Array(count * k2);
  for (let s = 0; s < count; s++) for (let c = 0; c < k2; c++) trans2[s * k2 + c] = trans[s * k + keep[c]];
  const classOf2 = classOf.map((c) => newClass[c]);
  return finish(classOf2, k2, count, block[raw.start], trans2, now, end);
}

/** Renumbers states breadth-first from the start (start = 0), finds the dead state, packs the tables. */
function finish(classOf: Uint8Array, k: number, n: number, start: number, trans: Int32Array, now: Uint8Array, end: Uint8Array): RegexTables {
  const id = new Int32Array(n).fill(-1);
  const order = [start];
  id[start] = 0;
  for (let i = 0; i < order.length; i++) {
    const s = order[i];
    for (let c = 0; c < k; c++) {
      const t = trans[s * k + c];
      if (id[t] < 0) {
        id[t] = order.length;
        order.push(t);
      }
    }
  }
  const m = order.length;
  const transitions = new Uint32Array(m * k);
  const acceptNow = new Uint8Array(m);
  const acceptAtEnd = new Uint8Array(m);
  let dead = -1;
  for (let i = 0; i < m; i++) {
    const s = order[i];
    acceptNow[i] = now[s];
    acceptAtEnd[i] = end[s];
    let selfOnly = true;
    for (let c = 0; c < k; c++) {
      transitions[i * k + c] = id[trans[s * k + c]];
      if (transitions[i * k + c] !== i) selfOnly = false;
    }
    if (selfOnly && !now[s] && !end[s] && dead < 0) dead = i;
  }
  return { classOf, classCount: k, stateCount: m, start: 0, transitions, acceptNow, acceptAtEnd, dead };
}
