// The rules language's API: parse and check a rule, print its canonical form, evaluate it with
// the reference evaluator. The bytecode emitter consumes `CheckedRule.expr` and `literals`.

import type { CheckedExpr, Expr } from "./ast.js";
import { checkExpression, type CheckResult, type ListKind } from "./checker.js";
import { RuleError } from "./errors.js";
import { evaluateExpression, RuleInputError, type NamedLists } from "./evaluate.js";
import { formatExpr } from "./format.js";
import { parseExpression } from "./parser.js";
import { DEFAULT_SCHEME, type FieldValues, type Scheme } from "./scheme.js";
import { resolveLimits, type RuleLimits } from "./settings.js";

export interface RuleOptions {
  /** The fields rules may read; the default scheme when omitted. */
  scheme?: Scheme;
  /** Limits to override; see DEFAULT_LIMITS. */
  limits?: Partial<RuleLimits>;
  /** The named lists the host supplies, by name and element kind; any `$name` is accepted when omitted. */
  lists?: Readonly<Record<string, ListKind>>;
}

/** A parsed, type-checked rule. Plain data, except that string values are Uint8Arrays. */
export interface CheckedRule extends CheckResult {
  /** The text the rule was parsed from. */
  readonly source: string;
  /** The canonical text (formatRule): English operators, minimal parentheses, canonical literals. */
  readonly canonical: string;
}

/**
 * Parses and checks a rule expression. Throws RuleError (code "RULE") with the span, line and
 * column of the first problem; `error.format()` shows it under the offending line.
 */
export function parseRule(text: string, options: RuleOptions = {}): CheckedRule {
  if (typeof text !== "string") throw new TypeError("a rule expression must be a string");
  const limits = resolveLimits(options.limits);
  const expr = parseExpression(text, limits);
  const result = checkExpression(expr, text, { scheme: options.scheme ?? DEFAULT_SCHEME, limits, lists: options.lists });
  return { ...result, source: text, canonical: formatExpr(result.expr) };
}

/** Parses without checking names or types: the syntax tree only. Throws RuleError. */
export function parseRuleSyntax(text: string, options: Pick<RuleOptions, "limits"> = {}): Expr {
  return parseExpression(text, resolveLimits(options.limits));
}

export type CheckOutcome = { ok: true; rule: CheckedRule } | { ok: false; error: RuleError };

/** parseRule that returns the RuleError instead of throwing it (other errors still throw). */
export function checkRule(text: string, options: RuleOptions = {}): CheckOutcome {
  try {
    return { ok: true, rule: parseRule(text, options) };
  } catch (error) {
    if (error instanceof RuleError) return { ok: false, error };
    throw error;
  }
}

/** The canonical text of a rule or of any (sub)expression; parsing it gives back the same tree. */
export function formatRule(rule: CheckedRule | Expr | CheckedExpr): string {
  return "canonical" in rule ? rule.canonical : formatExpr(rule);
}

/**
 * Evaluates a checked rule over field values (name → value; absent or undefined = missing) and
 * named lists, with the reference evaluator. Throws RuleInputError (code "RULE_INPUT") when a
 * value does not fit its field's type or a list the rule uses was not supplied.
 */
export function evaluateRule(rule: CheckedRule, values: FieldValues, lists: NamedLists = {}): boolean {
  for (const list of rule.lists) {
    if (!Object.prototype.hasOwnProperty.call(lists, list.name)) throw new RuleInputError(`the rule uses the list $${list.name}, which was not supplied`);
  }
  return evaluateExpression(rule.expr, values, lists);
}

export { RuleError, type RuleWarning, type Span } from "./errors.js";
export { RuleInputError, type NamedLists, type ListValues } from "./evaluate.js";
export type { CheckResult, FieldUse, ListUse, RuleLiteral, ListKind } from "./checker.js";
export { DEFAULT_LIMITS, type RuleLimits } from "./settings.js";
export { FIELDS, FIELD_ALIASES, DEFAULT_SCHEME, Scheme, type FieldDef, type FieldValues, type FieldValue, type Presence } from "./scheme.js";
export { FUNCTIONS, UNSUPPORTED_FUNCTIONS, type FunctionDef } from "./functions.js";
export { typeName, STRING, INT, BOOL, IP, arrayOf, mapOf, type RuleType } from "./types.js";
export { checkRegex, type RegexProblem } from "./matches.js";
export { parseWildcard, matchWildcard, type WildcardPattern } from "./wildcard.js";
export type * from "./ast.js";
