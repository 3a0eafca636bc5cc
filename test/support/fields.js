// The field values the engine derives from a request, written plainly in JavaScript: the spec
// the engine's fields (assembly/fields.ts) are tested against through the reference evaluator.

const CLOUDFLARE = { ai_crawler: "AI Crawler", ai_search: "AI Search", ai_assistant: "AI Assistant", ai_agent: "AI Assistant",
  ai_coding_agent: "AI Assistant", ai_undocumented: "AI Crawler", search_engine: "Search Engine Crawler" };
const STATIC = new Set(["css", "js", "mjs", "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "woff", "woff2", "ttf", "otf", "eot", "map", "mp4", "webm", "mp3", "txt", "xml", "pdf", "zip", "bmp", "tif", "tiff"]);
const FAMILIES = [["Edg", "edge"], ["EdgA", "edge"], ["EdgiOS", "edge"], ["OPR", "opera"], ["SamsungBrowser", "samsung"], ["HeadlessChrome", "headless_chrome"],
  ["CriOS", "chrome"], ["Chrome", "chrome"], ["FxiOS", "firefox"], ["Firefox", "firefox"], ["Version", "safari"]];

/** Product tokens are whole words of ASCII letters right before a "/"; the first in FAMILIES order wins. */
function uaFamily(ua) {
  const words = [...ua.matchAll(/([A-Za-z]+)\/(\d{0,9})/g)];
  const hasSafari = words.some((m) => m[1] === "Safari");
  for (const [token, name] of FAMILIES) {
    const m = words.find((w) => w[1] === token);
    if (!m || (name === "safari" && !hasSafari)) continue;
    return { family: name, major: m[2] ? Number(m[2]) : undefined };
  }
  return { family: ua === "" ? undefined : "other", major: undefined };
}

/** `req`: { userAgent, method, url, host, httpVersion, ip, headers: [[name, value]] | undefined, tls, asn, country, ja3, ja4 }; `v`: the verdict. */
export function fieldValuesOf(req, v) {
  const headers = req.headers?.map(([k, val]) => [k.toLowerCase(), val]);
  const url = req.url ?? "";
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q), query = q < 0 ? "" : url.slice(q + 1);
  const pairs = query === "" && q < 0 ? [] : query.split("&").map((p) => { const e = p.indexOf("="); return e < 0 ? [p, ""] : [p.slice(0, e), p.slice(e + 1)]; });
  const group = (list) => {
    const m = {};
    for (const [k, val] of list) (m[k] ??= []).push(val);
    return m;
  };
  const header = (name) => (headers ? headers.find(([k]) => k === name)?.[1] ?? "" : undefined);
  const ext = /\.([^./]*)$/.exec(path)?.[1]?.toLowerCase();
  // The host is the description's, else the Host header's (as on Cloudflare, http.host is the Host header).
  const host = req.host ?? (header("host") || undefined);
  const { family, major } = uaFamily(req.userAgent ?? "");
  const when = (cond, value) => (cond ? value : undefined);
  return {
    "http.request.method": when(req.method, req.method),
    "http.request.uri": when(url, url),
    "http.request.uri.path": when(url, path),
    "http.request.uri.query": when(url, query),
    "http.request.uri.args": when(url, group(pairs)),
    "http.request.uri.args.names": when(url, pairs.map((p) => p[0])),
    "http.request.uri.args.values": when(url, pairs.map((p) => p[1])),
    "http.request.full_uri": when(host && url, `${req.tls ? "https" : "http"}://${host}${url}`),
    "http.host": when(host, host),
    "http.user_agent": req.userAgent ?? "",
    "http.referer": header("referer"),
    "http.cookie": header("cookie"),
    "http.request.version": when(req.httpVersion, req.httpVersion),
    "http.request.headers": when(headers, headers && group(headers)),
    "http.request.headers.names": when(headers, headers?.map((h) => h[0])),
    "http.request.headers.values": when(headers, headers?.map((h) => h[1])),
    "ssl": req.tls === true,
    "ip.src": when(req.ip, req.ip),
    "ip.src.asnum": req.asn,
    "ip.src.country": when(req.country, req.country),
    "cf.bot_management.ja3_hash": when(req.ja3, req.ja3),
    "cf.bot_management.ja4": when(req.ja4, req.ja4),
    "cf.bot_management.score": v.score,
    "botsift.score": v.score,
    "botsift.class": v.class,
    "cf.bot_management.verified_bot": v.class === "verified_bot",
    "cf.client.bot": v.class === "verified_bot",
    "cf.bot_management.detection_ids": v.detections,
    "cf.bot_management.static_resource": when(url, STATIC.has(ext)),
    "cf.verified_bot_category": v.class === "verified_bot" ? CLOUDFLARE[v.bot.category] ?? "Other" : "",
    "botsift.bot.name": v.bot?.name,
    "botsift.bot.operator": v.bot?.operator ?? undefined,
    "botsift.bot.category": v.bot?.category,
    "botsift.bot.spoofed": v.bot?.spoofed === true,
    "botsift.bot.verified": v.bot?.verified === true,
    "botsift.fingerprint": v.fingerprint ?? undefined,
    "botsift.headers.complete": headers !== undefined,
    "botsift.headers.ordered": headers !== undefined,
    "botsift.headers.order": when(headers, headers?.map((h) => h[0]).join(",")),
    "botsift.ua.family": family,
    "botsift.ua.major": major,
  };
}
