// Regular expressions of the rules language's `matches` / `~` operator, compiled at build time
// to DFA tables that run in linear time (in the Wasm engine, or with regexMatches here).

import { compileTables, type RegexTables } from "./compile.js";
import { resolveLimits, type RegexLimits } from "./error.js";
import { requiredLiterals, type RegexLiteral } from "./literals.js";
import { parse, type ParseOptions } from "./parse.js";

export { RegexError, DEFAULT_LIMITS, type RegexLimits } from "./error.js";
export { regexMatches } from "./run.js";
export { parse, type ParseOptions } from "./parse.js";
export { compileTables, type RegexTables, type CompileSwitches } from "./compile.js";
export { requiredLiterals, MIN_LITERAL_LENGTH, MAX_LITERAL_LENGTH, type RegexLiteral } from "./literals.js";
export type { Node as RegexNode, CharSet, Look } from "./ast.js";

/** Limits (see RegexLimits) and the mode: `unicode` (default false, byte mode; see ParseOptions). */
export type RegexOptions = ParseOptions;

export interface CompiledRegex {
  tables: RegexTables;
  /** Required literals for the prefilter (see requiredLiterals), or null when none is useful. */
  literals: RegexLiteral[] | null;
}

/**
 * Compiles a pattern of the RE2 / Rust `regex` dialect subset (see parse.ts; byte mode unless
 * `options.unicode`) to DFA tables and prefilter literals. Throws RegexError (with the offset in `pattern`) for unsupported syntax,
 * syntax errors and exceeded limits (maxLength, maxRepeat, maxStates, maxNfaStates, maxNesting);
 * throws RangeError for an invalid option value.
 */
export function compileRegex(pattern: string, options: RegexOptions = {}): CompiledRegex {
  const limits = resolveLimits(options);
  const ast = parse(pattern, { ...limits, unicode: options.unicode });
  return { tables: compileTables(ast, pattern, limits), literals: requiredLiterals(ast) };
}
