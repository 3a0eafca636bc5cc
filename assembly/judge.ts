// One request, start to finish, once its fields are known: scan the user agent, verify the
// claimed bot, run the heuristics and fold them into the score, then run the custom rules.

import { tables } from "./pack";
import { scanField } from "./scan";
import { resolvePending, clearHits } from "./matches";
import { writeVerdict } from "./score";
import { heuristics, customRules, runnableRules } from "./rules";
import { runRules } from "./vm";
import { resetLiterals, afterSignatureScan } from "./literals";
import { request, beginRequest, loadField } from "./fields";
import { resetArena } from "./values";
import { IP_NONE } from "./ip";
import { applyRateLimits, clearOutcome, rateLimitsReady, rateLimitRules } from "./ratelimit"; // [rate limits]
import {
  FIELD_USER_AGENT, FIELD_METHOD, FIELD_URL, FIELD_HOST, FIELD_HTTP_VERSION, FIELD_COUNTRY, FIELD_JA3, FIELD_JA4,
  RECORD_FLAG_HEADERS_COMPLETE, RECORD_FLAG_HEADERS_ORDERED, RECORD_FLAG_ASN_KNOWN, RECORD_FLAG_TLS,
  RULE_SIZE, VERDICT_SCORE, VERDICT_CLASS, VERDICT_FLAGS, VERDICT_BOT, VERDICT_DETECTION_COUNT, VERDICT_DETECTIONS, MAX_DETECTIONS,
  VERDICT_FINGERPRINT, FINGERPRINT_SIZE, VERDICT_ACTION, VERDICT_RULE, VERDICT_LOGGED_COUNT, VERDICT_LOGGED, MAX_LOGGED,
  VERDICT_FLAG_VERIFIED, VERDICT_FLAG_SPOOFED, VERDICT_FLAG_DETECTIONS_OVERFLOW, VERDICT_FLAG_RULE_FAULT, VERDICT_FLAG_TRUNCATED,
  CLASS_HUMAN, CLASS_LIKELY_BOT, CLASS_BOT, CLASS_VERIFIED_BOT, ACTION_NONE, ACTION_LOG,
  RF_METHOD, RF_URI, RF_URI_PATH, RF_URI_QUERY, RF_HOST, RF_USER_AGENT, RF_REFERER, RF_COOKIE, RF_VERSION, RF_SSL, RF_IP_SRC,
  RF_ASNUM, RF_COUNTRY, RF_SCORE, RF_VERIFIED_BOT, RF_JA3, RF_JA4, RF_DETECTION_IDS, RF_STATIC_RESOURCE, RF_CLIENT_BOT,
  RF_BOT_NAME, RF_BOT_CATEGORY, RF_BOT_SPOOFED, RF_BOT_VERIFIED, RF_FINGERPRINT, RF_BOTSIFT_SCORE, RF_CLASS, RF_HEADERS,
  RF_HEADER_NAMES, RF_HEADER_VALUES, RF_ARGS, RF_ARG_NAMES, RF_ARG_VALUES, RF_FULL_URI, RF_HEADERS_COMPLETE, RF_HEADERS_ORDERED,
  RF_HEADER_ORDER, RF_UA_FAMILY, RF_UA_MAJOR, RF_VERIFIED_BOT_CATEGORY, RF_BOT_OPERATOR,
} from "../bindings/format";

@inline function bit(f: i32): u64 { return <u64>1 << <u64>f; }

/**
 * Fields known for this request: a value for the others, true for Boolean fields. A rule whose
 * required mask (from the compiler: the fields its top-level conjuncts test) is not covered
 * cannot match, and is skipped without running.
 */
function knownFields(): u64 {
  let m: u64 = bit(RF_SCORE) | bit(RF_BOTSIFT_SCORE) | bit(RF_CLASS) | bit(RF_DETECTION_IDS) | bit(RF_VERIFIED_BOT_CATEGORY);
  const f = request.flags;
  m |= bit(RF_USER_AGENT);
  if (request.fieldLen[FIELD_USER_AGENT] > 0) m |= bit(RF_UA_FAMILY) | bit(RF_UA_MAJOR);
  if (request.fieldLen[FIELD_METHOD] > 0) m |= bit(RF_METHOD);
  if (request.fieldLen[FIELD_URL] > 0) m |= bit(RF_URI) | bit(RF_URI_PATH) | bit(RF_URI_QUERY) | bit(RF_ARGS) | bit(RF_ARG_NAMES) | bit(RF_ARG_VALUES) | bit(RF_STATIC_RESOURCE);
  if (request.fieldLen[FIELD_HOST] > 0) m |= bit(RF_HOST) | (request.fieldLen[FIELD_URL] > 0 ? bit(RF_FULL_URI) : 0);
  if (request.fieldLen[FIELD_HTTP_VERSION] > 0) m |= bit(RF_VERSION);
  if ((f & RECORD_FLAG_TLS) != 0) m |= bit(RF_SSL);
  if (request.ipKind != IP_NONE) m |= bit(RF_IP_SRC);
  if ((f & RECORD_FLAG_ASN_KNOWN) != 0) m |= bit(RF_ASNUM);
  if (request.fieldLen[FIELD_COUNTRY] > 0) m |= bit(RF_COUNTRY);
  if (request.fieldLen[FIELD_JA3] > 0) m |= bit(RF_JA3);
  if (request.fieldLen[FIELD_JA4] > 0) m |= bit(RF_JA4);
  if ((f & RECORD_FLAG_HEADERS_COMPLETE) != 0) {
    // Referer and Cookie may still be absent: the engine cannot tell without a look, so they count as known.
    m |= bit(RF_HEADERS) | bit(RF_HEADER_NAMES) | bit(RF_HEADER_VALUES) | bit(RF_HEADER_ORDER) | bit(RF_HEADERS_COMPLETE) | bit(RF_REFERER) | bit(RF_COOKIE);
  }
  if ((f & RECORD_FLAG_HEADERS_ORDERED) != 0) m |= bit(RF_HEADERS_ORDERED);
  if (request.fingerprintLength > 0) m |= bit(RF_FINGERPRINT);
  if (request.bot >= 0) m |= bit(RF_BOT_NAME) | bit(RF_BOT_OPERATOR) | bit(RF_BOT_CATEGORY);
  if (request.cls == CLASS_VERIFIED_BOT) m |= bit(RF_VERIFIED_BOT) | bit(RF_CLIENT_BOT) | bit(RF_BOT_VERIFIED);
  if (request.spoofed) m |= bit(RF_BOT_SPOOFED);
  return m;
}

function syncVerdict(out: usize): void {
  request.score = <u32>load<u8>(out + VERDICT_SCORE);
  request.cls = <u32>load<u8>(out + VERDICT_CLASS);
  request.bot = load<i32>(out + VERDICT_BOT);
  const flags = <u32>load<u16>(out + VERDICT_FLAGS);
  request.verified = (flags & VERDICT_FLAG_VERIFIED) != 0;
  request.spoofed = (flags & VERDICT_FLAG_SPOOFED) != 0;
  request.detections = out + VERDICT_DETECTIONS;
  const n = load<u32>(out + VERDICT_DETECTION_COUNT);
  request.detectionCount = n < <u32>MAX_DETECTIONS ? n : <u32>MAX_DETECTIONS;
  request.fingerprint = out + VERDICT_FINGERPRINT;
  let fp: u32 = 0;
  while (fp < <u32>FINGERPRINT_SIZE && load<u8>(out + VERDICT_FINGERPRINT + fp) != 0) fp++;
  request.fingerprintLength = fp;
}

/**
 * Heuristics fold into the score as a noisy OR: a heuristic of score s says "automated with
 * probability (99 − s) / 98"; independent evidence combines as 1 − Π(1 − p), mapped back onto
 * 1…99. One heuristic of score 1 is certain; none keeps the human score.
 */
function applyHeuristics(out: usize, known: u64): bool {
  let human: f64 = 1.0;
  let fired = false;
  let flags = <u32>load<u16>(out + VERDICT_FLAGS);
  let count = load<u32>(out + VERDICT_DETECTION_COUNT);
  const list = runnableRules(heuristics, known);
  const ran = runRules(heuristics, list, heuristics.runnableCount, known, heuristics.results);
  for (let i: u32 = 0; i < ran; i++) {
    const result = <i32>load<i8>(heuristics.results + i);
    if (result == 0) continue;
    if (result < 0) { flags |= VERDICT_FLAG_RULE_FAULT; continue; }
    const e = heuristics.rules + <usize>load<u32>(list + (<usize>i << 2)) * RULE_SIZE;
    fired = true;
    human *= <f64>(load<u32>(e + 20) - 1) / 98.0;
    if (count < <u32>MAX_DETECTIONS) store<u32>(out + VERDICT_DETECTIONS + (<usize>count << 2), load<u32>(e + 16));
    else flags |= VERDICT_FLAG_DETECTIONS_OVERFLOW;
    count++;
  }
  store<u32>(out + VERDICT_DETECTION_COUNT, count);
  store<u16>(out + VERDICT_FLAGS, <u16>flags);
  if (!fired) return false;
  const cls = <u32>load<u8>(out + VERDICT_CLASS);
  if (cls == CLASS_VERIFIED_BOT) return true; // a verified crawler is what it says, whatever its headers look like
  const heuristic = <u32>(1.0 + Math.round(98.0 * human));
  const score = min(<u32>load<u8>(out + VERDICT_SCORE), heuristic);
  store<u8>(out + VERDICT_SCORE, <u8>score);
  store<u8>(out + VERDICT_CLASS, <u8>(score == 1 ? CLASS_BOT : score < 30 ? CLASS_LIKELY_BOT : CLASS_HUMAN));
  return true;
}

/** Custom rules in order: the first terminating action wins; log rules accumulate. */
function applyCustomRules(out: usize, known: u64): void {
  store<u8>(out + VERDICT_ACTION, <u8>ACTION_NONE);
  store<i32>(out + VERDICT_RULE, -1);
  store<u32>(out + VERDICT_LOGGED_COUNT, 0);
  let logged: u32 = 0;
  let flags = <u32>load<u16>(out + VERDICT_FLAGS);
  const list = runnableRules(customRules, known);
  const ran = runRules(customRules, list, customRules.runnableCount, known, customRules.results);
  for (let i: u32 = 0; i < ran; i++) {
    const r = load<u32>(list + (<usize>i << 2));
    const result = <i32>load<i8>(customRules.results + i);
    if (result < 0) { flags |= VERDICT_FLAG_RULE_FAULT; continue; }
    if (result == 0) continue;
    const action = load<u32>(customRules.rules + <usize>r * RULE_SIZE + 12);
    if (action == ACTION_LOG) {
      if (logged < <u32>MAX_LOGGED) store<u16>(out + VERDICT_LOGGED + (<usize>logged << 1), <u16>r);
      logged++;
      continue;
    }
    store<u8>(out + VERDICT_ACTION, <u8>action);
    store<i32>(out + VERDICT_RULE, <i32>r);
    break;
  }
  store<u32>(out + VERDICT_LOGGED_COUNT, logged);
  store<u16>(out + VERDICT_FLAGS, <u16>flags);
}

/**
 * Judges the request whose fields are in `request`; writes the verdict at `out`. Rate limits run
 * only for full requests (`rateLimits`), never for a bare user agent. With `classOnly` the caller
 * needs only the class: heuristics and rules are skipped when the signatures already decided it
 * is not human, which nothing after them can undo.
 */
export function judge(out: usize, flags: u32, ipKind: i32, rateLimits: bool = false, classOnly: bool = false): u32 {
  let len = request.fieldLen[FIELD_USER_AGENT];
  const complete = len <= tables.maxFieldLength;
  if (!complete) { len = tables.maxFieldLength; flags |= VERDICT_FLAG_TRUNCATED; }
  resetLiterals(heuristics);
  scanField(<usize>request.fieldPtr[FIELD_USER_AGENT], len);
  afterSignatureScan(complete);
  resolvePending();
  writeVerdict(out, flags, ipKind);
  clearHits();
  clearOutcome(out); // [rate limits]
  const limited = rateLimits && rateLimitsReady(); // [rate limits]
  store<u8>(out + VERDICT_ACTION, <u8>ACTION_NONE);
  store<i32>(out + VERDICT_RULE, -1);
  store<u32>(out + VERDICT_LOGGED_COUNT, 0);
  const decided = classOnly && <u32>load<u8>(out + VERDICT_CLASS) != CLASS_HUMAN;
  if ((heuristics.count + customRules.count > 0 || limited) && !decided) {
    request.ipKind = ipKind;
    beginRequest();
    resetArena();
    syncVerdict(out);
    // Heuristics never make a request verified, the only verdict fact knownFields reads.
    const known = knownFields();
    if (heuristics.count > 0 && applyHeuristics(out, known)) syncVerdict(out);
    if (customRules.count > 0) { resetLiterals(customRules); applyCustomRules(out, known); }
    if (limited) { resetLiterals(rateLimitRules); applyRateLimits(out, known); } // [rate limits]
  }
  const bot = load<i32>(out + VERDICT_BOT);
  return <u32>load<u8>(out + VERDICT_SCORE) | (<u32>load<u8>(out + VERDICT_CLASS) << 8) | (<u32>(bot + 1) << 16);
}
