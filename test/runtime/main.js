// Smoke runner for Node, Deno and Bun: imports "botsift" by name (self-reference through the exports map), prints one JSON report line.
import * as botsift from "botsift";
import { runSmoke } from "./smoke.js";

const runtime = globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node";
const report = await runSmoke(runtime, botsift);
report.entry = import.meta.resolve("botsift");
const expected = process.env.BOTSIFT_EXPECT_ENTRY;
if (expected && !report.entry.endsWith(expected)) {
  report.failed++;
  report.failures.push({ name: "resolved the entry of this runtime's export condition", detail: `${report.entry}, expected …${expected}` });
} else if (expected) report.passed++;
console.log(JSON.stringify(report));
if (report.failed) process.exitCode = 1;
