// protect(): wraps a fetch-style handler `(request, second?, ctx?) => Response` — a Worker's
// fetch(request, env, ctx), Deno.serve's (request, info), Bun.serve's fetch(request, server), a
// service worker's respondWith — with the guard. Built per runtime by fetch.ts / fetch.workerd.ts.

import { BotsiftError } from "../errors.js";
import type { RequestInfo } from "../request.js";
import { Guard, TAG_PREFIX, type EngineFactory, type Outcome } from "./guard.js";
import { resolveOptions, type ProtectOptions } from "./options.js";

/** Workers' `request.cf`: the fields botsift reads (all optional; absent outside Cloudflare). */
interface CfProperties {
  asn?: number;
  country?: string;
  httpProtocol?: string;
  botManagement?: { ja3Hash?: string; ja4?: string; score?: number; verifiedBot?: boolean };
}

/** The second handler argument: Workers' env, Deno's ServeHandlerInfo, Bun's Server, or nothing. */
type Second = { remoteAddr?: { hostname?: string }; requestIP?: (r: Request) => { address?: string } | null } | undefined | null;

/** Where the client's address comes from: cf-connecting-ip on Cloudflare, the connection on Deno and Bun. */
export function clientAddress(request: Request, second: unknown): string | undefined {
  if (typeof (request as { cf?: unknown }).cf === "object") return request.headers.get("cf-connecting-ip") ?? undefined;
  const s = second as Second;
  if (s && typeof s.remoteAddr === "object") return s.remoteAddr?.hostname;
  if (s && typeof s.requestIP === "function") return s.requestIP(request)?.address;
  return undefined;
}

/**
 * A Fetch Request as the engine takes it, with Workers' request.cf passed through. The engine
 * reads a Fetch-like request's address from cf-connecting-ip (or x-real-ip), which only
 * Cloudflare's edge sets truthfully: elsewhere both are dropped from what the engine sees and
 * cf-connecting-ip carries the connection's address, so no client can claim a verified bot's range.
 */
export function describeRequest(request: Request, second: unknown): RequestInfo & { cf?: CfProperties } {
  const cf = (request as { cf?: CfProperties }).cf;
  const onCloudflare = typeof cf === "object" && cf !== null;
  const ip = clientAddress(request, second);
  let headers = request.headers;
  if (!onCloudflare && (ip !== undefined || headers.has("cf-connecting-ip") || headers.has("x-real-ip"))) {
    headers = new Headers(headers);
    headers.delete("x-real-ip");
    if (ip === undefined) headers.delete("cf-connecting-ip");
    else headers.set("cf-connecting-ip", ip);
  }
  const info: RequestInfo & { cf?: CfProperties } = {
    userAgent: headers.get("user-agent") ?? "",
    headers,
    method: request.method,
    url: request.url,
    tls: request.url.startsWith("https:"),
    ip,
  };
  if (onCloudflare) {
    info.cf = cf;
    if (typeof cf.asn === "number") info.asn = cf.asn;
    if (typeof cf.country === "string") info.country = cf.country;
    if (typeof cf.httpProtocol === "string") info.httpVersion = cf.httpProtocol;
    if (typeof cf.botManagement?.ja3Hash === "string") info.ja3 = cf.botManagement.ja3Hash;
    if (typeof cf.botManagement?.ja4 === "string") info.ja4 = cf.botManagement.ja4;
  }
  return info;
}

export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split("?")[0];
  }
}

/** The reply as a Response (no body for HEAD). */
export function replyResponse(outcome: Outcome, method: string): Response {
  const r = outcome.reply!;
  return new Response(method === "HEAD" ? null : r.body, { status: r.status, headers: { "content-type": r.contentType, ...r.headers } });
}

/** `request` with client-sent x-botsift-* headers replaced by the tags; the same request when there is nothing to change. */
export function taggedRequest(request: Request, tags: Record<string, string> | null): Request {
  if (tags === null) return request;
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    if (!name.startsWith(TAG_PREFIX)) headers.append(name, value);
  });
  for (const [name, value] of Object.entries(tags)) headers.set(name, value);
  return new Request(request, { headers });
}

/** Options, or a function of the handler's second argument (a Worker's env) called on the first request. */
export type OptionsOrFactory<Second> = ProtectOptions | ((second: Second) => ProtectOptions);

/** Builds the guard lazily, once: for options that depend on a Worker's env. */
export function lazyGuard<S>(options: OptionsOrFactory<S> | undefined, createEngine: EngineFactory): (second: S) => Guard {
  if (typeof options !== "function") {
    const guard = new Guard(resolveOptions(options), createEngine);
    return () => guard;
  }
  let guard: Guard | undefined;
  return (second) => {
    if (guard) return guard;
    try {
      guard = new Guard(resolveOptions(options(second)), createEngine);
    } catch (e) {
      // Options that cannot be built: an engine that never comes, so the failure policy (open) applies and the error is reported once.
      const failed = Promise.reject(e instanceof BotsiftError ? e : new BotsiftError("OPTIONS", `options function threw: ${e instanceof Error ? e.message : String(e)}`));
      failed.catch(() => {});
      guard = new Guard(resolveOptions({ engine: failed }), createEngine);
    }
    return guard;
  };
}

type Handler<S, C> = (request: Request, second: S, ctx: C) => Response | Promise<Response>;

export function protectWith(createEngine: EngineFactory) {
  /**
   * Wraps a fetch handler: blocked requests get the block response, /robots.txt can be served
   * from the pack, everything else reaches `handler` (tagged unless `tag: false`). botsift
   * never throws into the app; what the handler itself throws is the handler's.
   */
  return function protect<S = unknown, C = unknown>(handler: Handler<S, C>, options?: OptionsOrFactory<S>): (request: Request, second: S, ctx: C) => Promise<Response> {
    const guardFor = lazyGuard(options, createEngine);
    return async function guarded(request: Request, second: S, ctx: C): Promise<Response> {
      let forward = request;
      let outcome: Outcome | null = null;
      try {
        const guard = guardFor(second);
        outcome = await guard.inspect({ info: describeRequest(request, second), path: pathOf(request.url), method: request.method, raw: request });
        if (outcome.background) {
          const waitUntil = (ctx as { waitUntil?: (p: Promise<unknown>) => void } | undefined)?.waitUntil;
          if (typeof waitUntil === "function") waitUntil.call(ctx, outcome.background);
        }
        if (outcome.reply) return replyResponse(outcome, request.method);
        forward = taggedRequest(request, outcome.tags);
      } catch {
        // Only a bug in botsift gets here (inspect never rejects): let the request through untouched.
        forward = request;
      }
      return handler(forward, second, ctx);
    };
  };
}
