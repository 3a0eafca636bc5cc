// The lexical half of the regex parser: cursor, errors, escapes and character classes.
// parse.ts builds the tree (alternation, groups, repetition, flags) on top of this.

import { foldAscii, makeSet, negate, negateBytes, union, MAX_SCALAR, PERL_CLASSES, POSIX_CLASSES, type CharSet, type Look } from "./ast.js";
import { RegexError, type RegexLimits } from "./error.js";

const LINEAR = "the rules language guarantees linear-time matching (RE2 dialect)";

/**
 * Flags in force at the cursor: i (ASCII case folding), m (multi-line anchors), s (. matches
 * \n), x (extended), u (Unicode mode: `.`, classes and negations match scalar values, not bytes).
 */
export interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
  u: boolean;
}

/**
 * One code point, or (`byte`, from `\xHH` in byte mode) one byte, or a set of them (`\d`, a
 * POSIX class…), whose members are scalar values in Unicode mode and bytes in byte mode.
 */
export type ClassItem = { cp: number; byte?: boolean } | { set: CharSet };

/** Cursor over the pattern, with escape and class parsing; errors carry the offset. */
export class Lexer {
  protected pos = 0;
  protected flags: Flags;

  constructor(protected readonly src: string, protected readonly limits: RegexLimits, unicode: boolean) {
    this.flags = { i: false, m: false, s: false, x: false, u: unicode };
  }

  /** The complement in the current mode: of scalar values (Unicode mode) or of bytes. */
  protected complement(set: CharSet): CharSet {
    return this.flags.u ? negate(set) : negateBytes(set);
  }

  /** `end` closes the offending text (default: the character at `at`); see RegexError. */
  protected fail(message: string, at = this.pos, end?: number, limit?: keyof RegexLimits): never {
    const cp = this.src.codePointAt(at);
    throw new RegexError(message, at, this.src, { end: end ?? at + (cp !== undefined && cp > 0xffff ? 2 : 1), limit });
  }

  /** `what` names the construct with its verb, e.g. "backreferences (\\1) are". */
  protected unsupported(what: string, at: number, end?: number): never {
    this.fail(`${what} not supported: ${LINEAR}`, at, end);
  }

  protected ch(at = this.pos): string {
    return this.src[at] ?? "";
  }

  protected at(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  /** Under `x`, skips whitespace and `#` comments to the end of the line. */
  protected skipExtended(): void {
    if (!this.flags.x) return;
    for (;;) {
      const c = this.ch();
      if (isSpace(c)) this.pos++;
      else if (c === "#") {
        while (this.pos < this.src.length && this.ch() !== "\n") this.pos++;
      } else return;
    }
  }

  /**
   * A character class at `[`; returns its set (folded under `i`, negated for `[^`): of scalar
   * values in Unicode mode, of bytes in byte mode (where a class holds ASCII and `\xHH` only).
   * As in Rust's regex: items side by side are a union, a `[` inside opens a nested class, and
   * `&&` (intersection), `--` (difference) and `~~` (symmetric difference) combine unions left
   * to right; negation applies to the whole, `[^a-z&&b]` being `[^[a-z&&b]]`.
   */
  protected parseClass(depth = 0): CharSet {
    const open = this.pos;
    if (depth >= this.limits.maxNesting) this.fail(`classes are nested deeper than maxNesting = ${this.limits.maxNesting}`, open, undefined, "maxNesting");
    this.pos++;
    let negated = false;
    if (this.ch() === "^") {
      negated = true;
      this.pos++;
    }
    let set = this.parseClassUnion(open, depth, true);
    for (;;) {
      const op = this.at("&&") ? "&&" : this.at("--") ? "--" : this.at("~~") ? "~~" : "";
      if (op === "") break;
      const at = this.pos;
      this.pos += 2;
      const rhs = this.parseClassUnion(open, depth, false);
      if (rhs === null || set === null) this.fail(`${op} needs a class item on both sides; escape the characters (\\${op[0]}) to match them literally`, at, at + 2);
      set = op === "&&" ? this.intersect(set, rhs) : op === "--" ? this.intersect(set, this.complement(rhs)) : union(this.intersect(set, this.complement(rhs)), this.intersect(rhs, this.complement(set)));
    }
    if (this.ch() !== "]") this.fail("unclosed character class: add the missing ]", open);
    this.pos++;
    // A "]" first in a class is a literal, so a class always holds an item: set is not null here.
    let out: CharSet = set!;
    if (this.flags.i) out = foldAscii(out);
    return negated ? this.complement(out) : out;
  }

  private intersect(a: CharSet, b: CharSet): CharSet {
    return this.complement(union(this.complement(a), this.complement(b)));
  }

  /**
   * Items side by side up to `]` or a set operator: their union, or null when there are none. A
   * `]` first in the class (`first`) is a literal, as is a `-` first or last.
   */
  private parseClassUnion(open: number, depth: number, first: boolean): CharSet | null {
    const acc: number[] = [];
    const sets: CharSet[] = [];
    let any = false;
    for (;;) {
      if (this.flags.x) while (isSpace(this.ch())) this.pos++;
      const c = this.ch();
      if (c === "") this.fail("unclosed character class: add the missing ]", open);
      if (c === "]" && !(first && !any)) break;
      if (this.at("&&") || this.at("~~") || (this.at("--") && any)) break;
      any = true;
      if (c === "[") {
        sets.push(this.ch(this.pos + 1) === ":" && this.src.indexOf(":]", this.pos + 2) >= 0 ? this.parsePosix() : this.parseClass(depth + 1));
        continue;
      }
      const lo = this.parseClassAtom();
      if ("cp" in lo && this.ch() === "-" && this.ch(this.pos + 1) !== "]" && this.ch(this.pos + 1) !== "" && this.ch(this.pos + 1) !== "-") {
        const dash = this.pos;
        this.pos++;
        const hi = this.parseClassAtom();
        if (!("cp" in hi)) this.fail("a class such as \\d cannot end a range; escape the - as \\-", dash, this.pos);
        if (hi.cp < lo.cp) this.fail(`invalid class range: ${String.fromCodePoint(lo.cp)} comes after ${String.fromCodePoint(hi.cp)}`, dash, this.pos);
        acc.push(lo.cp, hi.cp);
      } else if ("cp" in lo) acc.push(lo.cp, lo.cp);
      else {
        if (this.ch() === "-" && this.ch(this.pos + 1) !== "]" && this.ch(this.pos + 1) !== "-") this.fail("a class such as \\d cannot start a range; escape the - as \\-");
        sets.push(lo.set);
      }
    }
    if (!any) return null;
    let set = makeSet(acc);
    for (const s of sets) set = union(set, s);
    return set;
  }

  /** `[:name:]` or `[:^name:]` inside a class, at `[`. */
  protected parsePosix(): CharSet {
    const end = this.src.indexOf(":]", this.pos + 2);
    if (this.ch(this.pos + 1) !== ":" || end < 0) this.fail("not a POSIX class [:name:]; escape [ as \\[ inside a class");
    const negated = this.ch(this.pos + 2) === "^";
    const name = this.src.slice(this.pos + (negated ? 3 : 2), end);
    const set = Object.hasOwn(POSIX_CLASSES, name) ? POSIX_CLASSES[name] : undefined;
    if (!set) this.fail(`unknown POSIX class [:${name}:]; known: ${Object.keys(POSIX_CLASSES).join(", ")}`, this.pos, end + 2);
    this.pos = end + 2;
    return negated ? this.complement(set) : set;
  }

  protected parseClassAtom(): ClassItem {
    const at = this.pos;
    if (this.ch() === "\\") {
      const e = this.parseEscape(true);
      if ("look" in e) this.fail("assertions are not allowed in a class", at, this.pos);
      return e;
    }
    const cp = this.src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    if (cp > 0x7f && !this.flags.u) {
      this.fail(`non-ASCII characters are not allowed in a class in byte mode (a class matches one byte); write ${String.fromCodePoint(cp)} outside the class, e.g. (?:${String.fromCodePoint(cp)}|[a-z]), or use \\xHH bytes`, at, this.pos);
    }
    return { cp };
  }

  /** An escape at `\`: one code point, a class, or (outside classes) an assertion. */
  protected parseEscape(inClass: boolean): ClassItem | { look: Look } {
    const start = this.pos;
    this.pos++;
    const c = this.ch();
    if (c === "") this.fail("the pattern ends with a lone \\; write \\\\ for a backslash", start);
    this.pos++;
    const noClass = (what: string) => {
      if (inClass) this.fail(`${what} is not allowed in a class`, start, this.pos);
    };
    // Underlines the escape, with the `{…}` or `<…>` that follows it when there is one.
    const through = (close: string) => {
      const i = this.ch() === (close === "}" ? "{" : "<") ? this.src.indexOf(close, this.pos) : -1;
      return i < 0 ? this.pos : i + 1;
    };
    switch (c) {
      case "n": return { cp: 10 };
      case "t": return { cp: 9 };
      case "r": return { cp: 13 };
      case "f": return { cp: 12 };
      case "v": return { cp: 11 };
      case "a": return { cp: 7 };
      case "d": case "w": case "s": return { set: PERL_CLASSES[c] };
      case "D": case "W": case "S": return { set: this.complement(PERL_CLASSES[c.toLowerCase()]) };
      case "x": case "u": case "U": {
        const cp = this.parseHex(c, start);
        if (this.flags.u) return { cp };
        if (cp > 0xff) this.fail(`${this.src.slice(start, this.pos)} is above \\xFF: in byte mode an escape is one byte; write the character itself to match its UTF-8 bytes`, start, this.pos);
        return { cp, byte: true };
      }
      case "A": noClass("\\A"); return { look: "start" };
      case "z": noClass("\\z"); return { look: "end" };
      case "B": noClass("\\B"); return { look: this.flags.u ? "notWordBoundaryUnicode" : "notWordBoundary" };
      case "b": {
        noClass("\\b");
        if (this.ch() !== "{") return { look: "wordBoundary" };
        for (const kind of ["start", "end"] as const) {
          if (this.at(`{${kind}}`)) {
            this.pos += kind.length + 2;
            return { look: kind === "start" ? "wordStart" : "wordEnd" };
          }
        }
        this.fail("unsupported word boundary: use \\b, \\B, \\b{start} or \\b{end}", start, through("}"));
      }
      // falls through (fail never returns)
      case "<": case ">":
        if (inClass) return { cp: c.charCodeAt(0) };
        return { look: c === "<" ? "wordStart" : "wordEnd" };
      case "0":
        this.fail("octal escapes are not supported; write \\x00 for a NUL byte", start, this.pos);
      // falls through
      case "k": case "g":
        this.unsupported(`backreferences (\\${c}…) are`, start, through(">"));
      // falls through
      case "p": case "P":
        this.fail(`Unicode classes (\\${c}{…}) are not supported: \\d \\w \\s are ASCII; write an explicit class such as [A-Za-z]`, start, through("}"));
      // falls through
      case "Q": case "E":
        this.fail("\\Q…\\E quoting is not supported; escape each special character with \\", start, this.pos);
      // falls through
      case "Z":
        this.fail("\\Z is not supported; use \\z (end of input) or $", start, this.pos);
      // falls through
      case "C":
        this.fail("\\C (any single byte) is not supported; use . to match one character", start, this.pos);
    }
    if (c >= "1" && c <= "9") this.unsupported(`backreferences (\\${c}) are`, start, this.pos);
    if (isPunct(c) || c === " ") return { cp: c.charCodeAt(0) };
    const shown = String.fromCodePoint(this.src.codePointAt(start + 1)!);
    this.fail(`unknown escape \\${shown}; to match a punctuation character, escape it as in \\.`, start, start + 1 + shown.length);
  }

  /** Digits of `\xHH`, `\x{H…}`, `\uHHHH`, `\u{H…}` or `\UHHHHHHHH`, after the letter. */
  protected parseHex(kind: string, start: number): number {
    let digits: string;
    if (this.ch() === "{") {
      const end = this.src.indexOf("}", this.pos);
      digits = end < 0 ? "" : this.src.slice(this.pos + 1, end);
      if (digits.length < 1 || digits.length > 8 || ![...digits].every(isHex)) this.fail(`invalid \\${kind}{…} escape: write 1 to 8 hex digits between the braces`, start, end < 0 ? this.pos : end + 1);
      this.pos = end + 1;
    } else {
      const n = kind === "x" ? 2 : kind === "u" ? 4 : 8;
      digits = this.src.slice(this.pos, this.pos + n);
      if (digits.length !== n || ![...digits].every(isHex)) this.fail(`invalid \\${kind} escape: write exactly ${n} hex digits, or \\${kind}{…}`, start, this.pos + digits.length);
      this.pos += n;
    }
    const cp = parseInt(digits, 16);
    if (cp > MAX_SCALAR) this.fail(`\\${kind}{${digits}} is beyond U+10FFFF, the largest code point`, start, this.pos);
    if (cp >= 0xd800 && cp <= 0xdfff) this.fail(`\\${kind}{${digits}} is a surrogate code point, not a Unicode scalar value`, start, this.pos);
    return cp;
  }
}

export function isDigit(c: string | undefined): boolean {
  return c !== undefined && c.length === 1 && c >= "0" && c <= "9";
}

function isHex(c: string): boolean {
  return isDigit(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F");
}

export function isNameChar(c: string): boolean {
  return isDigit(c) || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\v" || c === "\f";
}

/** ASCII punctuation: printable, not a letter, digit or space. */
function isPunct(c: string): boolean {
  return c.length === 1 && c > " " && c <= "~" && !isNameChar(c) || c === "_";
}
