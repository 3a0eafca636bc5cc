// Measures botsift's verdicts on labelled requests: a confusion matrix (class against label),
// a score histogram and the ROC AUC of the score, on (a) the labelled fixtures (real captures,
// isbot's fixtures, the packs' examples) and (b) the synthetic set of scripts/calibrate.mjs.
//
//   node scripts/report.mjs              text
//   node scripts/report.mjs --json       for machines
//   node scripts/report.mjs --markdown   a README-ready block
//   node scripts/report.mjs --seed 2     another synthetic draw (calibration uses seed 1)
//
// Needs `npx tsc -p tsconfig.json` and build/botsift.wasm. The pack is compiled from the default
// sources plus packs/heuristics.json as they are on disk.
import { labelled, HEURISTICS_PATH } from "./calibrate.mjs";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const CLASSES = ["human", "likely_bot", "bot", "verified_bot"];
export const BUCKETS = [["1", 1, 1], ["2–29", 2, 29], ["30–59", 30, 59], ["60–89", 60, 89], ["90–99", 90, 99]];

/** ROC AUC of the score as a bot detector (lower score = more likely a bot); ties count half. */
export function auc(examples) {
  const bots = examples.filter((e) => e.label === "bot").map((e) => e.verdict.score);
  const humans = examples.filter((e) => e.label === "human").map((e) => e.verdict.score);
  if (!bots.length || !humans.length) return null;
  // Mann–Whitney U over the 99 possible scores.
  const hb = new Array(100).fill(0), hh = new Array(100).fill(0);
  for (const s of bots) hb[s]++;
  for (const s of humans) hh[s]++;
  let humansAbove = humans.length, u = 0;
  for (let s = 1; s <= 99; s++) {
    humansAbove -= hh[s];
    u += hb[s] * (humansAbove + hh[s] / 2);
  }
  return u / (bots.length * humans.length);
}

export function summarize(examples) {
  const labels = ["bot", "human"];
  const matrix = Object.fromEntries(labels.map((l) => [l, Object.fromEntries(CLASSES.map((c) => [c, 0]))]));
  const histogram = Object.fromEntries(labels.map((l) => [l, Object.fromEntries(BUCKETS.map(([b]) => [b, 0]))]));
  for (const e of examples) {
    matrix[e.label][e.verdict.class]++;
    const [b] = BUCKETS.find(([, lo, hi]) => e.verdict.score >= lo && e.verdict.score <= hi);
    histogram[e.label][b]++;
  }
  const n = { bot: examples.filter((e) => e.label === "bot").length, human: examples.filter((e) => e.label === "human").length };
  const botsCaught = matrix.bot.bot + matrix.bot.likely_bot + matrix.bot.verified_bot;
  const humansFlagged = matrix.human.bot + matrix.human.likely_bot + matrix.human.verified_bot;
  return {
    count: examples.length, ...{ bots: n.bot, humans: n.human }, matrix, histogram, auc: auc(examples),
    recall: n.bot ? botsCaught / n.bot : null, falsePositiveRate: n.human ? humansFlagged / n.human : null,
  };
}

/** Per category (captures: client kind; synthetic: generator) rows: how many are caught. */
function breakdown(examples) {
  const rows = new Map();
  for (const e of examples) {
    const k = `${e.source}/${e.category} (${e.label})`;
    const r = rows.get(k) ?? { group: k, label: e.label, n: 0, asBot: 0, meanScore: 0 };
    r.n++;
    if (e.verdict.class !== "human") r.asBot++;
    r.meanScore += e.verdict.score;
    rows.set(k, r);
  }
  return [...rows.values()].map((r) => ({ ...r, meanScore: Math.round(r.meanScore / r.n) })).sort((a, b) => (a.group < b.group ? -1 : 1));
}

export async function buildReport({ seed = 1 } = {}) {
  const { fixtures, synthetic } = await labelled(undefined, { seed });
  const source = JSON.parse(readFileSync(new URL(`../${HEURISTICS_PATH}`, import.meta.url), "utf8"));
  const captures = fixtures.filter((e) => e.source === "captures");
  return {
    pack: { heuristics: source.heuristics.length, version: source.version },
    seed,
    sets: {
      fixtures: { description: "real captures, isbot fixtures (user agent only), pack examples (user agent only)", ...summarize(fixtures) },
      captures: { description: "real captures only (test/fixtures/requests)", ...summarize(captures) },
      synthetic: { description: `synthetic requests built from the captures (seed ${seed})`, ...summarize(synthetic) },
    },
    breakdown: { fixtures: breakdown(fixtures), synthetic: breakdown(synthetic) },
    missed: captures.filter((e) => e.label === "bot" && e.verdict.class === "human").map((e) => e.id),
  };
}

const pct = (x) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);
const fmtAuc = (x) => (x === null ? "—" : x.toFixed(4));

function matrixLines(s, md) {
  const head = ["label \\ class", ...CLASSES];
  const rows = ["bot", "human"].map((l) => [l, ...CLASSES.map((c) => String(s.matrix[l][c]))]);
  const hHead = ["label \\ score", ...BUCKETS.map(([b]) => b)];
  const hRows = ["bot", "human"].map((l) => [l, ...BUCKETS.map(([b]) => String(s.histogram[l][b]))]);
  if (md) {
    const t = (h, rs) => [`| ${h.join(" | ")} |`, `|${h.map(() => "---").join("|")}|`, ...rs.map((r) => `| ${r.join(" | ")} |`)];
    return [...t(head, rows), "", ...t(hHead, hRows)];
  }
  const w = 14;
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(w) : c.padStart(12))).join("");
  return [line(head), ...rows.map(line), "", line(hHead), ...hRows.map(line)];
}

function text(report) {
  const out = [`botsift detection report — ${report.pack.heuristics} heuristics (packs/heuristics.json ${report.pack.version})`, ""];
  for (const [name, s] of Object.entries(report.sets)) {
    out.push(`${name}: ${s.description}`, `  ${s.count} requests: ${s.bots} bots, ${s.humans} humans; ROC AUC ${fmtAuc(s.auc)}; bots caught ${pct(s.recall)}; humans flagged ${pct(s.falsePositiveRate)}`, "");
    out.push(...matrixLines(s, false).map((l) => `  ${l}`), "");
  }
  for (const [name, rows] of Object.entries(report.breakdown)) {
    out.push(`${name} by group: flagged (class ≠ human) / n, mean score`);
    for (const r of rows) out.push(`  ${r.group.padEnd(48)} ${`${r.asBot}/${r.n}`.padStart(10)}  ${String(r.meanScore).padStart(3)}`);
    out.push("");
  }
  if (report.missed.length) out.push(`captured bots scored human: ${report.missed.join(", ")}`);
  return out.join("\n");
}

function markdown(report) {
  const out = ["<!-- report:start (node scripts/report.mjs --markdown) -->"];
  for (const [name, s] of Object.entries(report.sets)) {
    out.push(`**${name}** — ${s.description}: ${s.count} requests (${s.bots} bots, ${s.humans} humans). ROC AUC **${fmtAuc(s.auc)}**; bots caught ${pct(s.recall)}, humans flagged ${pct(s.falsePositiveRate)}.`, "");
    out.push(...matrixLines(s, true), "");
  }
  if (report.missed.length) out.push(`Captured bots that score as human (indistinguishable at the HTTP layer, see test/fixtures/requests/README.md): ${report.missed.map((m) => `\`${m}\``).join(", ")}.`, "");
  out.push("<!-- report:end -->");
  return out.join("\n");
}

async function main() {
  const args = process.argv.slice(2);
  const i = args.indexOf("--seed");
  const report = await buildReport({ seed: i >= 0 ? Number(args[i + 1]) : 1 });
  if (args.includes("--json")) console.log(JSON.stringify(report, null, 2));
  else if (args.includes("--markdown")) console.log(markdown(report));
  else console.log(text(report));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
