// `npm run bench`: botsift vs isbot vs a RegExp alternation, side by side in one process, plus cold start, sizes and pack compile time; writes bench/results/.
import { writeFileSync, mkdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import os from "node:os";
import { isbot } from "isbot";
import { createEngine } from "botsift";
import { compilePackSync } from "botsift/compile";
import { ROOT, DEFAULT_PACK_SOURCES, browserUserAgents, readPackSources, packContents, buildMix } from "./lib/mix.mjs";
import { runBenchmark, summarize, coldStart, sizes, compileTime } from "./lib/measure.mjs";
import { machine, evaluateTargets, markdown, ns } from "./lib/report.mjs";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    sources: { type: "string" },
    "regenerate-uas": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(`usage: node bench/run.mjs [--quick] [--sources a.json,b.json] [--regenerate-uas]
  --quick            short smoke run; writes bench/results/quick.{json,md} instead of latest.*
  --sources          pack sources to compile and benchmark instead of the built-in pack
                     (cold start and sizes still measure the built-in pack and build/)
  --regenerate-uas   regenerate bench/data/browser-uas.json with user-agents (seeded)`);
  process.exit(0);
}

const QUICK = args.quick;
const SETTINGS = QUICK
  ? { rounds: 1, maxTime: 0.25, minSamples: 5, coldRuns: 5, compileRuns: 5, batchSize: 1000 }
  : { rounds: 2, maxTime: 3.5, minSamples: 30, coldRuns: 40, compileRuns: 20, batchSize: 1000 };
const log = (...a) => console.log(...a);
const warnings = [];
const warn = (msg) => { warnings.push(msg); console.warn(`warning: ${msg}`); };
const started = performance.now();
const m = machine(ROOT);
const busy = () => os.loadavg()[0] > 1;
if (busy()) warn(`load average ${os.loadavg()[0].toFixed(2)} at start on ${os.cpus().length} cores: other processes compete for the CPU, so expect noisy, inflated times`);

// ---- Pack sources and engines ---------------------------------------------------------------
const sourcePaths = args.sources ? args.sources.split(",").map((s) => s.trim()).filter(Boolean) : DEFAULT_PACK_SOURCES;
const { sources, missing } = readPackSources(sourcePaths);
for (const m of missing) warn(`pack source ${m} is missing; benchmarking without it`);
const contents = packContents(sources);
const compiledNow = compilePackSync(sources);
const override = args.sources !== undefined;
const builtPackFile = join(ROOT, "build/default.pack");
let stale = false;
if (!override) {
  const built = existsSync(builtPackFile) ? readFileSync(builtPackFile) : null;
  stale = !built || Buffer.compare(built, Buffer.from(compiledNow)) !== 0;
  if (stale) warn("build/default.pack differs from compiling packs/*.json now: run `npm run build` first; benchmarking the built-in pack as built");
}
// The engine runs the Wasm embedded in dist/generated/; sizes measure build/botsift.wasm: they must be one build.
try {
  const embedded = /"([A-Za-z0-9+/=]*)"/.exec(readFileSync(join(ROOT, "dist/generated/wasm-base64.js"), "utf8"))?.[1];
  if (embedded !== readFileSync(join(ROOT, "build/botsift.wasm")).toString("base64")) {
    stale = true;
    warn("dist/generated/wasm-base64.js is not build/botsift.wasm: run `npm run build` (or `node scripts/build-assets.mjs`) first");
  }
} catch (e) { warn(`could not compare the embedded Wasm with build/botsift.wasm: ${e.message}`); }
const packOption = override ? { pack: compiledNow } : {};
const engine = await createEngine(packOption);
const otherForm = engine.automaton === "dense" ? "compact" : "dense";
const other = await createEngine({ ...packOption, automaton: otherForm });
if (other.automaton !== otherForm) warn(`asked for the ${otherForm} automaton, got ${other.automaton}`);
const info = engine.packInfo;
const packDescription = `${override ? "compiled from " + sourcePaths.join(" + ") : "built-in"} "${info.name}" ${info.version}: ` +
  `${info.bots} bots, ${info.signatures} signatures, ${info.bytes.toLocaleString("en-US")} B`;
log(`botsift bench${QUICK ? " (quick)" : ""} — ${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores, Node ${process.version}`);
log(`pack: ${packDescription}; serving automaton ${engine.automaton}, comparing ${otherForm}`);
if (contents.examples.length === 0) warn("the pack sources have no examples: the mix is browsers only");

// ---- The mix ------------------------------------------------------------------------------------
const browser = await browserUserAgents({ regenerate: args["regenerate-uas"] });
const mix = buildMix(browser.userAgents, contents.examples);
const uas = mix.userAgents;
const N = uas.length;
log(`mix: ${N} user agents = ${mix.browserCount} browsers (${browser.generator}, seed ${browser.seed}) + ${mix.botCount} bots from ${mix.distinctBotExamples} distinct examples`);

// ---- Correctness guard: a benchmark of wrong answers is worthless ------------------------------
const verdictKey = (v) => `${v.score}|${v.class}|${v.bot?.name ?? ""}|${v.truncated}|${v.detections.join(",")}`;
const fail = [];
const single = uas.map((ua) => engine.classify(ua));
const whole = engine.classifyBatch(uas);
const chunks = [];
for (let i = 0; i < N; i += SETTINGS.batchSize) chunks.push(uas.slice(i, i + SETTINGS.batchSize));
const chunked = chunks.flatMap((c) => engine.classifyBatch(c));
const otherVerdicts = uas.map((ua) => other.classify(ua));
for (let i = 0; i < N; i++) {
  const k = verdictKey(single[i]);
  const bot = engine.isBot(uas[i]);
  if (verdictKey(whole[i]) !== k) fail.push(`classifyBatch(all) ≠ classify: ${verdictKey(whole[i])} vs ${k} for ${uas[i]}`);
  if (verdictKey(chunked[i]) !== k) fail.push(`classifyBatch(${SETTINGS.batchSize}) ≠ classify: ${verdictKey(chunked[i])} vs ${k} for ${uas[i]}`);
  if (bot !== (single[i].class !== "human")) fail.push(`isBot ${bot} ≠ classify class ${single[i].class} for ${uas[i]}`);
  if (other.isBot(uas[i]) !== bot) fail.push(`${otherForm} isBot ≠ ${engine.automaton} isBot for ${uas[i]}`);
  if (verdictKey(otherVerdicts[i]) !== k) fail.push(`${otherForm} classify ≠ ${engine.automaton}: ${verdictKey(otherVerdicts[i])} vs ${k} for ${uas[i]}`);
}
if (whole.length !== N || chunked.length !== N) fail.push(`classifyBatch returned ${whole.length}/${chunked.length} verdicts for ${N} user agents`);
if (fail.length) {
  console.error(`correctness guard failed: ${fail.length} disagreements between classify, classifyBatch, isBot and the two automaton forms:`);
  for (const f of fail.slice(0, 10)) console.error(`  ${f}`);
  process.exit(1);
}
log(`guard: classify, classifyBatch (whole and by ${SETTINGS.batchSize}), isBot and the ${otherForm} form agree on all ${N} user agents`);
const missedExamples = [...new Set(contents.examples)].filter((ex) => !engine.isBot(ex));
if (missedExamples.length) warn(`botsift calls ${missedExamples.length} pack examples human, e.g. ${JSON.stringify(missedExamples.slice(0, 3))}`);

// ---- Peers ----------------------------------------------------------------------------------------
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
const literals = [...new Set(contents.literals)];
const alternation = literals.length ? new RegExp(literals.map(escape).join("|"), "i") : /(?!)/;
const regexIsBot = (ua) => alternation.test(ua);

function agreement(peer) {
  const r = { bothBot: 0, bothHuman: 0, onlyBotsift: 0, onlyPeer: 0, disagree: 0, onBotExamples: { botsift: 0, peer: 0, of: 0 }, onBrowsers: { botsift: 0, peer: 0, of: 0 }, examples: [] };
  const seen = new Set(), onlyB = [], onlyP = [];
  for (let i = 0; i < N; i++) {
    const b = single[i].class !== "human", p = peer(uas[i]);
    const group = mix.sources[i] === "bot" ? r.onBotExamples : r.onBrowsers;
    group.of++; if (b) group.botsift++; if (p) group.peer++;
    if (b && p) r.bothBot++; else if (!b && !p) r.bothHuman++;
    else {
      r.disagree++;
      if (b) r.onlyBotsift++; else r.onlyPeer++;
      if (!seen.has(uas[i])) { seen.add(uas[i]); (b ? onlyB : onlyP).push({ userAgent: uas[i], botsift: b ? `${single[i].class} (${single[i].bot?.name ?? "?"})` : "human", peer: p }); }
    }
  }
  // Up to 10 examples, taking from both directions in turn.
  for (let i = 0; r.examples.length < 10 && (i < onlyB.length || i < onlyP.length); i++) {
    if (i < onlyP.length) r.examples.push(onlyP[i]);
    if (i < onlyB.length && r.examples.length < 10) r.examples.push(onlyB[i]);
  }
  r.distinctDisagreeing = seen.size;
  return r;
}
const agreeIsbot = agreement(isbot), agreeRegex = agreement(regexIsBot);
log(`isbot vs botsift: disagree on ${agreeIsbot.disagree} of ${N} (${agreeIsbot.distinctDisagreeing} distinct): ` +
  `${agreeIsbot.onlyBotsift} only botsift calls bots, ${agreeIsbot.onlyPeer} only isbot does`);
for (const e of agreeIsbot.examples) log(`  ${e.peer ? "isbot only  " : "botsift only"}  ${e.userAgent}${e.peer ? "" : `  → ${e.botsift}`}`);
log(`RegExp alternation vs botsift: disagree on ${agreeRegex.disagree} of ${N}`);
for (const e of agreeRegex.examples.slice(0, 3)) log(`  ${e.peer ? "regex only  " : "botsift only"}  ${e.userAgent}`);

// ---- Per-call benchmarks ----------------------------------------------------------------------------
let sink = 0;
const encoder = new TextEncoder();
const scratch = new Uint8Array(16384);
const suites = [
  { key: "isBot", label: `botsift \`isBot\` (${engine.automaton})`, perOp: N, fn() { let n = 0; for (let i = 0; i < N; i++) if (engine.isBot(uas[i])) n++; sink += n; } },
  { key: "classify", label: `botsift \`classify\` (${engine.automaton})`, perOp: N, fn() { let n = 0; for (let i = 0; i < N; i++) n += engine.classify(uas[i]).score; sink += n; } },
  { key: "classifyBatch", label: `botsift \`classifyBatch\`, ${SETTINGS.batchSize.toLocaleString("en-US")} per call (${engine.automaton})`, perOp: N, fn() { let n = 0; for (let c = 0; c < chunks.length; c++) { const v = engine.classifyBatch(chunks[c]); n += v[v.length - 1].score; } sink += n; } },
  { key: `classify_${otherForm}`, label: `botsift \`classify\` (${otherForm})`, perOp: N, fn() { let n = 0; for (let i = 0; i < N; i++) n += other.classify(uas[i]).score; sink += n; } },
  { key: `isBot_${otherForm}`, label: `botsift \`isBot\` (${otherForm})`, perOp: N, fn() { let n = 0; for (let i = 0; i < N; i++) if (other.isBot(uas[i])) n++; sink += n; } },
  { key: "isbot", label: "isbot `isbot()`", perOp: N, fn() { let n = 0; for (let i = 0; i < N; i++) if (isbot(uas[i])) n++; sink += n; } },
  { key: "regex", label: `RegExp alternation of the ${literals.length} literals, \`i\``, perOp: N, fn() { let n = 0; for (let i = 0; i < N; i++) if (alternation.test(uas[i])) n++; sink += n; } },
  { key: "encodeFloor", label: "floor: `TextEncoder.encodeInto` alone", perOp: N, fn() { let n = 0; for (let i = 0; i < N; i++) n += encoder.encodeInto(uas[i], scratch).written; sink += n; } },
];
const raw = Object.fromEntries(suites.map((s) => [s.key, []]));
log(`\nbenchmarks: ${SETTINGS.rounds} round(s), maxTime ${SETTINGS.maxTime}s each, one op = the whole mix (${N} user agents)`);
for (let round = 0; round < SETTINGS.rounds; round++) {
  const order = round % 2 ? [...suites].reverse() : suites;
  for (const s of order) {
    const r = runBenchmark(s.key, s.fn, s.perOp, SETTINGS);
    raw[s.key].push(...r.samples);
    const sum = summarize(r.samples, s.perOp);
    log(`  [${round + 1}] ${s.label.replace(/`/g, "").padEnd(52)} ${ns(sum.medianNs).padStart(10)} median  ± ${sum.rmePct.toFixed(1)}%  (${sum.samples} samples)`);
  }
}
const results_suites = {};
for (const s of suites) results_suites[s.key] = { label: s.label, ...summarize(raw[s.key], s.perOp) };
const ratio = (a, b) => (results_suites[a] && results_suites[b] ? results_suites[a].medianNs / results_suites[b].medianNs : null);
for (const s of Object.values(results_suites)) s.vsIsBot = s.medianNs / results_suites.isBot.medianNs;

// ---- Sizes, compile time, cold start --------------------------------------------------------------
const sizeResults = sizes(ROOT);
log(`\nsizes: wasm ${sizeResults.wasm.bytes} B → ${sizeResults.wasm.gzip9} B gzip; pack ${sizeResults.pack.bytes} B → ${sizeResults.pack.gzip9} B gzip; together ${sizeResults.totalGzip9} B`);
const compile = compileTime(compilePackSync, sources, SETTINGS.compileRuns);
log(`compile ${sources.map((s) => s.label).join(" + ") || "(no sources)"}: median ${compile.medianMs.toFixed(2)} ms over ${compile.runs} runs (first ${compile.firstMs.toFixed(2)} ms)`);
log(`cold start: ${SETTINGS.coldRuns} interleaved runs of each child...`);
const cold = coldStart(ROOT, SETTINGS.coldRuns);
log(`cold start: botsift ${cold.botsiftMedianMs.toFixed(1)} ms, bare node ${cold.bareMedianMs.toFixed(1)} ms → ${cold.overBareMs.toFixed(1)} ms over bare ` +
  `(import ${cold.phasesMs.importBotsift.toFixed(1)}, createEngine ${cold.phasesMs.createEngine.toFixed(1)}, first classify ${cold.phasesMs.firstClassify.toFixed(2)} ms; probe → ${cold.probe.class})`);
if (cold.probe.class === "human" && !override && info.signatures > 0) warn(`the cold-start probe (${cold.probe.userAgent}) was classified human`);

// ---- Results ----------------------------------------------------------------------------------------------
if (busy()) warn(`load average ${os.loadavg()[0].toFixed(2)} at the end: the machine was busy while measuring`);
m.loadAverageAtEnd = os.loadavg().map((l) => +l.toFixed(2));
const results = {
  quick: QUICK,
  machine: m,
  settings: { ...SETTINGS, userAgentsPerOp: N },
  pack: {
    description: packDescription + (stale ? " (STALE BUILD: see the warnings; rebuild)" : ""),
    override, sources: sources.map((s) => s.label), missingSources: missing, stale,
    name: info.name, version: info.version, bots: info.bots, signatures: info.signatures, bytes: info.bytes, checksum: info.checksum,
    literals: literals.length, examples: contents.examples.length, automaton: engine.automaton,
    examplesBotsiftCallsHuman: missedExamples.length,
  },
  mix: { total: N, browserCount: mix.browserCount, botCount: mix.botCount, distinctBotExamples: mix.distinctBotExamples, browserGenerator: browser.generator, seed: browser.seed, sha256: mix.sha256 },
  guard: { agreedOn: N, checks: ["classifyBatch(all) = classify", `classifyBatch(${SETTINGS.batchSize}) = classify`, "isBot = (classify.class ≠ human)", `${otherForm} = ${engine.automaton}`] },
  agreement: { isbot: { ...agreeIsbot, onlyIsbot: agreeIsbot.onlyPeer }, regex: agreeRegex },
  suites: results_suites,
  ratios: {
    isbotOverIsBot: ratio("isbot", "isBot"),
    isbotOverClassify: ratio("isbot", "classify"),
    isbotOverBatch: ratio("isbot", "classifyBatch"),
    regexOverIsBot: ratio("regex", "isBot"),
    regexOverClassify: ratio("regex", "classify"),
    [`classify_${otherForm}OverClassify`]: ratio(`classify_${otherForm}`, "classify"),
  },
  coldStart: cold,
  sizes: sizeResults,
  compile,
  warnings,
  sink,
  durationSeconds: +((performance.now() - started) / 1000).toFixed(1),
};
results.targets = evaluateTargets(results);
const md = markdown(results) + (warnings.length ? `\n**Warnings:**\n\n${warnings.map((w) => `- ${w}`).join("\n")}\n` : "");
const outDir = join(ROOT, "bench/results");
mkdirSync(outDir, { recursive: true });
const base = QUICK ? "quick" : "latest";
writeFileSync(join(outDir, `${base}.json`), JSON.stringify(results, null, 2) + "\n");
writeFileSync(join(outDir, `${base}.md`), md + "\n");
log(`\nwrote bench/results/${base}.json and bench/results/${base}.md in ${results.durationSeconds} s\n`);
log(md);
