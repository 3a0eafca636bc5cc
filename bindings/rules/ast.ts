// The syntax tree of a rule: plain, JSON-like data with a span on every node. The parser
// produces `Expr` (untyped); the checker produces `CheckedExpr`, the same shapes with a `type`
// on every expression node, which is what the bytecode emitter consumes.

import type { Span } from "./errors.js";
import type { RuleType } from "./types.js";

export type { Span };

/** `and`/`&&`, `xor`/`^^`, `or`/`||`. */
export type LogicalOp = "and" | "xor" | "or";

/**
 * Comparison operators in their canonical (English) spelling: `eq ne lt le gt ge` (also
 * `== != < <= > >=`), `contains`, `wildcard`, `strict wildcard`, `matches` (also `~`), `in`.
 */
export type CompareOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "contains" | "wildcard" | "strict wildcard" | "matches" | "in";

/** An IPv4 (4 bytes) or IPv6 (16 bytes) address, network byte order. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
}

/** Annotation the checker adds to every expression node. */
export interface Typed {
  /**
   * The value's type. For a comparison or call lifted over `[*]` this is the array type it
   * produces (`Array<Boolean>` for `x[*] eq "a"`); `x[*]` itself has the array's type.
   */
  readonly type: RuleType;
}

type Node<K extends string, A, P> = { readonly kind: K; readonly span: Span } & P & A;

/** `a and b and c`: operands of one chain, flattened; explicit parentheses keep their own node. */
export type LogicalExpr<A = {}> = Node<"logical", A, { readonly op: LogicalOp; readonly operands: readonly Expr<A>[] }>;

/** `not x` / `!x`. */
export type NotExpr<A = {}> = Node<"not", A, { readonly operand: Expr<A> }>;

/**
 * `left op right`. `left` is a field, an index or a call (never a literal); `right` is a literal
 * whose kind depends on `op`: a regex for `matches`, a wildcard for (strict) `wildcard`, a set
 * or a list for `in`, else a string, integer or IP literal.
 */
export type CompareExpr<A = {}> = Node<"compare", A, {
  readonly op: CompareOp;
  readonly opSpan: Span;
  readonly left: Expr<A>;
  readonly right: Rhs;
}>;

/** A field of the scheme, by its canonical name (aliases are rewritten by the checker). */
export type FieldExpr<A = {}> = Node<"field", A, { readonly name: string }>;

/** `target[0]`, `target["key"]`, or `target[*]` (the each-index, only inside any()/all()). */
export type IndexExpr<A = {}> = Node<"index", A, { readonly target: Expr<A>; readonly key: IndexKey }>;

export type IndexKey = IntLiteral | StringLiteral | EachIndex;

/** `[*]`. */
export interface EachIndex {
  readonly kind: "each";
  readonly span: Span;
}

/** `name(arg, …)`; function names are lower-case. */
export type CallExpr<A = {}> = Node<"call", A, { readonly name: string; readonly nameSpan: Span; readonly args: readonly Expr<A>[] }>;

/** `"text"`, `r"text"`, `r#"text"#`: the bytes after unescaping. */
export type StringLiteral<A = {}> = Node<"string", A, { readonly value: Uint8Array }>;

/** A decimal integer within ±(2^53 − 1). */
export type IntLiteral<A = {}> = Node<"int", A, { readonly value: number }>;

export type IpLiteral<A = {}> = Node<"ip", A, { readonly value: IpAddress }>;

export type Literal<A = {}> = StringLiteral<A> | IntLiteral<A> | IpLiteral<A>;

export type Expr<A = {}> = LogicalExpr<A> | NotExpr<A> | CompareExpr<A> | FieldExpr<A> | IndexExpr<A> | CallExpr<A> | Literal<A>;

/** The checker's output: every expression node carries its type. */
export type CheckedExpr = Expr<Typed>;

/** The pattern after `matches`/`~`: Rust `regex` syntax as text (quoted-string regex escaping already applied). */
export interface RegexLiteral {
  readonly kind: "regex";
  readonly span: Span;
  readonly pattern: string;
}

/** The pattern after `wildcard`/`strict wildcard`: bytes in which `*`, `\*` and `\\` are still to be interpreted. */
export interface WildcardLiteral {
  readonly kind: "wildcard";
  readonly span: Span;
  readonly pattern: Uint8Array;
}

/** `192.0.2.0/24`, `2001:db8::/32` (inside sets). */
export interface CidrLiteral {
  readonly kind: "cidr";
  readonly span: Span;
  readonly address: IpAddress;
  readonly prefix: number;
}

/** `8000..8009`, `198.51.100.3..198.51.100.7` (inside sets); inclusive, from ≤ to. */
export interface RangeLiteral {
  readonly kind: "range";
  readonly span: Span;
  readonly from: IntLiteral | IpLiteral;
  readonly to: IntLiteral | IpLiteral;
}

export type SetElement = StringLiteral | IntLiteral | IpLiteral | CidrLiteral | RangeLiteral;

/** `{"a" "b"}`, `{80 443 8000..8009}`, `{192.0.2.0/24 2001:db8::1}`; elements of one type. */
export interface SetLiteral {
  readonly kind: "set";
  readonly span: Span;
  readonly elements: readonly SetElement[];
}

/** `$name`: a named list the host supplies. */
export interface ListRef {
  readonly kind: "list";
  readonly span: Span;
  readonly name: string;
}

export type Rhs = StringLiteral | IntLiteral | IpLiteral | RegexLiteral | WildcardLiteral | SetLiteral | ListRef;

/** Children of a node, in source order (for walkers). */
export function children<A>(e: Expr<A>): Expr<A>[] {
  switch (e.kind) {
    case "logical": return [...e.operands];
    case "not": return [e.operand];
    case "compare": return [e.left];
    case "index": return [e.target];
    case "call": return [...e.args];
    default: return [];
  }
}

/** Calls `visit` on `e` and every expression below it, parents first. */
export function walk<A>(e: Expr<A>, visit: (node: Expr<A>) => void): void {
  const stack: Expr<A>[] = [e];
  while (stack.length > 0) {
    const node = stack.pop()!;
    visit(node);
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}
