// The engine's byte primitives (assembly/bytes.ts) at every offset that matters: substring search
// finds candidates 16 bytes at a time and equality compares 8 at a time, so needles and
// differences are placed at every position across those boundaries, and the engine's answer is
// checked against JavaScript's own string operations.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createEngine } from "botsift";

const NEEDLES = ["(", "x;", "ab", "b", "abc", "zab"];
const RULES = [
  ...NEEDLES.map((n) => ({ expression: `http.user_agent contains "${n}"`, holds: (ua) => ua.includes(n) })),
  // A value-position search (inside any()) runs the same primitive through the stack.
  { expression: 'any(http.request.headers.values[*] contains "x;")', holds: (ua) => ua.includes("x;") },
  { expression: 'http.user_agent eq "aaaaaaaaaaaaaaaaaaaa"', holds: (ua) => ua === "a".repeat(20) },
  { expression: 'http.user_agent eq "aaaaaaa"', holds: (ua) => ua === "a".repeat(7) },
  { expression: 'http.user_agent lt "aaaaaaaaaaab"', holds: (ua) => ua < "aaaaaaaaaaab" },
];

/** Haystacks: each needle at every offset of a 0…47-byte filler, near misses, and equality probes. */
function haystacks() {
  const out = new Set(["", "a", "aaaaaaa", "a".repeat(20), "aaaaaaaaaaab", "aaaaaaaaaaaa"]);
  for (let len = 0; len < 48; len++) {
    const filler = "a".repeat(len);
    for (const n of NEEDLES) {
      out.add(filler + n);
      out.add(n + filler);
      for (let at = 0; at <= len; at++) out.add(filler.slice(0, at) + n + filler.slice(at));
      if (n.length > 1) for (let at = 0; at <= len; at++) out.add(filler.slice(0, at) + n.slice(0, -1) + filler.slice(at));
    }
  }
  for (let at = 0; at < 20; at++) out.add("a".repeat(at) + "b" + "a".repeat(19 - at));
  return [...out];
}

test("substring search, equality and order agree with JavaScript at every offset", async () => {
  const engine = await createEngine({ rules: RULES.map((r, i) => ({ id: `r${i}`, expression: r.expression, action: "log" })) });
  const wrong = [];
  for (const ua of haystacks()) {
    const v = engine.classify({ userAgent: ua, method: "GET", url: "/", headers: [["user-agent", ua]] });
    RULES.forEach((r, i) => {
      if (v.logged.includes(`r${i}`) !== r.holds(ua)) wrong.push(`  ${r.expression} on ${JSON.stringify(ua)}: engine ${!r.holds(ua)}`);
    });
  }
  assert.ok(wrong.length === 0, `${wrong.length} disagreements:\n${wrong.slice(0, 20).join("\n")}`);
});

test.run();
