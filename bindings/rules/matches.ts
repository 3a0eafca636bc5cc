// The `matches` / `~` operator for the checker and the reference evaluator. Both go through the
// regex compiler the pack compiler uses (bindings/regex), so a pattern the checker accepts is one
// the engine compiles, with the same meaning. This module words the compiler's limit errors in
// terms of the rule settings, and caches compiled tables because the evaluator tests the same
// patterns over and over.

import { compileTables, parse, regexMatches, RegexError, type RegexLimits, type RegexTables } from "../regex/index.js";
import { utf8 } from "./bytes.js";
import { DEFAULT_LIMITS, type RuleLimits } from "./settings.js";

/** Why a pattern was refused, at [start, end) of the pattern text (UTF-16 offsets). */
export interface RegexProblem {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** The compiler's limits under the rule settings. */
export function regexLimits(limits: RuleLimits): RegexLimits {
  return {
    // UTF-16 units never outnumber UTF-8 bytes, so checkRegex's byte count is the binding limit.
    maxLength: limits.maxRegexLength,
    maxRepeat: limits.maxRegexRepetition,
    maxStates: limits.maxRegexStates,
    maxNfaStates: limits.maxRegexNfaStates,
    maxNesting: limits.maxNestingDepth,
  };
}

/**
 * Checks a pattern as the checker does: syntax, then every limit, DFA construction included (a
 * pattern the engine cannot compile must fail here, not when the pack is built). Null when valid.
 */
export function checkRegex(pattern: string, limits: RuleLimits = DEFAULT_LIMITS): RegexProblem | null {
  const bytes = utf8(pattern).length;
  if (bytes > limits.maxRegexLength) {
    return { message: `the regular expression is ${bytes} bytes long, over the limit of ${limits.maxRegexLength} (setting maxRegexLength)`, start: 0, end: pattern.length };
  }
  try {
    regexTables(pattern, limits);
    return null;
  } catch (e) {
    if (!(e instanceof RegexError)) throw e;
    return { message: describe(e, limits), start: e.offset, end: Math.min(e.end, Math.max(pattern.length, e.offset + 1)) };
  }
}

/** True when `pattern` matches somewhere in `bytes` (the pattern was checked; its tables are cached). */
export function regexTest(pattern: string, bytes: Uint8Array): boolean {
  return regexMatches(regexTables(pattern), bytes);
}

// The evaluator runs rules that passed the checker under settings it does not know, so it
// compiles without limits; the checker already bounded the work.
const UNBOUNDED: Readonly<RegexLimits> = Object.freeze({
  maxLength: Number.MAX_SAFE_INTEGER,
  maxRepeat: Number.MAX_SAFE_INTEGER,
  maxStates: Number.MAX_SAFE_INTEGER,
  maxNfaStates: Number.MAX_SAFE_INTEGER,
  maxNesting: Number.MAX_SAFE_INTEGER,
});

/**
 * The DFA tables of `pattern` (byte mode, as the engine compiles it), from the cache when they
 * are there. With `limits`, throws RegexError when the pattern breaks one of them; without,
 * compiles whatever parses.
 */
export function regexTables(pattern: string, limits?: RuleLimits): RegexTables {
  const wanted = limits === undefined ? UNBOUNDED : regexLimits(limits);
  const hit = cache.get(pattern);
  // Each limit bounds one measure of the pattern, so having compiled within some limits
  // proves it compiles within any limits at least as large.
  if (hit !== undefined && within(hit.limits, wanted)) {
    cache.delete(pattern);
    cache.set(pattern, hit);
    return hit.tables;
  }
  const tables = compileTables(parse(pattern, wanted), pattern, wanted);
  remember(pattern, tables, hit === undefined ? wanted : tighter(hit.limits, wanted));
  return tables;
}

/** Bounds of the cache: entries, and transition cells (a large DFA is tens of megabytes). */
const CACHE_ENTRIES = 256;
const CACHE_CELLS = 1 << 23;

interface Entry {
  readonly tables: RegexTables;
  /** Limits the pattern is known to compile within (the tightest it was compiled under). */
  readonly limits: RegexLimits;
  readonly cells: number;
}

/** Least recently used first (a Map keeps insertion order). */
const cache = new Map<string, Entry>();
let cachedCells = 0;

function remember(pattern: string, tables: RegexTables, limits: RegexLimits): void {
  const old = cache.get(pattern);
  if (old !== undefined) {
    cache.delete(pattern);
    cachedCells -= old.cells;
  }
  const cells = tables.transitions.length;
  if (cells > CACHE_CELLS / 4) return;
  cache.set(pattern, { tables, limits, cells });
  cachedCells += cells;
  for (const [key, entry] of cache) {
    if (cache.size <= CACHE_ENTRIES && cachedCells <= CACHE_CELLS) break;
    cache.delete(key);
    cachedCells -= entry.cells;
  }
}

function within(known: RegexLimits, wanted: RegexLimits): boolean {
  return (Object.keys(known) as (keyof RegexLimits)[]).every((k) => known[k] <= wanted[k]);
}

function tighter(a: RegexLimits, b: RegexLimits): RegexLimits {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof RegexLimits)[]) out[k] = Math.min(a[k], b[k]);
  return out;
}

/** The checker's message: syntax errors as the compiler words them, limits by their rule setting. */
function describe(e: RegexError, limits: RuleLimits): string {
  switch (e.limit) {
    case undefined:
      return `invalid regular expression: ${e.message}`;
    case "maxLength":
      return `the regular expression is ${utf8(e.pattern).length} bytes long, over the limit of ${limits.maxRegexLength} (setting maxRegexLength)`;
    case "maxRepeat": {
      const count = e.pattern.slice(e.offset, e.end).match(/[0-9]+/g)?.find((d) => Number(d) > limits.maxRegexRepetition);
      return `the repetition count${count === undefined ? "" : ` ${count}`} is over the limit of ${limits.maxRegexRepetition} (setting maxRegexRepetition)`;
    }
    case "maxNesting":
      return `groups in the regular expression are nested deeper than the limit of ${limits.maxNestingDepth} level${limits.maxNestingDepth === 1 ? "" : "s"} (setting maxNestingDepth)`;
    case "maxNfaStates":
      return `the regular expression needs more than ${limits.maxRegexNfaStates} NFA states once its repetitions are expanded, the limit (setting maxRegexNfaStates): lower the repetition counts`;
    case "maxStates":
      return `the regular expression needs more than ${limits.maxRegexStates} DFA states, the limit (setting maxRegexStates): simplify it (a bounded repetition after an unbounded one, such as (a|b)*a(a|b){20}, multiplies states) or raise the setting`;
  }
}
