// Syntax tree → DFA tables for the `matches` operator: Thompson NFA (nfa.ts) → byte classes →
// subset construction (subset.ts) → Hopcroft minimisation (minimize.ts) → class merging.
// The tables' contract (RegexTables) is what the Wasm runner and the pack encoder rely on.

import type { Node } from "./ast.js";
import { resolveLimits, type RegexLimits } from "./error.js";
import { minimize } from "./minimize.js";
import { BYTES, LOOK_BIT, WORD_LOOKS, buildNfa, type Nfa } from "./nfa.js";
import { subsetConstruction, type RawDfa } from "./subset.js";

export { requiredLiterals, type RegexLiteral } from "./literals.js";

/**
 * A compiled regular expression: a complete DFA over byte classes that answers "does the
 * pattern match anywhere in the input?" (unanchored search; `^`/`$` anchor to the whole input).
 *
 * Contract (the Wasm runner and the pack encoder rely on exactly this):
 * - `classOf[b]` (256 entries) is the class of byte `b`, in `0 .. classCount-1`; 1 ≤ classCount ≤ 256;
 *   every class has at least one byte; a class need not be a contiguous byte range (with `(?i)`,
 *   `a` and `A` usually share one).
 * - States are `0 .. stateCount-1`; `start` is the state before any byte (currently always 0;
 *   states are numbered breadth-first from it).
 * - `transitions[s * classCount + classOf[b]]` is the state after reading byte `b` in state `s`;
 *   every entry is a valid state id (the table is complete).
 * - `acceptNow[s] === 1`: a match lies within the bytes read so far, so the answer is true
 *   whatever follows. At most one state has it, and every transition from it leads to itself.
 *   When it is the start state, the pattern matches every input (e.g. `a*`).
 * - `acceptAtEnd[s] === 1`: if the input ends in state `s`, the answer is true (this is where
 *   `$`, `\z`, `\b` and friends at the very end are decided). acceptNow implies acceptAtEnd.
 * - `dead` is the state from which no match is possible any more (every transition leads to
 *   itself, both accept flags 0), or -1 if there is none; a runner may stop there with false.
 *   Tables are minimal (no two states equivalent, no two classes with equal columns), so every
 *   state from which no match is possible is `dead`.
 * - Arrays are exactly `256`, `stateCount * classCount`, `stateCount` and `stateCount` long.
 *
 * Running (see run.ts, the executable spec): `s = start`; if `acceptNow[s]` answer true; for each
 * byte: `s = transitions[s * classCount + classOf[b]]`, answer true if `acceptNow[s]`, false if
 * `s === dead`; at the end answer `acceptAtEnd[s] === 1`. One table lookup per byte: linear time.
 *
 * Input is bytes (UTF-8 text, or anything). In byte mode `.` and classes match one byte each; in
 * Unicode mode they match whole UTF-8-encoded scalar values, never bytes of invalid UTF-8.
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
  /**
   * false: skips minimisation and class merging (the raw subset construction); such tables keep
   * the contract except minimality (`dead` is then only a state whose NFA set is empty). Default true.
   */
  minimize?: boolean;
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
 * Byte classes: bytes that belong to exactly the same byte ranges of the NFA (and, when
 * assertions need it, agree on being word bytes, `\n`, or UTF-8 continuation bytes) behave
 * alike. Classes are numbered by their smallest byte; `rep[c]` is that byte.
 */
function byteClasses(nfa: Nfa): { classOf: Uint8Array; classCount: number; rep: number[] } {
  const sets = new Map<string, number[]>();
  for (let i = 0; i < nfa.kind.length; i++) if (nfa.kind[i] === BYTES) sets.set(nfa.bytes[i].join(","), nfa.bytes[i]);
  if (nfa.looks & WORD_LOOKS) sets.set("word", [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);
  if (nfa.looks & (LOOK_BIT.lineStart | LOOK_BIT.lineEnd)) sets.set("nl", [0x0a, 0x0a]);
  if (nfa.looks & LOOK_BIT.notWordBoundaryUnicode) sets.set("cont", [0x80, 0xbf]);
  // Partition refinement: each set splits every class into its members and the rest.
  let cls = new Int32Array(256);
  for (const ranges of sets.values()) {
    const inSet = new Uint8Array(256);
    for (let r = 0; r < ranges.length; r += 2) inSet.fill(1, ranges[r], ranges[r + 1] + 1);
    const ids = new Map<number, number>();
    const next = new Int32Array(256);
    for (let b = 0; b < 256; b++) {
      const key = cls[b] * 2 + inSet[b];
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      next[b] = id;
    }
    cls = next;
  }
  const classOf = new Uint8Array(256);
  const rep: number[] = [];
  const ids = new Map<number, number>();
  for (let b = 0; b < 256; b++) {
    let id = ids.get(cls[b]);
    if (id === undefined) {
      ids.set(cls[b], (id = rep.length));
      rep.push(b);
    }
    classOf[b] = id;
  }
  return { classOf, classCount: rep.length, rep };
}

/** Minimises states (Hopcroft), then merges byte classes whose columns are equal. */
function minimal(classOf: Uint8Array, k: number, raw: RawDfa): RegexTables {
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
