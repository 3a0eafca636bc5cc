// Smoke runner for browsers: the page chromium.mjs serves loads it; "botsift" comes from the page's import map.
import { runSmoke } from "./smoke.js";

const post = (report) => fetch("/__report", { method: "POST", body: JSON.stringify(report) });
try {
  const botsift = await import("botsift");
  await post(await runSmoke("chromium", botsift));
} catch (e) {
  await post({ runtime: "chromium", passed: 0, failed: 1, failures: [{ name: "import botsift", detail: String(e?.stack ?? e) }] });
}
