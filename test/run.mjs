// `npm test`: runs every test/**/*.test.js with node, then the smoke test in node, deno, bun, workerd and chromium; sums it all up.
// Usage: node test/run.mjs [--only unit,node,deno,bun,workerd,chromium] [--skip …]   (env BOTSIFT_SKIP_RUNTIMES=… skips too)
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CONDITIONS, closingLine, judgeRuntime, judgeUnitFile, resolveExport } from "./lib/harness.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const TIMEOUT_MS = 120_000;
const bin = (name) => join(root, "node_modules/.bin", name);
const RUNTIMES = {
  node: [process.execPath, "test/runtime/main.js"],
  deno: [bin("deno"), "run", "--no-prompt", "--allow-env=BOTSIFT_EXPECT_ENTRY", "test/runtime/main.js"],
  bun: [bin("bun"), "test/runtime/main.js"],
  workerd: [process.execPath, "test/runtime/workerd.mjs"],
  chromium: [process.execPath, "test/runtime/chromium.mjs"],
};
const STAGES = ["unit", ...Object.keys(RUNTIMES)];

const list = (s) => (s ?? "").split(",").map((x) => x.trim()).filter(Boolean);
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? list(args[i + 1]) : [];
};
const only = flag("--only");
const skip = [...flag("--skip"), ...list(process.env.BOTSIFT_SKIP_RUNTIMES)];
for (const s of [...only, ...skip]) if (!STAGES.includes(s)) die(`unknown stage "${s}"; stages: ${STAGES.join(", ")}`);

const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];
const selected = (stage) => only.length === 0 || only.includes(stage);

if (selected("unit")) {
  if (skip.includes("unit")) skipStage("unit");
  else {
    await ensureDebianPackages([["redis-server", "/usr/bin/redis-server"]]);
    await unitTests();
  }
}
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
for (const [runtime, command] of Object.entries(RUNTIMES)) {
  if (!selected(runtime)) continue;
  if (skip.includes(runtime)) skipStage(runtime);
  else {
    if (runtime === "chromium") await ensureDebianPackages([["chromium", "/usr/bin/chromium"]]);
    await smoke(runtime, command);
  }
}

console.log("\nsummary");
for (const r of rows) console.log(`  ${r.name.padEnd(9)} ${closingLine(r).padEnd(30)} ${r.note}`);
console.log(`\n${closingLine(totals)}`);
process.exit(totals.failed > 0 ? 1 : 0);

async function unitTests() {
  const started = Date.now();
  const files = findTests(join(root, "test")).sort();
  const sum = { name: "unit", passed: 0, failed: 0, skipped: 0 };
  const results = await pool(files, Math.min(4, availableParallelism()), (file) => exec([process.execPath, file]));
  files.forEach((file, i) => {
    const { code, stdout, stderr, error } = results[i];
    const j = judgeUnitFile(code, stdout + stderr);
    if (error) j.problem = error;
    for (const k of ["passed", "failed", "skipped"]) sum[k] += j[k];
    const name = relative(root, file);
    if (j.failed) {
      console.log(`✘ ${name}${j.problem ? ` — ${j.problem}` : ""}\n${indent(stdout + stderr)}`);
    } else console.log(`✔ ${name} (${j.passed} passed${j.skipped ? `, ${j.skipped} skipped` : ""})`);
  });
  if (files.length === 0) {
    sum.failed = 1;
    console.log("✘ unit: no test/**/*.test.js file found");
  }
  record(sum, `${files.length} files, ${seconds(started)}`);
}

async function smoke(runtime, [cmd, ...rest]) {
  const started = Date.now();
  const entry = resolveExport(pkg, CONDITIONS[runtime]);
  const env = { ...process.env, BOTSIFT_EXPECT_ENTRY: entry ? entry.replace(/^\.\//, "") : "", DENO_NO_UPDATE_CHECK: "1", DO_NOT_TRACK: "1", NO_COLOR: "1", RUST_BACKTRACE: "0" };
  const { code, stdout, stderr, error } = existsSync(cmd)
    ? await exec([cmd, ...rest], env)
    : { code: null, stdout: "", stderr: "", error: `${relative(root, cmd)} not found (npm ci installs it)` };
  const j = error
    ? { passed: 0, failed: 1, failures: [{ name: `${runtime}: ${error}` }], report: null }
    : judgeRuntime(code, stdout);
  const sum = { name: runtime, passed: j.passed, failed: j.failed, skipped: 0 };
  if (j.failed) {
    console.log(`✘ ${runtime}`);
    for (const f of j.failures) console.log(`    ✘ ${f.name}${f.detail ? `\n${indent(f.detail, 8)}` : ""}`);
    if (code !== null && code !== 0) console.log(`    exit ${code}`);
    const shown = j.report ? [["stderr", stderr]] : [["stdout", stdout], ["stderr", stderr]];
    for (const [label, text] of shown) if (text.trim()) console.log(`    --- ${label}\n${indent(text.slice(-6000))}`);
  } else console.log(`✔ ${runtime} (${j.passed} passed)`);
  record(sum, `${seconds(started)}  ${entry ?? "(no export for this runtime)"}`);
}

function skipStage(name) {
  console.log(`- ${name} skipped`);
  record({ name, passed: 0, failed: 0, skipped: 1 }, "skipped");
}

function record(sum, note) {
  for (const k of ["passed", "failed", "skipped"]) totals[k] += sum[k];
  rows.push({ ...sum, note });
}

// Every *.test.js under dir (node_modules excluded).
function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === "node_modules" ? [] : findTests(p);
    return d.name.endsWith(".test.js") ? [p] : [];
  });
}

// Runs a command from the repo root; kills its whole process group after TIMEOUT_MS (code null then).
function exec([cmd, ...rest], env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, rest, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let error = null;
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => {
      error = `timed out after ${TIMEOUT_MS / 1000} s`;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, TIMEOUT_MS);
    const done = (code) => {
      clearTimeout(timer);
      resolve({ code: error ? null : code, stdout, stderr, error });
    };
    child.on("error", (e) => {
      error = `cannot start: ${e.message}`;
      done(null);
    });
    child.on("close", done);
  });
}

async function pool(items, size, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, size) }, worker));
  return out;
}

function indent(text, n = 4) {
  return text.trimEnd().split("\n").map((l) => " ".repeat(n) + l).join("\n");
}

function seconds(started) {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

function die(message) {
  console.error(message);
  process.exit(2);
}

/**
 * Debian packages npm cannot bring (chromium for the browser stage, redis-server for the Redis
 * rate-limit store): installed when missing and allowed (root, apt), so `npm test` sets up a fresh machine.
 */
async function ensureDebianPackages(packages) {
  const missing = packages.filter(([, path]) => !existsSync(path)).map(([name]) => name);
  if (missing.length === 0 || process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) return;
  console.log(`${missing.join(", ")} missing: installing Debian's package${missing.length > 1 ? "s" : ""} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const argv of [["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...missing]]) {
    const code = await new Promise((done) => spawn(argv[0], argv.slice(1), { stdio: "inherit", env }).on("close", done).on("error", () => done(1)));
    if (code !== 0) return console.log(`${argv.join(" ")} failed (exit ${code}); the tests that need ${missing.join(", ")} will fail`);
  }
}
