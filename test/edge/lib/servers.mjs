// Starting and stopping real servers for the edge tests: free loopback ports, child processes
// that print "listening on http://127.0.0.1:PORT", workerd from a generated capnp config, and a
// hard deadline after which everything is killed.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../../", import.meta.url));
export const bin = (name) => join(root, "node_modules/.bin", name);
const WORKERD = process.env.WORKERD_BIN || bin("workerd");

/** Runtimes listed in BOTSIFT_SKIP_RUNTIMES (as for `npm test --skip`) are skipped here too. */
export const skipped = (runtime) => (process.env.BOTSIFT_SKIP_RUNTIMES ?? "").split(",").map((s) => s.trim()).includes(runtime);

/** A port that was free a moment ago on 127.0.0.1 (workerd cannot report a port it picked itself). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const running = new Set();
function killAll() {
  for (const child of running) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }
}
process.on("exit", killAll);

/**
 * Spawns `cmd args` (cwd: the repo) and resolves once `ready(output)` is true, polling the port
 * when given. Rejects after `timeoutMs` with the output so far. `stop()` kills its process group.
 */
export function startServer(name, cmd, args, { env = {}, port, timeoutMs = 20_000, cwd = root } = {}) {
  if (!existsSync(cmd)) return Promise.reject(new Error(`${name}: ${cmd} not found`));
  const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DO_NOT_TRACK: "1", ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  running.add(child);
  const server = {
    name,
    output: "",
    url: port ? `http://127.0.0.1:${port}` : null,
    async stop() {
      running.delete(child);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
      await gone;
    },
  };
  child.stdout.on("data", (c) => (server.output += c));
  child.stderr.on("data", (c) => (server.output += c));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const fail = (why) => {
      clearInterval(poll);
      server.stop().then(() => reject(new Error(`${name}: ${why}\n${server.output.slice(-3000)}`)));
    };
    child.once("error", (e) => fail(`cannot start: ${e.message}`));
    child.once("exit", (code) => fail(`exited early (code ${code})`));
    const poll = setInterval(async () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output);
      if (m) server.url = m[1];
      if (server.url && (m || (await reachable(server.url)))) {
        clearInterval(poll);
        child.removeAllListeners("exit");
        resolve(server);
      } else if (Date.now() > deadline) fail(`not listening after ${timeoutMs} ms`);
    }, 50);
  });
}

async function reachable(url) {
  try {
    const r = await fetch(url + "/__ready", { signal: AbortSignal.timeout(500) });
    await r.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/**
 * Serves a bundled Worker (see bundle.mjs) with workerd on 127.0.0.1. `bindings` are capnp
 * binding lines; `services` extra service lines (e.g. a disk service behind a KV binding).
 */
export async function serveWorker(name, bundle, { bindings = [], services = [], compatibilityDate = "2025-06-01" } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "botsift-edge-workerd-"));
  writeFileSync(join(dir, "worker.js"), bundle.js);
  // capnp embeds are read relative to the config: copy the Wasm modules next to it.
  for (const [module, file] of Object.entries(bundle.wasm)) copyFileSync(file, join(dir, module));
  const modules = [`(name = "worker.js", esModule = embed "worker.js")`, ...Object.keys(bundle.wasm).map((module) => `(name = ${JSON.stringify(module)}, wasm = embed ${JSON.stringify(module)})`)];
  writeFileSync(join(dir, "config.capnp"), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker), ${services.join(", ")}],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [${modules.join(", ")}],
  bindings = [${bindings.join(", ")}],
  compatibilityDate = "${compatibilityDate}",
);
`.replace(/, \]/g, "]"));
  const server = await startServer(name, WORKERD, ["serve", join(dir, "config.capnp"), "--verbose"], { port });
  const stop = server.stop;
  server.stop = async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return server;
}
