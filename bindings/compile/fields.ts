// The rules language's fields as the engine knows them: scheme name → engine field id (RF_ in
// bindings/format.ts). The bytecode emitter and the literal extractor both read it.

import * as F from "../format.js";

/** Scheme field → engine field id. A field missing here cannot be compiled (a test keeps this complete). */
export const ENGINE_FIELDS: Readonly<Record<string, number>> = {
  "http.request.method": F.RF_METHOD, "http.request.uri": F.RF_URI, "http.request.uri.path": F.RF_URI_PATH,
  "http.request.uri.query": F.RF_URI_QUERY, "http.host": F.RF_HOST, "http.user_agent": F.RF_USER_AGENT,
  "http.referer": F.RF_REFERER, "http.cookie": F.RF_COOKIE, "http.request.version": F.RF_VERSION, "ssl": F.RF_SSL,
  "ip.src": F.RF_IP_SRC, "ip.src.asnum": F.RF_ASNUM, "ip.src.country": F.RF_COUNTRY,
  "cf.bot_management.score": F.RF_SCORE, "cf.bot_management.verified_bot": F.RF_VERIFIED_BOT,
  "cf.bot_management.ja3_hash": F.RF_JA3, "cf.bot_management.ja4": F.RF_JA4,
  "cf.bot_management.detection_ids": F.RF_DETECTION_IDS, "cf.bot_management.static_resource": F.RF_STATIC_RESOURCE,
  "cf.verified_bot_category": F.RF_VERIFIED_BOT_CATEGORY, "cf.client.bot": F.RF_CLIENT_BOT,
  "botsift.bot.name": F.RF_BOT_NAME, "botsift.bot.operator": F.RF_BOT_OPERATOR, "botsift.bot.category": F.RF_BOT_CATEGORY,
  "botsift.bot.spoofed": F.RF_BOT_SPOOFED, "botsift.bot.verified": F.RF_BOT_VERIFIED, "botsift.fingerprint": F.RF_FINGERPRINT,
  "botsift.score": F.RF_BOTSIFT_SCORE, "botsift.class": F.RF_CLASS, "http.request.headers": F.RF_HEADERS,
  "http.request.headers.names": F.RF_HEADER_NAMES, "http.request.headers.values": F.RF_HEADER_VALUES,
  "http.request.uri.args": F.RF_ARGS, "http.request.uri.args.names": F.RF_ARG_NAMES, "http.request.uri.args.values": F.RF_ARG_VALUES,
  "http.request.full_uri": F.RF_FULL_URI, "botsift.headers.complete": F.RF_HEADERS_COMPLETE,
  "botsift.headers.ordered": F.RF_HEADERS_ORDERED, "botsift.headers.order": F.RF_HEADER_ORDER,
  "botsift.ua.family": F.RF_UA_FAMILY, "botsift.ua.major": F.RF_UA_MAJOR,
};
