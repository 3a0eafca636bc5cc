// The lexer: rule text → tokens, one at a time on demand, so the first error in the text is the
// one reported. Knows every literal form: quoted and raw strings, integers, IPv4/IPv6 addresses
// and CIDRs, `$list` names, and the quoted-regex escaping that applies after `matches` / `~`.

import type { IpAddress, Span } from "./ast.js";
import { RuleError } from "./errors.js";
import { parseIPv4, parseIPv6, maskIp, ipEquals, formatIp } from "./ip.js";
import { utf8, concatBytes } from "./bytes.js";

export const KEYWORDS = ["and", "or", "xor", "not", "eq", "ne", "lt", "le", "gt", "ge", "contains", "matches", "wildcard", "strict", "in"] as const;
export type Keyword = (typeof KEYWORDS)[number];

export const PUNCTUATION = ["(", ")", "[", "]", "{", "}", ",", "*", "..", "==", "!=", "<=", ">=", "<", ">", "~", "!", "&&", "||", "^^"] as const;
export type Punct = (typeof PUNCTUATION)[number];

export type Token =
  /** A field or function name; dotted names are one token. */
  | { readonly kind: "ident"; readonly span: Span; readonly text: string }
  | { readonly kind: "keyword"; readonly span: Span; readonly text: Keyword }
  | { readonly kind: "punct"; readonly span: Span; readonly text: Punct }
  /** `value`: the bytes; `pattern`: the regex text, for raw strings and quoted strings after matches/~. */
  | { readonly kind: "string"; readonly span: Span; readonly text: string; readonly value: Uint8Array; readonly pattern: string | undefined }
  | { readonly kind: "int"; readonly span: Span; readonly text: string; readonly value: number }
  | { readonly kind: "ip"; readonly span: Span; readonly text: string; readonly value: IpAddress }
  | { readonly kind: "cidr"; readonly span: Span; readonly text: string; readonly address: IpAddress; readonly prefix: number }
  | { readonly kind: "list"; readonly span: Span; readonly text: string; readonly name: string }
  | { readonly kind: "eof"; readonly span: Span; readonly text: "" };

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);
const TWO_CHAR: ReadonlySet<string> = new Set(["..", "==", "!=", "<=", ">=", "&&", "||", "^^"]);
const ONE_CHAR: ReadonlySet<string> = new Set(["(", ")", "[", "]", "{", "}", ",", "*", "<", ">", "~", "!"]);
const MISTAKES: Readonly<Record<string, string>> = {
  "=": "\"=\" is not an operator: compare with == or eq",
  "&": "\"&\" is not an operator: use && or and",
  "|": "\"|\" is not an operator: use || or or",
  "^": "\"^\" is not an operator: use ^^ or xor",
  "'": "strings are written in double quotes: \"…\" (or raw: r\"…\")",
  ".": "unexpected \".\": field names start with a letter, and ranges are written 1..9",
  "#": "comments are not part of the rules language",
};

const isDigit = (c: string) => c >= "0" && c <= "9";
const isIdentStart = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
const isIdentChar = (c: string) => isIdentStart(c) || isDigit(c);
const isHex = (c: string) => isDigit(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F");
const isSpace = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r";

export class Lexer {
  private pos = 0;
  private previous: Token | undefined;

  constructor(readonly source: string) {}

  private fail(message: string, start: number, end: number = start + 1): never {
    throw new RuleError(message, { start, end: Math.min(Math.max(end, start + 1), Math.max(this.source.length, start + 1)) }, this.source);
  }

  /** The next token; `eof` at the end (and again on every later call). Throws RuleError on bad input. */
  next(): Token {
    const token = this.lex();
    this.previous = token;
    return token;
  }

  private lex(): Token {
    const s = this.source;
    while (this.pos < s.length && isSpace(s[this.pos])) this.pos++;
    const start = this.pos;
    if (start >= s.length) return { kind: "eof", span: { start, end: start }, text: "" };
    const c = s[start];
    const two = s.slice(start, start + 2);

    if (c === "\"") return this.quoted(start);
    if (c === "r" && (s[start + 1] === "\"" || s[start + 1] === "#")) return this.raw(start);
    if (isDigit(c) || (c === "-" && isDigit(s[start + 1] ?? ""))) return this.numeric(start);
    if (c === ":" && s[start + 1] === ":") return this.numeric(start);
    if (isIdentStart(c)) return this.identifier(start);
    if (c === "$") return this.listName(start);
    if (TWO_CHAR.has(two)) {
      this.pos += 2;
      return { kind: "punct", span: { start, end: start + 2 }, text: two as Punct };
    }
    if (ONE_CHAR.has(c)) {
      this.pos += 1;
      return { kind: "punct", span: { start, end: start + 1 }, text: c as Punct };
    }
    const cp = s.codePointAt(start)!;
    const shown = String.fromCodePoint(cp);
    this.fail(MISTAKES[c] ?? `unexpected character ${JSON.stringify(shown)}`, start, start + shown.length);
  }

  private identifier(start: number): Token {
    const s = this.source;
    let i = start;
    while (i < s.length && isIdentChar(s[i])) i++;
    while (s[i] === "." && i + 1 < s.length && isIdentChar(s[i + 1])) {
      i++;
      while (i < s.length && isIdentChar(s[i])) i++;
    }
    const text = s.slice(start, i);
    // An IPv6 address may start with hex letters: fe80::1, abcd:ef01::.
    if (s[i] === ":" && /^[0-9a-fA-F]{1,4}$/.test(text)) return this.numeric(start);
    this.pos = i;
    const span = { start, end: i };
    if (KEYWORD_SET.has(text)) return { kind: "keyword", span, text: text as Keyword };
    return { kind: "ident", span, text };
  }

  private listName(start: number): Token {
    const s = this.source;
    let i = start + 1;
    while (i < s.length && isIdentChar(s[i])) i++;
    const name = s.slice(start + 1, i);
    if (name === "") this.fail("expected a list name after \"$\", e.g. $office_network", start, start + 1);
    if (!/^[a-z0-9_]+$/.test(name)) this.fail(`invalid list name "${name}": list names use lower-case letters, digits and _ only`, start, i);
    this.pos = i;
    return { kind: "list", span: { start, end: i }, text: s.slice(start, i), name };
  }

  /** Integers, IPv4/IPv6 addresses and CIDRs. A `..` ends the token (it is the range operator). */
  private numeric(start: number): Token {
    const s = this.source;
    let i = start;
    if (s[i] === "-") i++;
    while (i < s.length && (isHex(s[i]) || s[i] === ":" || (s[i] === "." && s[i + 1] !== "."))) i++;
    const word = s.slice(start, i);
    const span = { start, end: i };
    if (/^-?[0-9]+$/.test(word)) {
      if (s[i] === "x" || s[i] === "X") this.fail(`hexadecimal integers are not supported: write the decimal value`, start, i + 1);
      if (/^-?0[0-9]/.test(word)) this.fail(`integer ${word} has a leading zero, which Cloudflare's engine reads as octal: write it without the leading zero`, start, i);
      const value = Number(word);
      if (!Number.isSafeInteger(value)) this.fail(`integer ${word} is out of range: integers must be within ±9007199254740991`, start, i);
      this.pos = i;
      return { kind: "int", span, text: word, value };
    }
    if (word.startsWith("-")) this.fail(`invalid number "${word}"`, start, i);
    let address: IpAddress | null = null;
    if (word.includes(":")) {
      const bytes = parseIPv6(word);
      if (!bytes) this.fail(`invalid IPv6 address "${word}"`, start, i);
      address = { family: 6, bytes };
    } else if (/^[0-9.]+$/.test(word) && word.split(".").length === 4) {
      const bytes = parseIPv4(word);
      if (!bytes) this.fail(`invalid IPv4 address "${word}": four decimal numbers 0–255 without leading zeros`, start, i);
      address = { family: 4, bytes };
    } else {
      this.fail(`invalid number or IP address "${word}"`, start, i);
    }
    if (s[i] !== "/") {
      this.pos = i;
      return { kind: "ip", span, text: word, value: address };
    }
    let j = i + 1;
    while (j < s.length && isDigit(s[j])) j++;
    const bits = s.slice(i + 1, j);
    const max = address.family === 4 ? 32 : 128;
    if (bits === "" || !/^(0|[1-9][0-9]*)$/.test(bits) || Number(bits) > max) {
      this.fail(`invalid prefix length "/${bits}": an IPv${address.family} prefix is 0 to ${max}`, i, Math.max(j, i + 1));
    }
    const prefix = Number(bits);
    const network = maskIp(address, prefix);
    if (!ipEquals(network, address)) {
      this.fail(`${word}/${bits} has host bits set: write the network address ${formatIp(network)}/${bits}`, start, j);
    }
    this.pos = j;
    return { kind: "cidr", span: { start, end: j }, text: s.slice(start, j), address, prefix };
  }

  private inRegexPosition(): boolean {
    const p = this.previous;
    return p !== undefined && ((p.kind === "keyword" && p.text === "matches") || (p.kind === "punct" && p.text === "~"));
  }

  private quoted(start: number): Token {
    return this.inRegexPosition() ? this.quotedRegex(start) : this.quotedBytes(start);
  }

  /** `"…"` with the escapes \" \\ \xHH \OOO; every other character stands for its UTF-8 bytes. */
  private quotedBytes(start: number): Token {
    const s = this.source;
    const parts: Uint8Array[] = [];
    let run = start + 1;
    let i = start + 1;
    for (;;) {
      if (i >= s.length) this.fail("unterminated string: add the closing \"", start, s.length);
      const c = s[i];
      if (c === "\"") break;
      if (c !== "\\") { i++; continue; }
      parts.push(utf8(s.slice(run, i)));
      const e = s[i + 1];
      if (e === undefined) this.fail("unterminated string: add the closing \"", start, s.length);
      if (e === "\"" || e === "\\") {
        parts.push(utf8(e));
        i += 2;
      } else if (e === "x") {
        const hex = s.slice(i + 2, i + 4);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.fail("invalid escape: \\x takes exactly two hex digits, e.g. \\x2e", i, i + 2 + hex.length);
        parts.push(Uint8Array.of(parseInt(hex, 16)));
        i += 4;
      } else if (e >= "0" && e <= "7") {
        const oct = s.slice(i + 1, i + 4);
        if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) this.fail("invalid escape: an octal escape is three digits \\000 to \\377", i, i + 1 + oct.length);
        parts.push(Uint8Array.of(parseInt(oct, 8)));
        i += 4;
      } else {
        const shown = String.fromCodePoint(s.codePointAt(i + 1)!);
        this.fail(`invalid escape "\\${shown}": in a quoted string the escapes are \\", \\\\, \\xHH and \\OOO; for regular expressions use a raw string r"…"`, i, i + 1 + shown.length);
      }
      run = i;
    }
    parts.push(utf8(s.slice(run, i)));
    this.pos = i + 1;
    return { kind: "string", span: { start, end: i + 1 }, text: s.slice(start, i + 1), value: concatBytes(parts), pattern: undefined };
  }

  /**
   * A quoted regex (Cloudflare's rule): `\"` outside a character class stands for `"`; every
   * other backslash sequence is passed to the regex as written; a `"` inside `[…]` does not end
   * the string. Class tracking is by the first `[` and the next `]`, as Cloudflare's lexer does.
   */
  private quotedRegex(start: number): Token {
    const s = this.source;
    let pattern = "";
    let inClass = false;
    let i = start + 1;
    for (;;) {
      if (i >= s.length) this.fail("unterminated string: add the closing \"", start, s.length);
      const c = s[i];
      if (c === "\\") {
        const e = s[i + 1];
        if (e === undefined) this.fail("unterminated string: add the closing \"", start, s.length);
        pattern += inClass || e !== "\"" ? `\\${e}` : e;
        i += 2;
        continue;
      }
      if (c === "\"" && !inClass) break;
      if (c === "[" && !inClass) inClass = true;
      else if (c === "]" && inClass) inClass = false;
      pattern += c;
      i++;
    }
    this.pos = i + 1;
    return { kind: "string", span: { start, end: i + 1 }, text: s.slice(start, i + 1), value: utf8(pattern), pattern };
  }

  /** `r"…"`, `r#"…"#`, … up to 255 `#`: no escapes; ends at the first `"` followed by as many `#`. */
  private raw(start: number): Token {
    const s = this.source;
    let i = start + 1;
    while (s[i] === "#") i++;
    const hashes = i - start - 1;
    if (hashes > 255) this.fail(`a raw string takes at most 255 "#", this one has ${hashes}`, start, i);
    if (s[i] !== "\"") this.fail("expected \" to open the raw string, e.g. r#\"…\"#", i, i + 1);
    const close = "\"" + "#".repeat(hashes);
    const end = s.indexOf(close, i + 1);
    if (end < 0) this.fail(`unterminated raw string: add the closing ${close}`, start, s.length);
    const text = s.slice(i + 1, end);
    this.pos = end + close.length;
    return { kind: "string", span: { start, end: this.pos }, text: s.slice(start, this.pos), value: utf8(text), pattern: text };
  }
}

/** Every token of `source` up to and including eof (for tests and tools). */
export function tokenize(source: string): Token[] {
  const lexer = new Lexer(source);
  const out: Token[] = [];
  for (;;) {
    const t = lexer.next();
    out.push(t);
    if (t.kind === "eof") return out;
  }
}

/**
 * For a quoted regex literal's source text (with its quotes), the source offset (relative to the
 * literal) of every offset of the pattern it lexes to, so regex errors point into the source.
 */
export function quotedRegexOffsets(literal: string): number[] {
  const offsets: number[] = [];
  let inClass = false;
  let i = 1;
  while (i < literal.length) {
    const c = literal[i];
    if (c === "\\" && i + 1 < literal.length) {
      if (inClass || literal[i + 1] !== "\"") offsets.push(i);
      offsets.push(i + 1);
      i += 2;
      continue;
    }
    if (c === "\"" && !inClass) break;
    if (c === "[" && !inClass) inClass = true;
    else if (c === "]" && inClass) inClass = false;
    offsets.push(i);
    i++;
  }
  offsets.push(i);
  return offsets;
}
