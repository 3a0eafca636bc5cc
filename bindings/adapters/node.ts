// botsift/node: Connect-style middleware `(req, res, next)` for Node's http server, Connect and
// Express. The decision is on `req.botsift`; tags are set in `req.headers` (and `req.rawHeaders`).
// Typed structurally, so neither @types/node nor express types are needed.

import { createEngine } from "../runtime/portable.js";
import type { RequestInfo } from "../request.js";
import { Guard, TAG_PREFIX, type Outcome } from "./guard.js";
import { resolveOptions, type Decision, type ProtectOptions } from "./options.js";

export type { ProtectOptions, Decision, Action, Reason, BlockResponse } from "./options.js";

/** What the middleware uses of an IncomingMessage (or an Express request). */
export interface NodeRequestLike {
  headers: Record<string, string | string[] | undefined>;
  rawHeaders?: string[];
  method?: string;
  url?: string;
  /** Express: the URL before mounting stripped a prefix. */
  originalUrl?: string;
  httpVersion?: string;
  /** Express: the client address, honouring its "trust proxy" setting. */
  ip?: string;
  socket?: { remoteAddress?: string; encrypted?: boolean } | null;
  botsift?: Decision;
}

/** What the middleware uses of a ServerResponse. */
export interface NodeResponseLike {
  statusCode: number;
  headersSent?: boolean;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

export type NextFunction = (error?: unknown) => void;

function describe(req: NodeRequestLike): RequestInfo {
  const ua = req.headers["user-agent"];
  const path = req.originalUrl ?? req.url ?? "/";
  const host = typeof req.headers.host === "string" ? req.headers.host : "localhost";
  return {
    userAgent: Array.isArray(ua) ? ua.join(", ") : ua ?? "",
    headers: req.headers,
    method: req.method ?? "GET",
    url: `${req.socket?.encrypted ? "https" : "http"}://${host}${path}`,
    httpVersion: req.httpVersion,
    ip: req.ip ?? req.socket?.remoteAddress,
  };
}

function applyTags(req: NodeRequestLike, tags: Record<string, string>): void {
  for (const name of Object.keys(req.headers)) if (name.startsWith(TAG_PREFIX)) delete req.headers[name];
  Object.assign(req.headers, tags);
  if (Array.isArray(req.rawHeaders)) {
    const kept: string[] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      if (!req.rawHeaders[i].toLowerCase().startsWith(TAG_PREFIX)) kept.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
    }
    for (const [name, value] of Object.entries(tags)) kept.push(name, value);
    req.rawHeaders.splice(0, req.rawHeaders.length, ...kept);
  }
}

function send(res: NodeResponseLike, outcome: Outcome, method: string): void {
  const r = outcome.reply!;
  if (res.headersSent) return;
  res.statusCode = r.status;
  res.setHeader("content-type", r.contentType);
  for (const [name, value] of Object.entries(r.headers)) res.setHeader(name, value);
  res.end(method === "HEAD" ? undefined : r.body);
}

/**
 * Connect/Express middleware. Blocked requests are answered here; every other request goes to
 * `next()` with `req.botsift` set. botsift never calls `next(error)`: its own failures follow
 * the failure policy.
 */
export function botsift(options?: ProtectOptions): (req: NodeRequestLike, res: NodeResponseLike, next: NextFunction) => Promise<void> {
  const guard = new Guard(resolveOptions(options), createEngine);
  return async function botsiftMiddleware(req, res, next) {
    try {
      const method = req.method ?? "GET";
      const path = (req.originalUrl ?? req.url ?? "/").split("?")[0];
      const outcome = await guard.inspect({ info: describe(req), path, method, raw: req });
      if (outcome.reply) return send(res, outcome, method);
      req.botsift = outcome.decision;
      if (outcome.tags) applyTags(req, outcome.tags);
    } catch {
      // Only a bug in botsift gets here (inspect never rejects): the app runs untouched.
    }
    next();
  };
}
