// Parser for the `matches` operator's regular expressions: the RE2 / Rust `regex` dialect
// subset that a DFA can run in linear time. Pattern text → syntax tree (ast.ts), or RegexError.
//
// Supported: literals (any Unicode scalar, matched as its UTF-8 bytes); escapes of ASCII
// punctuation, `\n \t \r \f \v \a`, `\xHH \x{H…} \uHHHH \u{H…} \UHHHHHHHH` (code points);
// `\d \D \w \W \s \S` (ASCII, as RE2); `.` (one scalar value except `\n`; any with `s`);
// classes `[a-z]`, `[^…]`, POSIX `[[:alpha:]]` / `[[:^alpha:]]`; `|`; groups `( )`, `(?: )`,
// `(?P<n> )`, `(?<n> )`; flags `i` (ASCII case folding), `m`, `s`, `x`, `U`, `u` as `(?flags)`
// and `(?flags: )`; anchors `^ $ \A \z`; `\b \B \< \> \b{start} \b{end}` (ASCII word bytes);
// repetition `* + ? {n} {n,} {n,m}` with lazy `?` variants.
// Rejected, each with its reason: backreferences, lookaround, atomic groups, possessive
// repetition, conditionals, recursion, `\p{…}`, `\Q…\E`, `\C`, octal, class set operations
// (`&&` `--` `~~`), nested classes, `(?-u)`, an unescaped `{` that is not a repetition.

import { foldAscii, makeSet, negate, union, MAX_SCALAR, PERL_CLASSES, POSIX_CLASSES, type CharSet, type Look, type Node } from "./ast.js";
import { RegexError, resolveLimits, type RegexLimits } from "./error.js";

const LINEAR = "the rules language guarantees linear-time matching (RE2 dialect)";

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
}

type ClassItem = { cp: number } | { set: CharSet };

/** Parses `pattern`; throws RegexError with the offset of the first problem. */
export function parse(pattern: string, limits: Partial<RegexLimits> = {}): Node {
  return new Parser(pattern, resolveLimits(limits)).parseAll();
}

class Parser {
  private pos = 0;
  private depth = 0;
  private flags: Flags = { i: false, m: false, s: false, x: false };

  constructor(private readonly src: string, private readonly limits: RegexLimits) {}

  parseAll(): Node {
    if (this.src.length > this.limits.maxLength) {
      this.fail(`pattern is ${this.src.length} characters long, over maxLength = ${this.limits.maxLength}`, this.limits.maxLength);
    }
    const node = this.parseAlt();
    if (this.pos < this.src.length) this.fail("unmatched ): no group is open here; escape it as \\)");
    return node;
  }

  private fail(message: string, at = this.pos): never {
    throw new RegexError(message, at, this.src);
  }

  /** `what` names the construct with its verb, e.g. "backreferences (\\1) are". */
  private unsupported(what: string, at: number): never {
    this.fail(`${what} not supported: ${LINEAR}`, at);
  }

  private ch(at = this.pos): string {
    return this.src[at] ?? "";
  }

  private at(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  /** Under `x`, skips whitespace and `#` comments to the end of the line. */
  private skipExtended(): void {
    if (!this.flags.x) return;
    for (;;) {
      const c = this.ch();
      if (isSpace(c)) this.pos++;
      else if (c === "#") {
        while (this.pos < this.src.length && this.ch() !== "\n") this.pos++;
      } else return;
    }
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
      if (n > this.limits.maxRepeat) this.fail(`repetition count ${digits} exceeds maxRepeat = ${this.limits.maxRepeat}`);
      return n;
    };
    const min = count(shape.min);
    const max = shape.max === undefined ? min : shape.max === "" ? Infinity : count(shape.max);
    if (min > max) this.fail(`invalid repetition {${min},${max}}: the minimum is larger than the maximum`);
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
      this.unsupported(`possessive repetition (${this.src.slice(opAt, this.pos + 1)}) is`, opAt);
    }
    this.skipExtended();
    if (this.isQuantifierHere()) {
      this.fail(`a repetition operator cannot follow another (${this.src.slice(opAt, this.pos + 1)}); put the inner one in a group, e.g. (?:a*)+`);
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
        return { type: "class", set: this.parseClass() };
      case ".":
        this.pos++;
        return { type: "class", set: this.flags.s ? makeSet([0, MAX_SCALAR]) : makeSet([0, 9, 11, MAX_SCALAR]) };
      case "^":
        this.pos++;
        return { type: "look", look: this.flags.m ? "lineStart" : "start" };
      case "$":
        this.pos++;
        return { type: "look", look: this.flags.m ? "lineEnd" : "end" };
      case "\\": {
        const e = this.parseEscape(false);
        if ("look" in e) return { type: "look", look: e.look };
        return { type: "class", set: "cp" in e ? this.literalSet(e.cp) : e.set };
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
    let name: string | undefined;
    let capture = true;
    if (this.ch() === "?") {
      this.pos++;
      const rest = this.src.slice(this.pos, this.pos + 3);
      if (rest.startsWith("=")) this.unsupported("lookahead (?=…) is", open);
      if (rest.startsWith("!")) this.unsupported("negative lookahead (?!…) is", open);
      if (rest.startsWith("<=")) this.unsupported("lookbehind (?<=…) is", open);
      if (rest.startsWith("<!")) this.unsupported("negative lookbehind (?<!…) is", open);
      if (rest.startsWith(">")) this.unsupported("atomic groups (?>…) are", open);
      if (rest.startsWith("(")) this.unsupported("conditionals (?(…)…) are", open);
      if (rest.startsWith("|")) this.fail("branch reset groups (?|…) are not supported; use (?:…)", open);
      if (rest.startsWith("#")) this.fail("comment groups (?#…) are not supported; use the x flag and # comments", open);
      if (rest.startsWith("P=")) this.unsupported("backreferences (?P=name) are", open);
      if (rest.startsWith("P>") || rest.startsWith("&") || rest.startsWith("R") || isDigit(rest[0]) || ((rest[0] === "+" || rest[0] === "-") && isDigit(rest[1]))) {
        this.unsupported("recursion and subroutine calls ((?R), (?1), (?&name)) are", open);
      }
      if (rest.startsWith("'")) this.fail("(?'name'…) is not supported; write a named group as (?P<name>…)", open);
      if (rest.startsWith("P<") || rest.startsWith("<")) {
        this.pos += rest.startsWith("P") ? 2 : 1;
        let i = this.pos;
        while (isNameChar(this.ch(i))) i++;
        name = this.src.slice(this.pos, i);
        if (name === "" || isDigit(name[0]) || this.ch(i) !== ">") {
          this.fail("invalid group name: a name starts with a letter or _, holds letters, digits and _, and ends with >");
        }
        this.pos = i + 1;
      } else {
        const flagsEnd = this.parseFlags(open);
        if (flagsEnd === ")") return null;
        capture = false;
      }
    }
    if (++this.depth > this.limits.maxNesting) this.fail(`groups are nested deeper than maxNesting = ${this.limits.maxNesting}`, open);
    const saved = { ...this.flags };
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
        if (negated) this.fail("(?-u) is not supported: patterns always match Unicode text as UTF-8 (\\d \\w \\s \\b are ASCII already)");
        sawAny = true;
      } else if (c === "") {
        this.fail("unclosed group: add the missing )", open);
      } else {
        this.fail(`unknown flag ${JSON.stringify(c)}: flags are i (case-insensitive), m (multi-line), s (. matches \\n), x (extended), U and u`);
      }
      this.pos++;
    }
  }

  /** A character class at `[`; returns its set (folded under `i`, negated for `[^`). */
  private parseClass(): CharSet {
    const open = this.pos;
    this.pos++;
    let negated = false;
    if (this.ch() === "^") {
      negated = true;
      this.pos++;
    }
    const acc: number[] = [];
    let sets: CharSet[] = [];
    let first = true;
    for (;;) {
      if (this.flags.x) while (isSpace(this.ch())) this.pos++;
      const c = this.ch();
      if (c === "") this.fail("unclosed character class: add the missing ]", open);
      if (c === "]" && !first) {
        this.pos++;
        break;
      }
      if (c === "[") {
        sets.push(this.parsePosix());
        first = false;
        continue;
      }
      if (this.at("&&") || this.at("~~") || (this.at("--") && !first)) {
        this.fail(`class set operations (&&, --, ~~) are not supported; escape the character (\\${c}) to match it literally`);
      }
      const lo = this.parseClassAtom();
      first = false;
      if ("cp" in lo && this.ch() === "-" && this.ch(this.pos + 1) !== "]" && this.ch(this.pos + 1) !== "") {
        const dash = this.pos;
        this.pos++;
        const hi = this.parseClassAtom();
        if (!("cp" in hi)) this.fail("a class such as \\d cannot end a range; escape the - as \\-", dash);
        if (hi.cp < lo.cp) this.fail(`invalid class range: ${String.fromCodePoint(lo.cp)} comes after ${String.fromCodePoint(hi.cp)}`, dash);
        acc.push(lo.cp, hi.cp);
      } else if ("cp" in lo) acc.push(lo.cp, lo.cp);
      else sets.push(lo.set);
    }
    let set = makeSet(acc);
    for (const s of sets) set = union(set, s);
    sets = [];
    if (this.flags.i) set = foldAscii(set);
    return negated ? negate(set) : set;
  }

  /** `[:name:]` or `[:^name:]` inside a class, at `[`. */
  private parsePosix(): CharSet {
    const end = this.src.indexOf(":]", this.pos + 2);
    if (this.ch(this.pos + 1) !== ":" || end < 0) this.fail("nested classes are not supported; escape [ as \\[ inside a class");
    const negated = this.ch(this.pos + 2) === "^";
    const name = this.src.slice(this.pos + (negated ? 3 : 2), end);
    const set = Object.hasOwn(POSIX_CLASSES, name) ? POSIX_CLASSES[name] : undefined;
    if (!set) this.fail(`unknown POSIX class [:${name}:]; known: ${Object.keys(POSIX_CLASSES).join(", ")}`);
    this.pos = end + 2;
    return negated ? negate(set) : set;
  }

  private parseClassAtom(): ClassItem {
    if (this.ch() === "\\") {
      const at = this.pos;
      const e = this.parseEscape(true);
      if ("look" in e) this.fail("assertions are not allowed in a class", at);
      return e;
    }
    const cp = this.src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return { cp };
  }

  /** An escape at `\`: one code point, a class, or (outside classes) an assertion. */
  private parseEscape(inClass: boolean): ClassItem | { look: Look } {
    const start = this.pos;
    this.pos++;
    const c = this.ch();
    if (c === "") this.fail("the pattern ends with a lone \\; write \\\\ for a backslash", start);
    this.pos++;
    const noClass = (what: string) => {
      if (inClass) this.fail(`${what} is not allowed in a class`, start);
    };
    switch (c) {
      case "n": return { cp: 10 };
      case "t": return { cp: 9 };
      case "r": return { cp: 13 };
      case "f": return { cp: 12 };
      case "v": return { cp: 11 };
      case "a": return { cp: 7 };
      case "d": case "w": case "s": return { set: PERL_CLASSES[c] };
      case "D": case "W": case "S": return { set: negate(PERL_CLASSES[c.toLowerCase()]) };
      case "x": case "u": case "U": return { cp: this.parseHex(c, start) };
      case "A": noClass("\\A"); return { look: "start" };
      case "z": noClass("\\z"); return { look: "end" };
      case "B": noClass("\\B"); return { look: "notWordBoundary" };
      case "b": {
        noClass("\\b");
        if (this.ch() !== "{") return { look: "wordBoundary" };
        for (const kind of ["start", "end"] as const) {
          if (this.at(`{${kind}}`)) {
            this.pos += kind.length + 2;
            return { look: kind === "start" ? "wordStart" : "wordEnd" };
          }
        }
        this.fail("unsupported word boundary: use \\b, \\B, \\b{start} or \\b{end}", start);
      }
      // falls through (fail never returns)
      case "<": case ">":
        if (inClass) return { cp: c.charCodeAt(0) };
        return { look: c === "<" ? "wordStart" : "wordEnd" };
      case "0":
        this.fail("octal escapes are not supported; write \\x00 for a NUL byte", start);
      // falls through
      case "k": case "g":
        this.unsupported(`backreferences (\\${c}…) are`, start);
      // falls through
      case "p": case "P":
        this.fail(`Unicode classes (\\${c}{…}) are not supported: \\d \\w \\s are ASCII; write an explicit class such as [A-Za-z]`, start);
      // falls through
      case "Q": case "E":
        this.fail("\\Q…\\E quoting is not supported; escape each special character with \\", start);
      // falls through
      case "Z":
        this.fail("\\Z is not supported; use \\z (end of input) or $", start);
      // falls through
      case "C":
        this.fail("\\C (any single byte) is not supported; use . to match one character", start);
    }
    if (c >= "1" && c <= "9") this.unsupported(`backreferences (\\${c}) are`, start);
    if (isPunct(c) || c === " ") return { cp: c.charCodeAt(0) };
    this.fail(`unknown escape \\${String.fromCodePoint(this.src.codePointAt(start + 1)!)}; to match a punctuation character, escape it as in \\.`, start);
  }

  /** Digits of `\xHH`, `\x{H…}`, `\uHHHH`, `\u{H…}` or `\UHHHHHHHH`, after the letter. */
  private parseHex(kind: string, start: number): number {
    let digits: string;
    if (this.ch() === "{") {
      const end = this.src.indexOf("}", this.pos);
      digits = end < 0 ? "" : this.src.slice(this.pos + 1, end);
      if (digits.length < 1 || digits.length > 8 || ![...digits].every(isHex)) this.fail(`invalid \\${kind}{…} escape: write 1 to 8 hex digits between the braces`, start);
      this.pos = end + 1;
    } else {
      const n = kind === "x" ? 2 : kind === "u" ? 4 : 8;
      digits = this.src.slice(this.pos, this.pos + n);
      if (digits.length !== n || ![...digits].every(isHex)) this.fail(`invalid \\${kind} escape: write exactly ${n} hex digits, or \\${kind}{…}`, start);
      this.pos += n;
    }
    const cp = parseInt(digits, 16);
    if (cp > MAX_SCALAR) this.fail(`\\${kind}{${digits}} is beyond U+10FFFF, the largest code point`, start);
    if (cp >= 0xd800 && cp <= 0xdfff) this.fail(`\\${kind}{${digits}} is a surrogate code point, not a Unicode scalar value`, start);
    return cp;
  }
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c.length === 1 && c >= "0" && c <= "9";
}

function isHex(c: string): boolean {
  return isDigit(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F");
}

function isNameChar(c: string): boolean {
  return isDigit(c) || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\v" || c === "\f";
}

/** ASCII punctuation: printable, not a letter, digit or space. */
function isPunct(c: string): boolean {
  return c.length === 1 && c > " " && c <= "~" && !isNameChar(c) || c === "_";
}
