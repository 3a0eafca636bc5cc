// Limits of the rules language, as settings: every limit error names the limit and the setting
// that raises it. The defaults fit hand-written and generated rules with a wide margin.

export interface RuleLimits {
  /** Characters (UTF-16 code units) in one expression. Cloudflare's documented limit is 4,096. */
  maxExpressionLength: number;
  /** Nesting of parentheses, `not`, function calls and sets, and of groups inside a regex. */
  maxNestingDepth: number;
  /** Elements of one inline set `{…}`. */
  maxSetSize: number;
  /** Bytes of one regular expression pattern. */
  maxRegexLength: number;
  /** The largest count in a regex repetition `{n,m}`. */
  maxRegexRepetition: number;
  /**
   * States of the DFA one regex compiles to, counted while it is built (before minimisation):
   * the engine runs that DFA, so this bounds the tables a rule adds to the pack.
   */
  maxRegexStates: number;
  /**
   * Nodes of the NFA the DFA is built from (counted repetitions unrolled). Checking a rule builds
   * both automata, so this bounds how long a hostile pattern takes to refuse; it is tighter than
   * the regex compiler's own default (100,000), which keeps every checked pattern compilable.
   */
  maxRegexNfaStates: number;
  /** `*` metacharacters in one wildcard pattern. */
  maxWildcardStars: number;
  /** Arguments of one function call (concat and lookup_json_* are variadic). */
  maxFunctionArgs: number;
}

export const DEFAULT_LIMITS: Readonly<RuleLimits> = Object.freeze({
  maxExpressionLength: 4096,
  maxNestingDepth: 32,
  maxSetSize: 1024,
  maxRegexLength: 1024,
  maxRegexRepetition: 1000,
  maxRegexStates: 10_000,
  maxRegexNfaStates: 10_000,
  maxWildcardStars: 16,
  maxFunctionArgs: 32,
});

/** `DEFAULT_LIMITS` overridden by `partial`; throws a TypeError on a value that is not a positive integer. */
export function resolveLimits(partial: Partial<RuleLimits> | undefined): RuleLimits {
  const limits = { ...DEFAULT_LIMITS };
  if (partial === undefined) return limits;
  for (const [key, value] of Object.entries(partial)) {
    if (!(key in DEFAULT_LIMITS)) throw new TypeError(`unknown rule limit "${key}"; the limits are ${Object.keys(DEFAULT_LIMITS).join(", ")}`);
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || (value as number) < 1) throw new TypeError(`rule limit ${key} must be a positive integer, got ${String(value)}`);
    (limits as Record<string, number>)[key] = value as number;
  }
  return limits;
}
