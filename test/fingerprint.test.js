// botsift's header fingerprint: format, what each part reflects, order sensitivity, and
// silence when no headers were supplied.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createEngine } from "botsift";

const engine = await createEngine();
const CHROME = [
  ["host", "example.com"], ["connection", "keep-alive"], ["sec-ch-ua", '"Chromium";v="131"'], ["sec-ch-ua-mobile", "?0"],
  ["sec-ch-ua-platform", '"Linux"'], ["upgrade-insecure-requests", "1"], ["user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"],
  ["accept", "text/html"], ["sec-fetch-site", "none"], ["sec-fetch-mode", "navigate"], ["accept-encoding", "gzip"], ["accept-language", "en-US"],
];
const FORMAT = /^[a-z]{2}(10|11|20|30|00)-[0-9a-f]{2}-\d{2}-[os][0-9a-f]{11}$/;
const fp = (req) => engine.classify(req).fingerprint;

test("format and parts", () => {
  const f = fp({ method: "GET", httpVersion: "HTTP/1.1", headers: CHROME });
  assert.match(f, FORMAT);
  assert.is(f.slice(0, 4), "ge11");
  assert.is(f.slice(5, 7), "e7", "accept, accept-language, accept-encoding, sec-fetch-*, sec-ch-ua*, upgrade-insecure-requests");
  assert.is(f.slice(8, 10), "12");
  assert.is(f[11], "o");
});

test("curl's three headers fingerprint differently from a browser", () => {
  const curl = fp({ method: "GET", httpVersion: "HTTP/1.1", headers: [["host", "x"], ["user-agent", "curl/8.5.0"], ["accept", "*/*"]] });
  assert.is(curl.slice(0, 10), "ge11-01-03");
  assert.is.not(curl.slice(11), fp({ method: "GET", httpVersion: "HTTP/1.1", headers: CHROME }).slice(11));
});

test("the hash follows header order; values do not matter", () => {
  const base = fp({ method: "GET", headers: CHROME });
  assert.is.not(fp({ method: "GET", headers: [...CHROME].reverse() }), base);
  assert.is(fp({ method: "GET", headers: CHROME.map(([k, v]) => [k, v + "x"]) }), base);
  assert.is(fp({ method: "GET", headers: CHROME.map(([k, v]) => [k.toUpperCase(), v]) }), base, "names are compared lower-cased");
});

test("a Fetch Request's headers are marked as sorted (order unknown)", () => {
  const f = fp(new Request("https://example.com/", { headers: Object.fromEntries(CHROME.filter(([k]) => k !== "host" && k !== "connection")) }));
  assert.match(f, FORMAT);
  assert.is(f[11], "s");
  assert.is(f.slice(0, 4), "ge00");
});

test("versions and methods", () => {
  for (const [version, code] of [["HTTP/1.0", "10"], ["1.1", "11"], ["HTTP/2", "20"], ["h2", "20"], ["HTTP/3", "30"], ["", "00"]]) {
    assert.is(fp({ method: "POST", httpVersion: version, headers: [["a", "b"]] }).slice(0, 4), `po${code}`);
  }
  assert.is(fp({ headers: [["a", "b"]] }).slice(0, 2), "xx");
});

test("the built-in pack labels the fingerprints of captured libraries and tools", async () => {
  const { readFileSync } = await import("node:fs");
  const capture = JSON.parse(readFileSync(new URL("./fixtures/requests/curl-http.json", import.meta.url), "utf8")).request;
  const v = engine.classify({ method: capture.method, httpVersion: capture.httpVersion, headers: capture.headers });
  assert.is(v.fingerprintLabel, "curl");
  assert.is(engine.classify({ method: "GET", httpVersion: "HTTP/1.1", headers: CHROME }).fingerprintLabel, null);
});

test("no headers supplied: no fingerprint", () => {
  assert.is(fp({ userAgent: "curl/8.5.0" }), null);
  assert.is(engine.classify("curl/8.5.0").fingerprintLabel, null);
  assert.is(fp("curl/8.5.0"), null);
});

test.run();
