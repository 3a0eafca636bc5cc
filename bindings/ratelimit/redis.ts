// A rate-limit store in Redis, shared by every process and machine that points at it: one Lua
// script per request does the whole sliding-window decision atomically on the server (the same
// arithmetic as bindings/ratelimit/window.ts and the engine), so concurrent processes never
// both let the request through that crosses the limit. Takes a client, imports none: give it an
// ioredis instance (`new Redis(url)`), or anything with ioredis' script/evalsha/eval methods.

import type { RateLimitDecision, RateLimitHit, RateLimitStore } from "./types.js";

/** The methods of an ioredis client the store uses. */
export interface RedisScriptClient {
  script(subcommand: "LOAD", script: string): Promise<unknown>;
  evalsha(sha1: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** Prepended to every key; default "botsift:rl:". */
  prefix?: string;
}

/**
 * KEYS[1]: the counter (a hash: w window start ms, c current, p previous, b blocked-until ms).
 * ARGV: now, period ms, requests per period, timeout ms, counts (0 | 1). Returns {blocked, count, retry ms}.
 * Lua numbers are doubles: every value stays below 2^53, so the integer arithmetic is exact.
 */
export const SLIDING_WINDOW_LUA = `
local now = tonumber(ARGV[1])
local P = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local timeout = tonumber(ARGV[4])
local k = tonumber(ARGV[5])
local w = now - (now % P)
local s = redis.call('HMGET', KEYS[1], 'w', 'c', 'p', 'b')
local c, p, b = 0, 0, 0
if s[1] then
  local sw = tonumber(s[1])
  c, p, b = tonumber(s[2]) or 0, tonumber(s[3]) or 0, tonumber(s[4]) or 0
  if w < sw then
    w = sw
    if now < w then now = w end
  elseif w ~= sw then
    if sw + P == w then p = c else p = 0 end
    c = 0
  end
end
local e = now - w
local weighted = p * (P - e) + (c + k) * P
local count = math.floor((weighted + P - 1) / P)
local blocked, retry = 0, 0
if b > now then
  blocked, retry = 1, b - now
elseif weighted > limit * P then
  blocked = 1
  if timeout > 0 then
    b = now + timeout
    retry = timeout
  else
    local done = false
    if c + 1 <= limit and p > 0 then
      local at = P - math.min(P, math.floor((limit - c - 1) * P / p))
      if at < P then
        if at > e then retry = at - e else retry = 1 end
        done = true
      end
    end
    if not done then
      local nxt = 0
      if c > 0 then nxt = P - math.min(P, math.floor((limit - 1) * P / c)) end
      retry = P - e + nxt
    end
  end
elseif k == 1 then
  c = c + 1
end
if b <= now then b = 0 end
if s[1] or k == 1 or b > 0 then
  redis.call('HSET', KEYS[1], 'w', w, 'c', c, 'p', p, 'b', b)
  redis.call('PEXPIRE', KEYS[1], math.max(w + 2 * P, b) - now + 1000)
end
return {blocked, count, retry}
`;

function decision(reply: unknown): RateLimitDecision {
  if (!Array.isArray(reply) || reply.length !== 3) throw new Error(`unexpected reply from Redis: ${JSON.stringify(reply)}`);
  const [blocked, count, retry] = reply.map(Number);
  return { blocked: blocked === 1, count, retryAfterMs: retry };
}

/**
 * Counters in Redis (any version with Lua scripting). Times come from the engines' clocks, not the
 * server's; expiry is relative (PEXPIRE), so a server whose clock differs changes nothing.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly prefix: string;
  private sha: Promise<string> | null = null;

  constructor(private readonly client: RedisScriptClient, options: RedisStoreOptions = {}) {
    if (!client || typeof client.evalsha !== "function" || typeof client.eval !== "function" || typeof client.script !== "function") {
      throw new TypeError("RedisRateLimitStore needs a Redis client with script, evalsha and eval methods (an ioredis client)");
    }
    this.prefix = options.prefix ?? "botsift:rl:";
  }

  private load(): Promise<string> {
    this.sha ??= this.client.script("LOAD", SLIDING_WINDOW_LUA).then(String, (e) => {
      this.sha = null;
      throw e;
    });
    return this.sha;
  }

  async hit(hit: RateLimitHit): Promise<RateLimitDecision> {
    const args = [this.prefix + hit.key, hit.now, hit.periodMs, hit.requestsPerPeriod, hit.timeoutMs, hit.counts ? 1 : 0];
    try {
      return decision(await this.client.evalsha(await this.load(), 1, ...args));
    } catch (e) {
      // The server forgot its scripts (a restart, SCRIPT FLUSH): load again once, by value.
      if (!(e instanceof Error) || !e.message.includes("NOSCRIPT")) throw e;
      this.sha = null;
      return decision(await this.client.eval(SLIDING_WINDOW_LUA, 1, ...args));
    }
  }
}
