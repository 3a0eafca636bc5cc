// Hono middleware: the guard in front of the app's routes. The decision is on the context
// (`c.get("botsift")`), tags reach `c.req.header("x-botsift-…")`. Built per runtime by
// hono.ts / hono.workerd.ts. Typed structurally, so botsift needs no dependency on hono.

import type { EngineFactory } from "./guard.js";
import { describeRequest, lazyGuard, pathOf, replyResponse, taggedRequest, type OptionsOrFactory } from "./fetch-handler.js";
import type { Decision } from "./options.js";

/** Add to your app's type to get `c.get("botsift")` typed: `new Hono<{ Variables: BotsiftVariables }>()`. */
export type BotsiftVariables = { botsift: Decision };

/** What the middleware uses of Hono's Context. */
export interface HonoContextLike {
  req: { raw: Request };
  env: unknown;
  set(key: "botsift", value: Decision): void;
  readonly executionCtx: { waitUntil(promise: Promise<unknown>): void };
}

export function honoWith(createEngine: EngineFactory) {
  /** Hono middleware; `options` may be a function of `c.env` (a Worker's bindings), called on the first request. */
  return function botsift(options?: OptionsOrFactory<unknown>): (c: HonoContextLike, next: () => Promise<void>) => Promise<Response | void> {
    const guardFor = lazyGuard(options, createEngine);
    return async function botsiftMiddleware(c, next) {
      try {
        const request = c.req.raw;
        const outcome = await guardFor(c.env).inspect({ info: describeRequest(request, c.env), path: pathOf(request.url), method: request.method, raw: request });
        if (outcome.background) {
          try {
            c.executionCtx.waitUntil(outcome.background); // Hono's getter throws outside Workers
          } catch {}
        }
        if (outcome.reply) return replyResponse(outcome, request.method);
        c.set("botsift", outcome.decision);
        c.req.raw = taggedRequest(request, outcome.tags);
      } catch {
        // Only a bug in botsift gets here (inspect never rejects): the app runs untouched.
      }
      await next();
    };
  };
}
