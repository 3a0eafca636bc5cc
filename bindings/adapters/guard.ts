// The runtime-neutral core of every middleware: owns the engine (created on first use), applies
// the policy, serves robots.txt, drives live updates, and turns every failure into the failure
// policy, reported once. Adapters translate its Outcome into their runtime's request/response.

import { BotsiftError } from "../errors.js";
import type { Engine, EngineOptions, Verdict } from "../engine.js";
import type { RequestInfo } from "../request.js";
import { robotsTxt } from "../robots/index.js";
import { createPackUpdater, type PackUpdater } from "../update/updater.js";
import type { Decision, ResolvedOptions } from "./options.js";
import { Policy } from "./policy.js";

export type EngineFactory = (options?: EngineOptions) => Promise<Engine>;

/** A request as the guard sees it: what to classify, plus routing facts. */
export interface Inbound {
  info: RequestInfo;
  /** The URL path, without the query. */
  path: string;
  method: string;
  /** The runtime's own request object, handed to onVerdict. */
  raw: unknown;
}

export interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers: Record<string, string>;
}

export interface Outcome {
  decision: Decision;
  /** Answer with this instead of calling the app. */
  reply: Reply | null;
  /** x-botsift-* request headers for the app (client-sent ones must be removed first); null when tagging is off. */
  tags: Record<string, string> | null;
  /** Work that should outlive the response (Workers: ctx.waitUntil). */
  background: Promise<unknown> | null;
}

/** Every header name the middleware sets; any of them arriving from the client is dropped. */
export const TAG_PREFIX = "x-botsift-";
const MAX_REPORTED = 256;
const UNAVAILABLE: Reply = { status: 503, contentType: "text/plain; charset=utf-8", body: "Service Unavailable\n", headers: { "cache-control": "no-store" } };

// [rate limits] Custom rules and rate limits (verdict.action) decide before the allow/deny policy:
// a rule's block gets the configured response, a rate limit's block 429 with Retry-After, a
// rule's allow passes the request whatever the policy says; skip and no action leave it to the policy.
type Ruled = { action: "block" | "allow"; reason: "rule" | "rateLimit"; entry: string | null };
function byRules(v: Verdict): Ruled | null {
  if (v.action === "block") return v.rateLimit?.action === "block" && v.rule === v.rateLimit.id ? { action: "block", reason: "rateLimit", entry: v.rule } : { action: "block", reason: "rule", entry: v.rule };
  return v.action === "allow" ? { action: "allow", reason: "rule", entry: v.rule } : null;
}
function tooManyRequests(v: Verdict): Reply {
  return { status: 429, contentType: "text/plain; charset=utf-8", body: "Too Many Requests\n", headers: { "cache-control": "no-store", "retry-after": String(v.rateLimit?.retryAfter ?? 1) } };
}

function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

function asBotsiftError(e: unknown): BotsiftError {
  return e instanceof BotsiftError ? e : new BotsiftError("INTERNAL", e instanceof Error ? e.message : String(e));
}

export class Guard {
  private readonly policy: Policy;
  private enginePromise: Promise<Engine> | null = null;
  private engine: Engine | null = null;
  private updater: PackUpdater | null = null;
  private robots: { pack: object; text: string } | null = null;
  private readonly reported = new Set<string>();

  constructor(private readonly options: ResolvedOptions, private readonly createEngine: EngineFactory) {
    this.policy = new Policy(options);
  }

  /** Reports `error` through onError unless the same problem was reported before. Never throws. */
  report(error: unknown): void {
    const e = asBotsiftError(error);
    const key = `${e.code}: ${e.message}`;
    if (this.reported.has(key)) return;
    if (this.reported.size < MAX_REPORTED) this.reported.add(key);
    try {
      this.options.onError(e);
    } catch {
      // onError itself failed: nothing left to tell.
    }
  }

  private async ready(): Promise<Engine> {
    if (this.engine) return this.engine;
    this.enginePromise ??= Promise.resolve(this.options.engine ?? this.createEngine(this.options.pack ? { pack: this.options.pack } : {})).then((engine) => {
      this.engine = engine;
      const unmatched = this.policy.unmatched(engine.bots);
      if (unmatched.length) this.report(new BotsiftError("OPTIONS", `allow/deny entries that name no bot, operator or category of pack ${engine.packInfo.name}: ${unmatched.map((u) => `"${u}"`).join(", ")}`));
      if (this.options.updates) this.startUpdates(engine);
      return engine;
    });
    return this.enginePromise;
  }

  private startUpdates(engine: Engine): void {
    const user = this.options.updates!;
    try {
      this.updater = createPackUpdater({
        ...user,
        engine,
        onUpdate: (result) => {
          if (result.status === "refused" || result.status === "failed") this.report(new BotsiftError("PACK_UPDATE", `pack update ${result.status}: ${result.reason}`));
          user.onUpdate?.(result);
        },
      });
    } catch (e) {
      this.report(e);
    }
  }

  private robotsReply(engine: Engine): Reply {
    const pack = engine.packInfo;
    if (this.robots?.pack !== pack) {
      const text = robotsTxt(engine.bots, { blocks: (bot) => this.policy.blocksGenuine(bot), pack, append: this.options.robotsTxt!.append });
      this.robots = { pack, text };
    }
    return { status: 200, contentType: "text/plain; charset=utf-8", body: this.robots.text, headers: { "cache-control": "public, max-age=3600" } };
  }

  private tags(decision: Decision): Record<string, string> | null {
    if (!this.options.tag) return null;
    const tags: Record<string, string> = { [`${TAG_PREFIX}action`]: decision.action };
    const v = decision.verdict;
    if (v) {
      tags[`${TAG_PREFIX}score`] = String(v.score);
      tags[`${TAG_PREFIX}class`] = v.class;
      if (v.bot) {
        tags[`${TAG_PREFIX}bot`] = headerSafe(v.bot.name);
        tags[`${TAG_PREFIX}category`] = v.bot.category;
      }
    }
    return tags;
  }

  private notify(decision: Decision, raw: unknown): Promise<unknown> | null {
    if (!this.options.onVerdict) return null;
    try {
      const r = this.options.onVerdict(decision, raw);
      if (r && typeof (r as Promise<unknown>).then === "function") return (r as Promise<unknown>).then(undefined, (e) => this.report(new BotsiftError("CALLBACK", `onVerdict rejected: ${e instanceof Error ? e.message : String(e)}`)));
    } catch (e) {
      this.report(new BotsiftError("CALLBACK", `onVerdict threw: ${e instanceof Error ? e.message : String(e)}`));
    }
    return null;
  }

  /** Decides what happens to one request. Never rejects. */
  async inspect(inbound: Inbound): Promise<Outcome> {
    const isRobots = inbound.path === "/robots.txt" && (inbound.method === "GET" || inbound.method === "HEAD");
    let decision: Decision;
    let reply: Reply | null = null;
    try {
      const engine = this.engine ?? (await this.ready());
      const verdict = engine.usesRateLimitStore ? await engine.classifyAsync(inbound.info) : engine.classify(inbound.info); // [rate limits]
      if (isRobots) {
        decision = { action: "allow", reason: "robots.txt", entry: null, verdict };
        if (this.options.robotsTxt) reply = this.robotsReply(engine);
      } else {
        const ruling = byRules(verdict) ?? this.policy.decide(verdict); // [rate limits]
        const action = ruling.action === "block" && this.options.mode === "log" ? "log" : ruling.action;
        decision = { action, reason: ruling.reason, entry: ruling.entry, verdict };
        if (action === "block" && ruling.reason === "rateLimit") reply = tooManyRequests(verdict); // [rate limits]
        else if (action === "block") {
          const r = this.options.response;
          reply = { status: r.status, contentType: r.contentType, body: r.body, headers: { "cache-control": "no-store" } };
        }
      }
    } catch (e) {
      this.report(e);
      const closed = this.options.failure === "closed" && !isRobots;
      decision = { action: closed ? "block" : "pass", reason: "failure", entry: null, verdict: null };
      reply = closed ? UNAVAILABLE : null;
    }
    const work = [this.notify(decision, inbound.raw), this.updater?.checkIfDue() ?? null].filter((p) => p !== null);
    return { decision, reply, tags: reply ? null : this.tags(decision), background: work.length ? Promise.all(work) : null };
  }
}
