// The pretty-printer: a syntax tree → its canonical text. English operators, one space around
// them, parentheses only around a logical chain inside another operator, strings quoted (raw
// when that reads better), IPv6 in RFC 5952 form. parse(format(x)) gives back x.

import type { Expr, Rhs, SetElement, IndexKey } from "./ast.js";
import { decodeUtf8, quoteBytes, rawString } from "./bytes.js";
import { formatIp } from "./ip.js";

/** The canonical text of an expression (typed or not). */
export function formatExpr(e: Expr<object>): string {
  switch (e.kind) {
    case "logical":
      return e.operands.map(operand).join(` ${e.op} `);
    case "not":
      return `not ${operand(e.operand)}`;
    case "compare":
      return `${formatExpr(e.left)} ${e.op} ${formatRhs(e.right)}`;
    case "field":
      return e.name;
    case "index":
      return `${formatExpr(e.target)}[${formatIndex(e.key)}]`;
    case "call":
      return `${e.name}(${e.args.map(formatExpr).join(", ")})`;
    case "string":
      return formatString(e.value);
    case "int":
      return String(e.value);
    case "ip":
      return formatIp(e.value);
  }
}

function operand(e: Expr<object>): string {
  return e.kind === "logical" ? `(${formatExpr(e)})` : formatExpr(e);
}

function formatIndex(key: IndexKey): string {
  if (key.kind === "each") return "*";
  if (key.kind === "int") return String(key.value);
  return formatString(key.value);
}

/**
 * A string literal for `bytes`: a raw string when the text has a backslash or a quote and is
 * printable UTF-8 (so `\*` in a wildcard stays readable), else a quoted string with escapes.
 */
export function formatString(bytes: Uint8Array): string {
  const text = decodeUtf8(bytes);
  if (text !== undefined && /[\\"]/.test(text) && !/\p{C}|(?! )\p{Z}/u.test(text)) {
    const raw = rawString(text);
    if (raw !== undefined) return raw;
  }
  return quoteBytes(bytes);
}

/**
 * A regex pattern as a raw string. In the absurd case of a pattern that would need more than
 * 255 `#`, every `"` is written as the equivalent regex escape `\x22` instead.
 */
export function formatRegex(pattern: string): string {
  const raw = rawString(pattern);
  if (raw !== undefined) return raw;
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && pattern[i + 1] === "\"") { out += "\\x22"; i++; }
    else if (c === "\\") { out += c + (pattern[i + 1] ?? ""); i++; }
    else out += c === "\"" ? "\\x22" : c;
  }
  return `r"${out}"`;
}

export function formatRhs(r: Rhs): string {
  switch (r.kind) {
    case "regex": return formatRegex(r.pattern);
    case "wildcard": return formatString(r.pattern);
    case "set": return `{${r.elements.map(formatSetElement).join(" ")}}`;
    case "list": return `$${r.name}`;
    default: return formatExpr(r);
  }
}

function formatSetElement(e: SetElement): string {
  switch (e.kind) {
    case "cidr": return `${formatIp(e.address)}/${e.prefix}`;
    case "range": return `${formatExpr(e.from)}..${formatExpr(e.to)}`;
    default: return formatExpr(e);
  }
}
