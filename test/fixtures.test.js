// Detection quality on isbot's public fixtures: every crawler user agent is a bot, every
// browser user agent is not, except the documented exceptions (test/fixtures/isbot/exceptions.json).
// A failure lists every misclassified string, not just the first.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { createEngine } from "botsift";

const load = (f) => JSON.parse(readFileSync(new URL(`./fixtures/isbot/${f}`, import.meta.url), "utf8"));
const crawlers = load("crawlers.json");
const browsers = load("browsers.json");
const exceptions = load("exceptions.json");
const engine = await createEngine();

function misclassified(fixtures, expectBot, excepted) {
  const wrong = [];
  for (const [name, uas] of Object.entries(fixtures)) {
    for (const ua of uas) {
      if (ua in excepted) continue;
      const v = engine.classify(ua);
      if ((v.class !== "human") !== expectBot) wrong.push(`  [${name}] ${ua}${v.bot ? `  (matched ${v.bot.name}: ${v.detections.join(",")})` : ""}`);
    }
  }
  return wrong;
}

test("every crawler fixture is a bot", () => {
  const wrong = misclassified(crawlers, true, exceptions.crawlers);
  assert.ok(wrong.length === 0, `${wrong.length} crawler user agents classified as human:\n${wrong.join("\n")}`);
});

test("no browser fixture is a bot", () => {
  const wrong = misclassified(browsers, false, exceptions.browsers);
  assert.ok(wrong.length === 0, `${wrong.length} browser user agents classified as bots:\n${wrong.join("\n")}`);
});

test("every exception is still a fixture and has a reason", () => {
  const all = (f) => new Set(Object.values(f).flat());
  for (const [kind, set] of [["crawlers", all(crawlers)], ["browsers", all(browsers)]]) {
    for (const [ua, reason] of Object.entries(exceptions[kind])) {
      assert.ok(set.has(ua), `stale ${kind} exception: ${ua}`);
      assert.ok(typeof reason === "string" && reason.length > 20, `exception needs a specific reason: ${ua}`);
    }
  }
});

test("exceptions stay few: at most 2% of crawler fixtures", () => {
  const total = Object.values(crawlers).flat().length;
  assert.ok(Object.keys(exceptions.crawlers).length <= total * 0.02, `${Object.keys(exceptions.crawlers).length} of ${total}`);
});

test.run();
