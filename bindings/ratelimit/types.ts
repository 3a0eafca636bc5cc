// The public shapes of rate limiting: the rule (Cloudflare's rate-limiting rule parameters), the
// outcome on a verdict, the store interface that shares counts across processes, and the typed
// errors (bad configuration, a failing store, a synchronous call on an engine that needs a store).

import { BotsiftError } from "../errors.js";

/** A rate-limiting rule, with Cloudflare's parameters. */
export interface RateLimitRule {
  id: string;
  /** When the rule applies (the rules language). */
  expression: string;
  /**
   * What a counter is kept per: `ip.src`, `ip.src.asnum`, `ip.src.country`, `http.host`,
   * `http.request.uri.path`, `cf.bot_management.ja3_hash`, `cf.bot_management.ja4`,
   * `http.request.headers["name"]`, `http.request.cookies["name"]`, `http.request.uri.args["name"]`
   * (and `cf.colo.id`, accepted and ignored: every engine or store is one "data center").
   */
  characteristics: string[];
  /** Seconds, 1 … 86400 (Cloudflare offers 10, 60, 120, 300, 600, 3600). */
  period: number;
  /** Requests per period, 1 … 1,000,000: the request that takes the rate above it is mitigated. */
  requestsPerPeriod: number;
  /** Seconds the key stays blocked once over the rate, 0 … 86400; 0 = throttle (only requests over the rate are mitigated). */
  mitigationTimeout: number;
  /** Which requests count (the rules language); default: every request the expression matches. */
  countingExpression?: string;
  /** "block" (the middleware answers 429 with Retry-After) or "log" (a dry run: reported, not blocked). */
  action: "block" | "log";
}

/** A rate limit's verdict: the one that blocked, else the first that logged. */
export interface RateLimitOutcome {
  id: string;
  action: "block" | "log";
  /** The sliding-window rate (rounded up) including this request when it counts. */
  count: number;
  /** requestsPerPeriod of the rule. */
  limit: number;
  /** Whole seconds until a request would pass again (for Retry-After), at least 1. */
  retryAfter: number;
}

/** One request against one counter, as the engine hands it to a store. Times in ms. */
export interface RateLimitHit {
  /** `<rule id>:<16 hex digits>` — the rule and a 64-bit hash of its characteristics' values. */
  key: string;
  /** The engine's clock (ms since the epoch). */
  now: number;
  periodMs: number;
  requestsPerPeriod: number;
  /** 0 = throttle. */
  timeoutMs: number;
  /** The request matches the counting expression: count it if it passes. */
  counts: boolean;
}

export interface RateLimitDecision {
  blocked: boolean;
  count: number;
  /** ms until a request would pass again (0 when not blocked). */
  retryAfterMs: number;
}

/**
 * Where counters live when they must be shared across processes or machines. `hit` rolls the
 * key's window forward to `now`, decides with the sliding window (see `slidingWindow`) and counts
 * the request when it passes and counts, all atomically per key. Errors reject `classifyAsync`.
 */
export interface RateLimitStore {
  hit(hit: RateLimitHit): Promise<RateLimitDecision>;
}

/** Engine statistics of the in-engine store. */
export interface RateLimitStats {
  /** Table capacity (entries). */
  entries: number;
  /** Entries ever filled from empty (never more than `entries`). */
  used: number;
  /** Live entries dropped to make room (stale ones reused are not counted). */
  evictions: number;
}

/** A rate limit that cannot be used as written; `rateLimit` names it, `field` the parameter. */
export class RateLimitConfigError extends BotsiftError {
  constructor(readonly rateLimit: string | null, readonly field: string, message: string) {
    super("RATE_LIMIT_CONFIG", rateLimit === null ? message : `rate limit "${rateLimit}": ${message}`);
    this.name = "RateLimitConfigError";
  }
}

/** The external store failed or answered something that is not a decision. */
export class RateLimitStoreError extends BotsiftError {
  constructor(readonly rateLimit: string, override readonly cause: unknown) {
    super("RATE_LIMIT_STORE", `rate limit "${rateLimit}": the store failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "RateLimitStoreError";
  }
}

/** classify/classifyBatch on an engine whose rate limits count in an external store. */
export class RateLimitAsyncError extends BotsiftError {
  constructor(method: string) {
    super("RATE_LIMIT_ASYNC", `${method}() cannot wait for the rate-limit store (rateLimitStore): use classifyAsync(), or drop the store to count inside the engine`);
    this.name = "RateLimitAsyncError";
  }
}
