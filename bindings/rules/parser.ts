// The parser: tokens → syntax tree, by precedence climbing over `or` < `xor` < `and` < `not`,
// with comparisons as the operands. Syntax only: names and types are the checker's job. Every
// loop consumes a token and recursion is bounded by maxNestingDepth, so no input can hang it.

import type { CompareOp, Expr, IndexKey, LogicalOp, Rhs, SetElement, Span, IntLiteral, IpLiteral, StringLiteral } from "./ast.js";
import { RuleError } from "./errors.js";
import { Lexer, KEYWORDS, type Token } from "./lexer.js";
import type { RuleLimits } from "./settings.js";
import { suggest } from "./suggest.js";

const LOGICAL_LEVELS: readonly { op: LogicalOp; tokens: readonly string[] }[] = [
  { op: "or", tokens: ["or", "||"] },
  { op: "xor", tokens: ["xor", "^^"] },
  { op: "and", tokens: ["and", "&&"] },
];

const COMPARE_TOKENS: Readonly<Record<string, CompareOp>> = {
  eq: "eq", "==": "eq", ne: "ne", "!=": "ne", lt: "lt", "<": "lt", le: "le", "<=": "le",
  gt: "gt", ">": "gt", ge: "ge", ">=": "ge", contains: "contains", matches: "matches", "~": "matches",
  wildcard: "wildcard", in: "in",
};

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);
const OPERATOR_WORDS: readonly string[] = [...KEYWORDS.filter((k) => k !== "strict" && k !== "not"), "strict wildcard"];

/** Describes a token for messages: `"foo"`, `the string "a b"`, `the end of the expression`. */
export function describe(t: Token): string {
  if (t.kind === "eof") return "the end of the expression";
  if (t.kind === "string") return `the string ${shorten(t.text)}`;
  return `"${shorten(t.text)}"`;
}

function shorten(text: string): string {
  return text.length > 40 ? text.slice(0, 37) + "…" : text;
}

const isLiteral = (e: Expr) => e.kind === "string" || e.kind === "int" || e.kind === "ip";

/** Parses one rule expression. Throws RuleError with the span of the first problem. */
export function parseExpression(source: string, limits: RuleLimits): Expr {
  return new Parser(source, limits).parseRule();
}

class Parser {
  private readonly lexer: Lexer;
  private lookahead: Token[] = [];
  private depth = 0;

  constructor(private readonly source: string, private readonly limits: RuleLimits) {
    this.lexer = new Lexer(source);
  }

  private fail(message: string, at: Span): never {
    throw new RuleError(message, at.end > at.start ? at : { start: at.start, end: at.start + 1 }, this.source);
  }

  private peek(n = 0): Token {
    while (this.lookahead.length <= n) this.lookahead.push(this.lexer.next());
    return this.lookahead[n];
  }

  private take(): Token {
    const t = this.peek();
    this.lookahead.shift();
    return t;
  }

  private isOp(t: Token, texts: readonly string[]): boolean {
    return (t.kind === "keyword" || t.kind === "punct") && texts.includes(t.text);
  }

  private expect(text: string, context: string): Token {
    const t = this.peek();
    if ((t.kind === "punct" || t.kind === "keyword") && t.text === text) return this.take();
    this.fail(`expected "${text}" ${context}, found ${describe(t)}`, t.span);
  }

  private enter(at: Span): void {
    this.depth++;
    if (this.depth > this.limits.maxNestingDepth) {
      this.fail(`nesting is deeper than the limit of ${this.limits.maxNestingDepth} levels (setting maxNestingDepth): simplify the expression`, at);
    }
  }

  private leave(): void {
    this.depth--;
  }

  parseRule(): Expr {
    const { source, limits } = this;
    if (source.length > limits.maxExpressionLength) {
      this.fail(`the expression is ${source.length} characters long, over the limit of ${limits.maxExpressionLength} (setting maxExpressionLength)`, { start: limits.maxExpressionLength, end: source.length });
    }
    if (this.peek().kind === "eof") {
      this.fail("empty expression: write a condition such as http.user_agent contains \"bot\"", { start: 0, end: Math.max(1, source.length) });
    }
    const expr = this.parseLogical(0);
    const t = this.peek();
    if (t.kind !== "eof") {
      if (t.kind === "punct" && t.text === ")") this.fail("unmatched \")\": remove it or add the \"(\" it closes", t.span);
      this.unexpectedAfterCondition(t, "after a complete condition: join conditions with and / or");
    }
    return expr;
  }

  private unexpectedAfterCondition(t: Token, tail: string): never {
    if (t.kind === "ident" && KEYWORD_SET.has(t.text.toLowerCase())) {
      this.fail(`operators are lower-case: write "${t.text.toLowerCase()}" instead of "${t.text}"`, t.span);
    }
    if (t.kind === "ident" && (t.text === "starts_with" || t.text === "ends_with")) {
      this.fail(`${t.text} is a function, not an operator: write ${t.text}(http.request.uri.path, "…")`, t.span);
    }
    if (t.kind === "ident" && !t.text.includes(".")) {
      const near = suggest(t.text, OPERATOR_WORDS);
      if (near) this.fail(`unknown operator "${t.text}" — did you mean "${near}"?`, t.span);
    }
    this.fail(`unexpected ${describe(t)} ${tail}`, t.span);
  }

  private parseLogical(level: number): Expr {
    if (level === LOGICAL_LEVELS.length) return this.parseUnary();
    const { op, tokens } = LOGICAL_LEVELS[level];
    const first = this.parseLogical(level + 1);
    if (!this.isOp(this.peek(), tokens)) return first;
    const operands: Expr[] = [first];
    while (this.isOp(this.peek(), tokens)) {
      this.take();
      operands.push(this.parseLogical(level + 1));
    }
    return { kind: "logical", op, operands, span: { start: first.span.start, end: operands[operands.length - 1].span.end } };
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (this.isOp(t, ["not", "!"])) {
      this.take();
      this.enter(t.span);
      const operand = this.parseUnary();
      this.leave();
      return { kind: "not", operand, span: { start: t.span.start, end: operand.span.end } };
    }
    return this.parseComparison();
  }

  private parseComparison(): Expr {
    const startToken = this.peek();
    const grouped = startToken.kind === "punct" && startToken.text === "(";
    const left = this.parsePostfix();
    const t = this.peek();
    const op = this.compareOp(t);
    if (op === undefined) return left;
    if (grouped) this.fail(`the left side of ${op} must be a field or a function call, not a parenthesized expression`, t.span);
    if (isLiteral(left)) {
      this.fail(`the left side of ${op} must be a field or a function call: put the literal on the right`, left.span);
    }
    const opStart = t.span.start;
    this.take();
    let opSpan = t.span;
    if (op === "strict wildcard") {
      const w = this.peek();
      if (!(w.kind === "keyword" && w.text === "wildcard")) this.fail(`expected "wildcard" after "strict", found ${describe(w)}`, w.span);
      opSpan = { start: opStart, end: this.take().span.end };
    }
    const right = this.parseRhs(op, opSpan, this.source.slice(left.span.start, left.span.end));
    return { kind: "compare", op, opSpan, left, right, span: { start: left.span.start, end: right.span.end } };
  }

  private compareOp(t: Token): CompareOp | undefined {
    if (t.kind === "keyword" && t.text === "strict") return "strict wildcard";
    if (t.kind === "keyword" || t.kind === "punct") return COMPARE_TOKENS[t.text];
    return undefined;
  }

  private parseRhs(op: CompareOp, opSpan: Span, leftText: string): Rhs {
    const t = this.peek();
    if (op === "in") {
      if (t.kind === "list") {
        this.take();
        return { kind: "list", name: t.name, span: t.span };
      }
      if (t.kind === "punct" && t.text === "{") return this.parseSet();
      this.fail(`expected a set such as {"a" "b"} or a list name such as $my_list after in, found ${describe(t)}`, t.span.end > t.span.start ? t.span : opSpan);
    }
    if (op === "matches") {
      if (t.kind === "string" && t.pattern !== undefined) {
        this.take();
        return { kind: "regex", pattern: t.pattern, span: t.span };
      }
      this.fail(`expected a regular expression in quotes after ${op}, e.g. r"^/api/v[0-9]+/", found ${describe(t)}`, t.kind === "eof" ? opSpan : t.span);
    }
    if (op === "wildcard" || op === "strict wildcard") {
      if (t.kind === "string") {
        this.take();
        return { kind: "wildcard", pattern: t.value, span: t.span };
      }
      this.fail(`expected a pattern in quotes after ${op}, e.g. "*/wp-login.php", found ${describe(t)}`, t.kind === "eof" ? opSpan : t.span);
    }
    switch (t.kind) {
      case "string":
      case "int":
      case "ip":
        this.take();
        return literalOf(t);
      case "cidr":
        this.fail(`a network needs the in operator: write in {${t.text}}`, { start: opSpan.start, end: t.span.end });
      case "punct":
        if (t.text === "{") this.fail(`a set needs the in operator: write in {…} instead of ${op} {…}`, opSpan);
        break;
      case "ident":
        if (t.text === "true" || t.text === "false") {
          const test = leftText.length <= 60 && !leftText.includes("\n") ? leftText : "ssl";
          this.fail(`there are no Boolean literals: a Boolean is a test on its own — write "${test}" or "not ${test}"`, t.span);
        }
        this.fail(`the right side of ${op} must be a literal (a string, number or IP address): comparing with a field or function is not supported`, t.span);
      case "eof":
        this.fail(`expected a value after ${op}, found the end of the expression`, opSpan);
    }
    this.fail(`expected a value (a string, number or IP address) after ${op}, found ${describe(t)}`, t.span);
  }

  private parseSet(): Rhs {
    const open = this.take();
    this.enter(open.span);
    const elements: SetElement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "punct" && t.text === "}") break;
      if (t.kind === "eof") this.fail("unterminated set: add the closing }", { start: open.span.start, end: t.span.start });
      if (t.kind === "punct" && t.text === ",") this.fail("set elements are separated by spaces, not commas", t.span);
      if (elements.length >= this.limits.maxSetSize) {
        this.fail(`the set has more than ${this.limits.maxSetSize} elements, the limit (setting maxSetSize): use a named list $name for long lists`, t.span);
      }
      elements.push(this.parseSetElement());
    }
    const close = this.take();
    this.leave();
    if (elements.length === 0) this.fail("empty set: a set needs at least one element", { start: open.span.start, end: close.span.end });
    return { kind: "set", elements, span: { start: open.span.start, end: close.span.end } };
  }

  private parseSetElement(): SetElement {
    const t = this.take();
    switch (t.kind) {
      case "string": return { kind: "string", value: t.value, span: t.span };
      case "cidr": return { kind: "cidr", address: t.address, prefix: t.prefix, span: t.span };
      case "int":
      case "ip": {
        const from: IntLiteral | IpLiteral = t.kind === "int" ? { kind: "int", value: t.value, span: t.span } : { kind: "ip", value: t.value, span: t.span };
        if (!this.isOp(this.peek(), [".."])) return from;
        this.take();
        const u = this.take();
        if (u.kind !== t.kind) this.fail(`a range goes from ${t.kind === "int" ? "an integer to an integer" : "an IP address to an IP address"}: found ${describe(u)} after ..`, u.span);
        const to: IntLiteral | IpLiteral = u.kind === "int" ? { kind: "int", value: u.value, span: u.span } : { kind: "ip", value: (u as { value: IpLiteral["value"] }).value, span: u.span };
        return { kind: "range", from, to, span: { start: t.span.start, end: u.span.end } };
      }
      case "list":
        this.fail("a named list cannot be inside a set: write in $name on its own", t.span);
      default:
        this.fail(`expected a set element (a string, integer, IP address, CIDR or range), found ${describe(t)}`, t.span);
    }
  }

  /** A primary (field, call, literal, parenthesized expression) followed by any number of `[…]`. */
  private parsePostfix(): Expr {
    const first = this.peek();
    const grouped = first.kind === "punct" && first.text === "(";
    let e = this.parsePrimary();
    while (this.isOp(this.peek(), ["["])) {
      const open = this.take();
      if (isLiteral(e) || grouped) this.fail("only fields and function results can be indexed", open.span);
      const key = this.parseIndexKey();
      const close = this.expect("]", "to close the index");
      e = { kind: "index", target: e, key, span: { start: e.span.start, end: close.span.end } };
    }
    return e;
  }

  private parseIndexKey(): IndexKey {
    const t = this.take();
    if (t.kind === "int") {
      if (t.value < 0) this.fail("array indexes start at 0 and cannot be negative", t.span);
      return { kind: "int", value: t.value, span: t.span };
    }
    if (t.kind === "string") return { kind: "string", value: t.value, span: t.span };
    if (t.kind === "punct" && t.text === "*") return { kind: "each", span: t.span };
    this.fail(`expected an index: an integer such as [0], a key such as ["x-foo"], or [*]; found ${describe(t)}`, t.span);
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case "ident":
        this.take();
        if (this.isOp(this.peek(), ["("])) return this.parseCall(t);
        if (KEYWORD_SET.has(t.text.toLowerCase())) this.fail(`operators are lower-case: write "${t.text.toLowerCase()}" instead of "${t.text}"`, t.span);
        return { kind: "field", name: t.text, span: t.span };
      case "string":
      case "int":
      case "ip":
        this.take();
        return literalOf(t);
      case "punct":
        if (t.text === "(") {
          this.take();
          this.enter(t.span);
          const inner = this.parseLogical(0);
          const close = this.peek();
          if (!(close.kind === "punct" && close.text === ")")) {
            if (close.kind === "eof") this.fail("unclosed \"(\": add the closing )", t.span);
            this.unexpectedAfterCondition(close, "inside parentheses: join conditions with and / or, or close with )");
          }
          this.take();
          this.leave();
          return inner;
        }
        break;
      case "eof":
        this.fail("expected a condition, found the end of the expression", t.span);
    }
    this.fail(`expected a condition (a field, a function call, or "(" … ")"), found ${describe(t)}`, t.span);
  }

  private parseCall(name: Token): Expr {
    const open = this.take();
    this.enter(name.span);
    const args: Expr[] = [];
    if (!this.isOp(this.peek(), [")"])) {
      for (;;) {
        if (args.length >= this.limits.maxFunctionArgs) {
          this.fail(`${name.text}() has more than ${this.limits.maxFunctionArgs} arguments, the limit (setting maxFunctionArgs)`, this.peek().span);
        }
        args.push(this.parseLogical(0));
        const t = this.peek();
        if (this.isOp(t, [","])) { this.take(); continue; }
        if (this.isOp(t, [")"])) break;
        if (t.kind === "eof") this.fail(`unclosed call to ${name.text}(: add the closing )`, open.span);
        this.fail(`expected "," or ")" in the call to ${name.text}(), found ${describe(t)}`, t.span);
      }
    }
    const close = this.take();
    this.leave();
    return { kind: "call", name: name.text, nameSpan: name.span, args, span: { start: name.span.start, end: close.span.end } };
  }
}

/** The literal node of a string, integer or IP token. */
function literalOf(t: Extract<Token, { kind: "string" | "int" | "ip" }>): StringLiteral | IntLiteral | IpLiteral {
  switch (t.kind) {
    case "string": return { kind: "string", value: t.value, span: t.span };
    case "int": return { kind: "int", value: t.value, span: t.span };
    case "ip": return { kind: "ip", value: t.value, span: t.span };
  }
}
