// A linear-time matcher for parsed regexes, used by the reference evaluator: the regex tree is
// compiled to a Thompson NFA and simulated with a set of states per input byte (no
// backtracking, no JavaScript RegExp), so time is O(pattern × input) for every input.

import { isWordByte, type RegexAssertion, type RegexNode } from "./regex.js";

type Inst =
  | { op: "byte"; set: Uint8Array }
  | { op: "split"; a: number; b: number }
  | { op: "jmp"; to: number }
  | { op: "assert"; what: RegexAssertion }
  | { op: "match" };

/** A compiled regex: `test(bytes)` is true when the pattern matches anywhere in `bytes`. */
export class RegexProgram {
  private readonly insts: Inst[] = [];

  constructor(node: RegexNode) {
    this.emit(node);
    this.insts.push({ op: "match" });
  }

  get size(): number {
    return this.insts.length;
  }

  private emit(node: RegexNode): void {
    const insts = this.insts;
    switch (node.kind) {
      case "empty": return;
      case "class": {
        const set = new Uint8Array(256);
        for (const [lo, hi] of node.ranges) for (let b = lo; b <= hi; b++) set[b] = 1;
        insts.push({ op: "byte", set });
        return;
      }
      case "assert":
        insts.push({ op: "assert", what: node.what });
        return;
      case "group":
        this.emit(node.item);
        return;
      case "concat":
        for (const item of node.items) this.emit(item);
        return;
      case "alternate": {
        const jumps: { op: "jmp"; to: number }[] = [];
        node.items.forEach((item, i) => {
          if (i === node.items.length - 1) { this.emit(item); return; }
          const split = { op: "split" as const, a: insts.length + 1, b: 0 };
          insts.push(split);
          this.emit(item);
          const jmp = { op: "jmp" as const, to: 0 };
          insts.push(jmp);
          jumps.push(jmp);
          split.b = insts.length;
        });
        for (const j of jumps) j.to = insts.length;
        return;
      }
      case "repeat": {
        for (let k = 0; k < node.min; k++) this.emit(node.item);
        if (node.max === null) {
          const loop = insts.length;
          const split = { op: "split" as const, a: loop + 1, b: 0 };
          insts.push(split);
          this.emit(node.item);
          insts.push({ op: "jmp", to: loop });
          split.b = insts.length;
          return;
        }
        const splits: { op: "split"; a: number; b: number }[] = [];
        for (let k = node.min; k < node.max; k++) {
          const split = { op: "split" as const, a: insts.length + 1, b: 0 };
          insts.push(split);
          splits.push(split);
          this.emit(node.item);
        }
        for (const s of splits) s.b = insts.length;
        return;
      }
    }
  }

  /** Unanchored search: is there a match starting at any position? */
  test(input: Uint8Array): boolean {
    const n = input.length;
    const size = this.insts.length;
    const seen = new Int32Array(size).fill(-1);
    let current: number[] = [];
    let next: number[] = [];
    const stack: number[] = [];
    const add = (list: number[], pc0: number, pos: number): boolean => {
      stack.push(pc0);
      while (stack.length > 0) {
        const pc = stack.pop()!;
        if (seen[pc] === pos) continue;
        seen[pc] = pos;
        const inst = this.insts[pc];
        switch (inst.op) {
          case "match": stack.length = 0; return true;
          case "byte": list.push(pc); break;
          case "jmp": stack.push(inst.to); break;
          case "split": stack.push(inst.b, inst.a); break;
          case "assert": if (holds(inst.what, input, pos)) stack.push(pc + 1); break;
        }
      }
      return false;
    };
    for (let pos = 0; ; pos++) {
      if (add(current, 0, pos)) return true;
      if (pos === n) return false;
      const b = input[pos];
      next.length = 0;
      for (const pc of current) {
        const inst = this.insts[pc] as { op: "byte"; set: Uint8Array };
        if (inst.set[b] && add(next, pc + 1, pos + 1)) return true;
      }
      [current, next] = [next, current];
    }
  }
}

function holds(what: RegexAssertion, input: Uint8Array, pos: number): boolean {
  const prev = pos > 0 ? input[pos - 1] : -1;
  const next = pos < input.length ? input[pos] : -1;
  switch (what) {
    case "start_text": return pos === 0;
    case "end_text": return pos === input.length;
    case "start_line": return pos === 0 || prev === 0x0a;
    case "end_line": return pos === input.length || next === 0x0a;
    case "word_boundary": return (prev >= 0 && isWordByte(prev)) !== (next >= 0 && isWordByte(next));
    case "not_word_boundary": return (prev >= 0 && isWordByte(prev)) === (next >= 0 && isWordByte(next));
  }
}
