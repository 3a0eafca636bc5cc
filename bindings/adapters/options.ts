// The options every middleware takes (fetch, node, hono) and the decision each request gets;
// checked once, when the middleware is created, so a typo fails at startup, not per request.

import { BotsiftError } from "../errors.js";
import type { Engine, Verdict } from "../engine.js";
import type { UpdaterOptions, UpdateResult } from "../update/updater.js";

/** What happened to a request. `log` is a request the policy would block, let through because `mode` is "log". */
export type Action = "block" | "log" | "allow" | "pass";

/** Why: the switch, a list entry, the robots.txt exemption, an engine failure, nothing matched, or (rate limits hook) a custom rule or a rate limit of the engine. */
export type Reason = "blockAI" | "deny" | "allow" | "robots.txt" | "failure" | "none" | "rule" | "rateLimit";

/** The outcome for one request: handed to `onVerdict`, put on the context (`req.botsift`, `c.get("botsift")`). */
export interface Decision {
  action: Action;
  reason: Reason;
  /** The allow or deny entry that decided, as written in the options (the rule or rate-limit id for reasons "rule" and "rateLimit"). */
  entry: string | null;
  /** The engine's verdict; null when the engine failed. */
  verdict: Verdict | null;
}

export interface BlockResponse {
  /** 403 unless set. */
  status?: number;
  body?: string;
  contentType?: string;
}

export interface ProtectOptions {
  /** Block every bot whose category starts with `ai_` (crawlers, search, assistants, agents), verified or not. */
  blockAI?: boolean;
  /** Bot names, operators or `category:<name>` entries let through; they beat `blockAI`. */
  allow?: string[];
  /** Bot names, operators or `category:<name>` entries blocked; a more specific entry beats a less specific one, deny wins ties. */
  deny?: string[];
  /** "block" (default) refuses what the policy blocks; "log" lets it through with action "log" (a dry run). */
  mode?: "block" | "log";
  /** The answer to a blocked request. */
  response?: BlockResponse;
  /** Pass the verdict to the app as `x-botsift-*` request headers (client-sent ones are removed first). Default true. The decision is on the context (`req.botsift`, `c.get("botsift")`) either way. */
  tag?: boolean;
  /** Answer GET /robots.txt with a file generated from the pack that disallows exactly what is blocked. `append` adds the site's own lines. */
  robotsTxt?: boolean | { append?: string };
  /** "open" (default): if the engine fails, requests go through untagged; "closed": they get a 503. */
  failure?: "open" | "closed";
  /** Called for every classified request; exceptions and rejections are reported, never passed on. */
  onVerdict?: (decision: Decision, request: unknown) => void | Promise<unknown>;
  /** Called once per distinct problem (engine failure, refused update, callback exception). Default: console.error. */
  onError?: (error: BotsiftError) => void;
  /** A ready engine (or its promise) instead of one created from `pack`. */
  engine?: Engine | Promise<Engine>;
  /** A compiled pack to start with instead of the built-in one. */
  pack?: Uint8Array;
  /** Live pack updates: checked from requests once `interval` has passed (see createPackUpdater). */
  updates?: Omit<UpdaterOptions, "engine">;
}

export interface ResolvedOptions {
  blockAI: boolean;
  allow: string[];
  deny: string[];
  mode: "block" | "log";
  response: Required<BlockResponse>;
  tag: boolean;
  robotsTxt: { append: string } | null;
  failure: "open" | "closed";
  onVerdict: ProtectOptions["onVerdict"];
  onError: (error: BotsiftError) => void;
  engine: ProtectOptions["engine"];
  pack: Uint8Array | undefined;
  updates: ProtectOptions["updates"];
}

export type { UpdateResult };

const KEYS = new Set(["blockAI", "allow", "deny", "mode", "response", "tag", "robotsTxt", "failure", "onVerdict", "onError", "engine", "pack", "updates"]);

function fail(message: string): never {
  throw new BotsiftError("OPTIONS", `botsift options: ${message}`);
}

function entries(name: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`${name} must be an array of bot names, operators or "category:<name>" entries`);
  return value.map((e, i) => {
    if (typeof e !== "string" || e.trim() === "") fail(`${name}[${i}] must be a non-empty string`);
    const entry = e.trim();
    if (entry.toLowerCase().startsWith("category:") && !/^category:[a-z][a-z_]*$/i.test(entry)) fail(`${name}[${i}] "${entry}" is not a category entry such as "category:search_engine"`);
    return entry;
  });
}

function defaultOnError(error: BotsiftError): void {
  console.error(`botsift: ${error.message}`);
}

/** Checks options and fills in defaults; throws a BotsiftError (code OPTIONS) naming the bad option. */
export function resolveOptions(options: ProtectOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== "object") fail("must be an object");
  for (const k of Object.keys(options)) if (!KEYS.has(k)) fail(`unknown option "${k}"; known: ${[...KEYS].join(", ")}`);
  const r = options.response ?? {};
  const status = r.status ?? 403;
  if (!Number.isInteger(status) || status < 200 || status > 599) fail("response.status must be an HTTP status from 200 to 599");
  if (options.mode !== undefined && options.mode !== "block" && options.mode !== "log") fail(`mode must be "block" or "log"`);
  if (options.failure !== undefined && options.failure !== "open" && options.failure !== "closed") fail(`failure must be "open" or "closed"`);
  for (const k of ["onVerdict", "onError"] as const) if (options[k] !== undefined && typeof options[k] !== "function") fail(`${k} must be a function`);
  if (options.pack !== undefined && !(options.pack instanceof Uint8Array)) fail("pack must be a Uint8Array");
  if (options.pack !== undefined && options.engine !== undefined) fail("give either engine or pack, not both");
  const robots = options.robotsTxt;
  if (robots !== undefined && typeof robots !== "boolean" && (typeof robots !== "object" || robots === null)) fail("robotsTxt must be true, false or { append }");
  const append = typeof robots === "object" && robots !== null ? robots.append ?? "" : "";
  if (typeof append !== "string") fail("robotsTxt.append must be a string");
  return {
    blockAI: options.blockAI === true,
    allow: entries("allow", options.allow),
    deny: entries("deny", options.deny),
    mode: options.mode ?? "block",
    response: { status, body: r.body ?? "Forbidden\n", contentType: r.contentType ?? "text/plain; charset=utf-8" },
    tag: options.tag !== false,
    robotsTxt: robots ? { append } : null,
    failure: options.failure ?? "open",
    onVerdict: options.onVerdict,
    onError: options.onError ?? defaultOnError,
    engine: options.engine,
    pack: options.pack,
    updates: options.updates,
  };
}
