// What the heuristics cost: isBot and full-request classify with and without packs/heuristics.json, in one process.
// node bench/heuristics.mjs
import { createEngine, compilePack } from "botsift";
import { readFileSync } from "node:fs";
const src = (f) => ({ label: f, source: JSON.parse(readFileSync(new URL(`../${f}`, import.meta.url), "utf8")) });
const base = ["packs/ai-bots.json", "packs/crawlers.json", "packs/ip-ranges.json"].map(src);
const plain = await createEngine({ pack: await compilePack(base) });
const heur = await createEngine({ pack: await compilePack([...base, src("packs/heuristics.json")]) });
const uas = JSON.parse(readFileSync(new URL("./data/browser-uas.json", import.meta.url), "utf8")).userAgents.slice(0, 2000);
const cap = JSON.parse(readFileSync(new URL("../test/fixtures/requests/chromium-headful-https.json", import.meta.url), "utf8")).request;
const full = uas.map((ua) => ({ userAgent: ua, method: "GET", url: "/", httpVersion: "HTTP/1.1", tls: true, ip: "203.0.113.9", headers: cap.headers.map(([k, v]) => [k, /user-agent/i.test(k) ? ua : v]) }));
function time(fn, xs, rounds = 5) { for (const x of xs) fn(x); const t = performance.now(); for (let r = 0; r < rounds; r++) for (const x of xs) fn(x); return ((performance.now() - t) * 1e6 / (rounds * xs.length)).toFixed(0); }
for (let k = 0; k < 2; k++) {
console.log("isBot   plain", time((u) => plain.isBot(u), uas), "ns; heuristics", time((u) => heur.isBot(u), uas), "ns");
console.log("request plain", time((r) => plain.classify(r), full, 2), "ns; heuristics", time((r) => heur.classify(r), full, 2), "ns");
}
