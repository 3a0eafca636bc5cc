// The requests every example server gets, and what must come back. The examples all run
// { blockAI: true, allow: ["OAI-SearchBot", "MistralAI-User"], robotsTxt: true }.
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { headerValue, replayHead, sendRaw } from "./raw-request.mjs";

/**
 * A real Chromium navigation (the captured headful request over plain HTTP on loopback), replayed byte
 * for byte so the "human" request looks human to header-order heuristics too; Node's fetch would
 * reorder its headers and add its own.
 */
const CAPTURED = JSON.parse(readFileSync(new URL("../../fixtures/requests/chromium-headful-http-loopback.json", import.meta.url), "utf8"));
/** Claims a client might forge to pass as verified: the apps must see botsift's tags, not these. */
const FORGED_TAGS = [["x-botsift-class", "verified_bot"], ["x-botsift-score", "1"]];

/** The exact bytes the battery sends as the browser to `base + path`. */
export const browserRequest = (base, path) => replayHead(CAPTURED.raw, base + path, FORGED_TAGS);

export const UA = {
  chrome: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
  gptbot: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.3; +https://openai.com/gptbot)",
  // Google publishes authoritative ranges: from loopback this is a spoofed Googlebot.
  googlebot: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  // A search engine that publishes no ranges: its user agent is all there is.
  baidu: "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
  // Allowed in the options, but OpenAI publishes its ranges: from loopback the claim is unverified.
  oaiSearch: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; OAI-SearchBot/1.0; +https://openai.com/searchbot",
  // Allowed in the options and publishes no ranges: the user agent is all there is.
  mistral: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; MistralAI-User/1.0; +https://docs.mistral.ai/robots)",
  curl: "curl/8.5.0",
};

const TIMEOUT = 10_000;

export async function get(base, path, userAgent, headers = {}, method = "GET") {
  const r = await fetch(base + path, { method, headers: { "user-agent": userAgent, ...headers }, signal: AbortSignal.timeout(TIMEOUT) });
  const text = await r.text();
  return { status: r.status, type: r.headers.get("content-type") ?? "", text, json: () => JSON.parse(text) };
}

/** GET `path` as the captured Chromium (see browserRequest), answered like get(). */
export async function getAsBrowser(base, path) {
  const r = await sendRaw(base + path, browserRequest(base, path), { timeoutMs: TIMEOUT });
  const text = r.body.toString("utf8");
  return { status: r.status, type: headerValue(r.headers, "content-type") ?? "", text, json: () => JSON.parse(text) };
}

/** Runs the battery against `base`; `app` is the example's runtime name in its JSON answers. */
/** `addressKnown`: the runtime tells the engine the client address (workerd run locally has no cf-connecting-ip). */
export async function battery(base, app, { context = false, addressKnown = true } = {}) {
  const human = await getAsBrowser(base, "/hello");
  assert.is(human.status, 200, `${app}: browser → 200 (${human.text})`);
  const h = human.json();
  assert.is(h.runtime, app);
  assert.is(h.botsift["x-botsift-class"], "human", `${app}: the app sees class human, not the client's forged header`);
  assert.ok(Number(h.botsift["x-botsift-score"]) >= 30, `${app}: human score ≥ 30`);
  assert.is(h.botsift["x-botsift-action"], "pass");
  if (context) assert.is(h.decision, "pass", `${app}: context object carries the decision`);

  const gpt = await get(base, "/hello", UA.gptbot);
  assert.is(gpt.status, 403, `${app}: GPTBot blocked`);
  assert.is(gpt.text, "Forbidden\n");
  assert.match(gpt.type, /^text\/plain/);

  const head = await get(base, "/hello", UA.gptbot, {}, "HEAD");
  assert.is(head.status, 403, `${app}: HEAD from GPTBot blocked too`);
  assert.is(head.text, "");

  const baidu = await get(base, "/search-me", UA.baidu);
  assert.is(baidu.status, 200, `${app}: search engines stay allowed`);
  assert.is(baidu.json().botsift["x-botsift-category"], "search_engine");
  assert.is(baidu.json().botsift["x-botsift-class"], "bot");

  const google = await get(base, "/search-me", UA.googlebot);
  if (addressKnown) assert.is(google.status, 403, `${app}: a spoofed Googlebot (loopback is not Google's) is blocked with blockAI`);
  else assert.is(google.status, 200, `${app}: without a client address a Googlebot claim is neither verified nor spoofed`);

  const mistral = await get(base, "/", UA.mistral);
  assert.is(mistral.status, 200, `${app}: allow entry beats blockAI`);
  assert.is(mistral.json().botsift["x-botsift-action"], "allow");
  if (context) assert.is(mistral.json().decision, "allow");

  const oai = await get(base, "/", UA.oaiSearch);
  assert.is(oai.status, 403, `${app}: an allow entry for a bot that publishes ranges needs a verified request`);

  const curl = await get(base, "/", UA.curl);
  assert.is(curl.status, 200, `${app}: non-AI bots pass`);
  assert.is(curl.json().botsift["x-botsift-category"], "http_library");

  const robots = await get(base, "/robots.txt", UA.gptbot);
  assert.is(robots.status, 200, `${app}: robots.txt reachable for a blocked bot`);
  assert.match(robots.type, /^text\/plain/);
  assert.match(robots.text, /^User-agent: GPTBot$/m);
  assert.match(robots.text, /^User-agent: ClaudeBot$/m);
  assert.match(robots.text, /^Disallow: \/$/m);
  for (const allowed of ["OAI-SearchBot", "MistralAI-User", "Googlebot", "Bingbot"]) {
    assert.not.match(robots.text, new RegExp(`^User-agent: ${allowed}$`, "m"), `${app}: robots.txt leaves ${allowed} alone`);
  }
}
