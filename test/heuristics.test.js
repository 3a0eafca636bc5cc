// The heuristics of packs/heuristics.json on real and synthetic labelled requests: what the
// captures say must be caught is caught, the real browser scores as human, every heuristic earns
// its place on some labelled example and stays silent on isbot's browsers, header heuristics stay
// silent without headers, order heuristics without wire order, and the README's finding holds
// (headless Chromium with a Chrome user agent is, at the HTTP layer, the headful browser).
// Failures list every offender, not just the first.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import {
  labelled, syntheticSet, isHeaderHeuristic, uaInfo, ja4, HEURISTICS_PATH,
} from "../scripts/calibrate.mjs";
import { summarize } from "../scripts/report.mjs";
import { parseRule, evaluateRule } from "botsift/rules";

const source = JSON.parse(readFileSync(new URL(`../${HEURISTICS_PATH}`, import.meta.url), "utf8"));
const heuristics = source.heuristics;
const byDetection = new Map(heuristics.map((h) => [h.detectionId, h]));
const { engine, fixtures, synthetic } = await labelled(source);
const captures = fixtures.filter((e) => e.source === "captures");
const capture = (id) => captures.find((e) => e.id === id);
const names = (ids) => ids.map((d) => byDetection.get(d)?.id ?? d).join(", ");

/** Detection ids are part of the public contract: never renumber, never reuse. Retired: 1062 (tls-cipher-count, merged into tls-not-browser-shape before release). */
const STABLE_IDS = {
  "ua-empty": 1001, "ua-overlong": 1002, "ua-attack-payload": 1003, "ua-mozilla-without-platform": 1004, "ua-headless": 1005,
  "automation-framework": 1006, "ua-legacy-ie": 1007, "ua-browser-without-mozilla": 1008, "headers-few": 1010,
  "browser-no-accept-language": 1011, "browser-no-accept": 1012, "browser-no-accept-encoding": 1013, "browser-https-no-brotli": 1014,
  "browser-https-no-sec-fetch": 1015, "chromium-https-no-client-hints": 1016, "library-accept-any-no-language": 1017,
  "library-no-compression": 1018, "accept-language-wildcard": 1019, "sec-fetch-incomplete": 1020, "client-hints-incomplete": 1021,
  "connection-close": 1022, "get-with-content-length": 1023, "h2c-upgrade": 1024, "client-hints-non-chromium": 1030,
  "client-hints-platform-mismatch": 1031, "client-hints-mobile-mismatch": 1032, "client-hints-version-mismatch": 1033,
  "client-hints-brand-mismatch": 1034, "accept-chromium-non-chromium": 1035, "ua-version-future": 1040, "ua-version-stale": 1041,
  "ua-version-predates-headers": 1042, "http10-browser": 1043, "http10-client": 1044, "ua-chrome-not-reduced": 1045,
  "order-host-not-first": 1050, "order-user-agent-after-accept": 1051, "order-chromium-accept-family": 1052,
  "order-firefox-accept-family": 1053, "order-chromium-user-agent-early": 1054, "tls-library-ciphers": 1060,
  "tls-not-browser-shape": 1061, "datacenter-browser": 1070,
};

/** Heuristics that read headers without starting with `botsift.headers.complete and`, and why that is right. */
const MIXED = {
  "ua-headless": "the user-agent part judges the user agent alone; the sec-ch-ua part sits inside (botsift.headers.complete and …)",
  "automation-framework": "the user-agent part judges the user agent alone; the header-name part sits inside (botsift.headers.complete and …)",
  "http10-browser": "judges the HTTP version; headers only as a guard (a proxy header silences it), which is false without headers",
  "http10-client": "judges the HTTP version; headers only as a guard (a proxy header silences it), which is false without headers",
};

test("at least 30 heuristics, ids and detection ids stable and unique, every field sound", () => {
  assert.ok(heuristics.length >= 30, `${heuristics.length} heuristics`);
  const problems = [];
  const ids = new Set(), detections = new Set();
  for (const h of heuristics) {
    if (ids.has(h.id)) problems.push(`duplicate id ${h.id}`);
    if (detections.has(h.detectionId)) problems.push(`duplicate detection id ${h.detectionId}`);
    ids.add(h.id); detections.add(h.detectionId);
    if (STABLE_IDS[h.id] !== h.detectionId) problems.push(`${h.id}: detection id ${h.detectionId}, registered ${STABLE_IDS[h.id] ?? "none"} (add new heuristics to STABLE_IDS; never renumber)`);
    if (!(Number.isInteger(h.score) && h.score >= 1 && h.score <= 99)) problems.push(`${h.id}: score ${h.score}`);
    if (h.description.length < 60) problems.push(`${h.id}: the description must say what and why`);
  }
  for (const [id, d] of Object.entries(STABLE_IDS)) if (!ids.has(id)) problems.push(`${id} (${d}) was removed: retire ids deliberately`);
  assert.ok(problems.length === 0, problems.join("\n"));
});

test("every captured library and CLI client and plain headless Chromium is a bot", () => {
  const wanted = captures.filter((e) => e.kind === "library" || e.kind === "cli" || e.client === "chromium-headless" || e.client === "chromium-playwright");
  assert.ok(wanted.length >= 40, `${wanted.length} captures`);
  const wrong = wanted.filter((e) => e.verdict.class !== "bot" && e.verdict.class !== "likely_bot")
    .map((e) => `  ${e.id}: ${e.verdict.class} ${e.verdict.score} [${names(e.fired)}]`);
  assert.ok(wrong.length === 0, `${wrong.length} captured bots not caught:\n${wrong.join("\n")}`);
});

test("the headful Chromium request scores as human, on every origin, with no heuristic fired", () => {
  const headful = captures.filter((e) => e.client === "chromium-headful");
  assert.is(headful.length, 3);
  for (const e of headful) {
    assert.ok(e.verdict.score >= 30 && e.verdict.class === "human", `${e.id}: ${e.verdict.class} ${e.verdict.score}`);
    assert.equal(e.fired, [], `${e.id} fired ${names(e.fired)}`);
  }
});

test("headless Chromium with a forced Chrome user agent gets the headful verdict (README finding)", () => {
  const strip = (v) => ({ score: v.score, class: v.class, bot: v.bot, detections: v.detections, fingerprint: v.fingerprint });
  for (const origin of ["https", "http", "http-loopback"]) {
    const reference = strip(capture(`chromium-headful-${origin}`).verdict);
    for (const client of ["chromium-headless-chrome-ua", "chromium-playwright-chrome-ua"]) {
      assert.equal(strip(capture(`${client}-${origin}`).verdict), reference, `${client}-${origin}`);
    }
  }
  // …and that is because the requests are the same, down to the TLS ClientHello (JA4).
  assert.is(capture("chromium-headless-chrome-ua-https").request.ja4, capture("chromium-headful-https").request.ja4);
});

test("JA4 of the captures: Chromium's cipher hash is the published one, libraries differ", () => {
  const chromium = capture("chromium-headful-https").request.ja4;
  assert.match(chromium, /^t13d\d{4}h2_8daaf6152771_[0-9a-f]{12}$/);
  for (const e of captures.filter((c) => c.scheme === "https" && (c.kind === "library" || c.kind === "cli"))) {
    assert.ok(!e.request.ja4.includes("_8daaf6152771_"), `${e.id} has Chromium's cipher list`);
  }
  assert.is(ja4({ ciphers: ["0x1301"], extensions: [0, 16, 43], supportedVersions: ["0x0304"], alpn: ["h2"], sni: "x", signatureAlgorithms: [] }).slice(0, 10), "t13d0103h2");
});

test("every heuristic fires on at least one labelled bot", () => {
  const fired = new Map();
  for (const e of [...fixtures, ...synthetic]) for (const d of e.fired) if (e.label === "bot") fired.set(d, (fired.get(d) ?? 0) + 1);
  const silent = heuristics.filter((h) => !fired.has(h.detectionId)).map((h) => `  ${h.id} (${h.detectionId})`);
  assert.ok(silent.length === 0, `${silent.length} heuristics never fire on a labelled bot:\n${silent.join("\n")}`);
});

test("no heuristic fires on an isbot browser fixture (user agent only)", () => {
  const wrong = fixtures.filter((e) => e.source === "isbot" && e.label === "human" && e.fired.length > 0)
    .map((e) => `  [${names(e.fired)}] ${e.request}`);
  assert.ok(wrong.length === 0, `${wrong.length} isbot browser fixtures trip a heuristic:\n${wrong.join("\n")}`);
});

test("header heuristics start with botsift.headers.complete (missing information is not evidence)", () => {
  const wrong = [];
  for (const h of heuristics) {
    const readsHeaders = /http\.request\.headers|botsift\.headers\.order/.test(h.expression);
    if (readsHeaders && !isHeaderHeuristic(h) && !(h.id in MIXED)) wrong.push(`  ${h.id}: ${h.expression.slice(0, 100)}…`);
    if (/botsift\.headers\.order matches r"\(\^\|,\)/.test(h.expression) && !h.expression.includes("botsift.headers.ordered")) wrong.push(`  ${h.id}: judges header order without botsift.headers.ordered`);
    if (/sec-fetch|sec-ch-ua/.test(h.expression) && /not len\(http\.request\.headers\["sec-(fetch|ch-ua)/.test(h.expression) && !/\bssl\b/.test(h.expression)) wrong.push(`  ${h.id}: expects secure-context headers without requiring ssl`);
  }
  assert.ok(wrong.length === 0, wrong.join("\n"));
});

test("header heuristics never fire on a bare user agent or a request without headers", () => {
  const header = new Set(heuristics.filter(isHeaderHeuristic).map((h) => h.detectionId));
  const uas = new Set([...fixtures, ...synthetic].map((e) => (typeof e.request === "string" ? e.request : uaOf(e.request))));
  const wrong = [];
  for (const ua of uas) {
    for (const req of [ua, { userAgent: ua, method: "GET", url: "/", httpVersion: "HTTP/1.1", tls: true, asn: 16509, ja4: "t13d311100_e8f1e7e78f70_d41ae481755e" }]) {
      const hit = engine.classify(req).detections.filter((d) => header.has(d));
      if (hit.length) wrong.push(`  [${names(hit)}] ${ua}`);
    }
  }
  assert.ok(header.size >= 20, `${header.size} header heuristics`);
  assert.ok(wrong.length === 0, `${wrong.length} header heuristics fired without headers:\n${wrong.slice(0, 50).join("\n")}`);
});

test("order heuristics stay silent on sorted headers (a Fetch Headers object)", () => {
  const order = new Set(heuristics.filter((h) => h.expression.includes("botsift.headers.ordered")).map((h) => h.detectionId));
  assert.ok(order.size >= 4);
  const wrong = [];
  for (const e of captures) {
    const v = engine.classify({ ...e.request, headers: new Headers(e.request.headers) });
    const hit = v.detections.filter((d) => order.has(d));
    if (hit.length) wrong.push(`  ${e.id}: ${names(hit)}`);
  }
  assert.ok(wrong.length === 0, wrong.join("\n"));
});

test("order heuristics stay silent when a proxy or CDN relayed the request", () => {
  const order = new Set(heuristics.filter((h) => h.id.startsWith("order-")).map((h) => h.detectionId));
  const ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
  const urllib = capture("python-urllib-http").request;
  const disguised = { ...urllib, headers: urllib.headers.map(([k, v]) => [k, /^user-agent$/i.test(k) ? ua : v]) };
  assert.ok(engine.classify(disguised).detections.some((d) => order.has(d)), "the disguised urllib request breaks Chromium's order");
  for (const relay of ["Via", "X-Forwarded-For", "X-Real-IP", "Forwarded", "CF-Connecting-IP", "CDN-Loop", "True-Client-IP"]) {
    const v = engine.classify({ ...disguised, headers: [...disguised.headers, [relay, "192.0.2.1"]] });
    assert.equal(v.detections.filter((d) => order.has(d)), [], relay);
  }
});

test("contradictions between client hints and the user agent are caught; consistent hints are not", () => {
  const chrome = capture("chromium-headful-https").request;
  const withUa = (ua) => ({ ...chrome, headers: chrome.headers.map(([k, v]) => [k, /^user-agent$/i.test(k) ? ua : v]) });
  const fired = (ua) => names(engine.classify(withUa(ua)).detections.filter((d) => byDetection.has(d)));
  assert.is(fired("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"), "");
  assert.match(fired("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"), "client-hints-platform-mismatch");
  assert.match(fired("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"), "client-hints-version-mismatch");
  assert.match(fired("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"), "client-hints-non-chromium");
  assert.match(fired("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0"), "client-hints-brand-mismatch");
  assert.match(fired("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36"), "ua-version-predates-headers");
});

test("a library with a browser's user agent is caught by its headers and its TLS stack", () => {
  const ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
  const wrong = [];
  for (const e of captures.filter((c) => c.kind === "library" || c.kind === "cli")) {
    const headers = e.request.headers.filter(([k]) => !/^user-agent$/i.test(k));
    headers.splice(1, 0, ["User-Agent", ua]);
    const v = engine.classify({ ...e.request, headers });
    if (v.class === "human") wrong.push(`  ${e.id}: ${v.score} [${names(v.detections)}]`);
    if (e.scheme === "https" && !v.detections.some((d) => byDetection.get(d)?.id.startsWith("tls-"))) wrong.push(`  ${e.id}: no TLS heuristic on ${e.request.ja4}`);
  }
  assert.ok(wrong.length === 0, wrong.join("\n"));
});

test("the synthetic set is deterministic", () => {
  const plain = (set) => JSON.stringify(set.map((e) => ({ ...e, request: { ...e.request, headers: e.request.headers instanceof Headers ? [...e.request.headers] : e.request.headers } })));
  assert.is(plain(syntheticSet({ seed: 5, humans: 50 })), plain(syntheticSet({ seed: 5, humans: 50 })));
});

test("the engine agrees with the reference evaluator on every heuristic (sample of the labelled set)", () => {
  const rules = heuristics.map((h) => ({ h, rule: parseRule(h.expression) }));
  const sample = [...captures, ...fixtures.filter((e, i) => e.source !== "captures" && i % 6 === 0), ...synthetic.filter((e, i) => i % 5 === 0)];
  const wrong = new Map();
  for (const e of sample) {
    const f = referenceFields(e.request);
    for (const { h, rule } of rules) {
      const ref = evaluateRule(rule, f), eng = e.fired.includes(h.detectionId);
      if (ref === eng) continue;
      const k = `  ${h.id}: reference ${ref}, engine ${eng}`;
      wrong.set(k, [...(wrong.get(k) ?? []), e.id]);
    }
  }
  assert.ok(wrong.size === 0, [...wrong].map(([k, ids]) => `${k} on ${ids.length}, e.g. ${ids.slice(0, 3).join(" ")}`).join("\n"));
});

/** The fields the heuristics read, computed in JS the way the engine and its host layer do. */
function referenceFields(req) {
  const f = { "botsift.headers.complete": false, "botsift.headers.ordered": false };
  let list = null;
  if (typeof req === "object" && req.headers) {
    list = [];
    if (Array.isArray(req.headers)) for (const [k, v] of req.headers) list.push([k.toLowerCase(), v]);
    else req.headers.forEach((v, k) => list.push([k.toLowerCase(), v]));
    f["botsift.headers.complete"] = true;
    f["botsift.headers.ordered"] = Array.isArray(req.headers);
    const map = {};
    for (const [k, v] of list) (map[k] ??= []).push(v);
    f["http.request.headers"] = map;
    f["http.request.headers.names"] = list.map(([k]) => k);
    f["botsift.headers.order"] = list.map(([k]) => k).join(",");
  }
  const ua = typeof req === "string" ? req : uaOf(req);
  f["http.user_agent"] = ua;
  if (ua) {
    const info = uaInfo(ua);
    f["botsift.ua.family"] = info.family;
    if (info.major !== null) f["botsift.ua.major"] = info.major;
  }
  if (typeof req === "object") {
    if (req.httpVersion) f["http.request.version"] = req.httpVersion;
    if (req.method) f["http.request.method"] = req.method;
    if (req.tls !== undefined) f.ssl = req.tls;
    if (req.asn !== undefined) f["ip.src.asnum"] = req.asn;
    if (req.ja4) f["cf.bot_management.ja4"] = req.ja4;
  }
  return f;
}

test("detection quality: ROC AUC and error rates stay where the report put them", () => {
  const f = summarize(fixtures), s = summarize(synthetic), c = summarize(captures);
  assert.ok(f.auc >= 0.97, `fixtures AUC ${f.auc}`);
  assert.ok(s.auc >= 0.95, `synthetic AUC ${s.auc}`);
  assert.ok(c.auc >= 0.9, `captures AUC ${c.auc}`);
  assert.ok(s.falsePositiveRate <= 0.01, `synthetic browsers flagged: ${s.falsePositiveRate}`);
  assert.ok(s.recall >= 0.85, `synthetic bots caught: ${s.recall}`);
});

function uaOf(req) {
  if (typeof req.userAgent === "string") return req.userAgent;
  if (req.headers instanceof Headers) return req.headers.get("user-agent") ?? "";
  return req.headers.find(([k]) => k.toLowerCase() === "user-agent")?.[1] ?? "";
}


test("the built-in pack carries the heuristics: curl dressed as Chrome is caught, the captured browser is not", async () => {
  const { createEngine } = await import("botsift");
  const builtIn = await createEngine();
  assert.ok(builtIn.packInfo.sources.some((s) => s.name === source.name), JSON.stringify(builtIn.packInfo.sources));
  const browser = JSON.parse(readFileSync(new URL("./fixtures/requests/chromium-headful-https.json", import.meta.url), "utf8")).request;
  const ua = browser.headers.find(([k]) => /^user-agent$/i.test(k))[1];
  const real = builtIn.classify({ userAgent: ua, method: "GET", url: "/", httpVersion: browser.httpVersion, tls: true, headers: browser.headers });
  assert.is(real.class, "human", `the captured Chromium: ${names(real.detections)}`);
  assert.equal(real.detections, []);
  const disguised = builtIn.classify({ userAgent: ua, method: "GET", url: "/", httpVersion: "HTTP/1.1", tls: true,
    headers: [["host", "example.com"], ["user-agent", ua], ["accept", "*/*"]] });
  assert.ok(disguised.class !== "human", `curl's headers under Chrome's user agent: ${disguised.class} ${disguised.score}`);
  assert.ok(disguised.detections.includes(STABLE_IDS["browser-no-accept-language"]), names(disguised.detections));
  // A bare user agent runs only the heuristics that need nothing else.
  assert.is(builtIn.classify(ua).class, "human");
});

test.run();
