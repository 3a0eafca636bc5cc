// The public API on Node: what classify accepts, batch = single, isBot, hostile input,
// swap semantics, and faults reported as values rather than crashes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createEngine, compilePack, BotsiftError, PackLoadError } from "botsift";
import { readFileSync } from "node:fs";

const source = {
  name: "api", version: "1",
  bots: [
    { name: "ExampleBot", operator: "Example Inc", category: "ai_crawler", robotsToken: "ExampleBot", respectsRobotsTxt: true,
      signatures: [{ literal: "examplebot", wordStart: true }], examples: ["Mozilla/5.0 (compatible; ExampleBot/2.0)"] },
    { name: "Generic crawler", operator: null, category: "other", generic: true, signatures: [{ literal: "crawler" }] },
  ],
};
const pack = await compilePack([source]);
const BOT = "Mozilla/5.0 (compatible; ExampleBot/2.0; +https://example.com/bot)";
const BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

test("a signature match is score 1, class bot, with the bot's metadata", async () => {
  const engine = await createEngine({ pack });
  const v = engine.classify({ userAgent: BOT });
  assert.is(v.score, 1);
  assert.is(v.class, "bot");
  assert.is(v.bot.name, "ExampleBot");
  assert.is(v.bot.operator, "Example Inc");
  assert.is(v.bot.category, "ai_crawler");
  assert.is(v.bot.robotsToken, "ExampleBot");
  assert.is(v.detections.length, 1);
});

test("no evidence at all is human", async () => {
  const engine = await createEngine({ pack });
  const v = engine.classify(BROWSER);
  assert.is(v.class, "human");
  assert.ok(v.score >= 30);
  assert.is(v.bot, null);
  assert.equal(v.detections, []);
});

test("the most specific signature names the bot; all matches are detections", async () => {
  const engine = await createEngine({ pack });
  const v = engine.classify("ExampleBot crawler");
  assert.is(v.bot.name, "ExampleBot");
  assert.is(v.detections.length, 2);
  assert.is(engine.classify("some crawler").bot.name, "Generic crawler");
});

test("classify accepts a Fetch Request, a RequestInfo with headers in any form, and a string", async () => {
  const engine = await createEngine({ pack });
  const forms = [
    new Request("https://example.com/", { headers: { "User-Agent": BOT } }),
    { headers: new Headers({ "user-agent": BOT }) },
    { headers: { "User-Agent": BOT } },
    { headers: [["user-agent", BOT]] },
    { userAgent: BOT, ip: "192.0.2.1", method: "GET" },
    BOT,
  ];
  for (const f of forms) assert.is(engine.classify(f).bot?.name, "ExampleBot", JSON.stringify(f));
  for (const f of [{}, { headers: {} }, new Request("https://example.com/"), { userAgent: null }]) {
    assert.is(engine.classify(f).class, "human");
  }
});

test("classifyBatch equals classify one by one, across chunk boundaries", async () => {
  const engine = await createEngine({ pack });
  const reqs = [];
  for (let i = 0; i < 700; i++) reqs.push(i % 3 === 0 ? BOT : i % 3 === 1 ? BROWSER : `crawler-${i}-é`);
  const batch = engine.classifyBatch(reqs);
  assert.is(batch.length, reqs.length);
  reqs.forEach((r, i) => assert.equal(batch[i], engine.classify(r)));
  assert.equal(engine.classifyBatch([]), []);
});

test("isBot agrees with classify", async () => {
  const engine = await createEngine({ pack });
  assert.is(engine.isBot(BOT), true);
  assert.is(engine.isBot(BROWSER), false);
  assert.is(engine.isBot(""), false);
});

test("isBot agrees with classify on every fixture, with the built-in pack's heuristics and custom rules", async () => {
  // isBot skips the heuristics once the signatures decide; the class must come out the same.
  const engine = await createEngine({ rules: [{ id: "log-chrome", expression: 'http.user_agent contains "Chrome"', action: "log" }] });
  const read = (f) => Object.values(JSON.parse(readFileSync(new URL(`./fixtures/isbot/${f}`, import.meta.url), "utf8"))).flat();
  const uas = [...read("crawlers.json"), ...read("browsers.json"), "", "Mozilla/5.0", "Mozilla/5.0 HeadlessChrome/131.0.0.0", "x".repeat(600)];
  const wrong = uas.filter((ua) => engine.isBot(ua) !== (engine.classify(ua).class !== "human"));
  assert.ok(wrong.length === 0, `isBot and classify disagree on ${wrong.length}:\n${wrong.slice(0, 20).join("\n")}`);
});

test("hostile input gets a verdict, not a crash", async () => {
  const engine = await createEngine({ pack });
  const huge = "A".repeat(100_000) + "ExampleBot";
  const v = engine.classify(huge);
  assert.is(v.truncated, true, "values past the field bound are flagged");
  assert.is(v.class, "human", "only the first 8192 bytes are scanned");
  for (const ua of ["\u0000\u0000", "\ud800", "\uffff".repeat(5000), "é".repeat(10000) + "examplebot", "examplebot".repeat(2000)]) {
    const r = engine.classify(ua);
    assert.ok(r.score >= 1 && r.score <= 99);
  }
  assert.is(engine.classify("examplebot ".repeat(600)).bot.name, "ExampleBot");
  assert.is(engine.classifyBatch([huge, BOT])[1].bot.name, "ExampleBot");
});

test("swap replaces the pack; a bad pack is refused and the old one keeps serving", async () => {
  const engine = await createEngine({ pack });
  const other = await compilePack([{ name: "other", version: "2", bots: [{ name: "OtherBot", operator: null, category: "seo", signatures: [{ literal: "otherbot" }] }] }]);
  const info = await engine.swap(other);
  assert.is(info.name, "other");
  assert.is(engine.packInfo.version, "2");
  assert.is(engine.classify("OtherBot/1").bot.name, "OtherBot");
  assert.is(engine.classify(BOT).class, "human");
  try {
    await engine.swap(new Uint8Array([1, 2, 3]));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PackLoadError);
    assert.instance(e, BotsiftError);
  }
  assert.is(engine.classify("OtherBot/1").bot.name, "OtherBot");
});

test("the built-in pack loads with no options", async () => {
  const engine = await createEngine();
  assert.ok(engine.packInfo.bots > 0);
  assert.is(engine.automaton, "dense");
});

test("bad options are a typed error", async () => {
  try {
    await createEngine({ automaton: "sparse" });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, BotsiftError);
    assert.match(e.message, /automaton must be/);
  }
});

test.run();
