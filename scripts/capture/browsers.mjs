// The browser clients: Debian's Chromium headful (on an Xvfb display), headless, headless with a forced
// Chrome user agent, and driven by playwright-core. Every Chromium run gets the same flags, so runs differ
// only in what is being compared. Also finds playwright-core, or installs it outside the repo.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromeMajor, chromiumVersion, version, xvfbVersion } from "./versions.mjs";
import { CHROMIUM, INSECURE_HOST, adopt, clientEnv, clientsDir, cmdline, killGroup, log, root, sleep, start, which, work } from "./workspace.mjs";

const PLAYWRIGHT_VERSION = "1.65.1";
let playwrightEntry = null; // absolute path of playwright-core's index.js, once found

// Chromium's flags: the same for every Chromium run, so the only difference between runs is the one
// under study (headless or not, forced user agent or not, playwright or not).
const CHROMIUM_FLAGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--ignore-certificate-errors",
  `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
];
// Chromium picks Accept-Language from the locale; a real desktop has one, so the browsers run with it set.
const BROWSER_ENV = { LANG: "en_US.UTF-8", LANGUAGE: "en_US" };
export const chromeUA = () => `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chromeMajor()}.0.0.0 Safari/537.36`;
const freshProfile = () => `--user-data-dir=${join(work, `profile-${Math.random().toString(36).slice(2)}`)}`;
const playwrightVersion = () => version("playwright-core", () =>
  playwrightEntry ? JSON.parse(readFileSync(join(playwrightEntry, "..", "package.json"), "utf8")).version : null);

let xvfb = null; // a promise of { display, child }, once started
async function ensureXvfb() {
  if (xvfb) return xvfb;
  xvfb = (async () => {
    const bin = which("Xvfb");
    if (!bin) throw new Error("Xvfb not installed (apt-get install xvfb)");
    const child = spawn(bin, ["-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
      { detached: true, stdio: ["ignore", "ignore", "ignore", "pipe"] });
    adopt(child);
    const display = await new Promise((resolve, reject) => {
      let s = "";
      const t = setTimeout(() => reject(new Error("Xvfb did not report a display")), 10_000);
      child.stdio[3].on("data", (d) => {
        s += d;
        if (s.includes("\n")) { clearTimeout(t); resolve(`:${s.trim()}`); }
      });
      child.on("error", (e) => { clearTimeout(t); reject(e); });
    });
    return { display, child };
  })();
  return xvfb;
}
/** Stops Xvfb if a headful run started it. */
export async function stopXvfb() {
  if (xvfb) { const { child } = await xvfb.catch(() => ({})); if (child) { killGroup(child, "SIGTERM"); await sleep(200); } }
}

export const BROWSER_CLIENTS = [
  {
    id: "chromium-headful", kind: "browser", expected: "human", browser: true,
    note: "The real-browser reference: Debian's Chromium with a window, on an Xvfb display.",
    needs: [CHROMIUM, "Xvfb"],
    versions: () => ({ chromium: chromiumVersion(), xvfb: xvfbVersion() }),
    async launch(url) {
      const { display } = await ensureXvfb();
      const argv = [CHROMIUM, ...CHROMIUM_FLAGS, freshProfile(), url];
      return { child: start(argv, clientEnv({ ...BROWSER_ENV, DISPLAY: display })), how: `Xvfb -screen 0 1280x800x24 (DISPLAY=${display}); LANG=en_US.UTF-8 ${cmdline(argv)}` };
    },
  },
  {
    id: "chromium-headless", kind: "headless", expected: "bot", browser: true,
    note: "Headless Chromium as it is: its user agent says HeadlessChrome.",
    needs: [CHROMIUM],
    versions: () => ({ chromium: chromiumVersion() }),
    async launch(url) {
      const argv = [CHROMIUM, "--headless", ...CHROMIUM_FLAGS, freshProfile(), url];
      return { child: start(argv, clientEnv(BROWSER_ENV)), how: `LANG=en_US.UTF-8 ${cmdline(argv)}` };
    },
  },
  {
    id: "chromium-headless-chrome-ua", kind: "headless", expected: "bot", browser: true,
    note: "Headless Chromium with the user agent of a headful Chrome of the same version forced with --user-agent, as disguised bots do. See the README for how it compares with chromium-headful at the HTTP layer.",
    needs: [CHROMIUM],
    versions: () => ({ chromium: chromiumVersion() }),
    async launch(url) {
      const argv = [CHROMIUM, "--headless", ...CHROMIUM_FLAGS, `--user-agent=${chromeUA()}`, freshProfile(), url];
      return { child: start(argv, clientEnv(BROWSER_ENV)), how: `LANG=en_US.UTF-8 ${cmdline(argv)}` };
    },
  },
  playwright("chromium-playwright", "Chromium launched and driven by playwright-core with its defaults (headless).", () => ({})),
  playwright("chromium-playwright-chrome-ua",
    "Playwright's headless Chromium with a headful Chrome user agent set the Playwright way (newContext({ userAgent })), as disguised scrapers do.",
    () => ({ userAgent: chromeUA() })),
];

function playwright(id, note, contextOptions) {
  return {
    id, kind: "automation", expected: "bot", browser: true, note, needs: [CHROMIUM], setup: "playwright",
    versions: () => ({ chromium: chromiumVersion(), "playwright-core": playwrightVersion(), node: process.version }),
    async launch(url) {
      const opts = { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 20000 };
      const ctx = { ignoreHTTPSErrors: true, ...contextOptions() };
      const argv = [process.execPath, join(clientsDir, "playwright_client.mjs"), url, JSON.stringify(opts), playwrightEntry, JSON.stringify(ctx)];
      return {
        child: start(argv, clientEnv(BROWSER_ENV)),
        how: `LANG=en_US.UTF-8 node scripts/capture/clients/playwright_client.mjs: chromium.launch(${JSON.stringify(opts)}); browser.newContext(${JSON.stringify(ctx)}); page.goto(url)`,
      };
    },
  };
}

/** Finds playwright-core, or installs it with npm unless `noInstall`; returns an error or null. */
export function findPlaywright(noInstall) {
  // The project's node_modules first; else a cache outside the repo, filled by npm on first use
  // (package.json is left alone: playwright-core is not a dependency of botsift).
  const cache = join(process.env.XDG_CACHE_HOME || join(process.env.HOME || tmpdir(), ".cache"), "botsift-capture");
  const entry = (dir) => join(dir, "node_modules/playwright-core/index.js");
  for (const dir of [root, cache]) if (existsSync(entry(dir))) { playwrightEntry = entry(dir); return null; }
  if (noInstall || !which("npm")) return `playwright-core not found in node_modules or ${cache} (npm install --no-save playwright-core@${PLAYWRIGHT_VERSION})`;
  log(`installing playwright-core@${PLAYWRIGHT_VERSION} into ${cache} …`);
  mkdirSync(cache, { recursive: true });
  const r = spawnSync("npm", ["install", "--prefix", cache, "--no-audit", "--no-fund", `playwright-core@${PLAYWRIGHT_VERSION}`], { encoding: "utf8", timeout: 90_000 });
  if (r.status === 0 && existsSync(entry(cache))) { playwrightEntry = entry(cache); return null; }
  return `playwright-core could not be installed: ${(r.stderr || String(r.error)).trim().split("\n").slice(-2).join(" ")}`;
}
