// A separate process for the Redis test: an engine whose rate limits count in Redis. Reads
// commands on stdin, one per line, and answers each with one line on stdout:
//   send <n> <ip> <time ms>   → n requests to /login at once (concurrently), e.g. "..b" ("." passed, "b" blocked)
//   retry <ip> <time ms>      → the retryAfter of one more request (or "-")
//   exit
// Usage: node redis-worker.js <port> <rate limits as JSON>
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import { createEngine } from "botsift";
import { RedisRateLimitStore } from "botsift/ratelimit-redis";

const [port, limits] = process.argv.slice(2);
const client = new Redis({ host: "127.0.0.1", port: Number(port), maxRetriesPerRequest: 1 });
let now = 0;
const engine = await createEngine({ rateLimits: JSON.parse(limits), rateLimitStore: new RedisRateLimitStore(client), clock: () => now });
const login = (ip) => ({ userAgent: "Mozilla/5.0 Firefox/133.0", method: "POST", url: "/login", host: "example.com", ip });

console.log("ready");
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, a, b, c] = line.trim().split(" ");
  if (cmd === "exit") break;
  if (cmd === "send") {
    now = Number(c);
    const verdicts = await Promise.all(Array.from({ length: Number(a) }, () => engine.classifyAsync(login(b))));
    console.log(verdicts.map((v) => (v.action === "block" ? "b" : ".")).join(""));
  } else if (cmd === "retry") {
    now = Number(b);
    console.log(String((await engine.classifyAsync(login(a))).rateLimit?.retryAfter ?? "-"));
  } else console.log(`unknown command ${cmd}`);
}
await client.quit();
