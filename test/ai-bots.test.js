// Every agent of packs/ai-bots.json is found with the right name, operator and category in each
// of its example user agents, and in the wrappers bots commonly put their token in.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { createEngine } from "botsift";

const pack = JSON.parse(readFileSync(new URL("../packs/ai-bots.json", import.meta.url), "utf8"));
const engine = await createEngine();

/** The token a bot puts in its user agent: the literal of its first signature. */
const tokenOf = (bot) => bot.signatures[0].literal;

const WRAPPERS = [
  (t) => `Mozilla/5.0 (compatible; ${t}/1.0; +https://example.com/bot)`,
  (t) => `Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ${t}/1.0; +https://example.com/bot)`,
  (t) => `${t}/2.1`,
  (t) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 ${t}`,
];

function check(bot, ua, wrong) {
  const v = engine.classify(ua);
  if (v.bot?.name !== bot.name || v.bot?.operator !== bot.operator || v.bot?.category !== bot.category || v.score !== 1) {
    wrong.push(`  ${bot.name}: ${ua} → ${v.bot ? `${v.bot.name} / ${v.bot.operator} / ${v.bot.category}` : v.class}`);
  }
}

test("the pack covers every agent of ai.robots.txt's list", () => {
  assert.ok(pack.bots.length >= 150, `${pack.bots.length} bots`);
  const ai = pack.bots.filter((b) => b.category.startsWith("ai_"));
  assert.ok(ai.length >= pack.bots.length * 0.9, `${ai.length} of ${pack.bots.length} in an ai_ category`);
});

test("each example user agent names its bot, operator and category", () => {
  const wrong = [];
  for (const bot of pack.bots) for (const ua of bot.examples ?? []) check(bot, ua, wrong);
  assert.ok(wrong.length === 0, `${wrong.length} examples misattributed:\n${wrong.join("\n")}`);
});

test("each bot is found inside the common user-agent wrappers", () => {
  const wrong = [];
  for (const bot of pack.bots.filter((b) => b.signatures.length > 0)) {
    const sig = bot.signatures[0];
    if (sig.anchorStart || sig.anchorEnd) continue; // anchored tokens are by definition not wrapped
    for (const wrap of WRAPPERS) check(bot, wrap(tokenOf(bot)), wrong);
  }
  assert.ok(wrong.length === 0, `${wrong.length} wrapped user agents misattributed:\n${wrong.join("\n")}`);
});

test("robots.txt-only tokens have no signature and say why", () => {
  for (const bot of pack.bots.filter((b) => b.signatures.length === 0)) {
    assert.ok(bot.robotsToken, `${bot.name} has neither signatures nor a robots.txt token`);
    assert.ok(bot.notes && bot.notes.length > 10, `${bot.name} needs a note on why it has no signature`);
  }
});

test.run();
