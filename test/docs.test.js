// The README stays true: its generated tables match packs/, and the commands it shows exist.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { render } from "../scripts/gen-docs.mjs";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

test("generated blocks are up to date (node scripts/gen-docs.mjs)", () => {
  assert.ok(render(readme) === readme, "README.md is stale: run node scripts/gen-docs.mjs");
});

test("every `npm run X` in the README is a script", () => {
  for (const [, name] of readme.matchAll(/npm run ([a-z:]+)/g)) assert.ok(pkg.scripts[name], `npm run ${name}`);
  assert.ok(readme.includes("npm test") && pkg.scripts.test);
});

test("every botsift subcommand in the README exists", async () => {
  const main = readFileSync(new URL("../bindings/cli/main.ts", import.meta.url), "utf8");
  for (const [, cmd] of readme.matchAll(/npx botsift ([a-z]+)/g)) assert.ok(main.includes(`"${cmd}"`), `botsift ${cmd}`);
});

test.run();
