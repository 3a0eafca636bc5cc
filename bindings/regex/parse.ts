// Parser for the `matches` operator's regular expressions: the RE2 / Rust `regex` dialect
// subset that a DFA can run in linear time. Pattern text → syntax tree (ast.ts), or RegexError.
//
// Two modes (ParseOptions.unicode, and `(?u)` / `(?-u)` inside a pattern): byte mode, the
// default and Cloudflare's (Rust `regex::bytes`, Unicode off), where `.`, classes and negations
// match one byte; Unicode mode, where they match one scalar value (its UTF-8 bytes).
// Supported: literals (a non-ASCII one matches its UTF-8 bytes); escapes of ASCII punctuation,
// `\n \t \r \f \v \a`, `\xHH \x{H…} \uHHHH \u{H…} \UHHHHHHHH` (a byte in byte mode, up to \xFF;
// a code point in Unicode mode); `\d \D \w \W \s \S` (ASCII, as RE2); `.` (anything but `\n`;
// anything with `s`); classes `[a-z]`, `[^…]`, POSIX `[[:alpha:]]` / `[[:^alpha:]]` (ASCII and
// `\xHH` only in byte mode), nested classes and the set operations `&&` `--` `~~`; `|`; groups `( )`, `(?: )`, `(?P<n> )`, `(?<n> )`; flags `i` (ASCII
// case folding), `m`, `s`, `x`, `U`, `u` as `(?flags)` and `(?flags: )`; anchors `^ $ \A \z`;
// `\b \B \< \> \b{start} \b{end}` (ASCII word bytes); `* + ? {n} {n,} {n,m}` and lazy forms.
// Rejected, each with its reason: backreferences, lookaround, atomic groups, possessive
// repetition, conditionals, recursion, `\p{…}`, `\Q…\E`, `\C`, octal, an unescaped `{` that is
// not a repetition.

import { foldAscii, makeSet, MAX_SCALAR, type CharSet, type Node } from "./ast.js";
import { resolveLimits, type RegexLimits } from "./error.js";
import { Lexer, isDigit, isNameChar } from "./parse-class.js";

/** Options of the parser: limits, and the mode the pattern starts in. */
export interface ParseOptions extends Partial<RegexLimits> {
  /**
   * false (default): byte mode, as Cloudflare's rules language (Rust `regex::bytes` with Unicode
   * off): `.`, classes and `\D \W \S` match one byte, `\xHH` is a byte, classes hold ASCII and
   * `\xHH` only. true: Unicode mode: they match one scalar value (its UTF-8 bytes), `\xHH` and
   * `\x{…}` are code points. `(?u)` / `(?-u)` switch modes inside the pattern. In both modes a
   * literal non-ASCII character matches its UTF-8 bytes, and `\d \w \s \b` and `(?i)` are ASCII.
   */
  unicode?: boolean;
}

/** Parses `pattern`; throws RegexError with the offset of the first problem. */
export function parse(pattern: string, options: ParseOptions = {}): Node {
  return new Parser(pattern, resolveLimits(options), options.unicode === true).parseAll();
}

class Parser extends Lexer {
  private depth = 0;

  parseAll(): Node {
    if (this.src.length > this.limits.maxLength) {
      this.fail(`pattern is ${this.src.length} characters long, over maxLength = ${this.limits.maxLength}`, this.limits.maxLength, this.src.length, "maxLength");
    }
    const node = this.parseAlt();
    if (this.pos < this.src.length) this.fail("unmatched ): no group is open here; escape it as \\)");
    return node;
  }

  private parseAlt(): Node {
    const items = [this.parseConcat()];
    while (this.ch() === "|") {
      this.pos++;
      items.push(this.parseConcat());
    }
    return items.length === 1 ? items[0] : { type: "alt", items };
  }

  private parseConcat(): Node {
    const items: Node[] = [];
    for (;;) {
      this.skipExtended();
      const c = this.ch();
      if (c === "" || c === "|" || c === ")") break;
      const start = this.pos;
      const atom = this.parseAtom();
      if (atom !== null) items.push(this.parseRepeat(atom, start));
    }
    if (items.length === 0) return { type: "empty" };
    return items.length === 1 ? items[0] : { type: "concat", items };
  }

  /**
   * Shape of a counted repetition at `pos` (`{n}`, `{n,}`, `{n,m}`), or null if there is none:
   * the digit strings of its bounds (`max` "" when unbounded, undefined for `{n}`) and its end.
   */
  private countedShape(): { min: string; max: string | undefined; end: number } | null {
    if (this.ch() !== "{") return null;
    let i = this.pos + 1;
    const digits = () => {
      const from = i;
      while (isDigit(this.ch(i))) i++;
      return this.src.slice(from, i);
    };
    const min = digits();
    if (min === "") return null;
    let max: string | undefined;
    if (this.ch(i) === ",") {
      i++;
      max = digits();
    }
    if (this.ch(i) !== "}") return null;
    return { min, max, end: i + 1 };
  }

  /** The counted repetition at `pos`, checked against maxRepeat, or null if there is none. */
  private counted(): { min: number; max: number; end: number } | null {
    const shape = this.countedShape();
    if (shape === null) return null;
    const count = (digits: string) => {
      const n = Number(digits);
      if (n > this.limits.maxRepeat) this.fail(`repetition count ${digits} exceeds maxRepeat = ${this.limits.maxRepeat}`, this.pos, shape.end, "maxRepeat");
      return n;
    };
    const min = count(shape.min);
    const max = shape.max === undefined ? min : shape.max === "" ? Infinity : count(shape.max);
    if (min > max) this.fail(`invalid repetition {${min},${max}}: the minimum is larger than the maximum`, this.pos, shape.end);
    return { min, max, end: shape.end };
  }

  private isQuantifierHere(): boolean {
    const c = this.ch();
    return c === "*" || c === "+" || c === "?" || this.countedShape() !== null;
  }

  private parseRepeat(atom: Node, start: number): Node {
    this.skipExtended();
    const opAt = this.pos;
    const c = this.ch();
    let min: number, max: number;
    if (c === "*") [min, max] = [0, Infinity];
    else if (c === "+") [min, max] = [1, Infinity];
    else if (c === "?") [min, max] = [0, 1];
    else if (c === "{") {
      const r = this.counted();
      if (r === null) this.badBrace();
      [min, max] = [r.min, r.max];
      this.pos = r.end - 1;
    } else return atom;
    this.pos++;
    let greedy = true;
    if (this.ch() === "?") {
      greedy = false;
      this.pos++;
    } else if (this.ch() === "+") {
      this.unsupported(`possessive repetition (${this.src.slice(opAt, this.pos + 1)}) is`, opAt, this.pos + 1);
    }
    this.skipExtended();
    if (this.isQuantifierHere()) {
      this.fail("a repetition operator cannot directly follow another; put the inner repetition in a group, e.g. (?:a*)+");
    }
    if (start === opAt) this.fail("repetition operator has nothing to repeat", opAt);
    return { type: "repeat", item: atom, min, max, greedy };
  }

  private badBrace(): never {
    if (this.ch(this.pos + 1) === "," && isDigit(this.ch(this.pos + 2))) this.fail("a counted repetition needs its minimum: write {0,m} for {,m}");
    this.fail("a literal { must be escaped as \\{ (or write a repetition such as {2}, {2,} or {2,5})");
  }

  /** One atom, or null for a flag group `(?i)` that matches nothing itself. */
  private parseAtom(): Node | null {
    const c = this.ch();
    switch (c) {
      case "(":
        return this.parseGroup();
      case "[":
        return { type: "class", set: this.parseClass(), bytes: !this.flags.u };
      case ".": {
        this.pos++;
        const top = this.flags.u ? MAX_SCALAR : 0xff;
        return { type: "class", set: this.flags.s ? makeSet([0, top]) : makeSet([0, 9, 11, top]), bytes: !this.flags.u };
      }
      case "^":
        this.pos++;
        return { type: "look", look: this.flags.m ? "lineStart" : "start" };
      case "$":
        this.pos++;
        return { type: "look", look: this.flags.m ? "lineEnd" : "end" };
      case "\\": {
        const e = this.parseEscape(false);
        if ("look" in e) return { type: "look", look: e.look };
        if ("set" in e) return { type: "class", set: e.set, bytes: !this.flags.u };
        return { type: "class", set: this.literalSet(e.cp), bytes: e.byte };
      }
      case "*":
      case "+":
      case "?":
        this.fail(`repetition operator ${c} has nothing to repeat; escape it as \\${c} to match it literally`);
      // falls through (fail never returns)
      case "{":
        if (this.isQuantifierHere()) this.fail("repetition operator has nothing to repeat; escape { as \\{ to match it literally");
        this.badBrace();
      // falls through
      default: {
        const cp = this.src.codePointAt(this.pos)!;
        this.pos += cp > 0xffff ? 2 : 1;
        return { type: "class", set: this.literalSet(cp) };
      }
    }
  }

  private literalSet(cp: number): CharSet {
    const s = makeSet([cp, cp]);
    return this.flags.i ? foldAscii(s) : s;
  }

  private parseGroup(): Node | null {
    const open = this.pos;
    this.pos++;
    const saved = { ...this.flags };
    let name: string | undefined;
    let capture = true;
    if (this.ch() === "?") {
      this.pos++;
      const rest = this.src.slice(this.pos, this.pos + 3);
      // The opening syntax, e.g. `(?<=`, is what the error underlines.
      const opening = (n: number) => this.pos + n;
      if (rest.startsWith("=")) this.unsupported("lookahead (?=…) is", open, opening(1));
      if (rest.startsWith("!")) this.unsupported("negative lookahead (?!…) is", open, opening(1));
      if (rest.startsWith("<=")) this.unsupported("lookbehind (?<=…) is", open, opening(2));
      if (rest.startsWith("<!")) this.unsupported("negative lookbehind (?<!…) is", open, opening(2));
      if (rest.startsWith(">")) this.unsupported("atomic groups (?>…) are", open, opening(1));
      if (rest.startsWith("(")) this.unsupported("conditionals (?(…)…) are", open, opening(1));
      if (rest.startsWith("|")) this.fail("branch reset groups (?|…) are not supported; use (?:…)", open, opening(1));
      if (rest.startsWith("#")) this.fail("comment groups (?#…) are not supported; use the x flag and # comments", open, opening(1));
      if (rest.startsWith("P=")) this.unsupported("backreferences (?P=name) are", open, opening(2));
      if (rest.startsWith("P>") || rest.startsWith("&") || rest.startsWith("R") || isDigit(rest[0]) || ((rest[0] === "+" || rest[0] === "-") && isDigit(rest[1]))) {
        const close = this.src.indexOf(")", this.pos);
        this.unsupported("recursion and subroutine calls ((?R), (?1), (?&name)) are", open, close < 0 ? opening(1) : close + 1);
      }
      if (rest.startsWith("'")) this.fail("(?'name'…) is not supported; write a named group as (?P<name>…)", open, opening(1));
      if (rest.startsWith("P<") || rest.startsWith("<")) {
        this.pos += rest.startsWith("P") ? 2 : 1;
        let i = this.pos;
        while (isNameChar(this.ch(i))) i++;
        name = this.src.slice(this.pos, i);
        if (name === "" || isDigit(name[0]) || this.ch(i) !== ">") {
          this.fail("invalid group name: a name starts with a letter or _, holds letters, digits and _, and ends with >", this.pos, this.ch(i) === ">" ? i + 1 : i);
        }
        this.pos = i + 1;
      } else {
        const flagsEnd = this.parseFlags(open);
        if (flagsEnd === ")") return null;
        capture = false;
      }
    }
    if (++this.depth > this.limits.maxNesting) this.fail(`groups are nested deeper than maxNesting = ${this.limits.maxNesting}`, open, undefined, "maxNesting");
    const item = this.parseAlt();
    this.flags = saved;
    this.depth--;
    if (this.ch() !== ")") this.fail("unclosed group: add the missing )", open);
    this.pos++;
    return { type: "group", item, name, capture };
  }

  /**
   * Flags of `(?flags)` or `(?flags:`, after `(?`. For `)` they apply to the rest of the
   * enclosing group (and are set now); for `:` the caller scopes them to the new group.
   */
  private parseFlags(open: number): ":" | ")" {
    const next = { ...this.flags };
    let negated = false;
    let sawAny = false;
    for (;;) {
      const c = this.ch();
      if (c === ":" || c === ")") {
        if (negated && !sawAny) this.fail("expected a flag after - in the flag group", this.pos);
        this.pos++;
        this.flags = next;
        return c;
      }
      if (c === "-") {
        if (negated) this.fail("a flag group may hold at most one -");
        negated = true;
        sawAny = false;
      } else if (c === "i" || c === "m" || c === "s" || c === "x") {
        next[c] = !negated;
        sawAny = true;
      } else if (c === "U") {
        sawAny = true; // swapping greed does not change whether a match exists
      } else if (c === "u") {
        next.u = !negated;
        sawAny = true;
      } else if (c === "") {
        this.fail("unclosed group: add the missing )", open);
      } else {
        this.fail(`unknown flag ${JSON.stringify(c)}: flags are i (case-insensitive), m (multi-line), s (. matches \\n), x (extended), U (lazy by default) and u (Unicode mode)`);
      }
      this.pos++;
    }
  }
}
