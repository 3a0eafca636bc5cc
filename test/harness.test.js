// Tests the orchestrator's pure logic: uvu summaries, runner reports, exports-map resolution, the closing line.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { closingLine, judgeRuntime, judgeUnitFile, parseReport, parseUvuSummary, resolveExport } from "./lib/harness.mjs";

// Verbatim uvu 0.5.6 output: one failing, one passing, one skipped test (colours on, as on a terminal).
const UVU_FAILING = `\u001b[90m• \u001b[39m\u001b[31m✘ \u001b[39m\u001b[31m  (1 / 2)
\u001b[39m
  \u001b[1m\u001b[41m FAIL \u001b[22m\u001b[49m \u001b[2m"\u001b[22m\u001b[31m\u001b[1mbad\u001b[39m\u001b[22m\u001b[2m"\u001b[22m
    Expected values to be strictly equal:  \u001b[2m(is)\u001b[22m

  Total:     2\u001b[31m
  Passed:    1\u001b[39m
  Skipped:   \u001b[33m1\u001b[39m
  Duration:  2.02ms

`;
const UVU_PASSING = "• • •   (3 / 3)\n\n  Total:     3\n  Passed:    3\n  Skipped:   0\n  Duration:  0.52ms\n\n";

test("parseUvuSummary reads counts through ANSI colours", () => {
  assert.equal(parseUvuSummary(UVU_FAILING), { total: 2, passed: 1, skipped: 1, failed: 1 });
  assert.equal(parseUvuSummary(UVU_PASSING), { total: 3, passed: 3, skipped: 0, failed: 0 });
});

test("parseUvuSummary: no summary is null; the last summary wins", () => {
  assert.is(parseUvuSummary("file:///x.test.js:1\nSyntaxError: Unexpected token\n"), null);
  assert.is(parseUvuSummary("Total: 3 apples"), null);
  assert.equal(parseUvuSummary(UVU_PASSING + UVU_FAILING).failed, 1);
});

test("judgeUnitFile: clean runs count as they are", () => {
  assert.equal(judgeUnitFile(0, UVU_PASSING), { passed: 3, failed: 0, skipped: 0, problem: null });
  assert.equal(judgeUnitFile(1, UVU_FAILING), { passed: 1, failed: 1, skipped: 1, problem: null });
});

test("judgeUnitFile: crashes, missing runs and bad exits are one failure", () => {
  const crash = judgeUnitFile(1, "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'botsift'\n");
  assert.is(crash.failed, 1);
  assert.match(crash.problem, "crashed (exit 1)");
  assert.match(judgeUnitFile(0, "").problem, "no uvu summary");
  assert.equal(judgeUnitFile(1, UVU_PASSING + "Exiting early before testing is finished.\n"),
    { passed: 3, failed: 1, skipped: 0, problem: "exit 1 after all tests passed" });
  assert.equal(judgeUnitFile(0, UVU_PASSING.replace(/3/g, "0")).problem, "ran no test");
});

test("parseReport takes the last JSON report line and ignores other output", () => {
  const out = 'warming up\n{"not":"a report"}\n{"runtime":"deno","passed":20,"failed":1,"failures":[{"name":"x"}]}\nbye\n';
  assert.equal(parseReport(out), { runtime: "deno", passed: 20, failed: 1, failures: [{ name: "x" }] });
  assert.equal(parseReport('{"runtime":"bun","passed":2,"failed":0}').failures, []);
  assert.is(parseReport('{"runtime":"bun","passed":"2","failed":0}'), null);
  assert.is(parseReport("{broken"), null);
});

test("judgeRuntime: no report, timeouts and bad exits are failures", () => {
  const ok = '{"runtime":"node","passed":22,"failed":0,"failures":[]}\n';
  assert.equal([judgeRuntime(0, ok).passed, judgeRuntime(0, ok).failed], [22, 0]);
  assert.is(judgeRuntime(1, "").failed, 1);
  assert.is(judgeRuntime(null, "").failures[0].name, "timed out");
  const badExit = judgeRuntime(1, ok);
  assert.equal([badExit.passed, badExit.failed], [22, 1]);
  assert.is(judgeRuntime(0, '{"runtime":"node","passed":0,"failed":0}').failed, 1);
});

const PKG = {
  exports: {
    ".": {
      types: "./dist/index.d.ts",
      workerd: "./dist/entry/workerd.js",
      deno: "./dist/entry/portable.js",
      node: { import: "./dist/entry/node.js", require: "./dist/entry/node.cjs" },
      default: "./dist/entry/portable.js",
    },
    "./compile": ["./nope.js", "./dist/compile/index.js"],
  },
};

test("resolveExport follows key order, nesting and fallbacks", () => {
  assert.is(resolveExport(PKG, ["node", "import", "default"]), "./dist/entry/node.js");
  assert.is(resolveExport(PKG, ["deno", "node", "import", "default"]), "./dist/entry/portable.js");
  assert.is(resolveExport(PKG, ["workerd", "worker", "browser", "default"]), "./dist/entry/workerd.js");
  assert.is(resolveExport(PKG, ["browser", "default"]), "./dist/entry/portable.js");
  assert.is(resolveExport(PKG, ["types"], "./compile"), "./nope.js");
  assert.is(resolveExport(PKG, ["default"], "./missing"), null);
  assert.is(resolveExport({ exports: "./main.js" }, ["default"]), "./main.js");
  assert.is(resolveExport({ exports: "./main.js" }, ["default"], "./x"), null);
  assert.is(resolveExport({ exports: { node: "./n.js" } }, ["browser"]), null);
});

test("closingLine is the plain line CI reads", () => {
  assert.is(closingLine({ passed: 40, failed: 0, skipped: 0 }), "40 passed, 0 failed");
  assert.is(closingLine({ passed: 3, failed: 2, skipped: 1 }), "3 passed, 2 failed, 1 skipped");
});

test.run();
