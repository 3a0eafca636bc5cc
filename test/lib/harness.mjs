// Pure helpers of the test orchestrator: reading uvu summaries and runner reports, resolving the exports map, the closing line.

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
export const stripAnsi = (text) => text.replace(ANSI, "");

// uvu 0.5.6 ends a run with "  Total:     N\n  Passed:    N\n  Skipped:   N\n  Duration:  …"; the last such block counts.
export function parseUvuSummary(text) {
  const clean = stripAnsi(text);
  const blocks = [...clean.matchAll(/^\s*Total:\s+(\d+)\s*\n\s*Passed:\s+(\d+)\s*\n\s*Skipped:\s+(\d+)\s*$/gm)];
  if (blocks.length === 0) return null;
  const [, total, passed, skipped] = blocks[blocks.length - 1].map(Number);
  return { total, passed, skipped, failed: total - passed };
}

// Counts for one unit test file from its exit code and output; a crash, a missing summary or a failing
// exit code with nothing failed still counts as one failure.
export function judgeUnitFile(code, output) {
  const s = parseUvuSummary(output);
  if (!s) return { passed: 0, failed: 1, skipped: 0, problem: code === 0 ? "no uvu summary (test.run() missing?)" : `crashed (exit ${code})` };
  if (code !== 0 && s.failed === 0) return { passed: s.passed, failed: 1, skipped: s.skipped, problem: `exit ${code} after all tests passed` };
  if (s.total === 0 && s.skipped === 0) return { passed: 0, failed: 1, skipped: 0, problem: "ran no test" };
  return { passed: s.passed, failed: s.failed, skipped: s.skipped, problem: null };
}

// The last stdout line that is a runner report: {"runtime":…,"passed":N,"failed":N,"failures":[…]}.
export function parseReport(stdout) {
  const lines = stripAnsi(stdout).split("\n").reverse();
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith("{")) continue;
    try {
      const r = JSON.parse(t);
      if (typeof r.runtime === "string" && Number.isInteger(r.passed) && Number.isInteger(r.failed)) {
        return { ...r, failures: Array.isArray(r.failures) ? r.failures : [] };
      }
    } catch {}
  }
  return null;
}

// Counts for one runtime from its runner's exit code and stdout; no report, or a failing exit code with
// nothing failed, counts as one failure.
export function judgeRuntime(code, stdout) {
  const r = parseReport(stdout);
  if (!r) return { passed: 0, failed: 1, failures: [{ name: code === null ? "timed out" : `no report (exit ${code})`, detail: "" }], report: null };
  const failures = [...r.failures];
  let failed = r.failed;
  if (code !== 0 && failed === 0) {
    failed = 1;
    failures.push({ name: `exit ${code} after a passing report`, detail: "" });
  }
  if (r.passed + failed === 0) {
    failed = 1;
    failures.push({ name: "report counted no check", detail: "" });
  }
  return { passed: r.passed, failed, failures, report: r };
}

// Resolves a subpath of package.json "exports" for a list of conditions, as Node does: object key order
// decides, nested condition objects and fallback arrays are followed. Returns the target or null.
export function resolveExport(pkg, conditions, subpath = ".") {
  let target = pkg.exports;
  const isSubpathMap = target && typeof target === "object" && !Array.isArray(target) &&
    Object.keys(target).some((k) => k.startsWith("."));
  if (isSubpathMap) target = target[subpath];
  else if (subpath !== ".") target = undefined;
  const pick = (t) => {
    if (typeof t === "string") return t;
    if (Array.isArray(t)) {
      for (const x of t) {
        const r = pick(x);
        if (r) return r;
      }
    } else if (t && typeof t === "object") {
      for (const [k, v] of Object.entries(t)) {
        if (!conditions.includes(k)) continue;
        const r = pick(v);
        if (r) return r;
      }
    }
    return null;
  };
  return pick(target);
}

// The conditions each runtime (or its usual bundler) resolves "botsift" with.
export const CONDITIONS = {
  node: ["node", "import", "default"],
  deno: ["deno", "node", "import", "default"],
  bun: ["bun", "node", "import", "default"],
  workerd: ["workerd", "worker", "browser", "import", "default"],
  chromium: ["browser", "import", "default"],
};

// The one plain closing line: "N passed, N failed" with ", N skipped" when anything was skipped.
export function closingLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : "");
}
