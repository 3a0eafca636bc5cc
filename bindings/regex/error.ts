// The typed error of the regex compiler and its limits (settings with defaults).

import { BotsiftError } from "../errors.js";

/**
 * A pattern was refused: unsupported syntax, a syntax error, or a limit exceeded.
 * `offset` is the index in the pattern string (UTF-16 code units, as JS indexes strings) where
 * the problem starts; 0 for problems of the whole pattern (DFA state budget, NFA size).
 * `end` (exclusive, > offset) closes the offending text, so callers that show the pattern in
 * context (the rules checker) can underline the construct, not just its first character; it may
 * be `pattern.length + 1` for a problem at the very end. `limit` names the limit when one was
 * exceeded, so callers can name their own setting for it without parsing `message`.
 * `message` says what is wrong and, where there is one, how to fix it.
 */
export class RegexError extends BotsiftError {
  readonly offset: number;
  readonly end: number;
  readonly pattern: string;
  readonly limit: keyof RegexLimits | undefined;
  constructor(message: string, offset: number, pattern: string, detail: { end?: number; limit?: keyof RegexLimits } = {}) {
    super("REGEX", message);
    this.name = "RegexError";
    this.offset = offset;
    this.end = Math.max(detail.end ?? offset + 1, offset + 1);
    this.pattern = pattern;
    this.limit = detail.limit;
  }
}

/** Limits of the compiler; every one is a setting named in the error that reports it. */
export interface RegexLimits {
  /** Longest accepted pattern, in UTF-16 code units (the JS string length). */
  maxLength: number;
  /** Largest count in `{n}`, `{n,}`, `{n,m}`. */
  maxRepeat: number;
  /** State budget of the DFA, counted during subset construction (before minimisation). */
  maxStates: number;
  /** Size budget of the Thompson NFA, i.e. of the pattern once repetitions are expanded. */
  maxNfaStates: number;
  /** Deepest nesting of groups. */
  maxNesting: number;
}

export const DEFAULT_LIMITS: Readonly<RegexLimits> = Object.freeze({
  maxLength: 4096,
  maxRepeat: 1000,
  maxStates: 10_000,
  maxNfaStates: 100_000,
  maxNesting: 100,
});

/** `options` over the defaults; refuses non-positive or non-integer settings. */
export function resolveLimits(options: Partial<RegexLimits> = {}): RegexLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof RegexLimits)[]) {
    const v = options[key];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`regex option ${key} must be a positive integer, got ${String(v)}`);
    limits[key] = v;
  }
  return limits;
}

/** The pattern quoted for a message, shortened when long. */
export function quote(pattern: string): string {
  const s = pattern.length > 80 ? `${pattern.slice(0, 77)}...` : pattern;
  return JSON.stringify(s);
}
