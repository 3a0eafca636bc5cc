// RuleError: what is wrong with a rule, where (a span of the source), and how to fix it;
// `format()` prints the offending line with a caret and tildes under the span.

import { BotsiftError } from "../errors.js";

/** A half-open range [start, end) of UTF-16 offsets into the rule's source text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export function span(start: number, end: number): Span {
  return { start, end };
}

/** The smallest span covering both. */
export function join(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** 1-based line and column (in code points) of `offset` in `source`. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  const at = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (source.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  }
  return { line, column: codePoints(source.slice(lineStart, at)) + 1 };
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Lines longer than this are shown as a window around the span. */
const MAX_SHOWN = 100;

/**
 * An invalid rule. `reason` is the bare explanation (what, and how to fix it); `message` adds
 * the position. Every RuleError has code "RULE".
 */
export class RuleError extends BotsiftError {
  readonly reason: string;
  readonly span: Span;
  /** 1-based line of span.start. */
  readonly line: number;
  /** 1-based column (in code points) of span.start. */
  readonly column: number;
  /** The source the span refers to, when known. */
  readonly source: string | undefined;

  constructor(reason: string, at: Span, source?: string) {
    const { line, column } = source === undefined ? { line: 1, column: at.start + 1 } : lineColumn(source, at.start);
    super("RULE", `${reason} (line ${line}, column ${column})`);
    this.name = "RuleError";
    this.reason = reason;
    this.span = at;
    this.line = line;
    this.column = column;
    this.source = source;
  }

  /**
   * The error as readable text: the reason, the position, the offending line, and `^~~~` under
   * the span (to the end of the line when the span continues on later lines). `origin` says
   * where the source starts in a file, for `file:line:column` positions.
   *
   *     error: unknown field "http.useragent" — did you mean "http.user_agent"?
   *      --> line 1, column 1
   *       |
   *     1 | http.useragent contains "GPTBot"
   *       | ^~~~~~~~~~~~~~
   */
  format(source: string | undefined = this.source, origin?: { file: string; line: number }): string {
    const shownLine = origin ? origin.line + this.line - 1 : this.line;
    const where = origin ? `${origin.file}:${shownLine}:${this.column}` : `line ${this.line}, column ${this.column}`;
    const head = `error: ${this.reason}\n --> ${where}`;
    if (source === undefined) return head;
    const lines = source.split("\n");
    const text = (lines[this.line - 1] ?? "").replace(/\r$/, "");
    const chars = Array.from(text.replace(/[\t\v\f]/g, " ").replace(/[\u0000-\u001f\u007f]/g, " "));
    const startCol = this.column - 1;
    const lineStart = source.length === 0 ? 0 : offsetOfLine(source, this.line);
    const endOnLine = Math.min(this.span.end, lineStart + text.length);
    let width = Math.max(1, codePoints(source.slice(this.span.start, Math.max(this.span.start, endOnLine))));
    let from = 0;
    let to = chars.length;
    if (chars.length > MAX_SHOWN) {
      from = Math.max(0, Math.min(startCol - 30, chars.length - MAX_SHOWN));
      to = Math.min(chars.length, from + MAX_SHOWN);
    }
    const shown = (from > 0 ? "…" : "") + chars.slice(from, to).join("") + (to < chars.length ? "…" : "");
    const pad = " ".repeat(startCol - from + (from > 0 ? 1 : 0));
    width = Math.min(width, Math.max(1, to - startCol + 1));
    const gutter = String(shownLine);
    const blank = " ".repeat(gutter.length);
    return `${head}\n${blank} |\n${gutter} | ${shown}\n${blank} | ${pad}^${"~".repeat(width - 1)}`;
  }
}

function offsetOfLine(source: string, line: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = source.indexOf("\n", offset);
    if (next < 0) return source.length;
    offset = next + 1;
  }
  return offset;
}

/** A rule that is valid but probably not what its author meant (it can never match, say). */
export interface RuleWarning {
  readonly message: string;
  readonly span: Span;
}
