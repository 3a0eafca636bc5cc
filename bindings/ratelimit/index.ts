// Public exports of botsift/ratelimit: the rate-limit types and errors, the store interface with
// its sliding-window reference (for writing a store), and the in-process and Redis stores.

export type { RateLimitRule, RateLimitOutcome, RateLimitHit, RateLimitDecision, RateLimitStore, RateLimitStats } from "./types.js";
export { RateLimitConfigError, RateLimitStoreError, RateLimitAsyncError } from "./types.js";
export { slidingWindow, throttleRetry, expiresAt, MemoryRateLimitStore, type WindowState } from "./window.js";
export { RedisRateLimitStore, SLIDING_WINDOW_LUA, type RedisScriptClient, type RedisStoreOptions } from "./redis.js";
export { parseCharacteristic, normalizeRateLimits, type RateLimitOptions } from "./config.js";
