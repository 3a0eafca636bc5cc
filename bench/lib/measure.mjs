// Measurements: benchmark.js runs reported per user agent, cold start in fresh processes, gzipped sizes, pack compile time.
import Benchmark from "benchmark";
import { spawnSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants as zlib } from "node:zlib";
import { join } from "node:path";

export function median(values) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const at = (s.length - 1) * q, lo = Math.floor(at), hi = Math.ceil(at);
  return s[lo] + (s[hi] - s[lo]) * (at - lo);
}

/**
 * Runs `fn` under benchmark.js, where one operation handles `perOp` user agents, and returns
 * benchmark.js's samples (each the mean time of one operation over a timed cycle) converted to
 * nanoseconds per user agent.
 */
export function runBenchmark(name, fn, perOp, { maxTime, minSamples }) {
  const bench = new Benchmark(name, fn, { maxTime, minSamples, initCount: 1, async: false });
  bench.run();
  if (bench.error) throw bench.error;
  return { samples: bench.stats.sample.map((seconds) => (seconds * 1e9) / perOp), cycles: bench.cycles, hz: bench.hz };
}

// Student's t, two-sided 95%, by degrees of freedom (as benchmark.js uses); 1.96 beyond 30.
const T95 = [0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Median, mean and relative margin of error (±% at 95%, as benchmark.js computes it) of per-user-agent samples. */
export function summarize(samples, perOp) {
  const n = samples.length;
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const sem = Math.sqrt(variance / n);
  const rme = n > 1 ? ((sem * (T95[n - 1] ?? 1.96)) / mean) * 100 : NaN;
  const medianNs = median(samples);
  return {
    medianNs,
    meanNs: mean,
    rmePct: rme,
    p25Ns: quantile(samples, 0.25),
    p75Ns: quantile(samples, 0.75),
    minNs: Math.min(...samples),
    samples: n,
    userAgentsPerOp: perOp,
    userAgentsPerSecond: 1e9 / medianNs,
  };
}

const COLD_UA = "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)";
/** The child of a cold-start run: import, create, classify one user agent; reports its own phases (ms). */
const COLD_CHILD = `
const t0 = performance.now();
const { createEngine } = await import("botsift");
const t1 = performance.now();
const engine = await createEngine();
const t2 = performance.now();
const verdict = engine.classify(${JSON.stringify(COLD_UA)});
const t3 = performance.now();
process.stdout.write(JSON.stringify({ boot: t0, import: t1 - t0, create: t2 - t1, classify: t3 - t2, class: verdict.class }));
`;

function timedSpawn(args, cwd) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`cold-start child failed (${r.status}): ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return { ms, stdout: r.stdout };
}

/**
 * Cold start: wall time of `node --input-type=module -e <import botsift, createEngine, classify one>`
 * minus that of a bare `node -e ""`, each timed with process.hrtime around the whole child run,
 * interleaved so drift hits both alike; medians over `runs` of each after one warm-up of each.
 */
export function coldStart(root, runs) {
  const bareArgs = ["-e", ""];
  const botsiftArgs = ["--input-type=module", "-e", COLD_CHILD];
  timedSpawn(bareArgs, root);
  timedSpawn(botsiftArgs, root);
  const bare = [], botsift = [], phases = [];
  let verdictClass = null;
  for (let i = 0; i < runs; i++) {
    const order = i % 2 ? ["botsift", "bare"] : ["bare", "botsift"];
    for (const which of order) {
      if (which === "bare") bare.push(timedSpawn(bareArgs, root).ms);
      else {
        const r = timedSpawn(botsiftArgs, root);
        botsift.push(r.ms);
        const p = JSON.parse(r.stdout);
        verdictClass = p.class;
        phases.push(p);
      }
    }
  }
  const bareMs = median(bare), botsiftMs = median(botsift);
  return {
    runs,
    bareMedianMs: bareMs,
    botsiftMedianMs: botsiftMs,
    overBareMs: botsiftMs - bareMs,
    bareP25Ms: quantile(bare, 0.25), bareP75Ms: quantile(bare, 0.75),
    botsiftP25Ms: quantile(botsift, 0.25), botsiftP75Ms: quantile(botsift, 0.75),
    // Phases measured inside the child with performance.now() (medians).
    phasesMs: {
      nodeBootToScript: median(phases.map((p) => p.boot)),
      importBotsift: median(phases.map((p) => p.import)),
      createEngine: median(phases.map((p) => p.create)),
      firstClassify: median(phases.map((p) => p.classify)),
    },
    probe: { userAgent: COLD_UA, class: verdictClass },
  };
}

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const br = (buf) => brotliCompressSync(buf, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;

const SECTION_NAMES = { 1: "automaton", 2: "patterns", 3: "checks", 4: "signatures", 5: "strings", 6: "meta", 7: "params",
  8: "ipRanges", 9: "botVerify", 10: "heuristics", 11: "customRules", 12: "rateLimits" };
/** Where a pack's bytes go: each section raw and gzipped on its own (header: count at 16, 12-byte entries id/offset/length from 20). */
export function packSections(pack) {
  try {
    const view = new DataView(pack.buffer, pack.byteOffset, pack.byteLength);
    const out = [];
    for (let i = 0, n = view.getUint32(16, true); i < n; i++) {
      const e = 20 + i * 12, id = view.getUint32(e, true), offset = view.getUint32(e + 4, true), length = view.getUint32(e + 8, true);
      if (offset + length > pack.length) return null;
      out.push({ id, name: SECTION_NAMES[id] ?? `section ${id}`, bytes: length, gzip9: gz(pack.subarray(offset, offset + length)) });
    }
    return out.sort((a, b) => b.bytes - a.bytes);
  } catch {
    return null;
  }
}

/** Raw and compressed sizes of the engine and the default pack, as files and as the embedded modules the portable entry imports. */
export function sizes(root) {
  const read = (p) => (existsSync(join(root, p)) ? readFileSync(join(root, p)) : null);
  const wasm = read("build/botsift.wasm"), pack = read("build/default.pack");
  if (!wasm || !pack) throw new Error("build/botsift.wasm or build/default.pack is missing: run npm run build");
  const embedded = ["dist/generated/wasm-base64.js", "dist/generated/default-pack.js"].map(read).filter(Boolean);
  return {
    wasm: { bytes: wasm.length, gzip9: gz(wasm), brotli11: br(wasm) },
    pack: { bytes: pack.length, gzip9: gz(pack), brotli11: br(pack) },
    // The target: the two gzipped as the two files they ship as.
    totalGzip9: gz(wasm) + gz(pack),
    // For reference: one gzip stream over both, and the base64 modules of dist/generated gzipped.
    concatenatedGzip9: gz(Buffer.concat([wasm, pack])),
    embeddedModulesGzip9: embedded.length === 2 ? embedded.reduce((n, b) => n + gz(b), 0) : null,
    packSections: packSections(pack),
  };
}

/** Time to compile the default pack sources with compilePackSync: every run, median, and the first (cold) run on its own. */
export function compileTime(compilePackSync, sources, runs) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const pack = compilePackSync(sources);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    bytes = pack.length;
  }
  return { runs, medianMs: median(times), firstMs: times[0], minMs: Math.min(...times), maxMs: Math.max(...times), packBytes: bytes };
}
