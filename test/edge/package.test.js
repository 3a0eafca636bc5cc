// The package as users get it: publint and @arethetypeswrong/cli on the packed tarball; a Worker
// bundle with no node: import and within its size budget; the tarball installed offline into a
// fresh folder, and the cross-runtime smoke test run from there in node, deno, bun, workerd, chromium.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publint } from "publint";
import { CONDITIONS, judgeRuntime, resolveExport } from "../lib/harness.mjs";
import { bundleWorker } from "./lib/bundle.mjs";
import { bin, root, skipped } from "./lib/servers.mjs";

/**
 * Budget for a Worker using protect() (with the updater), minified and gzipped, Wasm included:
 * 256 KiB. Measured: ≈ 115 KiB with the signature engine alone, ≈ 156 KiB once the engine links
 * the rules compiler; either way about 100 KiB is the built-in pack (500 bots, their signatures,
 * the verified bots' address ranges). The budget leaves room for the pack to grow by half again
 * while staying a quarter of the 1 MiB that Wasm-based peers ship and far inside Workers' limits.
 * The code share (everything but the embedded pack) is printed so growth shows in the log.
 */
const BUDGET_GZIP = 256 * 1024;

const work = mkdtempSync(join(tmpdir(), "botsift-edge-pkg-"));
let tarball;

function run(cmd, args, { cwd = root, env = {}, timeoutMs = 90_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DO_NOT_TRACK: "1", npm_config_update_notifier: "false", ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "", stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, timeoutMs);
    child.on("error", (e) => ((stderr += e.message), clearTimeout(timer), resolve({ code: null, stdout, stderr })));
    child.on("close", (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}
const npm = (args, opts) => run(process.platform === "win32" ? "npm.cmd" : "npm", args, opts);

test.before(async () => {
  const packed = await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", work]);
  assert.is(packed.code, 0, packed.stderr);
  tarball = join(work, JSON.parse(packed.stdout)[0].filename);
});

test.after(() => rmSync(work, { recursive: true, force: true }));

test("publint: no errors or warnings", async () => {
  const { messages } = await publint({ pkgDir: root, level: "warning" });
  assert.equal(messages, []);
});

test("@arethetypeswrong/cli: every entry's types resolve (ESM-only profile)", async () => {
  const r = await run(bin("attw"), [tarball, "--profile", "esm-only", "--exclude-entrypoints", "./botsift.wasm", "--format", "table-flipped"]);
  assert.is(r.code, 0, r.stdout + r.stderr);
  for (const entry of ["botsift", "botsift/fetch", "botsift/node", "botsift/hono", "botsift/update", "botsift/compile"]) assert.ok(r.stdout.includes(`"${entry}"`), `attw checked ${entry}\n${r.stdout}`);
});

test("a Worker bundle of protect() has no node: import and stays within budget", async () => {
  const worker = await bundleWorker("examples/worker/src/index.js");
  assert.equal(worker.imports, ["./botsift.wasm"], "the only import left is the Wasm module");
  assert.not.match(worker.js, /["']node:/, "no node: specifier anywhere in the bundle");
  assert.ok(Object.keys(worker.inputs).some((f) => f.endsWith("dist/runtime/workerd.js")), "the workerd build was chosen");
  const code = Object.entries(worker.inputs).filter(([f]) => !f.includes("dist/generated/")).reduce((n, [, b]) => n + b, 0);
  console.log(`  Worker bundle: ${(worker.gzip.total / 1024).toFixed(1)} KiB gzipped (js ${(worker.gzip.js / 1024).toFixed(1)}, wasm ${(worker.gzip.wasm / 1024).toFixed(1)}); code ${(code / 1024).toFixed(1)} KiB minified`);
  assert.ok(worker.gzip.total <= BUDGET_GZIP, `${worker.gzip.total} bytes gzipped > budget ${BUDGET_GZIP}`);
  const browser = await bundleWorker("examples/worker/src/index.js", { conditions: ["browser"] });
  assert.equal(browser.imports, [], "the browser build embeds its Wasm: no import at all");
  assert.not.match(browser.js, /["']node:/);
});

test("installed from the tarball: the smoke test passes in node, deno, bun, workerd and chromium", async () => {
  const app = join(work, "app");
  mkdirSync(join(app, "smoke"), { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "botsift-consumer", private: true, type: "module" }));
  const installed = await npm(["install", tarball, "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app });
  assert.is(installed.code, 0, installed.stdout + installed.stderr);
  const pkgDir = join(app, "node_modules/botsift");
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  // Node, Deno, Bun import "botsift" from a consumer's folder; workerd and chromium run the
  // repo's launchers from inside the installed package, which they take as the package root.
  for (const f of ["main.js", "smoke.js"]) copyFileSync(join(root, "test/runtime", f), join(app, "smoke", f));
  mkdirSync(join(pkgDir, "test/runtime"), { recursive: true });
  mkdirSync(join(pkgDir, "test/lib"), { recursive: true });
  for (const f of ["smoke.js", "worker.js", "workerd.mjs", "browser.js", "chromium.mjs"]) copyFileSync(join(root, "test/runtime", f), join(pkgDir, "test/runtime", f));
  copyFileSync(join(root, "test/lib/harness.mjs"), join(pkgDir, "test/lib/harness.mjs"));
  const runners = {
    node: [process.execPath, ["smoke/main.js"], app],
    deno: [bin("deno"), ["run", "--no-prompt", "--allow-env=BOTSIFT_EXPECT_ENTRY", "smoke/main.js"], app],
    bun: [bin("bun"), ["smoke/main.js"], app],
    workerd: [process.execPath, ["test/runtime/workerd.mjs"], pkgDir],
    chromium: [process.execPath, ["test/runtime/chromium.mjs"], pkgDir],
  };
  const results = await Promise.all(Object.entries(runners).map(async ([runtime, [cmd, args, cwd]]) => {
    if (skipped(runtime)) return [runtime, null];
    const entry = resolveExport(pkg, CONDITIONS[runtime]).replace(/^\.\//, "");
    const r = await run(cmd, args, { cwd, env: { BOTSIFT_EXPECT_ENTRY: entry, WORKERD_BIN: bin("workerd") } });
    return [runtime, { ...judgeRuntime(r.code, r.stdout), output: r.stdout + r.stderr }];
  }));
  for (const [runtime, j] of results) {
    if (j === null) continue;
    assert.is(j.failed, 0, `${runtime}: ${JSON.stringify(j.failures)}\n${j.output.slice(-3000)}`);
    assert.ok(j.passed >= 15, `${runtime}: ${j.passed} checks passed`);
    if (j.report.entry) assert.ok(j.report.entry.includes("/node_modules/botsift/"), `${runtime} imported the installed package: ${j.report.entry}`);
  }
});

test.run();
