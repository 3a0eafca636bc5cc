// Smoke runner for workerd: a worker whose test() handler runs the smoke test (workerd.mjs generates its config).
import * as botsift from "botsift";
import { runSmoke } from "./smoke.js";

export default {
  async test() {
    const report = await runSmoke("workerd", botsift);
    console.log(JSON.stringify(report));
    if (report.failed) throw new Error(`${report.failed} smoke checks failed`);
  },
};
