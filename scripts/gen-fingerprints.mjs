// Regenerates packs/fingerprints.json: the header fingerprints of the clients captured in
// test/fixtures/requests (libraries and command-line tools; browsers are left out, since a
// browser's fingerprint is what bots copy), computed by the engine itself.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createEngine } from "../dist/runtime/portable.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "test/fixtures/requests");
const engine = await createEngine();
const labels = new Map();
let newest = "";
for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const capture = JSON.parse(readFileSync(join(dir, file), "utf8"));
  if (capture.kind !== "library" && capture.kind !== "cli") continue;
  if (capture.capturedAt > newest) newest = capture.capturedAt;
  const r = capture.request;
  const v = engine.classify({ method: r.method, httpVersion: r.httpVersion, headers: r.headers, tls: capture.scheme === "https" });
  if (!v.fingerprint) continue;
  const label = capture.client;
  const known = labels.get(v.fingerprint);
  labels.set(v.fingerprint, known && known !== label ? `${known} / ${label}` : label);
}
const pack = {
  $schema: "../schema/pack-source.schema.json",
  name: "fingerprints",
  version: newest.slice(0, 10).replaceAll("-", "."),
  description: "Header fingerprints of HTTP libraries and command-line clients, computed from the requests captured in test/fixtures/requests (node scripts/capture/capture.mjs). A label names the client; it is not evidence by itself, since any client can send the same headers.",
  bots: [],
  fingerprints: [...labels].map(([fingerprint, label]) => ({ fingerprint, label })),
};
writeFileSync(join(root, "packs/fingerprints.json"), JSON.stringify(pack, null, 2) + "\n");
console.log(`packs/fingerprints.json: ${labels.size} fingerprints`);
