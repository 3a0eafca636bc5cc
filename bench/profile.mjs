// Where the time of one call goes: runs a call over the bench mix under `node --cpu-prof` and prints the top functions by self time.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { ROOT, DEFAULT_PACK_SOURCES, browserUserAgents, readPackSources, packContents, buildMix } from "./lib/mix.mjs";

const { values: args } = parseArgs({
  options: {
    call: { type: "string", default: "classify" },
    automaton: { type: "string", default: "auto" },
    seconds: { type: "string", default: "5" },
    sources: { type: "string" },
    top: { type: "string", default: "20" },
    keep: { type: "string" },
    wasm: { type: "string" },
    child: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
const CALLS = ["classify", "isBot", "classifyBatch", "isbot"];
if (args.help || !CALLS.includes(args.call)) {
  console.log(`usage: node bench/profile.mjs [--call ${CALLS.join("|")}] [--automaton auto|dense|compact] [--seconds 5]
                              [--sources a.json,b.json] [--top 20] [--keep file.cpuprofile]
                              [--wasm build/botsift.debug.wasm]
Runs the call over the bench mix for the given time in a child under --cpu-prof (sampling every 50 µs),
then prints the functions with the most self time. Open a --keep'd profile in Chrome DevTools.
--wasm runs another build of the engine (e.g. \`npm run build:wasm:debug\`, whose name section names
every function; it is unoptimised, so the split differs from the release build's).`);
  process.exit(args.help ? 0 : 2);
}

if (args.child) {
  let { createEngine } = await import("botsift");
  if (args.wasm) {
    // Same host code, another Wasm build: engineFactory is internal, so this may need updating.
    const { engineFactory } = await import("../dist/engine.js");
    const bytes = readFileSync(args.wasm.startsWith("/") ? args.wasm : join(ROOT, args.wasm));
    createEngine = engineFactory(() => WebAssembly.compile(bytes), () => new Uint8Array(readFileSync(join(ROOT, "build/default.pack"))));
  }
  const sources = readPackSources(args.sources ? args.sources.split(",") : DEFAULT_PACK_SOURCES).sources;
  let pack;
  if (args.sources) pack = (await import("botsift/compile")).compilePackSync(sources);
  const engine = await createEngine({ pack, automaton: args.automaton });
  const { isbot } = await import("isbot");
  const uas = buildMix((await browserUserAgents()).userAgents, packContents(sources).examples).userAgents;
  const chunks = [];
  for (let i = 0; i < uas.length; i += 1000) chunks.push(uas.slice(i, i + 1000));
  const run = {
    classify: () => { let n = 0; for (const ua of uas) n += engine.classify(ua).score; return n; },
    isBot: () => { let n = 0; for (const ua of uas) if (engine.isBot(ua)) n++; return n; },
    classifyBatch: () => { let n = 0; for (const c of chunks) n += engine.classifyBatch(c).length; return n; },
    isbot: () => { let n = 0; for (const ua of uas) if (isbot(ua)) n++; return n; },
  }[args.call];
  const until = performance.now() + Number(args.seconds) * 1000;
  let passes = 0, sink = 0;
  const start = performance.now();
  while (performance.now() < until) { sink += run(); passes++; }
  const nsPerUa = ((performance.now() - start) * 1e6) / (passes * uas.length);
  process.stdout.write(JSON.stringify({ passes, userAgents: uas.length, nsPerUa, automaton: engine.automaton, sink }));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "botsift-prof-"));
const self = fileURLToPath(import.meta.url);
const childArgs = ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=50", self, "--child", "--call", args.call, "--automaton", args.automaton, "--seconds", args.seconds];
if (args.sources) childArgs.push("--sources", args.sources);
if (args.wasm) childArgs.push("--wasm", args.wasm);
const r = spawnSync(process.execPath, childArgs, { cwd: ROOT, encoding: "utf8" });
if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
const stats = JSON.parse(r.stdout);
const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));
if (args.keep) writeFileSync(args.keep, JSON.stringify(profile));
rmSync(dir, { recursive: true, force: true });

/** Names of Wasm functions by index, from the export section and the name section when there is one. */
function wasmFunctionNames(bytes) {
  const names = new Map();
  let at = 8;
  const leb = () => { let r = 0, shift = 0, b; do { b = bytes[at++]; r |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80); return r >>> 0; };
  const str = () => { const n = leb(); const s = new TextDecoder().decode(bytes.subarray(at, at + n)); at += n; return s; };
  let imported = 0;
  while (at < bytes.length) {
    const id = bytes[at++], size = leb(), end = at + size;
    if (id === 2) { // imports: function imports come first in the index space
      for (let n = leb(); n > 0; n--) { str(); str(); const kind = bytes[at++]; if (kind === 0) { leb(); imported++; } else if (kind === 1) { at++; const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); } else { at += 2; } }
    } else if (id === 7) {
      for (let n = leb(); n > 0; n--) { const name = str(), kind = bytes[at++], index = leb(); if (kind === 0 && !names.has(index)) names.set(index, `export ${name}`); }
    } else if (id === 0 && str() === "name") {
      while (at < end) { const sub = bytes[at++], len = leb(), subEnd = at + len; if (sub === 1) for (let n = leb(); n > 0; n--) { const i = leb(); names.set(i, str()); } at = subEnd; }
    }
    at = end;
  }
  return { names, imported };
}
let wasmNames = new Map();
try { wasmNames = wasmFunctionNames(readFileSync(args.wasm ? (args.wasm.startsWith("/") ? args.wasm : join(ROOT, args.wasm)) : join(ROOT, "build/botsift.wasm"))).names; } catch { /* unnamed then */ }
const wasmLabel = (fn) => { const m = /^wasm-function\[(\d+)\]$/.exec(fn); return m ? `${fn} (${wasmNames.get(+m[1]) ?? "internal; unnamed in this build"})` : fn; };

// Self time per function: samples whose top frame is the node, weighted by their time deltas.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self_ = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const f = byId.get(id).callFrame;
  const where = f.url ? `${f.url.replace(`file://${ROOT}/`, "").replace(/^wasm:\/\/wasm\/.*/, "wasm")}:${f.lineNumber + 1}` : "";
  const key = `${wasmLabel(f.functionName) || "(anonymous)"}  ${where}`.trim();
  self_.set(key, (self_.get(key) ?? 0) + dt);
});
console.log(`${args.call} (${stats.automaton}): ${stats.nsPerUa.toFixed(1)} ns per user agent over ${stats.passes} passes of ${stats.userAgents} (profiler on, so slower than the bench)`);
console.log(`self time, top ${args.top} of ${(total / 1000).toFixed(0)} ms sampled:`);
for (const [key, t] of [...self_].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))) {
  console.log(`  ${((100 * t) / total).toFixed(1).padStart(5)}%  ${key}`);
}
