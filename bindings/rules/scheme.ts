// The field scheme: every field a rule can read, as data — its type, a one-line description
// (the README lists them) and when its value can be missing. Cloudflare's names where one exists.

import { arrayOf, mapOf, BOOL, INT, IP, STRING, type RuleType } from "./types.js";

/**
 * When a field has a value:
 * - `always`: the engine computes it for every request (scores, detections, flags);
 * - `request`: from the request itself; missing only when the host supplied no such part
 *   (classifying a bare user agent, say). Absent headers are the empty string, as on Cloudflare;
 * - `platform`: from the platform (Workers' `request.cf`) or the caller; often missing elsewhere;
 * - `identified`: describes what was identified (a bot, a fingerprint); missing when nothing was.
 */
export type Presence = "always" | "request" | "platform" | "identified";

export interface FieldDef {
  readonly name: string;
  readonly type: RuleType;
  /** One line, for the README and `botsift rule check`. */
  readonly description: string;
  readonly presence: Presence;
  /** Map keys are lower-case (header names): an upper-case key can never match. */
  readonly lowercaseKeys?: boolean;
  /** Also a field of Cloudflare's Rules language (false for botsift's own). */
  readonly cloudflare: boolean;
}

const f = (name: string, type: RuleType, presence: Presence, description: string, extra: Partial<FieldDef> = {}): FieldDef =>
  Object.freeze({ name, type, presence, description, cloudflare: !name.startsWith("botsift."), ...extra });

/** Every field of the default scheme, in documentation order. */
export const FIELDS: readonly FieldDef[] = Object.freeze([
  f("http.request.method", STRING, "request", "The HTTP method in upper case, e.g. \"GET\"."),
  f("http.request.uri", STRING, "request", "The path and query string of the request URI, e.g. \"/a/b?x=1\"."),
  f("http.request.full_uri", STRING, "request", "The full URI: scheme, host, path and query, e.g. \"https://example.com/a?x=1\"."),
  f("http.request.uri.path", STRING, "request", "The URI path, e.g. \"/a/b\"."),
  f("http.request.uri.query", STRING, "request", "The query string without the \"?\", e.g. \"x=1&y=2\"; empty when there is none."),
  f("http.request.uri.args", mapOf(arrayOf(STRING)), "request", "Query arguments by name, each with every value it was given (not URL-decoded)."),
  f("http.request.uri.args.names", arrayOf(STRING), "request", "The names of the query arguments, in order."),
  f("http.request.uri.args.values", arrayOf(STRING), "request", "The values of the query arguments, in order."),
  f("http.host", STRING, "request", "The Host header."),
  f("http.user_agent", STRING, "request", "The User-Agent header."),
  f("http.referer", STRING, "request", "The Referer header."),
  f("http.cookie", STRING, "request", "The Cookie header, whole."),
  f("http.request.headers", mapOf(arrayOf(STRING)), "request", "Headers by lower-case name, each with every value it was sent with.", { lowercaseKeys: true }),
  f("http.request.headers.names", arrayOf(STRING), "request", "The header names as sent (case preserved), in order."),
  f("http.request.headers.values", arrayOf(STRING), "request", "The header values, in the order of http.request.headers.names."),
  f("http.request.version", STRING, "request", "The HTTP version, e.g. \"HTTP/1.1\", \"HTTP/2\"."),
  f("cf.edge.server_port", INT, "request", "The port the request was received on, e.g. 443."),
  f("ssl", BOOL, "request", "The request came over HTTPS."),
  f("ip.src", IP, "request", "The client's IP address."),
  f("ip.src.asnum", INT, "platform", "The autonomous system number of the client's IP address."),
  f("ip.src.country", STRING, "platform", "The client's country, as an ISO 3166-1 alpha-2 code such as \"GB\"."),
  f("cf.bot_management.score", INT, "always", "The bot score: 1 (automated) … 99 (human)."),
  f("cf.bot_management.verified_bot", BOOL, "always", "The request comes from a verified bot (its claimed identity was checked)."),
  f("cf.bot_management.ja3_hash", STRING, "platform", "The JA3 fingerprint of the TLS client hello, as 32 hex digits."),
  f("cf.bot_management.ja4", STRING, "platform", "The JA4 fingerprint of the TLS client hello."),
  f("cf.bot_management.detection_ids", arrayOf(INT), "always", "The detection ids of every signature and heuristic that fired."),
  f("cf.bot_management.static_resource", BOOL, "request", "The path is a static resource (an image, script, style sheet or font by extension)."),
  f("cf.verified_bot_category", STRING, "always", "The category of a verified bot in Cloudflare's words (\"AI Crawler\", \"Search Engine Crawler\", …); empty otherwise."),
  f("cf.client.bot", BOOL, "always", "The request comes from a known good bot (the older name of verified_bot)."),
  f("botsift.bot.name", STRING, "identified", "The name of the identified bot, e.g. \"GPTBot\"."),
  f("botsift.bot.operator", STRING, "identified", "The company or project behind the identified bot; missing when unknown."),
  f("botsift.bot.category", STRING, "identified", "The identified bot's category, e.g. \"ai_crawler\" (see packs/)."),
  f("botsift.bot.spoofed", BOOL, "always", "The user agent claims a known bot but the request failed that bot's verification."),
  f("botsift.bot.verified", BOOL, "always", "The identified bot passed verification (by its published IP ranges)."),
  f("botsift.fingerprint", STRING, "identified", "botsift's header fingerprint of the request (see the README), e.g. \"ge11-e7-12-o3a5c0e19b7d2\"; missing without headers."),
  f("botsift.score", INT, "always", "botsift's score: 1 (automated) … 99 (human); the same as cf.bot_management.score."),
  f("botsift.class", STRING, "always", "The verdict class: \"human\", \"likely_bot\", \"bot\" or \"verified_bot\"."),
  f("botsift.headers.complete", BOOL, "always", "The caller supplied the request's headers (so a missing header is evidence); false for a bare user agent."),
  f("botsift.headers.ordered", BOOL, "always", "The headers are in wire order (not re-sorted, as Fetch Headers objects are)."),
  f("botsift.headers.order", STRING, "request", "The lower-cased header names joined by \",\", in the order given, e.g. \"host,user-agent,accept\"."),
  f("botsift.ua.family", STRING, "request", "The browser the user agent claims, by its product tokens: \"chrome\", \"edge\", \"firefox\", \"safari\", \"opera\", \"samsung\", \"headless_chrome\", or \"other\"."),
  f("botsift.ua.major", INT, "request", "The major version of that browser, e.g. 131; missing when the user agent names no known browser."),
]);

/** Older Cloudflare names still accepted; the checker rewrites them to the current name. */
export const FIELD_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  "ip.geoip.asnum": "ip.src.asnum",
  "ip.geoip.country": "ip.src.country",
});

/** A set of fields by name. The default scheme is `DEFAULT_SCHEME`; hosts may build their own. */
export class Scheme {
  private readonly byName = new Map<string, FieldDef>();
  readonly fields: readonly FieldDef[];
  readonly aliases: Readonly<Record<string, string>>;

  constructor(fields: readonly FieldDef[], aliases: Readonly<Record<string, string>> = {}) {
    for (const field of fields) {
      if (!/^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$/.test(field.name)) throw new TypeError(`invalid field name "${field.name}"`);
      if (this.byName.has(field.name)) throw new TypeError(`field "${field.name}" is defined twice`);
      this.byName.set(field.name, field);
    }
    for (const [alias, target] of Object.entries(aliases)) {
      if (!this.byName.has(target)) throw new TypeError(`alias "${alias}" names unknown field "${target}"`);
    }
    this.fields = fields;
    this.aliases = aliases;
  }

  /** The field named `name` (or aliased by it), or undefined. */
  get(name: string): FieldDef | undefined {
    return this.byName.get(name) ?? this.byName.get(this.aliases[name] ?? "");
  }

  /** A scheme with these fields added (e.g. a host's own `x.*` fields). */
  extend(fields: readonly FieldDef[]): Scheme {
    return new Scheme([...this.fields, ...fields], this.aliases);
  }
}

export const DEFAULT_SCHEME = new Scheme(FIELDS, FIELD_ALIASES);

/** A field value as a host supplies it. Strings are text (encoded as UTF-8) or raw bytes; IPs are text. */
export type FieldValue =
  | string
  | Uint8Array
  | number
  | boolean
  | readonly (string | Uint8Array | number | boolean)[]
  | Readonly<Record<string, readonly (string | Uint8Array)[] | string | Uint8Array | number | boolean>>;

/** Field name → value; a field that is absent or `undefined` is missing. */
export type FieldValues = Readonly<Record<string, FieldValue | undefined>>;
