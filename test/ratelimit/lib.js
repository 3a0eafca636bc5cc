// Helpers of the rate-limit tests: an engine on a hand-driven clock, requests, and a runner that
// plays a trace of (time, request) through an engine and collects compact decisions.
import { createEngine } from "botsift";

export const PERIOD_MS = 60_000;
/** A time far from the epoch, at the start of a 60 s (and 10 s, 1 h) window. */
export const T0 = 1_800_000_000_000 - (1_800_000_000_000 % 3_600_000);

export class Clock {
  constructor(t = T0) { this.t = t; }
  now = () => this.t;
  set(t) { this.t = t; return this; }
  add(ms) { this.t += ms; return this; }
}

export const rule = (over = {}) => ({
  id: "login", expression: 'http.request.uri.path eq "/login"', characteristics: ["ip.src"],
  period: 60, requestsPerPeriod: 10, mitigationTimeout: 0, action: "block", ...over,
});

export const login = (ip = "192.0.2.1", over = {}) => ({ userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", method: "POST", url: "/login", host: "example.com", ip, ...over });

export async function engineOn(limits, { clock = new Clock(), ...options } = {}) {
  const engine = await createEngine({ rateLimits: [].concat(limits), clock: clock.now, ...options });
  return { engine, clock };
}

/** "b" blocked by a rate limit, "." passed; one letter per request. */
export function send(engine, req, n = 1) {
  let out = "";
  for (let i = 0; i < n; i++) out += engine.classify(req).action === "block" ? "b" : ".";
  return out;
}

/** Compact decision of a verdict: blocked?, count, retryAfter (or null), logged ids. */
export function decisionOf(v) {
  return { action: v.action, rule: v.rule, rateLimit: v.rateLimit && { ...v.rateLimit }, logged: [...v.logged] };
}
