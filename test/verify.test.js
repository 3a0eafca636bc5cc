// Verified and spoofed bots: address parsing and longest-prefix lookup in the engine checked
// against a BigInt reference on random addresses and prefixes, and the built-in ranges on
// real crawler addresses.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { createEngine, compilePack } from "botsift";
import { parseCidr } from "../dist/compile/ipranges.js";
import { SPOOFED_DETECTION_ID } from "../dist/compile/index.js";
import { rng } from "./support/random.js";

const GPTBOT = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)";
const ranges = JSON.parse(readFileSync(new URL("../packs/ip-ranges.json", import.meta.url), "utf8"));
const firstAddress = (cidr) => cidr.split("/")[0];

function v6Text(value, r) {
  const groups = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  let text = groups.join(":");
  if (r.chance(0.5)) text = text.replace(/(^|:)0(:0)+(:|$)/, "::"); // compress the first zero run
  return r.chance(0.3) ? text.toUpperCase() : text;
}

test("engine lookup agrees with a BigInt reference on random prefixes and addresses", async () => {
  const r = rng(77);
  const outcomes = { in4: 0, out4: 0, in6: 0, out6: 0 };
  for (let round = 0; round < 40; round++) {
    const lists = [0, 1, 2].map((k) => {
      const ipv4 = [], ipv6 = [];
      for (let n = 1 + r.int(6); n > 0; n--) {
        const bits = 8 + r.int(25);
        ipv4.push(`${r.int(256)}.${r.int(256)}.${r.int(256)}.${r.int(256)}/${bits}`.replace(/^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/, (m, a, b, c, d, s) => {
          const v = ((+a << 24) | (+b << 16) | (+c << 8) | +d) >>> 0;
          const masked = s == 0 ? 0 : (v >>> (32 - s)) << (32 - s) >>> 0;
          return `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}/${s}`;
        }));
        const bits6 = 16 + r.int(100);
        let v = 0n;
        for (let g = 0; g < 8; g++) v = (v << 16n) | BigInt(r.chance(0.3) ? 0 : r.int(0x10000));
        v = (v >> BigInt(128 - bits6)) << BigInt(128 - bits6);
        ipv6.push(`${v6Text(v, r)}/${bits6}`.replace(/^\//, "::/"));
      }
      return { id: `l${k}`, userAgents: [`*Bot${k}*`], authoritative: true, ipv4, ipv6 };
    });
    const bots = [0, 1, 2].map((k) => ({ name: `Bot${k}`, operator: null, category: "other", signatures: [{ literal: `Bot${k}` }], examples: [`Bot${k}/1.0`] }));
    const engine = await createEngine({ pack: await compilePack([{ name: "r", version: "1", bots, ipRanges: lists }]) });
    const parsed = lists.map((l) => [...l.ipv4, ...l.ipv6].map(parseCidr));
    for (let q = 0; q < 200; q++) {
      const k = r.int(3);
      // Half the probes are near a prefix of some list, half anywhere.
      const near = r.pick(r.pick(parsed));
      const v6 = r.chance(0.5) ? near.v6 : r.chance(0.5);
      let value;
      if (r.chance(0.6) && near.v6 === v6) value = near.first + BigInt(r.int(1000)) - 500n;
      else value = v6 ? (BigInt(r.int(2 ** 31)) << 96n) | BigInt(r.int(2 ** 31)) : BigInt(r.int(2 ** 32));
      const width = v6 ? 128n : 32n;
      if (value < 0n) value = 0n;
      if (value >= 1n << width) value = (1n << width) - 1n;
      const text = v6 ? v6Text(value, r) : [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join(".");
      const inList = parsed[k].some((c) => c.v6 === v6 && c.first <= value && value <= c.last);
      outcomes[`${inList ? "in" : "out"}${v6 ? 6 : 4}`]++;
      const v = engine.classify({ userAgent: `Bot${k}/1.0`, ip: text });
      assert.is(v.bot.verified, inList, `${text} in list ${k}: ${JSON.stringify(lists[k])}`);
      assert.is(v.bot.spoofed, !inList, text);
      assert.is(v.class, inList ? "verified_bot" : "bot");
    }
  }
  for (const [k, n] of Object.entries(outcomes)) assert.ok(n > 100, `too few probes ${k}: ${JSON.stringify(outcomes)}`);
});

test("a claimed crawler from its published range is verified_bot", async () => {
  const engine = await createEngine();
  const gptbot = ranges.ipRanges.find((l) => l.id === "gptbot");
  const v = engine.classify({ userAgent: GPTBOT, ip: firstAddress(gptbot.ipv4[0]) });
  assert.is(v.class, "verified_bot");
  assert.is(v.bot.name, "GPTBot");
  assert.is(v.bot.verified, true);
  assert.is(v.bot.spoofed, false);
  assert.ok(v.bot.verifiable);
});

test("the same claim from elsewhere is a spoofed bot with its own detection id", async () => {
  const engine = await createEngine();
  const v = engine.classify({ userAgent: GPTBOT, ip: "198.51.100.7" });
  assert.is(v.class, "bot");
  assert.is(v.score, 1);
  assert.is(v.bot.spoofed, true);
  assert.ok(v.detections.includes(SPOOFED_DETECTION_ID));
});

test("IPv6, IPv4-mapped and zone-suffixed addresses are understood", async () => {
  const engine = await createEngine();
  const googlebot = ranges.ipRanges.find((l) => l.id === "googlebot");
  const ua = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  const v6 = firstAddress(googlebot.ipv6[0]);
  assert.is(engine.classify({ userAgent: ua, ip: v6 }).class, "verified_bot", v6);
  assert.is(engine.classify({ userAgent: ua, ip: `${v6}%eth0` }).class, "verified_bot");
  assert.is(engine.classify({ userAgent: ua, ip: `::ffff:${firstAddress(googlebot.ipv4[0])}` }).class, "verified_bot");
  assert.is(engine.classify({ userAgent: ua, ip: "2001:db8::1" }).bot.spoofed, true);
});

test("no address, a malformed address, or a bot without ranges: neither verified nor spoofed", async () => {
  const engine = await createEngine();
  for (const ip of [undefined, "", "not an ip", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1:2:3:4:5:6:7:8:9", ":::", "999.1.1.1"]) {
    const v = engine.classify({ userAgent: GPTBOT, ip });
    assert.is(v.class, "bot", String(ip));
    assert.is(v.bot.verified, false);
    assert.is(v.bot.spoofed, false, String(ip));
  }
  const ahrefsless = engine.classify({ userAgent: "curl/8.5.0", ip: "198.51.100.7" });
  assert.is(ahrefsless.bot.spoofed, false);
});

test("non-authoritative lists verify but never call a claim spoofed", async () => {
  const engine = await createEngine();
  const meta = ranges.ipRanges.find((l) => !l.authoritative);
  assert.ok(meta, "the built-in ranges include a non-authoritative list");
  const ua = "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)";
  assert.is(engine.classify({ userAgent: ua, ip: firstAddress(meta.ipv4[0]) }).class, "verified_bot");
  assert.is(engine.classify({ userAgent: ua, ip: "198.51.100.7" }).bot.spoofed, false);
});

test.run();
