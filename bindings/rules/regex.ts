// Regular expressions of `matches`: parses the byte-oriented subset of Rust `regex` syntax that
// Cloudflare uses (Unicode mode off) into a small tree the automaton builder can compile.
// Rejects what cannot run in linear time (backreferences, look-around) with a clear reason.

import type { RuleLimits } from "./settings.js";
import { utf8 } from "./bytes.js";
import { foldCase, isWordByte, rangesOf, setOf, PERL, POSIX, SIMPLE_ESCAPES, type ByteSet } from "./regex-sets.js";

export { isWordByte };

/** Zero-width assertions. `line` forms are `^`/`$` under the `m` flag; `word` is ASCII `\b`. */
export type RegexAssertion = "start_text" | "end_text" | "start_line" | "end_line" | "word_boundary" | "not_word_boundary";

/**
 * A parsed regex over bytes. Case-insensitivity, `.` and the Perl/POSIX classes are already
 * resolved into byte classes, so matching needs no flags.
 */
export type RegexNode =
  | { readonly kind: "empty" }
  /** One byte from the inclusive ranges (sorted, disjoint, merged); no ranges = matches nothing. */
  | { readonly kind: "class"; readonly ranges: readonly (readonly [number, number])[] }
  | { readonly kind: "concat"; readonly items: readonly RegexNode[] }
  | { readonly kind: "alternate"; readonly items: readonly RegexNode[] }
  /** `max` null = unbounded. `greedy` only matters for match positions, never for is-match. */
  | { readonly kind: "repeat"; readonly item: RegexNode; readonly min: number; readonly max: number | null; readonly greedy: boolean }
  /** `index` is the capture group number (1-based), null for `(?:…)`. */
  | { readonly kind: "group"; readonly item: RegexNode; readonly index: number | null; readonly name: string | null }
  | { readonly kind: "assert"; readonly what: RegexAssertion };

/** A problem in a pattern, at [start, end) of the pattern text (UTF-16 offsets). */
export class RegexSyntaxError extends Error {
  constructor(message: string, readonly start: number, readonly end: number) {
    super(message);
    this.name = "RegexSyntaxError";
  }
}

interface Flags { i: boolean; m: boolean; s: boolean; U: boolean; x: boolean }

const classNode = (set: ByteSet): RegexNode => ({ kind: "class", ranges: rangesOf(set) });

/** Parses `pattern`; throws RegexSyntaxError. Limits: length, repetition counts, nesting, NFA states. */
export function parseRegex(pattern: string, limits: RuleLimits): RegexNode {
  const length = utf8(pattern).length;
  if (length > limits.maxRegexLength) {
    throw new RegexSyntaxError(`the regular expression is ${length} bytes long, over the limit of ${limits.maxRegexLength} (setting maxRegexLength)`, 0, pattern.length);
  }
  const node = new RegexParser(pattern, limits).parse();
  const states = regexStates(node);
  if (states > limits.maxRegexStates) {
    throw new RegexSyntaxError(`the regular expression needs about ${Math.round(states)} automaton states, over the limit of ${limits.maxRegexStates} (setting maxRegexStates): lower the repetition counts`, 0, pattern.length);
  }
  return node;
}

/** The number of states of the Thompson NFA of `node` (counted repetitions unrolled). */
export function regexStates(node: RegexNode): number {
  switch (node.kind) {
    case "empty": return 0;
    case "class": case "assert": return 1;
    case "concat": return node.items.reduce((n, x) => n + regexStates(x), 0);
    case "alternate": return node.items.reduce((n, x) => n + regexStates(x) + 2, 0);
    case "group": return regexStates(node.item);
    case "repeat": {
      const copies = node.max === null ? Math.max(node.min, 1) : Math.max(node.max, 1);
      return copies * (regexStates(node.item) + 1) + 1;
    }
  }
}

class RegexParser {
  private pos = 0;
  private flags: Flags = { i: false, m: false, s: false, U: false, x: false };
  private captures = 0;
  private depth = 0;

  constructor(private readonly p: string, private readonly limits: RuleLimits) {}

  private fail(message: string, start = this.pos, end = start + 1): never {
    throw new RegexSyntaxError(message, start, Math.min(Math.max(end, start + 1), Math.max(this.p.length, start + 1)));
  }

  parse(): RegexNode {
    const node = this.alternation();
    if (this.pos < this.p.length) this.fail("unopened group: this \")\" has no matching \"(\"");
    return node;
  }

  /** Skips whitespace and `#` comments in verbose (`x`) mode. */
  private space(): void {
    if (!this.flags.x) return;
    const p = this.p;
    while (this.pos < p.length) {
      const c = p[this.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v") this.pos++;
      else if (c === "#") { while (this.pos < p.length && p[this.pos] !== "\n") this.pos++; }
      else break;
    }
  }

  private alternation(): RegexNode {
    const items = [this.concatenation()];
    while (this.p[this.pos] === "|") {
      this.pos++;
      items.push(this.concatenation());
    }
    return items.length === 1 ? items[0] : { kind: "alternate", items };
  }

  private concatenation(): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      this.space();
      const c = this.p[this.pos];
      if (c === undefined || c === "|" || c === ")") break;
      const atom = this.atom();
      if (atom === null) continue; // a flag group such as (?i)
      items.push(this.repetitions(atom));
    }
    if (items.length === 0) return { kind: "empty" };
    return items.length === 1 ? items[0] : { kind: "concat", items };
  }

  private repetitions(atom: RegexNode): RegexNode {
    let node = atom;
    for (;;) {
      this.space();
      const c = this.p[this.pos];
      const start = this.pos;
      let min: number;
      let max: number | null;
      if (c === "*") { min = 0; max = null; this.pos++; }
      else if (c === "+") { min = 1; max = null; this.pos++; }
      else if (c === "?") { min = 0; max = 1; this.pos++; }
      else if (c === "{") { [min, max] = this.counted(); }
      else return node;
      let greedy = !this.flags.U;
      if (this.p[this.pos] === "?") { greedy = !greedy; this.pos++; }
      if (node.kind === "empty") this.fail("repetition operator missing expression", start);
      node = { kind: "repeat", item: node, min, max, greedy };
    }
  }

  private counted(): [number, number | null] {
    const start = this.pos;
    const close = this.p.indexOf("}", start);
    if (close < 0) this.fail("unclosed counted repetition: add }", start);
    const body = this.flags.x ? this.p.slice(start + 1, close).replace(/\s+/g, "") : this.p.slice(start + 1, close);
    const m = /^([0-9]+)(,([0-9]*))?$/.exec(body);
    if (!m) this.fail("invalid counted repetition: write {n}, {n,} or {n,m}", start, close + 1);
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? null : Number(m[3]);
    const limit = this.limits.maxRegexRepetition;
    if (min > limit || (max !== null && max > limit)) {
      this.fail(`repetition count over the limit of ${limit} (setting maxRegexRepetition)`, start, close + 1);
    }
    if (max !== null && min > max) this.fail(`invalid counted repetition: ${min} is more than ${max}`, start, close + 1);
    this.pos = close + 1;
    return [min, max];
  }

  /** One atom, or null for a flag-setting group. */
  private atom(): RegexNode | null {
    const p = this.p;
    const c = p[this.pos];
    const start = this.pos;
    switch (c) {
      case "(": return this.group();
      case "[": return this.characterClass();
      case ".":
        this.pos++;
        return classNode(setOf((b) => this.flags.s || b !== 0x0a));
      case "^":
        this.pos++;
        return { kind: "assert", what: this.flags.m ? "start_line" : "start_text" };
      case "$":
        this.pos++;
        return { kind: "assert", what: this.flags.m ? "end_line" : "end_text" };
      case "\\": return this.escape();
      case "*": case "+": case "?": case "{":
        this.fail("repetition operator missing expression", start);
    }
    const cp = p.codePointAt(this.pos)!;
    const ch = String.fromCodePoint(cp);
    this.pos += ch.length;
    return this.literal(utf8(ch));
  }

  private literal(bytes: Uint8Array): RegexNode {
    const items: RegexNode[] = Array.from(bytes, (b) => {
      const set = setOf((x) => x === b);
      return classNode(this.flags.i ? foldCase(set) : set);
    });
    return items.length === 1 ? items[0] : { kind: "concat", items };
  }

  private group(): RegexNode | null {
    const p = this.p;
    const open = this.pos;
    this.pos++;
    let index: number | null = null;
    let name: string | null = null;
    const saved = { ...this.flags };
    if (p[this.pos] === "?") {
      this.pos++;
      const rest = p.slice(this.pos);
      if (rest.startsWith("=") || rest.startsWith("!") || rest.startsWith("<=") || rest.startsWith("<!")) {
        this.fail("look-around ((?=…), (?!…), (?<=…), (?<!…)) is not supported: regular expressions here run in linear time, as in RE2 and Rust's regex", open, this.pos + 2);
      }
      if (rest.startsWith("P<") || rest.startsWith("<")) {
        this.pos += rest.startsWith("P") ? 2 : 1;
        const m = /^([A-Za-z_][A-Za-z0-9_.[\]]*)>/.exec(p.slice(this.pos));
        if (!m) this.fail("invalid capture group name: write (?P<name>…) with letters, digits and _", open, this.pos + 1);
        name = m[1];
        this.pos += m[0].length;
        index = ++this.captures;
      } else if (rest.startsWith(">")) {
        this.fail("atomic groups (?>…) are not supported", open, this.pos + 1);
      } else {
        const flagged = this.flagSet(open);
        if (flagged === "set") return null;
      }
    } else {
      index = ++this.captures;
    }
    this.depth++;
    if (this.depth > this.limits.maxNestingDepth) this.fail(`groups are nested deeper than the limit of ${this.limits.maxNestingDepth} (setting maxNestingDepth)`, open);
    const item = this.alternation();
    if (p[this.pos] !== ")") this.fail("unclosed group: add )", open);
    this.pos++;
    this.depth--;
    this.flags = saved;
    return { kind: "group", item, index, name };
  }

  /** After `(?`: flags then `)` (set for the rest of the group) or `:` (a group with these flags). */
  private flagSet(open: number): "set" | "group" {
    const p = this.p;
    let negate = false;
    let any = false;
    for (;;) {
      const c = p[this.pos];
      if (c === undefined) this.fail("unclosed group: add )", open);
      if (c === ")" || c === ":") {
        if (!any && c === ")") this.fail("empty flag group (?)", open, this.pos + 1);
        if (negate && p[this.pos - 1] === "-") this.fail("expected a flag after -", this.pos - 1);
        this.pos++;
        return c === ")" ? "set" : "group";
      }
      if (c === "-") {
        if (negate) this.fail("repeated - in a flag group", this.pos);
        negate = true;
      } else if (c === "i" || c === "m" || c === "s" || c === "U" || c === "x") {
        this.flags[c] = !negate;
        any = true;
      } else if (c === "u") {
        this.fail("the Unicode flag (?u) is not supported: patterns match bytes; write non-ASCII text literally, it matches its UTF-8 bytes", this.pos);
      } else if (c === "R") {
        this.fail("the CRLF flag (?R) is not supported", this.pos);
      } else {
        this.fail(`unknown flag "${c}": the flags are i, m, s, U and x`, this.pos);
      }
      this.pos++;
    }
  }

  private escape(): RegexNode {
    const start = this.pos;
    const c = this.p[this.pos + 1];
    if (c === undefined) this.fail("a pattern cannot end with a lone backslash", start);
    this.pos += 2;
    switch (c) {
      case "A": return { kind: "assert", what: "start_text" };
      case "z": return { kind: "assert", what: "end_text" };
      case "b": return { kind: "assert", what: "word_boundary" };
      case "B": return { kind: "assert", what: "not_word_boundary" };
    }
    const set = this.classEscape(start, c);
    if (set) return classNode(set);
    const byte = this.byteEscape(start, c);
    return this.literal(Uint8Array.of(byte));
  }

  /** `\d \D \s \S \w \W` as a byte set, or undefined for other escapes. */
  private classEscape(start: number, c: string): ByteSet | undefined {
    const lower = c.toLowerCase();
    if (PERL[lower] && (c === lower || c === c.toUpperCase())) {
      const pred = PERL[lower];
      return c === lower ? setOf(pred) : setOf((b) => !pred(b));
    }
    if (c === "p" || c === "P") this.fail("Unicode classes (\\p{…}) are not supported: patterns match bytes", start, this.pos);
    return undefined;
  }

  /** A byte from an escape: \n \t …, \xHH, \x{H…}, \u…, meta-character escapes. */
  private byteEscape(start: number, c: string): number {
    if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c];
    if (c === "x" || c === "u" || c === "U") {
      const p = this.p;
      let hex: string;
      if (p[this.pos] === "{") {
        const close = p.indexOf("}", this.pos);
        if (close < 0) this.fail(`unclosed \\${c}{…} escape`, start);
        hex = p.slice(this.pos + 1, close);
        this.pos = close + 1;
      } else {
        const n = c === "x" ? 2 : c === "u" ? 4 : 8;
        hex = p.slice(this.pos, this.pos + n);
        if (hex.length !== n) this.fail(`\\${c} takes ${n} hex digits`, start, this.pos + hex.length);
        this.pos += n;
      }
      if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) this.fail(`invalid hex escape "\\${c}${hex}"`, start, this.pos);
      const value = parseInt(hex, 16);
      if (value > 0xff) this.fail(`\\${c}${hex} is above \\xFF: patterns match bytes — write the character itself, or its UTF-8 bytes as \\xHH`, start, this.pos);
      return value;
    }
    if (c >= "1" && c <= "9") this.fail("backreferences (\\1) are not supported: regular expressions here run in linear time, as in RE2 and Rust's regex", start, this.pos);
    if (c === "k") this.fail("named backreferences (\\k<name>) are not supported: regular expressions here run in linear time", start, this.pos);
    if (c === "0") this.fail("octal escapes are not supported: write \\x00", start, this.pos);
    const code = c.charCodeAt(0);
    if (code < 0x80 && !/[0-9A-Za-z<>]/.test(c)) return code;
    this.fail(`unknown escape "\\${c}"`, start, this.pos);
  }

  /** `[…]`: union of items, then `&&` `--` `~~` left to right; case-folded before negation. */
  private characterClass(): RegexNode {
    const set = this.classSet();
    return classNode(set);
  }

  private classSet(): ByteSet {
    const p = this.p;
    const open = this.pos;
    this.pos++;
    this.depth++;
    if (this.depth > this.limits.maxNestingDepth) this.fail(`classes are nested deeper than the limit of ${this.limits.maxNestingDepth} (setting maxNestingDepth)`, open);
    let negated = false;
    if (p[this.pos] === "^") { negated = true; this.pos++; }
    let result = this.classUnion(true, open);
    for (;;) {
      this.space();
      const op = p.slice(this.pos, this.pos + 2);
      if (op !== "&&" && op !== "--" && op !== "~~") break;
      this.pos += 2;
      const rhs = this.classUnion(false, open);
      const combined = new Uint8Array(256);
      for (let b = 0; b < 256; b++) {
        combined[b] = op === "&&" ? result[b] & rhs[b] : op === "--" ? result[b] & (rhs[b] ^ 1) : result[b] ^ rhs[b];
      }
      result = combined;
    }
    if (p[this.pos] !== "]") this.fail("unclosed character class: add ]", open);
    this.pos++;
    this.depth--;
    if (this.flags.i) result = foldCase(result);
    if (negated) result = result.map((b) => b ^ 1);
    return result;
  }

  /** Items up to `]` or a set operator. A `]` first in the class is a literal. */
  private classUnion(first: boolean, open: number): ByteSet {
    const p = this.p;
    const set = new Uint8Array(256);
    let atStart = first;
    for (;;) {
      this.space();
      const c = p[this.pos];
      if (c === undefined) this.fail("unclosed character class: add ]", open);
      if (c === "]" && !atStart) return set;
      const op = p.slice(this.pos, this.pos + 2);
      if (!atStart && (op === "&&" || op === "--" || op === "~~")) return set;
      atStart = false;
      if (c === "[") {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(this.pos));
        if (posix) {
          const pred = POSIX[posix[2]];
          if (!pred) this.fail(`unknown POSIX class "${posix[2]}"`, this.pos, this.pos + posix[0].length);
          for (let b = 0; b < 256; b++) if (pred(b) !== (posix[1] === "^")) set[b] = 1;
          this.pos += posix[0].length;
        } else {
          const inner = this.classSet();
          for (let b = 0; b < 256; b++) set[b] |= inner[b];
        }
        continue;
      }
      const itemStart = this.pos;
      const lo = this.classItem();
      if (typeof lo !== "number") { for (let b = 0; b < 256; b++) set[b] |= lo[b]; continue; }
      this.space();
      if (p[this.pos] === "-" && p[this.pos + 1] !== "]" && p[this.pos + 1] !== "-" && this.pos + 1 < p.length) {
        this.pos++;
        this.space();
        const hi = this.classItem();
        if (typeof hi !== "number") this.fail("a class range must end with a single character", itemStart, this.pos);
        if (hi < lo) this.fail("invalid class range: the start is after the end", itemStart, this.pos);
        for (let b = lo; b <= hi; b++) set[b] = 1;
      } else {
        set[lo] = 1;
      }
    }
  }

  /** One byte, or a byte set for `\d`-style escapes. */
  private classItem(): number | ByteSet {
    const p = this.p;
    const start = this.pos;
    const c = p[this.pos];
    if (c === "\\") {
      const e = p[this.pos + 1];
      if (e === undefined) this.fail("unclosed character class: add ]", start);
      this.pos += 2;
      const set = this.classEscape(start, e);
      if (set) return set;
      if (e === "b" || e === "B" || e === "A" || e === "z") this.fail(`\\${e} is not allowed in a character class`, start, this.pos);
      return this.byteEscape(start, e);
    }
    const cp = p.codePointAt(this.pos)!;
    if (cp >= 0x80) this.fail("non-ASCII characters are not supported inside a character class (patterns match bytes): use alternation, e.g. (?:é|è)", start, start + String.fromCodePoint(cp).length);
    this.pos++;
    return cp;
  }
}
