// Thompson construction: syntax tree → NFA over bytes (ranges, epsilon splits, zero-width
// assertions, one match node), with the unanchored-search prefix and the NFA size budget.

import type { Look, Node } from "./ast.js";
import { RegexError, quote, type RegexLimits } from "./error.js";
import { utf8Sequences, type ByteSeq } from "./utf8.js";

export const BYTES = 0;
export const SPLIT = 1;
export const LOOK = 2;
export const MATCH = 3;

/** Assertion bits; a set of satisfied assertions at a position is their OR. */
export const LOOK_BIT: Record<Look, number> = {
  start: 1,
  end: 2,
  lineStart: 4,
  lineEnd: 8,
  wordBoundary: 16,
  notWordBoundary: 32,
  wordStart: 64,
  wordEnd: 128,
  notWordBoundaryUnicode: 256,
};
export const WORD_LOOKS = 16 | 32 | 64 | 128 | 256;

/**
 * The NFA. Node `i` is one of: BYTES — consumes one byte in the ranges `bytes[i]` (pairs
 * `[lo0, hi0, lo1, hi1, …]`), goes to `next[i]`;
 * SPLIT — epsilon to every node of `out[i]`; LOOK — epsilon to `next[i]` where assertion bit
 * `look[i]` holds; MATCH — the pattern has matched. `looks` is the OR of every assertion used.
 */
export interface Nfa {
  kind: number[];
  bytes: number[][];
  next: number[];
  look: number[];
  out: number[][];
  start: number;
  looks: number;
}

/**
 * Builds the search NFA of `ast`: unless the pattern is anchored at the start of the input,
 * a `[\x00-\xFF]*` loop precedes it, so a match may begin at any byte.
 */
export function buildNfa(ast: Node, pattern: string, limits: RegexLimits): Nfa {
  const b = new Builder(pattern, limits);
  const match = b.add(MATCH);
  const entry = b.compile(ast, match);
  let start = entry;
  if (!anchoredAtStart(ast)) {
    start = b.add(SPLIT);
    const loop = b.add(BYTES, [0x00, 0xff], start);
    b.nfa.out[start] = [entry, loop];
  }
  b.nfa.start = start;
  return b.nfa;
}

/** True when every match must begin at offset 0 (the pattern starts with `^` or `\A` on every path). */
function anchoredAtStart(n: Node): boolean {
  switch (n.type) {
    case "look": return n.look === "start";
    case "group": return anchoredAtStart(n.item);
    case "concat": return n.items.length > 0 && anchoredAtStart(n.items[0]);
    case "alt": return n.items.every(anchoredAtStart);
    case "repeat": return n.min > 0 && anchoredAtStart(n.item);
    default: return false;
  }
}

class Builder {
  readonly nfa: Nfa = { kind: [], bytes: [], next: [], look: [], out: [], start: 0, looks: 0 };
  private readonly seqCache = new Map<string, ByteSeq[]>();
  /** BYTES nodes by (ranges, next): equal suffixes of UTF-8 sequences are shared, which keeps DFA states few. */
  private readonly bytesNodes = new Map<string, number>();

  constructor(private readonly pattern: string, private readonly limits: RegexLimits) {}

  add(kind: number, bytes: number[] = [], next = -1, look = 0): number {
    const n = this.nfa;
    if (n.kind.length >= this.limits.maxNfaStates) {
      throw new RegexError(`pattern ${quote(this.pattern)} needs more than maxNfaStates = ${this.limits.maxNfaStates} automaton nodes once its repetitions are expanded; lower the repetition counts or raise maxNfaStates`, 0, this.pattern, { end: this.pattern.length, limit: "maxNfaStates" });
    }
    n.kind.push(kind);
    n.bytes.push(bytes);
    n.next.push(next);
    n.look.push(look);
    n.out.push([]);
    return n.kind.length - 1;
  }

  private bytes(ranges: number[], next: number): number {
    const key = `${ranges.join(",")}>${next}`;
    let id = this.bytesNodes.get(key);
    if (id === undefined) this.bytesNodes.set(key, (id = this.add(BYTES, ranges, next)));
    return id;
  }

  private split(out: number[]): number {
    const s = this.add(SPLIT);
    this.nfa.out[s] = out;
    return s;
  }

  /** Compiles `node` so that it continues to `next`; returns its entry node. */
  compile(node: Node, next: number): number {
    switch (node.type) {
      case "empty":
        return next;
      case "group":
        return this.compile(node.item, next);
      case "look":
        this.nfa.looks |= LOOK_BIT[node.look];
        return this.add(LOOK, [], next, LOOK_BIT[node.look]);
      case "concat": {
        let t = next;
        for (let i = node.items.length - 1; i >= 0; i--) t = this.compile(node.items[i], t);
        return t;
      }
      case "alt":
        return this.split(node.items.map((item) => this.compile(item, next)));
      case "class": {
        if (node.bytes) return node.set.length === 0 ? this.split([]) : this.bytes([...node.set], next);
        const key = node.set.join(",");
        let seqs = this.seqCache.get(key);
        if (seqs === undefined) this.seqCache.set(key, (seqs = utf8Sequences(node.set)));
        // One-byte sequences (ASCII) share one node, so that e.g. a and A of (?i)a fall in one byte class.
        const ascii = seqs.filter((seq) => seq.length === 2).flat();
        const heads = seqs.filter((seq) => seq.length > 2).map((seq) => {
          let t = next;
          for (let i = seq.length - 2; i >= 0; i -= 2) t = this.bytes([seq[i], seq[i + 1]], t);
          return t;
        });
        if (ascii.length > 0) heads.unshift(this.bytes(ascii, next));
        if (heads.length === 0) return this.split([]);
        return heads.length === 1 ? heads[0] : this.split(heads);
      }
      case "repeat": {
        const { item, min, max } = node;
        let t = next;
        let copies = min;
        if (max === Infinity) {
          // x+ as a loop: item → split(item, next); x* as split(item → split, next).
          const loop = this.add(SPLIT);
          const body = this.compile(item, loop);
          this.nfa.out[loop] = [body, next];
          if (min === 0) t = loop;
          else {
            t = body;
            copies = min - 1;
          }
        } else {
          for (let k = 0; k < max - min; k++) t = this.split([this.compile(item, t), next]);
        }
        for (let k = 0; k < copies; k++) t = this.compile(item, t);
        return t;
      }
    }
  }
}
