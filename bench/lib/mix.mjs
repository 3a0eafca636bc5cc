// The benchmark's input: reproducible browser user agents (user-agents, seeded) plus bot user agents from the packs' examples.
import { readFileSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { rng } from "../../test/support/random.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BROWSER_UAS_FILE = join(ROOT, "bench/data/browser-uas.json");
/** The sources of the built-in pack: the list in scripts/build-assets.mjs (read as text: importing it would build). */
export const DEFAULT_PACK_SOURCES = (() => {
  try {
    const m = /DEFAULT_PACK_SOURCES\s*=\s*(\[[^\]]*\])/.exec(readFileSync(join(ROOT, "scripts/build-assets.mjs"), "utf8"));
    if (m) return JSON.parse(m[1]);
  } catch { /* fall through */ }
  return ["packs/ai-bots.json", "packs/crawlers.json", "packs/ip-ranges.json"];
})();
export const BROWSER_COUNT = 5000;
export const SEED = 0x5eed_b075;

/** A seeded Math.random stand-in (the tests' mulberry32), so that every run draws the same numbers. */
export function prng(seed) {
  return rng(seed).next;
}

export function shuffle(array, random) {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [array[i], array[j]] = [array[j], array[i]];
  }
  return array;
}

/**
 * Generates browser user agents with the npm package user-agents, which draws them by real-world
 * market share but takes no seed: Math.random is swapped for a seeded PRNG while it runs.
 */
export async function generateBrowserUserAgents(count = BROWSER_COUNT, seed = SEED) {
  const { default: UserAgent } = await import("user-agents");
  const version = JSON.parse(readFileSync(join(ROOT, "node_modules/user-agents/package.json"), "utf8")).version;
  const saved = Math.random;
  Math.random = prng(seed);
  try {
    const generator = new UserAgent();
    const uas = [];
    for (let i = 0; i < count; i++) uas.push(generator.random().toString());
    return { generator: `user-agents@${version}`, seed, count, userAgents: uas };
  } finally {
    Math.random = saved;
  }
}

/** The committed browser user agents (bench/data/browser-uas.json), generated on first use or with `regenerate`. */
export async function browserUserAgents({ regenerate = false } = {}) {
  if (!regenerate && existsSync(BROWSER_UAS_FILE)) return JSON.parse(readFileSync(BROWSER_UAS_FILE, "utf8"));
  const data = await generateBrowserUserAgents();
  mkdirSync(dirname(BROWSER_UAS_FILE), { recursive: true });
  // One user agent per line, so that a regeneration diffs readably.
  const { userAgents, ...about } = data;
  const head = JSON.stringify(about).slice(0, -1);
  writeFileSync(BROWSER_UAS_FILE, `${head},"userAgents":[\n${userAgents.map((ua) => JSON.stringify(ua)).join(",\n")}\n]}\n`);
  return data;
}

/** Reads pack sources (paths relative to the repository or absolute); missing files are skipped and reported. */
export function readPackSources(paths = DEFAULT_PACK_SOURCES) {
  const sources = [], missing = [];
  for (const p of paths) {
    const file = p.startsWith("/") ? p : join(ROOT, p);
    if (!existsSync(file)) { missing.push(p); continue; }
    sources.push({ label: p, source: JSON.parse(readFileSync(file, "utf8")) });
  }
  return { sources, missing };
}

/** Every signature literal and every example of the sources. */
export function packContents(sources) {
  const literals = [], examples = [];
  let bots = 0;
  for (const { source } of sources) {
    for (const bot of source.bots ?? []) {
      bots++;
      for (const sig of bot.signatures ?? []) if (typeof sig.literal === "string") literals.push(sig.literal);
      for (const ex of bot.examples ?? []) if (typeof ex === "string") examples.push(ex);
    }
  }
  return { bots, literals, examples };
}

/**
 * The mix: every browser user agent plus bot user agents drawn from the examples so that they make
 * up `botShare` of the whole (each example at least once when there are few enough), shuffled.
 */
export function buildMix(browser, examples, { botShare = 0.1, seed = SEED } = {}) {
  const random = prng(seed ^ 0x9e3779b9);
  const botCount = examples.length === 0 ? 0 : Math.round((browser.length * botShare) / (1 - botShare));
  const pool = shuffle([...examples], random);
  const bots = [];
  for (let i = 0; i < botCount; i++) bots.push(pool[i % pool.length]);
  const mix = shuffle([...browser.map((ua) => ({ ua, source: "browser" })), ...bots.map((ua) => ({ ua, source: "bot" }))], random);
  const sha256 = createHash("sha256").update(mix.map((m) => m.ua).join("\n")).digest("hex");
  return {
    userAgents: mix.map((m) => m.ua),
    sources: mix.map((m) => m.source),
    browserCount: browser.length,
    botCount,
    distinctBotExamples: new Set(examples).size,
    sha256,
  };
}
