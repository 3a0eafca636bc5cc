// Smoke launcher for workerd: lists worker.js and every module it reaches in a generated config, runs `workerd test`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CONDITIONS, resolveExport } from "../lib/harness.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const bin = process.env.WORKERD_BIN || join(root, "node_modules/.bin/workerd");
const entry = resolveExport(pkg, CONDITIONS.workerd);
if (!entry) fail(`package.json exports has no "." target for conditions ${CONDITIONS.workerd.join(", ")}`);
if (!existsSync(bin)) fail(`workerd not found at ${bin} (npm ci installs it)`);

// "botsift" from test/runtime/worker.js is looked up as module "test/runtime/botsift": a re-export of the
// workerd entry, which is what a bundler resolving the exports map would produce.
const shimName = "test/runtime/botsift";
const entryName = posix.normalize(entry);
const modules = []; // the first one is the worker's main module
const seen = new Set([shimName]);
const queue = ["test/runtime/worker.js", entryName];
const KINDS = { ".js": "esModule", ".mjs": "esModule", ".wasm": "wasm", ".json": "json" };
while (queue.length) {
  const name = queue.shift();
  if (seen.has(name)) continue;
  seen.add(name);
  const file = join(root, name);
  const kind = KINDS[extname(name)];
  // What the scan misreads (an import-like string) is skipped; a module really missing fails in workerd itself.
  if (!kind || !existsSync(file)) continue;
  modules.push({ name, kind, file });
  if (kind !== "esModule") continue;
  const source = readFileSync(file, "utf8");
  const specs = source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)(["'])([^"'\n]+)\1/g);
  for (const [, , spec] of specs) {
    if (spec.startsWith("./") || spec.startsWith("../")) queue.push(posix.join(posix.dirname(name), spec));
  }
}

modules.push({ name: shimName, inline: `export * from ${JSON.stringify(posix.relative("test/runtime", entryName))};\n` });

const dir = mkdtempSync(join(tmpdir(), "botsift-workerd-"));
const str = (s) => JSON.stringify(s);
const lines = modules.map((m) =>
  m.inline !== undefined
    ? `    (name = ${str(m.name)}, esModule = ${str(m.inline)}),`
    : `    (name = ${str(m.name)}, ${m.kind} = embed ${str(relative(dir, m.file))}),`);
writeFileSync(join(dir, "config.capnp"), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "smoke", worker = .worker)]);
const worker :Workerd.Worker = (
  modules = [
${lines.join("\n")}
  ],
  compatibilityDate = "2025-06-01",
);
`);
const run = spawnSync(bin, ["test", join(dir, "config.capnp")], { stdio: "inherit", timeout: 100_000 });
rmSync(dir, { recursive: true, force: true });
if (run.error) fail(`cannot run workerd: ${run.error.message}`);
process.exit(run.status ?? 1);

function fail(message) {
  console.error(`workerd smoke: ${message}`);
  process.exit(1);
}
