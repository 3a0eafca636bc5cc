// Checks the rate-limit options of createEngine and puts them in the engine's terms: every
// parameter validated with a message that names the rule and the fix (did-you-mean for
// characteristics and parameter names), characteristics parsed into kinds and names.

import * as F from "../format.js";
import { suggest } from "../rules/suggest.js";
import { RateLimitConfigError, type RateLimitRule, type RateLimitStore } from "./types.js";
import { randomSeed, type RateLimitSettings } from "./host.js";

export interface Characteristic {
  kind: number;
  /** Header (lower case), cookie or query-argument name; "" for the others. */
  name: string;
}

export interface NormalizedRateLimit extends Required<Omit<RateLimitRule, "countingExpression">> {
  countingExpression: string | null;
  parsed: Characteristic[];
}

/** Characteristics without a name, as Cloudflare's API spells them. */
const PLAIN: Readonly<Record<string, number>> = {
  "ip.src": F.CH_IP_SRC, "ip.src.asnum": F.CH_ASNUM, "ip.src.country": F.CH_COUNTRY, "http.host": F.CH_HOST,
  "http.request.uri.path": F.CH_PATH, "cf.bot_management.ja3_hash": F.CH_JA3, "cf.bot_management.ja4": F.CH_JA4,
};
/** Characteristics with a name: `field["name"]`. */
const NAMED: Readonly<Record<string, number>> = {
  "http.request.headers": F.CH_HEADER, "http.request.cookies": F.CH_COOKIE, "http.request.uri.args": F.CH_QUERY_ARG,
};
/** Cloudflare characteristics botsift cannot compute (no response, no body, no NAT detection). */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  "cf.unique_visitor_id": "IP with NAT support needs Cloudflare's visitor id; use ip.src",
  "http.request.body.form": "request bodies are not read by botsift",
  "lookup_json_string": "request bodies are not read by botsift",
};
const IGNORED = "cf.colo.id";
const KNOWN = [...Object.keys(PLAIN), ...Object.keys(NAMED).map((f) => `${f}["name"]`), IGNORED];
const PARAMETERS = ["id", "expression", "characteristics", "period", "requestsPerPeriod", "mitigationTimeout", "countingExpression", "action"];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function didYouMean(typed: string, candidates: readonly string[]): string {
  const s = suggest(typed, candidates);
  return s === undefined ? "" : ` — did you mean "${s}"?`;
}

/** Parses one characteristic; null for cf.colo.id (implicit). */
export function parseCharacteristic(text: string, id: string): Characteristic | null {
  const fail = (message: string): never => { throw new RateLimitConfigError(id, "characteristics", message); };
  if (typeof text !== "string") fail(`each characteristic must be a string, not ${typeof text}`);
  const t = text.trim();
  if (t === IGNORED) return null;
  if (PLAIN[t] !== undefined) return { kind: PLAIN[t], name: "" };
  const named = /^([a-z_.]+)\[\s*"((?:[^"\\]|\\.)*)"\s*\]$/.exec(t);
  if (named) {
    const [, field, raw] = named;
    const name = raw.replace(/\\(.)/g, "$1");
    const kind = NAMED[field];
    if (kind === undefined) {
      if (UNSUPPORTED[field]) fail(`characteristic "${t}" is not supported: ${UNSUPPORTED[field]}`);
      const s = suggest(field, Object.keys(NAMED));
      fail(`unknown characteristic "${t}"${s ? ` — did you mean "${s}[${JSON.stringify(name)}]"?` : ""} (known: ${KNOWN.join(", ")})`);
    }
    if (name.length === 0 || name.length > 256) fail(`characteristic "${t}" needs a name of 1 to 256 characters`);
    if (kind === F.CH_HEADER && !TOKEN.test(name)) fail(`characteristic "${t}": "${name}" is not a valid header name`);
    if (/[;=\s]/.test(name) || /[^\x21-\x7e]/.test(name)) fail(`characteristic "${t}": "${name}" is not a valid ${kind === F.CH_COOKIE ? "cookie" : "argument"} name`);
    return { kind, name: kind === F.CH_HEADER ? name.toLowerCase() : name };
  }
  const base = t.replace(/\[.*$/, "");
  if (UNSUPPORTED[base]) fail(`characteristic "${t}" is not supported: ${UNSUPPORTED[base]}`);
  if (NAMED[base] !== undefined) fail(`characteristic "${t}" needs a quoted name: ${base}["name"]`);
  return fail(`unknown characteristic "${t}"${didYouMean(t, [...Object.keys(PLAIN), IGNORED])} (known: ${KNOWN.join(", ")})`);
}

function integer(id: string, field: string, value: unknown, min: number, max: number, unit: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RateLimitConfigError(id, field, `invalid ${field} ${JSON.stringify(value) ?? String(value)}: it must be a whole number of ${unit} from ${min} to ${max}`);
  }
  return value;
}

/** Validates `rateLimits` (ids unique, also against `ruleIds`); throws RateLimitConfigError. */
export function normalizeRateLimits(list: unknown, ruleIds: readonly string[] = []): NormalizedRateLimit[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new RateLimitConfigError(null, "rateLimits", "rateLimits must be an array of rate-limiting rules");
  if (list.length > F.MAX_RATE_LIMITS) throw new RateLimitConfigError(null, "rateLimits", `rateLimits: at most ${F.MAX_RATE_LIMITS} rate limits, not ${list.length}`);
  const ids = new Set<string>();
  return list.map((r: Partial<RateLimitRule> | null, i): NormalizedRateLimit => {
    if (r === null || typeof r !== "object") throw new RateLimitConfigError(null, `rateLimits[${i}]`, `rateLimits[${i}] must be an object`);
    const id = r.id;
    if (typeof id !== "string" || id.length === 0) throw new RateLimitConfigError(null, `rateLimits[${i}].id`, `rateLimits[${i}] needs an id (a non-empty string)`);
    if (ids.has(id)) throw new RateLimitConfigError(id, "id", "duplicate rate limit id");
    if (ruleIds.includes(id)) throw new RateLimitConfigError(id, "id", "a custom rule has the same id; verdict.rule must name one of them");
    ids.add(id);
    for (const k of Object.keys(r)) {
      if (!PARAMETERS.includes(k)) throw new RateLimitConfigError(id, k, `unknown parameter "${k}"${didYouMean(k, PARAMETERS)}`);
    }
    if (typeof r.expression !== "string" || r.expression.trim() === "") throw new RateLimitConfigError(id, "expression", "needs an expression (when the rule applies)");
    if (r.countingExpression !== undefined && (typeof r.countingExpression !== "string" || r.countingExpression.trim() === "")) {
      throw new RateLimitConfigError(id, "countingExpression", "countingExpression must be a non-empty expression, or left out");
    }
    if (!Array.isArray(r.characteristics) || r.characteristics.length === 0) {
      throw new RateLimitConfigError(id, "characteristics", `needs characteristics: an array such as ["ip.src"]`);
    }
    const parsed: Characteristic[] = [];
    const seen = new Set<string>();
    for (const c of r.characteristics) {
      const p = parseCharacteristic(c, id);
      if (p === null) continue;
      const key = `${p.kind}:${p.name}`;
      if (seen.has(key)) throw new RateLimitConfigError(id, "characteristics", `characteristic "${c}" is listed twice`);
      seen.add(key);
      parsed.push(p);
    }
    if (parsed.length === 0) throw new RateLimitConfigError(id, "characteristics", `cf.colo.id alone counts every client together; add one such as "ip.src"`);
    if (parsed.length > F.MAX_CHARACTERISTICS) throw new RateLimitConfigError(id, "characteristics", `at most ${F.MAX_CHARACTERISTICS} characteristics, not ${parsed.length}`);
    const period = integer(id, "period", r.period, 1, F.MAX_PERIOD, "seconds");
    const requestsPerPeriod = integer(id, "requestsPerPeriod", r.requestsPerPeriod, 1, F.MAX_REQUESTS_PER_PERIOD, "requests");
    const mitigationTimeout = integer(id, "mitigationTimeout", r.mitigationTimeout, 0, F.MAX_MITIGATION_TIMEOUT, "seconds (0 = throttle)");
    if (r.action !== "block" && r.action !== "log") {
      throw new RateLimitConfigError(id, "action", `invalid action ${JSON.stringify(r.action) ?? "undefined"}: "block" or "log"${typeof r.action === "string" ? didYouMean(r.action, ["block", "log"]) : ""}`);
    }
    return {
      id, expression: r.expression, countingExpression: r.countingExpression ?? null, characteristics: [...r.characteristics],
      parsed, period, requestsPerPeriod, mitigationTimeout, action: r.action,
    };
  });
}

/** The in-engine table size: a power of two from 8 to 2^22 (rounded up), default 65,536. */
export function tableEntries(value: unknown): number {
  if (value === undefined) return F.DEFAULT_RATE_LIMIT_ENTRIES;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > F.MAX_RATE_LIMIT_ENTRIES) {
    throw new RateLimitConfigError(null, "rateLimitEntries", `rateLimitEntries must be a whole number from 1 to ${F.MAX_RATE_LIMIT_ENTRIES}, not ${String(value)}`);
  }
  let n = F.RATE_LIMIT_WAYS;
  while (n < value) n *= 2;
  return n;
}

export function checkStore(store: unknown): RateLimitStore | null {
  if (store === undefined || store === null) return null;
  if (typeof (store as RateLimitStore).hit !== "function") {
    throw new RateLimitConfigError(null, "rateLimitStore", "rateLimitStore must have a hit(hit) method returning a promise of { blocked, count, retryAfterMs }");
  }
  return store as RateLimitStore;
}

export function checkClock(clock: unknown): () => number {
  if (clock === undefined) return Date.now;
  if (typeof clock !== "function") throw new RateLimitConfigError(null, "clock", "clock must be a function returning milliseconds since the epoch");
  return clock as () => number;
}

/** The options of createEngine that concern rate limits. */
export interface RateLimitOptions {
  rateLimits?: RateLimitRule[];
  rateLimitStore?: RateLimitStore;
  rateLimitEntries?: number;
  rateLimitSeed?: number;
  clock?: () => number;
}

/** Checked settings for an engine's instances, or null when it has no rate limits. */
export function rateLimitSettings(options: RateLimitOptions, ruleIds: readonly string[]): RateLimitSettings | null {
  const limits = normalizeRateLimits(options.rateLimits, ruleIds);
  const store = checkStore(options.rateLimitStore);
  const entries = tableEntries(options.rateLimitEntries);
  const clock = checkClock(options.clock);
  const s = options.rateLimitSeed;
  if (s !== undefined && (typeof s !== "number" || !Number.isSafeInteger(s) || s < 0)) {
    throw new RateLimitConfigError(null, "rateLimitSeed", `rateLimitSeed must be a whole number from 0 to 2^53 - 1, not ${String(s)}`);
  }
  if (limits.length === 0) return null;
  // A store's keys must agree across processes: a fixed seed (rateLimitSeed, 0 unless set); the engine's own table: a random one.
  const seed: [number, number] = store || s !== undefined ? [(s ?? 0) >>> 0, Math.floor((s ?? 0) / 2 ** 32) >>> 0] : randomSeed();
  return { limits, store, entries, seed, clock };
}
