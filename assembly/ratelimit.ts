// Rate-limiting rules in the engine. Per request, after the custom rules: which rate limits match
// (the rules interpreter runs their expression and counting expression), the key of the counter
// (a seeded 64-bit hash of the rule and its characteristics' values) and, with the default
// in-engine store, the sliding-window decision over a fixed-size, 8-way set-associative table
// allocated once at configuration (keys: assembly/ratelimit-keys.ts). With an external store the
// engine only lists the matches and their keys; the host asks the store (bindings/ratelimit/).
// Layouts are in bindings/format.ts.
//
// Sliding window (P = period in ms, windows aligned to multiples of P since the epoch, e = ms
// into the current window): rate = previous × (P − e) / P + current, computed exactly as
// previous × (P − e) + current × P against requests × P. A request over the rate is mitigated
// (not counted); with a mitigation timeout its key is blocked for that long, without one
// (throttle) requests pass again as soon as the rate allows.
//
// Eviction (one bucket of 8 entries per key): an empty entry, else a stale one (its windows and
// timeout are over: it holds nothing), else the least recently used entry not under a
// mitigation timeout, else the least recently used entry. Only the last two count as evictions.

import { RuleSet, readRules } from "./rules";
import { evaluateRule } from "./vm";
import { request } from "./fields";
import { keyOf } from "./ratelimit-keys";
import { tables } from "./pack";
import {
  HEADER_SIZE, HEADER_SECTION_COUNT, SECTION_ENTRY_SIZE, SECTION_RATE_LIMITS, RULE_KIND_RATE_LIMIT,
  RATE_LIMIT_HEADER, RATE_LIMIT_SIZE, RATE_LIMIT_CHARACTERISTIC_SIZE, RATE_LIMIT_SAME, MAX_RATE_LIMITS, MAX_CHARACTERISTICS,
  MAX_PERIOD, MAX_MITIGATION_TIMEOUT, MAX_REQUESTS_PER_PERIOD, CH_HEADER, CH_COOKIE, CH_QUERY_ARG, CH_LIMIT,
  RATE_LIMIT_TABLE_HEADER, RATE_LIMIT_ENTRY_SIZE, RATE_LIMIT_WAYS, MAX_RATE_LIMIT_ENTRIES, RATE_LIMIT_MATCH_SIZE, STATUS_OK, STATUS_BAD_RATE_LIMITS, STATUS_OUT_OF_MEMORY,
  ACTION_NONE, ACTION_BLOCK, ACTION_ALLOW, ACTION_LOG, VERDICT_ACTION, VERDICT_RULE, VERDICT_LOGGED_COUNT, VERDICT_LOGGED,
  MAX_LOGGED, VERDICT_FLAGS, VERDICT_FLAG_RULE_FAULT, VERDICT_RATE_LIMIT, VERDICT_RATE_LIMIT_COUNT, VERDICT_RATE_LIMIT_RETRY,
  LOGGED_RATE_LIMIT,
} from "../bindings/format";

export const rateLimitRules = new RuleSet();
let limitCount: u32 = 0;
let limits: usize = 0;
let characteristics: usize = 0;
let names: usize = 0;
let configured = false;
let external = false;
let seed: u64 = 0;
let table: usize = 0;
let tableBytes: u32 = 0;
let bucketMask: u32 = 0;
let matches: usize = 0;
let now: u64 = 0;

/** Finds and validates the RATE_LIMITS section of the pack at `base` (its section table already checked). */
export function readRateLimits(base: usize): bool {
  limitCount = 0;
  rateLimitRules.count = 0;
  const sections = load<u32>(base + HEADER_SECTION_COUNT);
  let p: usize = 0, length: u32 = 0;
  for (let i: u32 = 0; i < sections; i++) {
    const e = base + HEADER_SIZE + <usize>i * SECTION_ENTRY_SIZE;
    if (load<u32>(e) == <u32>SECTION_RATE_LIMITS) { p = base + <usize>load<u32>(e + 4); length = load<u32>(e + 8); }
  }
  if (length == 0) return true;
  if (length < <u32>RATE_LIMIT_HEADER) return false;
  const n = load<u32>(p), m = load<u32>(p + 4), nameBytes = load<u32>(p + 8), rulesBytes = load<u32>(p + 12);
  if (n == 0 || n > <u32>MAX_RATE_LIMITS || m > n * <u32>MAX_CHARACTERISTICS) return false;
  const namesPadded = (<u64>nameBytes + 3) & ~(<u64>3);
  const size = <u64>RATE_LIMIT_HEADER + <u64>n * RATE_LIMIT_SIZE + <u64>m * RATE_LIMIT_CHARACTERISTIC_SIZE + namesPadded + <u64>rulesBytes;
  if (size != <u64>length) return false;
  const limitsAt = p + RATE_LIMIT_HEADER;
  const charsAt = limitsAt + <usize>n * RATE_LIMIT_SIZE;
  const namesAt = charsAt + <usize>m * RATE_LIMIT_CHARACTERISTIC_SIZE;
  if (!readRules(rateLimitRules, RULE_KIND_RATE_LIMIT, namesAt + <usize>namesPadded, rulesBytes, tables.botCount)) return false;
  for (let c: u32 = 0; c < m; c++) {
    const e = charsAt + <usize>c * RATE_LIMIT_CHARACTERISTIC_SIZE;
    const kind = load<u32>(e), offset = load<u32>(e + 4), len = load<u32>(e + 8);
    if (kind == 0 || kind >= <u32>CH_LIMIT || <u64>offset + <u64>len > <u64>nameBytes) return false;
    const named = kind == <u32>CH_HEADER || kind == <u32>CH_COOKIE || kind == <u32>CH_QUERY_ARG;
    if (named != (len > 0) || len > 0xffff) return false;
  }
  const rules = rateLimitRules.count;
  for (let i: u32 = 0; i < n; i++) {
    const e = limitsAt + <usize>i * RATE_LIMIT_SIZE;
    const match = load<u32>(e), count = load<u32>(e + 4), period = load<u32>(e + 8), requests = load<u32>(e + 12);
    const timeout = load<u32>(e + 16), action = load<u32>(e + 20), start = load<u32>(e + 24), chars = load<u32>(e + 28);
    if (match >= rules || (count != RATE_LIMIT_SAME && count >= rules)) return false;
    if (period == 0 || period > <u32>MAX_PERIOD || requests == 0 || requests > <u32>MAX_REQUESTS_PER_PERIOD) return false;
    if (timeout > <u32>MAX_MITIGATION_TIMEOUT || (action != ACTION_BLOCK && action != ACTION_LOG)) return false;
    if (chars == 0 || chars > <u32>MAX_CHARACTERISTICS || <u64>start + <u64>chars > <u64>m) return false;
  }
  limitCount = n;
  limits = limitsAt;
  characteristics = charsAt;
  names = namesAt;
  return true;
}

/**
 * Once, after loadPack: `entries` counters (a power of two, 8 … 2^22) in the in-engine table, or
 * an external store (`external` 1: the engine lists matches and keys, see rateLimitMatches).
 * `seed` keys the hash; an external store needs the same seed in every process.
 */
export function configureRateLimits(entries: u32, seedLow: u32, seedHigh: u32, externalStore: u32): i32 {
  if (configured) return STATUS_BAD_RATE_LIMITS;
  configured = true;
  seed = (<u64>seedHigh << 32) | <u64>seedLow;
  external = externalStore != 0;
  if (limitCount == 0) return STATUS_OK;
  if (external) { matches = heap.alloc(4 + <usize>limitCount * RATE_LIMIT_MATCH_SIZE); store<u32>(matches, 0); return STATUS_OK; }
  if (entries < <u32>RATE_LIMIT_WAYS || entries > <u32>MAX_RATE_LIMIT_ENTRIES || (entries & (entries - 1)) != 0) return STATUS_BAD_RATE_LIMITS;
  tableBytes = <u32>RATE_LIMIT_TABLE_HEADER + entries * <u32>RATE_LIMIT_ENTRY_SIZE;
  table = heap.alloc(<usize>tableBytes);
  if (table == 0) return STATUS_OUT_OF_MEMORY;
  memory.fill(table, 0, <usize>tableBytes);
  bucketMask = entries / <u32>RATE_LIMIT_WAYS - 1;
  store<u32>(table + 12, bucketMask + 1);
  return STATUS_OK;
}

/** The host's clock for the next requests, in ms since the epoch. */
export function setRateLimitClock(ms: f64): void {
  now = ms > 0 && ms < 9.0e15 ? <u64>ms : 0;
}

/** The in-engine table (header, then entries) and its size in bytes; 0 without one. */
export function rateLimitTable(): usize { return table; }
export function rateLimitTableBytes(): u32 { return tableBytes; }
/** External store: the matches of the last request (count u32, then RATE_LIMIT_MATCH_SIZE entries). */
export function rateLimitMatches(): usize { return matches; }

/** Resets the rule outcome of verdict `out` (action, rule, logged, rate limit). */
export function clearOutcome(out: usize): void {
  store<u8>(out + VERDICT_ACTION, <u8>ACTION_NONE);
  store<i32>(out + VERDICT_RULE, -1);
  store<u32>(out + VERDICT_LOGGED_COUNT, 0);
  store<i32>(out + VERDICT_RATE_LIMIT, -1);
  store<u32>(out + VERDICT_RATE_LIMIT_COUNT, 0);
  store<u32>(out + VERDICT_RATE_LIMIT_RETRY, 0);
}

/** Whether rate limits can run: there are some and the host configured their store. */
export function rateLimitsReady(): bool {
  return limitCount > 0 && configured && (external || table != 0);
}

// ---- the in-engine table ----

/** The entry of `key`: found, or taken per the eviction order when `create`; 0 when absent and not created. */
function entryOf(key: u64, create: bool): usize {
  const bucket = table + RATE_LIMIT_TABLE_HEADER + <usize>(<u32>(key >> 32) & bucketMask) * RATE_LIMIT_WAYS * RATE_LIMIT_ENTRY_SIZE;
  const tick = load<u32>(table) + 1;
  store<u32>(table, tick);
  const nowSec = <u32>(now / 1000);
  let empty: usize = 0, stale: usize = 0, lru: usize = 0, lruAge: u32 = 0, free: usize = 0, freeAge: u32 = 0;
  for (let w = 0; w < RATE_LIMIT_WAYS; w++) {
    const e = bucket + <usize>w * RATE_LIMIT_ENTRY_SIZE;
    const k = load<u64>(e);
    if (k == key) { store<u32>(e + 28, tick); return e; }
    if (k == 0) { if (empty == 0) empty = e; continue; }
    if (load<u32>(e + 24) <= nowSec) { if (stale == 0) stale = e; continue; }
    const age = tick - load<u32>(e + 28);
    if (lru == 0 || age > lruAge) { lru = e; lruAge = age; }
    const blocked = load<u32>(e + 20) != 0 && <u64>load<u32>(e + 8) * 1000 + <u64>load<u32>(e + 20) > now;
    if (!blocked && (free == 0 || age > freeAge)) { free = e; freeAge = age; }
  }
  if (!create) return 0;
  let e = empty;
  if (e != 0) store<u32>(table + 4, load<u32>(table + 4) + 1);
  else if (stale != 0) e = stale;
  else { e = free != 0 ? free : lru; store<u32>(table + 8, load<u32>(table + 8) + 1); }
  store<u64>(e, key);
  memory.fill(e + 8, 0, 20);
  store<u32>(e + 28, tick);
  return e;
}

let decidedBlocked = false;
let decidedCount: u64 = 0;
let decidedRetry: u64 = 0;

/** The sliding-window decision for entry `e` (0: no entry yet), updating it. Mirrors bindings/ratelimit/window.ts. */
function decide(e: usize, periodS: u32, requests: u32, timeoutS: u32, counts: bool): void {
  const P = <u64>periodS * 1000, limit = <u64>requests, timeout = <u64>timeoutS * 1000;
  let t = now;
  let w = t - t % P;
  let cur: u64 = 0, prev: u64 = 0, blockedUntil: u64 = 0;
  if (e != 0) {
    const ew = <u64>load<u32>(e + 8) * 1000;
    cur = <u64>load<u32>(e + 12); prev = <u64>load<u32>(e + 16);
    blockedUntil = load<u32>(e + 20) == 0 ? 0 : ew + <u64>load<u32>(e + 20);
    if (w < ew) { w = ew; if (t < w) t = w; } // the clock went back: stay in the entry's window
    else if (w != ew) { prev = ew + P == w ? cur : 0; cur = 0; }
  }
  const elapsed = t - w;
  const k: u64 = counts ? 1 : 0;
  const weighted = prev * (P - elapsed) + (cur + k) * P;
  decidedCount = (weighted + P - 1) / P;
  decidedBlocked = false;
  decidedRetry = 0;
  if (blockedUntil > t) { decidedBlocked = true; decidedRetry = blockedUntil - t; }
  else if (weighted > limit * P) {
    decidedBlocked = true;
    if (timeout > 0) { blockedUntil = t + timeout; decidedRetry = timeout; }
    else decidedRetry = throttleRetry(prev, cur, elapsed, P, limit);
  } else if (counts) cur++;
  if (e == 0) return;
  if (blockedUntil <= t) blockedUntil = 0;
  store<u32>(e + 8, <u32>(w / 1000));
  store<u32>(e + 12, <u32>cur);
  store<u32>(e + 16, <u32>prev);
  store<u32>(e + 20, blockedUntil == 0 ? 0 : <u32>(blockedUntil - w));
  const expires = max((w + 2 * P) / 1000, (blockedUntil + 999) / 1000);
  store<u32>(e + 24, <u32>expires);
}

/** Throttle: ms until one more counted request fits, if the client sends nothing in between. */
function throttleRetry(prev: u64, cur: u64, elapsed: u64, P: u64, limit: u64): u64 {
  if (cur + 1 <= limit && prev > 0) {
    const at = P - min(P, (limit - cur - 1) * P / prev);
    if (at < P) return at > elapsed ? at - elapsed : 1;
  }
  const next = cur == 0 ? 0 : P - min(P, (limit - 1) * P / cur);
  return P - elapsed + next;
}

// ---- per request ----

function evaluate(rule: u32, known: u64): i32 {
  return evaluateRule(rateLimitRules, rule, known);
}

/**
 * Rate limits in order, unless a custom rule blocked or allowed the request: the first that
 * blocks ends the evaluation; those that log accumulate in the logged list (LOGGED_RATE_LIMIT).
 */
export function applyRateLimits(out: usize, known: u64): void {
  if (external) store<u32>(matches, 0);
  const action = <u32>load<u8>(out + VERDICT_ACTION);
  if (action == ACTION_BLOCK || action == ACTION_ALLOW) return;
  let flags = <u32>load<u16>(out + VERDICT_FLAGS);
  let logged = load<u32>(out + VERDICT_LOGGED_COUNT);
  let listed: u32 = 0;
  for (let i: u32 = 0; i < limitCount; i++) {
    const limit = limits + <usize>i * RATE_LIMIT_SIZE;
    const matched = evaluate(load<u32>(limit), known);
    if (matched < 0) flags |= VERDICT_FLAG_RULE_FAULT;
    if (matched != 1) continue;
    const countRule = load<u32>(limit + 4);
    let counts = true;
    if (countRule != RATE_LIMIT_SAME) {
      const c = evaluate(countRule, known);
      if (c < 0) flags |= VERDICT_FLAG_RULE_FAULT;
      counts = c == 1;
    }
    const key = keyOf(i, limit, characteristics, names, seed, !external);
    if (key == 0) continue;
    if (external) {
      const m = matches + 4 + <usize>listed * RATE_LIMIT_MATCH_SIZE;
      store<u32>(m, i); store<u32>(m + 4, counts ? 1 : 0); store<u64>(m + 8, key);
      store<u32>(matches, ++listed);
      continue;
    }
    decide(entryOf(key, counts), load<u32>(limit + 8), load<u32>(limit + 12), load<u32>(limit + 16), counts);
    if (!decidedBlocked) continue;
    const blocks = load<u32>(limit + 20) == ACTION_BLOCK;
    if (blocks || load<i32>(out + VERDICT_RATE_LIMIT) < 0) {
      store<i32>(out + VERDICT_RATE_LIMIT, <i32>i);
      store<u32>(out + VERDICT_RATE_LIMIT_COUNT, <u32>min(decidedCount, <u64>0xffffffff));
      store<u32>(out + VERDICT_RATE_LIMIT_RETRY, <u32>min(decidedRetry, <u64>0xffffffff));
    }
    if (blocks) { store<u8>(out + VERDICT_ACTION, <u8>ACTION_BLOCK); store<i32>(out + VERDICT_RULE, -1); break; }
    if (logged < <u32>MAX_LOGGED) store<u16>(out + VERDICT_LOGGED + (<usize>logged << 1), <u16>(i | LOGGED_RATE_LIMIT));
    logged++;
  }
  store<u32>(out + VERDICT_LOGGED_COUNT, logged);
  store<u16>(out + VERDICT_FLAGS, <u16>flags);
}
