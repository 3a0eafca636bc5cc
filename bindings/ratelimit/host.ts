// The host side of rate limits for one engine instance: configures the in-engine table (or the
// external-store mode) after the pack is loaded, hands the engine the clock, decodes the rule and
// rate-limit outcome of verdict records, asks an external store about the matches the engine
// listed, and carries the in-engine counters over to the instance that replaces it on swap.

import * as F from "../format.js";
import { PackLoadError } from "../errors.js";
import type { Verdict } from "../engine.js";
import type { NormalizedRateLimit } from "./config.js";
import { RateLimitStoreError, type RateLimitDecision, type RateLimitOutcome, type RateLimitStats, type RateLimitStore } from "./types.js";

export interface RateLimitExports {
  memory: WebAssembly.Memory;
  configureRateLimits(entries: number, seedLow: number, seedHigh: number, external: number): number;
  setRateLimitClock(ms: number): void;
  rateLimitMatches(): number;
  rateLimitTable(): number;
  rateLimitTableBytes(): number;
}

/** What every instance of one engine shares: the limits, the store, the table size, the seed, the clock. */
export interface RateLimitSettings {
  limits: readonly NormalizedRateLimit[];
  store: RateLimitStore | null;
  entries: number;
  /** Two u32 words keying the hash: random per engine for the in-engine table, fixed for a store. */
  seed: [number, number];
  clock: () => number;
}

export interface RateLimitMatch {
  index: number;
  counts: boolean;
  /** 16 hex digits. */
  hash: string;
}

const ACTION_NAMES: (Verdict["action"])[] = [null, "block", "allow", "skip", null];
type Outcome = Pick<Verdict, "action" | "rule" | "logged" | "rateLimit">;
const NONE = (): Outcome => ({ action: null, rule: null, logged: [], rateLimit: null });

/** A random seed for an engine's own table: keys an attacker cannot aim at one bucket. */
export function randomSeed(): [number, number] {
  const words = new Uint32Array(2);
  if (typeof globalThis.crypto?.getRandomValues === "function") globalThis.crypto.getRandomValues(words);
  else for (let i = 0; i < 2; i++) words[i] = Math.floor(Math.random() * 2 ** 32);
  return [words[0], words[1]];
}

export function retrySeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export class RateLimitHost {
  constructor(private readonly x: RateLimitExports, readonly settings: RateLimitSettings) {
    let status: number;
    try {
      status = x.configureRateLimits(settings.entries, settings.seed[0], settings.seed[1], settings.store ? 1 : 0);
    } catch (e) {
      throw new PackLoadError(F.STATUS_OUT_OF_MEMORY, `engine trapped while allocating ${settings.entries} rate-limit counters: ${(e as Error).message}`);
    }
    if (status !== F.STATUS_OK) throw new PackLoadError(status, `the engine refused the rate-limit configuration (${settings.entries} entries)`);
  }

  get external(): boolean {
    return this.settings.store !== null;
  }

  /** Reads the clock and hands it to the engine for the next call; returns it. */
  tick(): number {
    const now = this.settings.clock();
    this.x.setRateLimitClock(now);
    return now;
  }

  /** The matches the engine listed for the last request (external store only). */
  matches(): RateLimitMatch[] {
    const at = this.x.rateLimitMatches();
    if (at === 0) return [];
    const view = new DataView(this.x.memory.buffer);
    const count = Math.min(view.getUint32(at, true), this.settings.limits.length);
    const out: RateLimitMatch[] = [];
    for (let i = 0; i < count; i++) {
      const m = at + 4 + i * F.RATE_LIMIT_MATCH_SIZE;
      const hash = view.getUint32(m + 12, true).toString(16).padStart(8, "0") + view.getUint32(m + 8, true).toString(16).padStart(8, "0");
      out.push({ index: view.getUint32(m, true), counts: view.getUint32(m + 4, true) === 1, hash });
    }
    return out;
  }

  /** Copies `previous`'s counters into this instance (same limits, size and seed: a swap). */
  adopt(previous: RateLimitHost): void {
    const from = previous.x.rateLimitTable(), to = this.x.rateLimitTable();
    const bytes = this.x.rateLimitTableBytes();
    if (from === 0 || to === 0 || bytes !== previous.x.rateLimitTableBytes()) return;
    new Uint8Array(this.x.memory.buffer, to, bytes).set(new Uint8Array(previous.x.memory.buffer, from, bytes));
  }

  stats(): RateLimitStats | null {
    const at = this.x.rateLimitTable();
    if (at === 0) return null;
    const view = new DataView(this.x.memory.buffer);
    return { entries: view.getUint32(at + 12, true) * F.RATE_LIMIT_WAYS, used: view.getUint32(at + 4, true), evictions: view.getUint32(at + 8, true) };
  }

  outcomeOf(index: number, count: number, retryMs: number): RateLimitOutcome {
    const l = this.settings.limits[index];
    return { id: l.id, action: l.action, count, limit: l.requestsPerPeriod, retryAfter: retrySeconds(retryMs) };
  }
}

/** Decodes the custom-rule and rate-limit outcome of the verdict record at `base`. */
export function readOutcome(u8: Uint8Array, u32: Uint32Array, base: number, ruleIds: readonly string[], limiter: RateLimitHost | null): Outcome {
  if (ruleIds.length === 0 && limiter === null) return NONE();
  const rule = u32[(base + F.VERDICT_RULE) >>> 2] | 0;
  const count = Math.min(u32[(base + F.VERDICT_LOGGED_COUNT) >>> 2], F.MAX_LOGGED);
  const limits = limiter?.settings.limits ?? [];
  const logged: string[] = [];
  for (let i = 0; i < count; i++) {
    const entry = u8[base + F.VERDICT_LOGGED + 2 * i] | (u8[base + F.VERDICT_LOGGED + 2 * i + 1] << 8);
    const id = entry & F.LOGGED_RATE_LIMIT ? limits[entry & ~F.LOGGED_RATE_LIMIT]?.id : ruleIds[entry];
    if (id !== undefined) logged.push(id);
  }
  const out: Outcome = { action: ACTION_NAMES[u8[base + F.VERDICT_ACTION]] ?? null, rule: rule >= 0 ? ruleIds[rule] ?? null : null, logged, rateLimit: null };
  const limit = u32[(base + F.VERDICT_RATE_LIMIT) >>> 2] | 0;
  if (limiter !== null && limit >= 0 && limit < limits.length) {
    out.rateLimit = limiter.outcomeOf(limit, u32[(base + F.VERDICT_RATE_LIMIT_COUNT) >>> 2], u32[(base + F.VERDICT_RATE_LIMIT_RETRY) >>> 2]);
    if (out.rateLimit.action === "block" && out.action === "block" && out.rule === null) out.rule = out.rateLimit.id;
  }
  return out;
}

function checkDecision(d: unknown): RateLimitDecision {
  const r = d as RateLimitDecision;
  if (r === null || typeof r !== "object" || typeof r.blocked !== "boolean" || !Number.isFinite(r.count) || !Number.isFinite(r.retryAfterMs)) {
    throw new Error(`hit() resolved to ${JSON.stringify(d)}, not { blocked, count, retryAfterMs }`);
  }
  return r;
}

/**
 * Applies the external store's decisions for `matches` (in rule order) to `verdict`: the first
 * rate limit that blocks ends the evaluation, as in the engine; those that log accumulate.
 */
export async function applyStore(verdict: Verdict, matches: readonly RateLimitMatch[], limiter: RateLimitHost, now: number): Promise<Verdict> {
  const store = limiter.settings.store!;
  for (const m of matches) {
    const l = limiter.settings.limits[m.index];
    let d: RateLimitDecision;
    try {
      d = checkDecision(await store.hit({
        key: `${l.id}:${m.hash}`, now, periodMs: l.period * 1000, requestsPerPeriod: l.requestsPerPeriod,
        timeoutMs: l.mitigationTimeout * 1000, counts: m.counts,
      }));
    } catch (e) {
      throw new RateLimitStoreError(l.id, e);
    }
    if (!d.blocked) continue;
    const outcome = limiter.outcomeOf(m.index, d.count, d.retryAfterMs);
    if (l.action === "block") {
      verdict.action = "block";
      verdict.rule = l.id;
      verdict.rateLimit = outcome;
      break;
    }
    verdict.logged.push(l.id);
    verdict.rateLimit ??= outcome;
  }
  return verdict;
}
