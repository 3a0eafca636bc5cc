// Captures the exact HTTP request (request line, header names with original case, order, duplicates)
// that real clients on this machine send, and writes them as fixtures to test/fixtures/requests/.
// Servers listen on 127.0.0.1 only: raw TCP (node:net, not node:http, so nothing is normalised) for
// http, and the same behind TLS with a throwaway CA and certificate made at run time for https (ALPN offers
// http/1.1 only, so browsers speak HTTP/1.1 and their header order is on the wire as is; the TLS
// ClientHello is recorded too). Each client gets a timeout; a client missing from the machine is
// reported and skipped; every process started here is killed by its process group at the end.
//
// Usage: node scripts/capture/capture.mjs [--only id1,id2] [--dry-run] [--no-install]
//   --only        capture only the clients whose id is listed (e.g. chromium-headful,curl)
//   --dry-run     capture and print, but write no fixture and leave the README alone
//   --no-install  if playwright-core is in neither node_modules nor ~/.cache/botsift-capture, skip
//                 Playwright instead of installing it there with npm
//
// This file wires the run together; the parts live next to it: servers.mjs (+ client-hello.mjs) capture,
// clients.mjs (+ browsers.mjs, versions.mjs) start the clients, run-client.mjs runs one, fixtures.mjs
// writes the results and the README's generated sections, workspace.mjs holds what they all share.
import { chromeUA, stopXvfb } from "./browsers.mjs";
import { BROWSER_ORIGINS, CLIENTS, LIB_ORIGINS, prepare } from "./clients.mjs";
import { allFixtures, buildFixture, compareSection, normalise, writeFixtures } from "./fixtures.mjs";
import { captureOne, pool } from "./run-client.mjs";
import { closeServers, makeCertificate, startServers, stray } from "./servers.mjs";
import { chromeMajor } from "./versions.mjs";
import { HOST, cleanup, log, outDir, which, work } from "./workspace.mjs";

const USAGE = "usage: node scripts/capture/capture.mjs [--only id1,id2] [--dry-run] [--no-install]  (see the comment at the top of this file)";
const started = Date.now();
const args = process.argv.slice(2);
// A mistyped option must not start a full capture that rewrites the committed fixtures.
if (args.includes("--help") || args.includes("-h")) { console.log(USAGE); process.exit(0); }
const onlyIdx = args.indexOf("--only");
const unknown = args.filter((a, i) => !["--only", "--dry-run", "--no-install"].includes(a) && !(i === onlyIdx + 1 && onlyIdx >= 0));
if (unknown.length) { console.error(`unknown option ${unknown.join(" ")}\n${USAGE}`); process.exit(2); }
if (onlyIdx >= 0 && !(args[onlyIdx + 1] ?? "").replace(/^--.*/, "")) { console.error(`--only needs a list of client ids\n${USAGE}`); process.exit(2); }
const only = onlyIdx >= 0 ? args[onlyIdx + 1].split(",").filter(Boolean) : [];
const dryRun = args.includes("--dry-run");
const noInstall = args.includes("--no-install");
const CONCURRENCY = 3;

makeCertificate();
const ports = await startServers();

const selected = CLIENTS.filter((c) => only.length === 0 || only.includes(c.id));
for (const id of only) if (!CLIENTS.some((c) => c.id === id)) console.error(`unknown client "${id}"; clients: ${CLIENTS.map((c) => c.id).join(", ")}`);
log(`capture servers: http://${HOST}:${ports.http}  https://${HOST}:${ports.https}  (work dir ${work})`);

const summary = []; // { id, origin, status, detail }
const fixtures = []; // { name, fixture, key }: this run's captures, the random capture key kept for normalise()
const tasks = [];
for (const client of selected) {
  const missing = client.needs.filter((n) => !which(n));
  const origins = client.browser ? BROWSER_ORIGINS : LIB_ORIGINS;
  if (missing.length) {
    for (const o of origins) summary.push({ id: client.id, origin: o.suffix, status: "missing", detail: `not on this machine: ${missing.join(", ")}` });
    continue;
  }
  for (const origin of origins) {
    tasks.push(async () => {
      const setupErr = await prepare(client.setup, { noInstall });
      if (setupErr) { summary.push({ id: client.id, origin: origin.suffix, status: "missing", detail: setupErr }); return; }
      const t0 = Date.now();
      const r = await captureOne(client, origin, ports);
      const ms = Date.now() - t0;
      if (!r.ok) { summary.push({ id: client.id, origin: origin.suffix, status: "failed", detail: `${r.why} (${ms} ms)` }); return; }
      fixtures.push({ name: `${client.id}-${origin.suffix}`, fixture: buildFixture(client, origin, r), key: r.key });
      summary.push({ id: client.id, origin: origin.suffix, status: "ok", detail: `${r.rec.request.method} ${r.rec.request.target.replace(/\/capture\/.*/, "/capture/…")} HTTP/${r.rec.request.httpVersion}, ${r.rec.request.headers.length} headers (${ms} ms)` });
    });
  }
}
await pool(tasks, CONCURRENCY);

closeServers();
await stopXvfb();

for (const { fixture, key } of fixtures) normalise(fixture, key);
fixtures.sort((a, b) => a.name.localeCompare(b.name));
summary.sort((a, b) => (a.id + a.origin).localeCompare(b.id + b.origin));

// ---------------------------------------------------------------- report

log("");
for (const s of summary) log(`${s.status.padEnd(7)} ${`${s.id}-${s.origin}`.padEnd(40)} ${s.detail}`);
if (stray.length) log(`(ignored ${stray.length} request(s) not addressed to a client: ${[...new Set(stray)].slice(0, 5).join(", ")})`);

const all = allFixtures(fixtures);
const comparison = compareSection(all);
if (comparison) log(`\n${comparison}`);
const headfulUA = all.get("chromium-headful-https")?.request.headers.find(([n]) => n.toLowerCase() === "user-agent")?.[1];
if (headfulUA && chromeMajor() && headfulUA !== chromeUA()) {
  log(`\nWARNING: the forced user agent (${chromeUA()}) is not what headful Chromium sent (${headfulUA}); update chromeUA().`);
}

if (!dryRun) {
  writeFixtures(fixtures, all, comparison);
  log(`wrote ${fixtures.length} fixture(s) to ${outDir} (${all.size} there in all)`);
}
const failed = summary.filter((s) => s.status !== "ok");
log(`${summary.length - failed.length} captured, ${failed.filter((s) => s.status === "missing").length} missing, ${failed.filter((s) => s.status === "failed").length} failed, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
cleanup();
process.exit(0);
