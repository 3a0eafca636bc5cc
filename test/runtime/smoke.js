// The one cross-runtime smoke test: the public API of the "botsift" package, identical in every runtime.

export const GPTBOT_UA =
  "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.3; +https://openai.com/gptbot)";
export const CLAUDEBOT_UA =
  "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)";
export const CHROME_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";

export const SMOKE_SOURCE = {
  name: "smoke",
  version: "1",
  bots: [
    {
      name: "SmokeBot",
      operator: "Smoke Inc",
      category: "other",
      signatures: [{ literal: "smokebot" }],
      examples: ["SmokeBot/1.0"],
    },
  ],
};

const CLASSES = ["human", "likely_bot", "bot", "verified_bot"];

// Runs the smoke test; `check(name, ok, detail)` records one assertion. Throws only on a harness bug.
export async function smoke(botsift, check) {
  const show = (v) => JSON.stringify(v);
  const wellFormed = (label, v) =>
    check(
      `${label}: verdict is well formed`,
      v != null &&
        Number.isInteger(v.score) && v.score >= 1 && v.score <= 99 &&
        CLASSES.includes(v.class) &&
        (v.bot === null || typeof v.bot === "object") &&
        (Array.isArray(v.detections) || ArrayBuffer.isView(v.detections)),
      show(v),
    );
  // Runs one step; an exception fails that step instead of ending the test.
  const step = async (label, fn) => {
    try {
      return await fn();
    } catch (e) {
      check(`${label}: no exception`, false, String(e && e.stack ? e.stack : e));
      return undefined;
    }
  };

  check("exports createEngine, compilePack, BotsiftError",
    typeof botsift.createEngine === "function" &&
      typeof botsift.compilePack === "function" &&
      typeof botsift.BotsiftError === "function",
    show(Object.keys(botsift)));

  const engine = await step("createEngine()", () => botsift.createEngine());
  if (!engine) return;

  const info = await step("packInfo", () => engine.packInfo);
  check("built-in pack has a name and bots",
    info != null && typeof info.name === "string" && Number.isInteger(info.bots) && info.bots > 0,
    show(info));

  const gpt = await step("classify(GPTBot)", () => engine.classify({ userAgent: GPTBOT_UA }));
  wellFormed("GPTBot", gpt);
  check("GPTBot: class bot, score 1", gpt?.class === "bot" && gpt?.score === 1, show(gpt));
  check("GPTBot: bot is GPTBot by OpenAI, ai_crawler",
    gpt?.bot?.name === "GPTBot" && gpt?.bot?.operator === "OpenAI" && gpt?.bot?.category === "ai_crawler",
    show(gpt?.bot));

  const claude = await step("isBot(ClaudeBot)", () => engine.isBot(CLAUDEBOT_UA));
  check("isBot(ClaudeBot) is true", claude === true, show(claude));

  const chrome = await step("classify(Chrome)", () => engine.classify({ userAgent: CHROME_UA }));
  wellFormed("Chrome", chrome);
  check("Chrome: class human, bot null", chrome?.class === "human" && chrome?.bot === null, show(chrome));
  const chromeIsBot = await step("isBot(Chrome)", () => engine.isBot(CHROME_UA));
  check("isBot(Chrome) is false", chromeIsBot === false, show(chromeIsBot));

  const batch = await step("classifyBatch", () =>
    engine.classifyBatch([{ userAgent: GPTBOT_UA }, { userAgent: CHROME_UA }]));
  check("classifyBatch equals classify one by one",
    Array.isArray(batch) && batch.length === 2 && same(batch[0], gpt) && same(batch[1], chrome),
    show({ batch, single: [gpt, chrome] }));

  if (typeof Request === "function") {
    const fetchReq = new Request("https://example.com/", { headers: { "user-agent": GPTBOT_UA } });
    const v = await step("classify(Request)", () => engine.classify(fetchReq));
    wellFormed("Request", v);
    // Browsers drop a user-agent header set by script (it was a forbidden header name); elsewhere it must count.
    if (fetchReq.headers.get("user-agent") === GPTBOT_UA) {
      check("Request with GPTBot UA: bot GPTBot", v?.class === "bot" && v?.bot?.name === "GPTBot", show(v));
    }
  }

  const pack = await step("compilePack", () => botsift.compilePack([SMOKE_SOURCE]));
  check("compilePack returns non-empty bytes", pack instanceof Uint8Array && pack.length > 0,
    pack && pack.constructor && pack.constructor.name);
  if (!(pack instanceof Uint8Array)) return;

  await step("swap(custom pack)", () => engine.swap(pack));
  const smokeInfo = await step("packInfo after swap", () => engine.packInfo);
  check("after swap: packInfo is the smoke pack", smokeInfo?.name === "smoke" && smokeInfo?.bots === 1, show(smokeInfo));
  const afterSwap = async (label) => {
    const s = await step("classify(SmokeBot)", () => engine.classify({ userAgent: "SmokeBot/1.0" }));
    wellFormed(`${label}: SmokeBot`, s);
    check(`${label}: SmokeBot/1.0 is bot SmokeBot by Smoke Inc`,
      s?.class !== "human" && s?.bot?.name === "SmokeBot" && s?.bot?.operator === "Smoke Inc", show(s));
    const g = await step("classify(GPTBot)", () => engine.classify({ userAgent: GPTBOT_UA }));
    const gIsBot = await step("isBot(GPTBot)", () => engine.isBot(GPTBOT_UA));
    check(`${label}: GPTBot is not a bot`, g?.bot === null && gIsBot === false, show({ verdict: g, isBot: gIsBot }));
  };
  await afterSwap("after swap");

  let thrown = null;
  try {
    await engine.swap(pack.slice(0, Math.floor(pack.length / 2)));
  } catch (e) {
    thrown = e;
  }
  check("swap(truncated pack) throws a BotsiftError", thrown instanceof botsift.BotsiftError,
    thrown ? String(thrown.stack || thrown) : "no exception");
  const keptInfo = await step("packInfo after bad swap", () => engine.packInfo);
  check("after bad swap: still the smoke pack", keptInfo?.name === "smoke", show(keptInfo));
  await afterSwap("after bad swap");
}

// Structural equality over plain data (verdicts): objects, arrays, typed arrays, primitives.
function same(a, b) {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    if (!(ArrayBuffer.isView(b) || Array.isArray(b)) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same(a[k], b[k]));
}

// Runs the smoke test and returns the report line every runner prints: { runtime, passed, failed, failures, ms }.
export async function runSmoke(runtime, botsift) {
  const started = Date.now();
  const report = { runtime, passed: 0, failed: 0, failures: [] };
  const check = (name, ok, detail) => {
    if (ok) report.passed++;
    else {
      report.failed++;
      report.failures.push({ name, detail: detail === undefined ? "" : String(detail).slice(0, 2000) });
    }
  };
  try {
    await smoke(botsift, check);
  } catch (e) {
    check("smoke test ran to the end", false, String(e && e.stack ? e.stack : e));
  }
  report.ms = Date.now() - started;
  return report;
}
