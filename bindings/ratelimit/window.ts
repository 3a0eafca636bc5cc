// The sliding-window decision in TypeScript, the exact mirror of assembly/ratelimit.ts `decide`
// (and of the Redis store's Lua script), for stores that keep counters outside the engine; and
// MemoryRateLimitStore, a per-process store built on it (the reference in tests).
//
// P = period (ms); windows start at multiples of P since the epoch; e = ms into the window.
// rate = previous × (P − e) / P + current, compared exactly as integers:
//   over ⇔ previous × (P − e) + (current + counts) × P > requestsPerPeriod × P
// At e = 0 the previous window weighs fully; just before the next window it weighs 1/P.
// Mitigated requests are not counted. Every product stays below 2^53 (counts ≤ 10^6, P ≤ 8.64 × 10^7).

import type { RateLimitDecision, RateLimitHit, RateLimitStore } from "./types.js";

/** One counter. `window`: start of the current window (ms); `blockedUntil`: ms, 0 = none. */
export interface WindowState {
  window: number;
  current: number;
  previous: number;
  blockedUntil: number;
}

/** ms until one more counted request fits under a throttle, if the client sends nothing meanwhile. */
export function throttleRetry(previous: number, current: number, elapsed: number, P: number, limit: number): number {
  if (current + 1 <= limit && previous > 0) {
    const at = P - Math.min(P, Math.floor(((limit - current - 1) * P) / previous));
    if (at < P) return at > elapsed ? at - elapsed : 1;
  }
  const next = current === 0 ? 0 : P - Math.min(P, Math.floor(((limit - 1) * P) / current));
  return P - elapsed + next;
}

/** Decides `hit` against `state` (undefined: a new key); returns the decision and the new state. */
export function slidingWindow(state: WindowState | undefined, hit: RateLimitHit): { decision: RateLimitDecision; state: WindowState } {
  const P = hit.periodMs, limit = hit.requestsPerPeriod;
  let t = hit.now;
  let w = t - (t % P);
  let current = 0, previous = 0, blockedUntil = 0;
  if (state) {
    ({ current, previous, blockedUntil } = state);
    if (w < state.window) {
      // The clock went back (or another process is behind): stay in the counter's window.
      w = state.window;
      if (t < w) t = w;
    } else if (w !== state.window) {
      previous = state.window + P === w ? current : 0;
      current = 0;
    }
  }
  const elapsed = t - w;
  const weighted = previous * (P - elapsed) + (current + (hit.counts ? 1 : 0)) * P;
  const count = Math.ceil(weighted / P);
  let blocked = false, retryAfterMs = 0;
  if (blockedUntil > t) {
    blocked = true;
    retryAfterMs = blockedUntil - t;
  } else if (weighted > limit * P) {
    blocked = true;
    if (hit.timeoutMs > 0) {
      blockedUntil = t + hit.timeoutMs;
      retryAfterMs = hit.timeoutMs;
    } else retryAfterMs = throttleRetry(previous, current, elapsed, P, limit);
  } else if (hit.counts) current++;
  if (blockedUntil <= t) blockedUntil = 0;
  return { decision: { blocked, count, retryAfterMs }, state: { window: w, current, previous, blockedUntil } };
}

/** When a counter holds nothing any more: both windows and any timeout are over. */
export function expiresAt(state: WindowState, periodMs: number): number {
  return Math.max(state.window + 2 * periodMs, state.blockedUntil);
}

/**
 * Counters in this process's memory (a Map, least recently used first out beyond `maxKeys`).
 * Useful to run the external-store code path in one process, and the reference in tests.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly counters = new Map<string, { state: WindowState; expires: number }>();
  private readonly maxKeys: number;

  constructor(options: { maxKeys?: number } = {}) {
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  get size(): number {
    return this.counters.size;
  }

  async hit(hit: RateLimitHit): Promise<RateLimitDecision> {
    const held = this.counters.get(hit.key);
    if (held && held.expires <= hit.now) this.counters.delete(hit.key);
    const before = held && held.expires > hit.now ? held.state : undefined;
    const { decision, state } = slidingWindow(before, hit);
    if (before === undefined && !hit.counts && state.blockedUntil === 0) return decision; // nothing to keep
    this.counters.delete(hit.key);
    this.counters.set(hit.key, { state, expires: expiresAt(state, hit.periodMs) });
    if (this.counters.size > this.maxKeys) this.counters.delete(this.counters.keys().next().value as string);
    return decision;
  }
}
