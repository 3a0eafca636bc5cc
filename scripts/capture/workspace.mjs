// What every part of a capture run shares: the fixed paths and names, the run's temporary work directory
// (certificate, client HOME, browser profiles), the processes started in it, and the environment clients get.
// Importing this module creates the work directory and arranges for it and every live process group to go at exit.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const clientsDir = join(fileURLToPath(new URL("./", import.meta.url)), "clients");
export const outDir = join(root, "test/fixtures/requests");

export const HOST = "127.0.0.1";
export const INSECURE_HOST = "botsift-capture.test"; // mapped to 127.0.0.1 inside Chromium only: a non-secure origin
export const CHROMIUM = "/usr/bin/chromium";
export const PYTHON = "/usr/bin/python3"; // Debian's python, whose packages (python3-requests, …) we use

export const work = mkdtempSync(join(tmpdir(), "botsift-capture-"));
mkdirSync(join(work, "home"), { recursive: true });
export const certFile = join(work, "ca.pem"); // the throwaway CA, what clients trust
export const caKeyFile = join(work, "ca-key.pem");
export const leafFile = join(work, "leaf.pem"); // the server's certificate, signed by the CA
export const leafKeyFile = join(work, "leaf-key.pem");

const children = new Set(); // live process groups
let cleaned = false;
export function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const child of children) killGroup(child, "SIGKILL");
  rmSync(work, { recursive: true, force: true });
}
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { cleanup(); process.exit(130); });

// ---------------------------------------------------------------- small helpers

export const log = (...a) => console.log(...a);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const shq = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${String(s).replace(/'/g, `'\\''`)}'`);
export const cmdline = (argv) => argv.map(shq).join(" ");

export function which(cmd) {
  if (cmd.includes("/")) return existsSync(cmd) ? cmd : null;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const p = join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

/** Runs a short command synchronously (version probes, setup); returns trimmed stdout+stderr or null. */
export function run(argv, opts = {}) {
  if (!which(argv[0])) return null;
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 15_000, env: opts.env ?? process.env, cwd: opts.cwd });
  if (r.error || r.status !== 0) return opts.allowFail ? `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() : null;
  return `${r.stdout}${r.stderr}`.trim();
}
export const firstLine = (s) => (s == null ? null : s.split("\n")[0].trim());

// ---------------------------------------------------------------- processes

export function killGroup(child, sig) {
  try { process.kill(-child.pid, sig); } catch {}
}

/** Registers a child started elsewhere (Xvfb) so that cleanup kills its group too. */
export function adopt(child) {
  children.add(child);
  child.on("close", () => children.delete(child));
}

/** Spawns argv in its own process group; resolves {code, out} when it exits. `child.stop()` kills the group. */
export function start(argv, env) {
  const child = spawn(argv[0], argv.slice(1), { env, detached: true, stdio: ["ignore", "pipe", "pipe"], cwd: work });
  children.add(child);
  let out = "";
  const keep = (d) => { out = (out + d).slice(-4000); };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.done = new Promise((resolve) => {
    child.on("error", (e) => { children.delete(child); resolve({ code: -1, out: String(e) }); });
    child.on("close", (code, signal) => { children.delete(child); resolve({ code: code ?? signal, out }); });
  });
  child.stop = async () => {
    if (!children.has(child)) return;
    killGroup(child, "SIGTERM");
    const t = setTimeout(() => killGroup(child, "SIGKILL"), 2000);
    await child.done;
    clearTimeout(t);
    killGroup(child, "SIGKILL"); // grandchildren that outlived the group leader
  };
  return child;
}

/** Environment for clients: no proxies, our certificate trusted wherever an env var can say so. */
export function clientEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/_proxy$/i.test(k)) delete env[k];
  Object.assign(env, {
    SSL_CERT_FILE: certFile, CURL_CA_BUNDLE: certFile, REQUESTS_CA_BUNDLE: certFile,
    NODE_EXTRA_CA_CERTS: certFile, DENO_CERT: certFile, DENO_NO_UPDATE_CHECK: "1", DO_NOT_TRACK: "1",
    HOME: join(work, "home"), // fresh config for wget, lynx, w3m, httpie …
  }, extra);
  // toolchain caches stay where they were, so Go and Deno do not rebuild everything each run
  for (const k of ["GOCACHE", "GOPATH", "DENO_DIR"]) if (!env[k] && process.env.HOME) env[k] = defaultCache(k);
  return env;
}
function defaultCache(k) {
  const home = process.env.HOME;
  return { GOCACHE: join(home, ".cache/go-build"), GOPATH: join(home, "go"), DENO_DIR: join(home, ".cache/deno") }[k];
}
