// Regenerates the README blocks that come from packs/ (one source of truth): the category
// table and the built-in pack's figures. `--check` exits non-zero when README.md is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const read = (p) => JSON.parse(readFileSync(join(root, p), "utf8"));

export function categoriesTable() {
  const { categories } = read("packs/categories.json");
  const counts = new Map();
  for (const f of ["packs/ai-bots.json", "packs/crawlers.json"]) for (const b of read(f).bots) counts.set(b.category, (counts.get(b.category) ?? 0) + 1);
  const rows = categories.map((c) => `| \`${c.id}\` | ${c.cloudflare} | ${c.knownAgents.join(", ") || "—"} | ${counts.get(c.id) ?? 0} | ${c.description} |`);
  return ["| category | Cloudflare verified-bot category | Known Agents type | bots in the built-in pack | what |", "|---|---|---|---|---|", ...rows].join("\n");
}

export function packFigures() {
  const ai = read("packs/ai-bots.json"), crawlers = read("packs/crawlers.json"), ranges = read("packs/ip-ranges.json");
  const sigs = (p) => p.bots.reduce((n, b) => n + b.signatures.length, 0);
  const v4 = ranges.ipRanges.reduce((n, l) => n + l.ipv4.length, 0), v6 = ranges.ipRanges.reduce((n, l) => n + (l.ipv6?.length ?? 0), 0);
  return [
    `| source | what | size |`,
    `|---|---|---|`,
    `| \`packs/ai-bots.json\` | every agent of ai.robots.txt (snapshot ${ai.version}) | ${ai.bots.length} bots, ${sigs(ai)} signatures |`,
    `| \`packs/crawlers.json\` | search engines, SEO tools, monitors, previews, feed readers, archivers, HTTP libraries, headless browsers (from isbot) | ${crawlers.bots.length} bots, ${sigs(crawlers)} signatures |`,
    `| \`packs/ip-ranges.json\` | published crawler address ranges (updated ${ranges.version}) | ${ranges.ipRanges.length} lists, ${v4} IPv4 + ${v6} IPv6 prefixes |`,
    `| \`packs/fingerprints.json\` | labelled header fingerprints of captured libraries and tools | ${read("packs/fingerprints.json").fingerprints.length} fingerprints |`,
  ].join("\n");
}

/** The committed benchmark results (bench/results/latest.md), without its generator comment. */
export function benchResults() {
  return readFileSync(join(root, "bench/results/latest.md"), "utf8").replace(/^<!--.*-->\n+/, "").trim();
}

const BLOCKS = { categories: categoriesTable, "pack-figures": packFigures, bench: benchResults };

export function render(readme) {
  let out = readme;
  for (const [name, make] of Object.entries(BLOCKS)) {
    const re = new RegExp(`(<!-- generated:${name} -->)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!re.test(out)) throw new Error(`README.md lacks the block <!-- generated:${name} -->`);
    out = out.replace(re, (_, open, close) => `${open}\n${make()}\n${close}`);
  }
  return out;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const path = join(root, "README.md");
  const current = readFileSync(path, "utf8");
  const next = render(current);
  if (process.argv.includes("--check")) {
    if (next !== current) { console.error("README.md is stale: run node scripts/gen-docs.mjs"); process.exit(1); }
  } else writeFileSync(path, next);
}
