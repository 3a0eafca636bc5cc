// Opens one URL in Chromium driven by playwright-core (the way test and scraping scripts do), with the
// launch options given as JSON in argv[3] and the browser-context options as JSON in argv[5], then closes
// the browser. argv[4] is the path of playwright-core's index.js (it may live outside node_modules). Used by ../capture.mjs, which runs it as a child process
// so that a hang can be killed with its process group.
import { pathToFileURL } from "node:url";

const [url, launchJson, entry, contextJson = "{}"] = process.argv.slice(2);
const pw = await import(pathToFileURL(entry).href);
const { chromium } = pw.default ?? pw;
const browser = await chromium.launch(JSON.parse(launchJson));
try {
  const context = await browser.newContext(JSON.parse(contextJson));
  const page = await context.newPage();
  await page.goto(url, { timeout: 15000 });
} finally {
  await browser.close();
}
