// The checker: resolves fields and functions against the scheme, infers and checks types,
// validates regexes and wildcards, places `[*]`, and collects what the pack compiler needs
// (fields, lists, and the string literals that join the automaton). Syntax tree → typed tree.

import type { CheckedExpr, CompareExpr, Expr, IndexExpr, Rhs, SetElement, Span } from "./ast.js";
import { RuleError, type RuleWarning } from "./errors.js";
import { formatExpr } from "./format.js";
import { lookupFunction, FUNCTIONS, UNSUPPORTED_FUNCTIONS, type FunctionArg } from "./functions.js";
import { ipCompare } from "./ip.js";
import { quotedRegexOffsets } from "./lexer.js";
import { checkRegex } from "./matches.js";
import type { FieldDef, Scheme } from "./scheme.js";
import type { RuleLimits } from "./settings.js";
import { suggest } from "./suggest.js";
import { arrayOf, aTypeName, sameType, typeName, BOOL, INT, IP, STRING, type RuleType } from "./types.js";
import { parseWildcard, WildcardSyntaxError } from "./wildcard.js";
import { decodeUtf8 } from "./bytes.js";

/** The element type a named list holds. */
export type ListKind = "string" | "int" | "ip";

export interface CheckOptions {
  readonly scheme: Scheme;
  readonly limits: RuleLimits;
  /** The lists the host supplies, by name. When given, `$name` must be one of them, of the right kind. */
  readonly lists?: Readonly<Record<string, ListKind>>;
}

/** A field the rule reads. */
export interface FieldUse {
  readonly name: string;
  readonly type: RuleType;
  readonly presence: FieldDef["presence"];
}

/** A named list the rule refers to, and the kind of element it must hold. */
export interface ListUse {
  readonly name: string;
  readonly kind: ListKind;
  readonly span: Span;
}

/**
 * A string literal a rule searches for, for the pack's automaton: `value` must be found in the
 * string `subject` (canonical text of the searched expression, e.g. `lower(http.user_agent)`)
 * as the whole value (`exact`), at its start or end, or anywhere.
 */
export interface RuleLiteral {
  readonly op: "eq" | "ne" | "in" | "contains" | "wildcard" | "strict wildcard" | "starts_with" | "ends_with";
  readonly subject: string;
  /** The one scheme field the subject reads, or null when it reads several or none. */
  readonly field: string | null;
  readonly value: Uint8Array;
  /** `value` as text when it is valid UTF-8. */
  readonly text: string | undefined;
  readonly caseInsensitive: boolean;
  readonly anchor: "exact" | "start" | "end" | "anywhere";
  readonly span: Span;
}

export interface CheckResult {
  readonly expr: CheckedExpr;
  readonly fields: readonly FieldUse[];
  readonly functions: readonly string[];
  readonly lists: readonly ListUse[];
  readonly literals: readonly RuleLiteral[];
  readonly warnings: readonly RuleWarning[];
}

interface Context {
  /** Inside the argument of any() or all(), where `[*]` may be used. */
  readonly inQuantifier: boolean;
  /** This node may be `x[*]`: the left of a comparison or the first argument of a call. */
  readonly eachPosition: boolean;
}

const TOP: Context = { inQuantifier: false, eachPosition: false };
const LIST_TYPES: Readonly<Record<ListKind, RuleType>> = { string: STRING, int: INT, ip: IP };
const ORDERED = new Set(["lt", "le", "gt", "ge"]);
const STRING_ONLY = new Set(["contains", "wildcard", "strict wildcard", "matches"]);

/** `x[*]`: an index node with the each-key. */
export function isEach(e: Expr<object>): e is IndexExpr<object> {
  return e.kind === "index" && e.key.kind === "each";
}

const short = (text: string) => (text.length > 60 ? text.slice(0, 57) + "…" : text);

/** Checks a parsed expression. Throws RuleError on the first problem. */
export function checkExpression(expr: Expr, source: string, options: CheckOptions): CheckResult {
  return new Checker(source, options).run(expr);
}

class Checker {
  private readonly fields = new Map<string, FieldUse>();
  private readonly functions = new Set<string>();
  private readonly lists = new Map<string, ListUse>();
  private readonly literals: RuleLiteral[] = [];
  private readonly warnings: RuleWarning[] = [];

  constructor(private readonly source: string, private readonly options: CheckOptions) {}

  private fail(message: string, at: Span): never {
    throw new RuleError(message, at.end > at.start ? at : { start: at.start, end: at.start + 1 }, this.source);
  }

  run(expr: Expr): CheckResult {
    const checked = this.condition(expr, TOP);
    if (checked.type.kind !== "bool") this.fail("this expression is an Array<Boolean> (it uses [*]): wrap it in any(…) or all(…)", expr.span);
    return {
      expr: checked,
      fields: [...this.fields.values()],
      functions: [...this.functions],
      lists: [...this.lists.values()],
      literals: this.literals,
      warnings: this.warnings,
    };
  }

  /** An expression used as a condition: Boolean, or Array<Boolean> inside any()/all(). */
  private condition(e: Expr, ctx: Context): CheckedExpr {
    const checked = this.expr(e, { ...ctx, eachPosition: false });
    const t = checked.type;
    if (t.kind === "bool" || (t.kind === "array" && t.of.kind === "bool" && ctx.inQuantifier)) return checked;
    const what = short(formatExpr(e));
    if (e.kind === "string" || e.kind === "int" || e.kind === "ip") this.fail(`a literal is not a condition: compare a field with it, e.g. http.host eq ${what}`, e.span);
    const hint = t.kind === "string" ? `, e.g. ${what} eq "…"` : t.kind === "int" ? `, e.g. ${what} gt 10` : t.kind === "ip" ? `, e.g. ${what} in {192.0.2.0/24}` : "";
    this.fail(`${what} is ${aTypeName(t)}, not a condition: compare it with a value${hint}`, e.span);
  }

  private expr(e: Expr, ctx: Context): CheckedExpr {
    switch (e.kind) {
      case "logical": {
        const operands = e.operands.map((o) => this.condition(o, ctx));
        const arrays = operands.filter((o) => o.type.kind === "array");
        if (arrays.length > 0 && arrays.length < operands.length) {
          this.fail(`cannot combine an Array<Boolean> (from [*]) with a single Boolean in ${e.op}: move the single test outside any()/all()`, e.span);
        }
        if (arrays.length > 0) this.sameArray(operands, e.span);
        return { ...e, operands, type: operands[0].type };
      }
      case "not": {
        const operand = this.condition(e.operand, ctx);
        return { ...e, operand, type: operand.type };
      }
      case "compare": return this.compare(e, ctx);
      case "field": return this.field(e);
      case "index": return this.index(e, ctx);
      case "call": return this.call(e, ctx);
      case "string": return { ...e, type: STRING };
      case "int": return { ...e, type: INT };
      case "ip": return { ...e, type: IP };
    }
  }

  private field(e: Extract<Expr, { kind: "field" }>): CheckedExpr {
    const def = this.options.scheme.get(e.name);
    if (!def) {
      if (e.name === "true" || e.name === "false") this.fail("there are no Boolean literals: a Boolean field is a test on its own — write \"ssl\" or \"not ssl\"", e.span);
      const names = [...this.options.scheme.fields.map((f) => f.name), ...Object.keys(this.options.scheme.aliases)];
      const near = suggest(e.name, names);
      const fn = lookupFunction(e.name) ? ` — ${e.name} is a function: call it, ${e.name}(…)` : "";
      this.fail(`unknown field "${e.name}"${near ? ` — did you mean "${near}"?` : fn}`, e.span);
    }
    if (def.name !== e.name) this.warnings.push({ message: `${e.name} is an older name of ${def.name}`, span: e.span });
    if (!this.fields.has(def.name)) this.fields.set(def.name, { name: def.name, type: def.type, presence: def.presence });
    return { kind: "field", name: def.name, span: e.span, type: def.type };
  }

  private index(e: IndexExpr, ctx: Context): CheckedExpr {
    const target = this.expr(e.target, { ...ctx, eachPosition: false });
    if (isEach(target)) this.fail("nothing can follow [*]: [*] unpacks the array for the enclosing comparison or function", e.key.span);
    const t = target.type;
    const what = short(formatExpr(e.target));
    const key = e.key;
    if (key.kind === "each") {
      if (!ctx.inQuantifier) this.fail(`[*] can only be used inside any() or all(), e.g. any(${what}[*] eq "…")`, key.span);
      if (!ctx.eachPosition) this.fail("[*] can only be used on the left of a comparison or in the first argument of a function", key.span);
      if (t.kind === "map") this.fail(`[*] over a map is not supported: index ${what} with a key, e.g. ${what}["name"][*]`, key.span);
      if (t.kind !== "array") this.fail(`[*] unpacks arrays, but ${what} is ${aTypeName(t)}`, key.span);
      return { ...e, target, type: t };
    }
    if (key.kind === "int") {
      if (t.kind === "map") this.fail(`${what} is ${aTypeName(t)}, indexed by key: write ${what}["name"]`, key.span);
      if (t.kind !== "array") this.fail(`${what} is ${aTypeName(t)} and cannot be indexed`, key.span);
      return { ...e, target, type: t.of };
    }
    if (t.kind === "array") this.fail(`${what} is ${aTypeName(t)}, indexed by position: write ${what}[0]`, key.span);
    if (t.kind !== "map") this.fail(`${what} is ${aTypeName(t)} and cannot be indexed`, key.span);
    if (target.kind === "field" && this.options.scheme.get(target.name)?.lowercaseKeys) {
      const text = decodeUtf8(key.value) ?? "";
      if (text !== text.toLowerCase()) {
        this.warnings.push({ message: `the keys of ${target.name} are lower-case, so ${JSON.stringify(text)} never matches: write ${JSON.stringify(text.toLowerCase())}`, span: key.span });
      }
    }
    return { ...e, target, type: t.of };
  }

  private call(e: Extract<Expr, { kind: "call" }>, ctx: Context): CheckedExpr {
    const def = lookupFunction(e.name);
    if (!def) {
      const why = UNSUPPORTED_FUNCTIONS[e.name];
      if (why) this.fail(`${e.name}() is not supported: ${why}`, e.nameSpan);
      const near = suggest(e.name, FUNCTIONS.map((f) => f.name));
      const field = this.options.scheme.get(e.name) ? ` — ${e.name} is a field, not a function` : "";
      this.fail(`unknown function "${e.name}"${near ? ` — did you mean "${near}"?` : field}`, e.nameSpan);
    }
    this.functions.add(def.name);
    const count = e.args.length;
    if (count < def.minArgs || (def.maxArgs !== null && count > def.maxArgs)) {
      const expected = def.maxArgs === def.minArgs ? `${def.minArgs}` : def.maxArgs === null ? `at least ${def.minArgs}` : `${def.minArgs} or ${def.maxArgs}`;
      this.fail(`${def.name}() takes ${expected} argument${expected === "1" ? "" : "s"}, not ${count}: ${def.signature}`, e.span);
    }
    const quantifier = def.name === "any" || def.name === "all";
    const first = e.args[0];
    if (!def.liftable && !quantifier && first !== undefined && isEach(first) && ctx.inQuantifier) {
      this.fail(`${def.name}() takes the whole array: write ${def.name}(${short(formatExpr(first.target))}, …) without [*]`, first.key.span);
    }
    const args = e.args.map((a, i) => {
      if (quantifier) return this.condition(a, { inQuantifier: true, eachPosition: false });
      return this.expr(a, { inQuantifier: ctx.inQuantifier, eachPosition: i === 0 && def.liftable });
    });
    const lifted = args.length > 0 && isEach(args[0]);
    const infos: FunctionArg[] = args.map((node, i) => ({
      node,
      type: i === 0 && lifted ? (node.type as { of: RuleType }).of : node.type,
      literal: node.kind === "string" || node.kind === "int" || node.kind === "ip",
    }));
    const result = def.check(infos, { name: def.name, span: e.span, fail: (m, at) => this.fail(m, at) });
    if ((def.name === "starts_with" || def.name === "ends_with") && args[1].kind === "string") {
      this.literal(def.name, args[0], args[1].value, false, def.name === "starts_with" ? "start" : "end", args[1].span);
      this.caseWarning(args[0], args[1].value, args[1].span);
    }
    return { ...e, args, type: lifted ? arrayOf(result) : result };
  }

  private compare(e: CompareExpr, ctx: Context): CheckedExpr {
    const left = this.expr(e.left, { inQuantifier: ctx.inQuantifier, eachPosition: true });
    const lifted = isEach(left);
    const t = lifted ? (left.type as { of: RuleType }).of : left.type;
    const what = short(formatExpr(left));
    const op = e.op;
    if (t.kind === "bool") this.fail(`${what} is a Boolean: use it on its own (${what}) or negated (not ${what}), without ${op}`, e.opSpan);
    if (t.kind === "array") this.fail(`${what} is ${aTypeName(t)}, and ${op} compares single values: index it (${what}[0]) or compare each element inside any(): any(${what}[*] ${op} …)`, e.opSpan);
    if (t.kind === "map") this.fail(`${what} is ${aTypeName(t)}: index it with a key, e.g. ${what}["name"][0]`, e.opSpan);
    if (STRING_ONLY.has(op) && t.kind !== "string") this.fail(`${op} needs a String on the left, but ${what} is ${aTypeName(t)}`, e.opSpan);
    if (ORDERED.has(op) && t.kind === "ip") this.fail(`${op} is not defined for IP addresses: use in with a range or a network, e.g. ${what} in {192.0.2.0..192.0.2.99}`, e.opSpan);
    this.rhs(e, e.right, t, what, left);
    return { ...e, left, type: lifted ? arrayOf(BOOL) : BOOL };
  }

  /** Checks the right side of `left op right` where the left (element) type is `t`. */
  private rhs(e: CompareExpr, r: Rhs, t: RuleType, what: string, left: CheckedExpr): void {
    const subject = left;
    switch (r.kind) {
      case "regex": {
        const problem = checkRegex(r.pattern, this.options.limits);
        if (problem) this.fail(problem.message, this.regexSpan(r, problem.start, problem.end));
        return;
      }
      case "wildcard": {
        const ci = e.op === "wildcard";
        let pieces: readonly Uint8Array[];
        try {
          pieces = parseWildcard(r.pattern, ci, this.options.limits).pieces;
        } catch (err) {
          if (!(err instanceof WildcardSyntaxError)) throw err;
          this.fail(err.message, r.span);
        }
        pieces.forEach((piece, i) => {
          if (piece.length === 0) return;
          const anchor = pieces.length === 1 ? "exact" : i === 0 ? "start" : i === pieces.length - 1 ? "end" : "anywhere";
          this.literal(e.op as "wildcard", subject, piece, ci, anchor, r.span);
        });
        if (!ci) this.caseWarning(left, r.pattern, r.span);
        return;
      }
      case "list": {
        const kind: ListKind = t.kind === "string" ? "string" : t.kind === "int" ? "int" : "ip";
        const declared = this.options.lists;
        if (declared !== undefined) {
          const have = declared[r.name];
          if (have === undefined) {
            const near = suggest(r.name, Object.keys(declared));
            this.fail(`unknown list $${r.name}${near ? ` — did you mean $${near}?` : ""}`, r.span);
          }
          if (have !== kind) this.fail(`$${r.name} is a list of ${typeName(LIST_TYPES[have])}s, but ${what} is ${aTypeName(t)}`, r.span);
        }
        const prior = this.lists.get(r.name);
        if (prior && prior.kind !== kind) this.fail(`$${r.name} is used for ${typeName(LIST_TYPES[prior.kind])}s elsewhere in this rule, and for ${typeName(t)}s here`, r.span);
        if (!prior) this.lists.set(r.name, { name: r.name, kind, span: r.span });
        return;
      }
      case "set": {
        for (const el of r.elements) {
          this.setElement(el, t, what);
          if (el.kind === "string") this.literal("in", subject, el.value, false, "exact", el.span);
        }
        if (t.kind === "string") for (const el of r.elements) if (el.kind === "string") this.caseWarning(left, el.value, el.span);
        return;
      }
      default: {
        const rt = r.kind === "string" ? STRING : r.kind === "int" ? INT : IP;
        if (!sameType(rt, t)) this.fail(this.mismatch(what, t, r), r.span);
        if (r.kind === "string" && (e.op === "eq" || e.op === "ne" || e.op === "contains")) {
          this.literal(e.op, subject, r.value, false, e.op === "contains" ? "anywhere" : "exact", r.span);
          if (e.op !== "ne") this.caseWarning(left, r.value, r.span);
        }
      }
    }
  }

  private mismatch(what: string, t: RuleType, r: Extract<Rhs, { kind: "string" | "int" | "ip" }>): string {
    const shown = short(formatExpr(r));
    const base = `cannot compare ${what} (${aTypeName(t)}) with ${shown} (${aTypeName(r.kind === "string" ? STRING : r.kind === "int" ? INT : IP)})`;
    if (r.kind === "string") {
      const text = decodeUtf8(r.value) ?? "";
      if (t.kind === "int" && /^-?[0-9]+$/.test(text)) return `${base}: write ${text} without quotes`;
      if (t.kind === "ip") return `${base}: write the IP address without quotes`;
    }
    if (t.kind === "string") return `${base}: write the value in quotes, "${r.kind === "ip" ? formatExpr(r) : String(r.value)}"`;
    return base;
  }

  private setElement(el: SetElement, t: RuleType, what: string): void {
    const kind = el.kind === "range" ? el.from.kind : el.kind === "cidr" ? "ip" : el.kind;
    const elType = kind === "string" ? STRING : kind === "int" ? INT : IP;
    if (!sameType(elType, t)) this.fail(`this set element is ${aTypeName(elType)}, but ${what} is ${aTypeName(t)}: every element must be ${aTypeName(t)}`, el.span);
    if (el.kind !== "range") return;
    if (el.from.kind === "int" && el.to.kind === "int" && el.from.value > el.to.value) this.fail(`empty range: ${el.from.value} is more than ${el.to.value}`, el.span);
    if (el.from.kind === "ip" && el.to.kind === "ip") {
      if (el.from.value.family !== el.to.value.family) this.fail("an IP range goes from IPv4 to IPv4 or from IPv6 to IPv6", el.span);
      if (ipCompare(el.from.value, el.to.value) > 0) this.fail("empty range: the first address is after the last", el.span);
    }
  }

  /** Inside one any()/all(), every `[*]` must unpack the same array. */
  private sameArray(operands: readonly CheckedExpr[], at: Span): void {
    const keys = operands.map(eachSource);
    const first = keys[0];
    const other = keys.find((k) => k !== first);
    if (other !== undefined) this.fail(`[*] unpacks different arrays here (${short(first)} and ${short(other)}): within one any()/all(), [*] must unpack the same array`, at);
  }

  private literal(op: RuleLiteral["op"], subject: CheckedExpr, value: Uint8Array, caseInsensitive: boolean, anchor: RuleLiteral["anchor"], at: Span): void {
    const read = new Set<string>();
    const stack: Expr<object>[] = [subject];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.kind === "field") read.add(n.name);
      if (n.kind === "index") stack.push(n.target);
      if (n.kind === "call") stack.push(...n.args);
    }
    this.literals.push({
      op, subject: formatExpr(subject), field: read.size === 1 ? [...read][0] : null,
      value, text: decodeUtf8(value), caseInsensitive, anchor, span: at,
    });
  }

  /** Warns when a literal can never equal the output of lower()/upper(). */
  private caseWarning(left: CheckedExpr, value: Uint8Array, at: Span): void {
    const call = isEach(left) ? left.target : left;
    if (call.kind !== "call" || (call.name !== "lower" && call.name !== "upper")) return;
    const wrong = call.name === "lower" ? value.some((b) => b >= 0x41 && b <= 0x5a) : value.some((b) => b >= 0x61 && b <= 0x7a);
    if (wrong) this.warnings.push({ message: `${call.name}() never returns ${call.name === "lower" ? "upper" : "lower"}-case letters, so this literal never matches: write it in ${call.name} case`, span: at });
  }

  private regexSpan(r: Extract<Rhs, { kind: "regex" }>, start: number, end: number): Span {
    const text = this.source.slice(r.span.start, r.span.end);
    if (text.startsWith("r")) {
      const base = r.span.start + text.indexOf("\"") + 1;
      return { start: base + start, end: base + end };
    }
    const offsets = quotedRegexOffsets(text);
    const at = (i: number) => r.span.start + (offsets[Math.min(i, offsets.length - 1)] ?? 1);
    return { start: at(start), end: Math.max(at(start) + 1, at(end)) };
  }
}

/** The array an Array<Boolean> is computed over: the target of its `[*]`. */
function eachSource(e: CheckedExpr): string {
  if (e.kind === "compare" && isEach(e.left)) return formatExpr(e.left.target);
  if (e.kind === "call" && e.args.length > 0 && isEach(e.args[0])) return formatExpr(e.args[0].target);
  if (e.kind === "not") return eachSource(e.operand);
  if (e.kind === "logical") return eachSource(e.operands[0]);
  return formatExpr(e);
}
