// Fields of the rules language, read from the current request record and verdict. Scalars point
// into the record (no copy); arrays and maps (headers, query arguments, detection ids) and
// derived values (the claimed browser, the header order) are built in the arena on first use.

import { tables } from "./pack";
import {
  FIELD_USER_AGENT, FIELD_METHOD, FIELD_URL, FIELD_HOST, FIELD_HTTP_VERSION, FIELD_HEADERS, FIELD_COUNTRY,
  FIELD_JA3, FIELD_JA4, FIELD_COUNT, RECORD_FLAG_HEADERS_COMPLETE, RECORD_FLAG_HEADERS_ORDERED, RECORD_FLAG_ASN_KNOWN,
  RECORD_FLAG_TLS, CLASS_VERIFIED_BOT, BOT_STRINGS_SIZE,
  RF_METHOD, RF_URI, RF_URI_PATH, RF_URI_QUERY, RF_HOST, RF_USER_AGENT, RF_REFERER, RF_COOKIE, RF_VERSION, RF_SSL,
  RF_IP_SRC, RF_ASNUM, RF_COUNTRY, RF_SCORE, RF_VERIFIED_BOT, RF_JA3, RF_JA4, RF_DETECTION_IDS, RF_STATIC_RESOURCE,
  RF_VERIFIED_BOT_CATEGORY, RF_CLIENT_BOT, RF_BOT_NAME, RF_BOT_OPERATOR, RF_BOT_CATEGORY, RF_BOT_SPOOFED,
  RF_BOT_VERIFIED, RF_FINGERPRINT, RF_BOTSIFT_SCORE, RF_CLASS, RF_HEADERS, RF_HEADER_NAMES, RF_HEADER_VALUES, RF_ARGS,
  RF_ARG_NAMES, RF_ARG_VALUES, RF_FULL_URI, RF_HEADERS_COMPLETE, RF_HEADERS_ORDERED, RF_HEADER_ORDER, RF_UA_FAMILY, RF_UA_MAJOR,
} from "../bindings/format";
import { SLOT, arenaAlloc, setMissing, setBool, setInt, setBytes, setIp, setArray, setMap, copySlot, ptrOf, auxOf } from "./values";
import { v4, v6, IP_V4, IP_V6 } from "./ip";
import { readClaimedBrowser } from "./browser";
import { bytesEqual } from "./bytes";
import { countHeaders, forgetHeaderIndex } from "./headers";
import { fnv1a } from "./pack";

/** The request being judged: field addresses and lengths, record flags, and the verdict so far. */
export class Request {
  fieldPtr: StaticArray<u32> = new StaticArray<u32>(FIELD_COUNT);
  fieldLen: StaticArray<u32> = new StaticArray<u32>(FIELD_COUNT);
  flags: u32 = 0;
  asn: u32 = 0;
  ipKind: i32 = 0;
  ipBytes: usize = 0;
  score: u32 = 0;
  cls: u32 = 0;
  bot: i32 = -1;
  verified: bool = false;
  spoofed: bool = false;
  detections: usize = 0;
  detectionCount: u32 = 0;
  fingerprint: usize = 0;
  fingerprintLength: u32 = 0;
  botStrings: usize = 0;
  ruleData: usize = 0;
  /** Per field: the arena slot of its built value, valid when its bit in `built` is set. */
  cache: StaticArray<u32> = new StaticArray<u32>(64);
  built: u64 = 0;
}

export const request = new Request();

const userAgentSlot = memory.data(SLOT);

export function beginRequest(): void {
  forgetHeaderIndex();
  // The user agent, which most rules read, is built up front.
  setBytes(userAgentSlot, ptr(FIELD_USER_AGENT), len(FIELD_USER_AGENT));
  unchecked(request.cache[RF_USER_AGENT] = <u32>userAgentSlot);
  request.built = <u64>1 << <u64>RF_USER_AGENT;
  if (request.ipBytes == 0) request.ipBytes = heap.alloc(16);
}

const STATIC_EXTENSIONS = ["css", "js", "mjs", "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "woff", "woff2", "ttf", "otf", "eot", "map", "mp4", "webm", "mp3", "txt", "xml", "pdf", "zip", "bmp", "tif", "tiff"];

function ptr(id: i32): usize { return <usize>request.fieldPtr[id]; }
function len(id: i32): u32 { return request.fieldLen[id]; }

function lowerEquals(p: usize, n: u32, lit: string): bool {
  if (n != <u32>lit.length) return false;
  for (let i: u32 = 0; i < n; i++) if ((<u32>load<u8>(p + i) | 0x20) != (<u32>lit.charCodeAt(i) | 0x20)) return false;
  return true;
}

/** The first value of header `name` (lower case) as a bytes slot, or missing. */
function headerValue(out: usize, name: string): void {
  const base = ptr(FIELD_HEADERS), total = len(FIELD_HEADERS);
  let at: u32 = 0;
  while (at + 4 <= total) {
    const n = <u32>load<u16>(base + at), v = <u32>load<u16>(base + at + 2);
    if (<u64>at + 4 + n + v > <u64>total) break;
    if (lowerEquals(base + at + 4, n, name)) { setBytes(out, base + at + 4 + n, v); return; }
    at += 4 + n + v;
  }
  // An absent header is the empty string when the headers are known, as on Cloudflare.
  if ((request.flags & RECORD_FLAG_HEADERS_COMPLETE) != 0) setBytes(out, base, 0); else setMissing(out);
}

/**
 * `len(http.request.headers[name])` straight from the record: how many headers are called
 * `name`, or missing when there are none (the map has no such key) or the headers are unknown.
 */
export function headerCount(out: usize, name: usize, nameLength: u32, hash: u32): void {
  if ((request.flags & RECORD_FLAG_HEADERS_COMPLETE) == 0) { setMissing(out); return; }
  const count = countHeaders(ptr(FIELD_HEADERS), len(FIELD_HEADERS), name, nameLength, hash);
  if (count == 0) setMissing(out); else setInt(out, <i64>count);
}

/** Counts headers, then fills an array of names (part 0) or values (part 1). */
function headerArray(out: usize, part: i32): void {
  const base = ptr(FIELD_HEADERS), total = len(FIELD_HEADERS);
  if ((request.flags & RECORD_FLAG_HEADERS_COMPLETE) == 0) { setMissing(out); return; }
  let count: u32 = 0, at: u32 = 0;
  while (at + 4 <= total) { count++; at += 4 + <u32>load<u16>(base + at) + <u32>load<u16>(base + at + 2); }
  const items = arenaAlloc(count * SLOT);
  if (items == 0 && count > 0) { setMissing(out); return; }
  at = 0;
  for (let i: u32 = 0; i < count; i++) {
    const n = <u32>load<u16>(base + at), v = <u32>load<u16>(base + at + 2);
    if (part == 0) setBytes(items + <usize>i * SLOT, base + at + 4, n); else setBytes(items + <usize>i * SLOT, base + at + 4 + n, v);
    at += 4 + n + v;
  }
  setArray(out, count, items);
}

/**
 * Groups (key, value) pairs from `pairs` (an array slot of 2n bytes slots) into a map of
 * key → array of values, keys in first-seen order. Keys are found through a hash table, so a
 * request with thousands of headers or arguments costs linear time, not quadratic.
 */
function groupPairs(out: usize, pairs: usize, n: u32): void {
  let size: u32 = 16;
  while (size < 2 * n) size <<= 1;
  const entries = arenaAlloc(n * 2 * SLOT);
  const values = arenaAlloc(n * SLOT);
  const table = arenaAlloc(size * 4); // per slot: group + 1, or 0 when empty
  const groupOf = arenaAlloc(n * 4); // per pair: its key's group
  const counts = arenaAlloc(n * 4); // per group: its values, then where its next value goes
  if (n > 0 && (entries == 0 || values == 0 || table == 0 || groupOf == 0 || counts == 0)) { setMissing(out); return; }
  memory.fill(table, 0, <usize>size * 4);
  let keys: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const key = pairs + <usize>(2 * i) * SLOT;
    const p = ptrOf(key), m = auxOf(key);
    let s = fnv1a(p, m) & (size - 1);
    let g: u32 = 0;
    while (true) {
      const held = load<u32>(table + (<usize>s << 2));
      if (held == 0) {
        g = keys++;
        store<u32>(table + (<usize>s << 2), g + 1);
        copySlot(entries + <usize>(2 * g) * SLOT, key);
        store<u32>(counts + (<usize>g << 2), 0);
        break;
      }
      const other = entries + <usize>(2 * (held - 1)) * SLOT;
      if (bytesEqual(p, m, ptrOf(other), auxOf(other))) { g = held - 1; break; }
      s = (s + 1) & (size - 1);
    }
    store<u32>(groupOf + (<usize>i << 2), g);
    store<u32>(counts + (<usize>g << 2), load<u32>(counts + (<usize>g << 2)) + 1);
  }
  // Each key's values, contiguous and in order.
  let next: u32 = 0;
  for (let g: u32 = 0; g < keys; g++) {
    const c = load<u32>(counts + (<usize>g << 2));
    setArray(entries + <usize>(2 * g + 1) * SLOT, c, values + <usize>next * SLOT);
    store<u32>(counts + (<usize>g << 2), next);
    next += c;
  }
  for (let i: u32 = 0; i < n; i++) {
    const g = load<u32>(groupOf + (<usize>i << 2));
    const at = load<u32>(counts + (<usize>g << 2));
    copySlot(values + <usize>at * SLOT, pairs + <usize>(2 * i + 1) * SLOT);
    store<u32>(counts + (<usize>g << 2), at + 1);
  }
  setMap(out, keys, entries);
}

function headersMap(out: usize): void {
  const base = ptr(FIELD_HEADERS), total = len(FIELD_HEADERS);
  if ((request.flags & RECORD_FLAG_HEADERS_COMPLETE) == 0) { setMissing(out); return; }
  let count: u32 = 0, at: u32 = 0;
  while (at + 4 <= total) { count++; at += 4 + <u32>load<u16>(base + at) + <u32>load<u16>(base + at + 2); }
  const pairs = arenaAlloc(count * 2 * SLOT);
  if (pairs == 0 && count > 0) { setMissing(out); return; }
  at = 0;
  for (let i: u32 = 0; i < count; i++) {
    const n = <u32>load<u16>(base + at), v = <u32>load<u16>(base + at + 2);
    setBytes(pairs + <usize>(2 * i) * SLOT, base + at + 4, n);
    setBytes(pairs + <usize>(2 * i + 1) * SLOT, base + at + 4 + n, v);
    at += 4 + n + v;
  }
  groupPairs(out, pairs, count);
}

/** The query string's start and length within the URI field (after "?"), or length 0. */
function queryBounds(): u64 {
  const p = ptr(FIELD_URL), n = len(FIELD_URL);
  for (let i: u32 = 0; i < n; i++) if (load<u8>(p + i) == 0x3f) return (<u64>(i + 1) << 32) | <u64>(n - i - 1);
  return <u64>n << 32;
}

/** Query arguments as pairs, then names (part 0), values (part 1) or the grouped map (part 2). */
function args(out: usize, part: i32): void {
  if (len(FIELD_URL) == 0) { setMissing(out); return; }
  const bounds = queryBounds();
  const q = ptr(FIELD_URL) + <usize>(bounds >> 32), n = <u32>(bounds & 0xffffffff);
  let count: u32 = 0;
  if (n > 0) { count = 1; for (let i: u32 = 0; i < n; i++) if (load<u8>(q + i) == 0x26) count++; }
  const pairs = arenaAlloc(count * 2 * SLOT);
  if (pairs == 0 && count > 0) { setMissing(out); return; }
  let start: u32 = 0, k: u32 = 0;
  for (let i: u32 = 0; i <= n; i++) {
    if (i < n && load<u8>(q + i) != 0x26) continue;
    let eq = start;
    while (eq < i && load<u8>(q + eq) != 0x3d) eq++;
    setBytes(pairs + <usize>(2 * k) * SLOT, q + start, eq - start);
    setBytes(pairs + <usize>(2 * k + 1) * SLOT, q + (eq < i ? eq + 1 : i), eq < i ? i - eq - 1 : 0);
    k++;
    start = i + 1;
  }
  if (part == 2) { groupPairs(out, pairs, count); return; }
  const items = arenaAlloc(count * SLOT);
  if (items == 0 && count > 0) { setMissing(out); return; }
  for (let i: u32 = 0; i < count; i++) copySlot(items + <usize>i * SLOT, pairs + <usize>(2 * i + part) * SLOT);
  setArray(out, count, items);
}

function isStaticResource(): bool {
  const p = ptr(FIELD_URL), n = <u32>(queryBounds() >> 32);
  const pathEnd = n > 0 && load<u8>(p + n - 1) == 0x3f ? n - 1 : n;
  let dot: i32 = -1;
  for (let i = <i32>pathEnd - 1; i >= 0; i--) {
    const c = load<u8>(p + i);
    if (c == 0x2e) { dot = i; break; }
    if (c == 0x2f) break;
  }
  if (dot < 0) return false;
  const ext = p + <usize>dot + 1, extLen = pathEnd - <u32>dot - 1;
  for (let i = 0; i < STATIC_EXTENSIONS.length; i++) if (lowerEquals(ext, extLen, STATIC_EXTENSIONS[i])) return true;
  return false;
}

/** The bot's string `k` (0 name, 1 operator, 2 category, 3 Cloudflare category) or missing. */
function botString(out: usize, k: i32): void {
  if (request.bot < 0 || request.botStrings == 0) { setMissing(out); return; }
  const e = request.botStrings + <usize>request.bot * BOT_STRINGS_SIZE + <usize>k * 8;
  const n = load<u32>(e + 4);
  if (n == 0 && k == 1) { setMissing(out); return; }
  setBytes(out, request.ruleData + <usize>load<u32>(e), n);
}

const CLASS_NAMES = ["human", "likely_bot", "bot", "verified_bot"];
/** botsift.ua.family and botsift.ua.major, read together (browser.ts) and both cached. */
function claimedBrowser(): void {
  const family = arenaAlloc(2 * SLOT), major = family + SLOT;
  if (family == 0) return;
  readClaimedBrowser(ptr(FIELD_USER_AGENT), len(FIELD_USER_AGENT), family, major);
  cacheField(RF_UA_FAMILY, family);
  cacheField(RF_UA_MAJOR, major);
}

/** Lower-cased header names joined by ",": what header-order heuristics match against. */
function headerOrder(out: usize): void {
  if ((request.flags & RECORD_FLAG_HEADERS_COMPLETE) == 0) { setMissing(out); return; }
  const base = ptr(FIELD_HEADERS), total = len(FIELD_HEADERS);
  const buf = arenaAlloc(total + 1);
  if (buf == 0 && total > 0) { setMissing(out); return; }
  let at: u32 = 0, w: u32 = 0;
  while (at + 4 <= total) {
    const n = <u32>load<u16>(base + at), v = <u32>load<u16>(base + at + 2);
    if (w > 0) { store<u8>(buf + w, 0x2c); w++; }
    memory.copy(buf + w, base + at + 4, n);
    w += n;
    at += 4 + n + v;
  }
  setBytes(out, buf, w);
}

function textField(out: usize, id: i32): void {
  if (len(id) == 0) setMissing(out); else setBytes(out, ptr(id), len(id));
}

function cacheField(f: u32, slot: usize): void {
  if (f >= 64) return;
  unchecked(request.cache[f] = <u32>slot);
  request.built |= <u64>1 << f;
}

/** Field `f` as a read-only slot: the one the request built, in place, or `scratch` filled by loadField. */
@inline export function fieldSlot(f: u32, scratch: usize): usize {
  if ((request.built & (<u64>1 << <u64>f)) != 0) return <usize>unchecked(request.cache[f]);
  loadField(scratch, f);
  return scratch;
}

/** Writes field `f` into `out`. Array-, map- and derived fields are built once per request. */
export function loadField(out: usize, f: u32): void {
  if (f < 64) {
    if ((request.built & (<u64>1 << f)) == 0 && (f == RF_UA_FAMILY || f == RF_UA_MAJOR)) claimedBrowser();
    if ((request.built & (<u64>1 << f)) != 0) { copySlot(out, <usize>unchecked(request.cache[f])); return; }
  }
  switch (f) {
    case RF_METHOD: textField(out, FIELD_METHOD); return;
    case RF_URI: textField(out, FIELD_URL); return;
    case RF_URI_PATH: {
      if (len(FIELD_URL) == 0) { setMissing(out); return; }
      const q = queryBounds();
      const start = <u32>(q >> 32);
      setBytes(out, ptr(FIELD_URL), start > 0 && start <= len(FIELD_URL) && load<u8>(ptr(FIELD_URL) + start - 1) == 0x3f ? start - 1 : len(FIELD_URL));
      return;
    }
    case RF_URI_QUERY: {
      if (len(FIELD_URL) == 0) { setMissing(out); return; }
      const q = queryBounds();
      setBytes(out, ptr(FIELD_URL) + <usize>(q >> 32), <u32>(q & 0xffffffff));
      return;
    }
    case RF_HOST: textField(out, FIELD_HOST); return;
    case RF_USER_AGENT: setBytes(out, ptr(FIELD_USER_AGENT), len(FIELD_USER_AGENT)); return; // "" when there is none
    case RF_REFERER: headerValue(out, "referer"); return;
    case RF_COOKIE: headerValue(out, "cookie"); return;
    case RF_VERSION: textField(out, FIELD_HTTP_VERSION); return;
    case RF_SSL: setBool(out, (request.flags & RECORD_FLAG_TLS) != 0); return;
    case RF_IP_SRC: {
      if (request.ipKind == IP_V4) { memory.fill(request.ipBytes, 0, 12); store<u32>(request.ipBytes + 12, bswap<u32>(v4)); setIp(out, 4, request.ipBytes); }
      else if (request.ipKind == IP_V6) { for (let w = 0; w < 4; w++) store<u32>(request.ipBytes + (w << 2), bswap<u32>(load<u32>(v6 + (w << 2)))); setIp(out, 6, request.ipBytes); }
      else setMissing(out);
      return;
    }
    case RF_ASNUM: if ((request.flags & RECORD_FLAG_ASN_KNOWN) != 0) setInt(out, <i64>request.asn); else setMissing(out); return;
    case RF_COUNTRY: textField(out, FIELD_COUNTRY); return;
    case RF_SCORE: case RF_BOTSIFT_SCORE: setInt(out, <i64>request.score); return;
    case RF_VERIFIED_BOT: case RF_CLIENT_BOT: setBool(out, request.cls == CLASS_VERIFIED_BOT); return;
    case RF_JA3: textField(out, FIELD_JA3); return;
    case RF_JA4: textField(out, FIELD_JA4); return;
    case RF_STATIC_RESOURCE: if (len(FIELD_URL) == 0) setMissing(out); else setBool(out, isStaticResource()); return;
    case RF_VERIFIED_BOT_CATEGORY: if (request.cls == CLASS_VERIFIED_BOT) botString(out, 3); else setBytes(out, 0, 0); return;
    case RF_BOT_NAME: botString(out, 0); return;
    case RF_BOT_OPERATOR: botString(out, 1); return;
    case RF_BOT_CATEGORY: botString(out, 2); return;
    case RF_BOT_SPOOFED: setBool(out, request.spoofed); return;
    case RF_BOT_VERIFIED: setBool(out, request.verified); return;
    case RF_FINGERPRINT: if (request.fingerprintLength == 0) setMissing(out); else setBytes(out, request.fingerprint, request.fingerprintLength); return;
    case RF_HEADERS_COMPLETE: setBool(out, (request.flags & RECORD_FLAG_HEADERS_COMPLETE) != 0); return;
    case RF_HEADERS_ORDERED: setBool(out, (request.flags & RECORD_FLAG_HEADERS_ORDERED) != 0); return;
    default: break;
  }
  // Built values: made once, kept in an arena slot for the rest of the request.
  const slot = arenaAlloc(SLOT);
  if (slot == 0) { setMissing(out); return; }
  switch (f) {
    case RF_CLASS: {
      const name = CLASS_NAMES[request.cls < 4 ? request.cls : 0];
      const buf = arenaAlloc(<u32>name.length);
      if (buf == 0) setMissing(slot);
      else { for (let k = 0; k < name.length; k++) store<u8>(buf + k, <u8>name.charCodeAt(k)); setBytes(slot, buf, <u32>name.length); }
      break;
    }
    case RF_DETECTION_IDS: {
      const items = arenaAlloc(request.detectionCount * SLOT);
      for (let i: u32 = 0; i < request.detectionCount && items != 0; i++) setInt(items + <usize>i * SLOT, <i64>load<u32>(request.detections + (<usize>i << 2)));
      if (items == 0 && request.detectionCount > 0) setMissing(slot); else setArray(slot, request.detectionCount, items);
      break;
    }
    case RF_HEADERS: headersMap(slot); break;
    case RF_HEADER_NAMES: headerArray(slot, 0); break;
    case RF_HEADER_VALUES: headerArray(slot, 1); break;
    case RF_ARGS: args(slot, 2); break;
    case RF_ARG_NAMES: args(slot, 0); break;
    case RF_ARG_VALUES: args(slot, 1); break;
    case RF_FULL_URI: {
      const host = len(FIELD_HOST), uri = len(FIELD_URL);
      const tls = (request.flags & RECORD_FLAG_TLS) != 0;
      const scheme: u32 = tls ? 8 : 7;
      // Both parts or nothing, as knownFields says: a request line without a target has no full URI.
      const buf = host == 0 || uri == 0 ? 0 : arenaAlloc(scheme + host + uri);
      if (buf == 0) { setMissing(slot); break; }
      const prefix = tls ? "https://" : "http://";
      for (let k = 0; k < prefix.length; k++) store<u8>(buf + k, <u8>prefix.charCodeAt(k));
      memory.copy(buf + scheme, ptr(FIELD_HOST), host);
      memory.copy(buf + scheme + host, ptr(FIELD_URL), uri);
      setBytes(slot, buf, scheme + host + uri);
      break;
    }
    case RF_HEADER_ORDER: headerOrder(slot); break;
    default: setMissing(slot);
  }
  cacheField(f, slot);
  copySlot(out, slot);
}

/** Records field pointers of the record at `record` (offsets already checked by the caller). */
export function setRecordFields(record: usize): void {
  for (let f = 0; f < FIELD_COUNT; f++) {
    request.fieldPtr[f] = <u32>(record + <usize>load<u32>(record + f * 8));
    request.fieldLen[f] = load<u32>(record + f * 8 + 4);
  }
}
