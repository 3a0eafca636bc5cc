// From a captured request to test/fixtures/requests: the fixture object and its field order, the
// normalisation that lets fixtures diff cleanly between runs, the JSON layout, and the README's two
// generated sections (the inventory table, and headful vs headless Chromium), refreshed in place.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { outDir, root, work } from "./workspace.mjs";

/** The fixture for one capture `r` (from captureOne) of `client` from `origin`. */
export function buildFixture(client, origin, r) {
  return {
    client: client.id,
    kind: client.kind,
    expected: client.expected,
    ...(client.note ? { note: client.note } : {}),
    how: r.how,
    url: r.url,
    origin: origin.note,
    capturedAt: r.rec.at,
    "tool versions": { ...client.versions(), capture: `node ${process.version} raw node:net server${origin.scheme === "https" ? " behind node:tls (ALPN: http/1.1 only)" : ""}` },
    scheme: origin.scheme,
    request: r.rec.request,
    ...(r.rec.tls ? { tls: r.rec.tls } : {}),
    raw: r.rec.raw,
  };
}

// Normalise what changes on every run so fixtures diff cleanly between runs: the random capture key in the
// target becomes the client id, this run's temporary directory becomes $TMP, and paths in the repo are made
// relative to its root (where the command is meant to be run from). The port stays as sent
// (the servers take 48080 and 48443 when free).
export function normalise(fixture, key) {
  const req = fixture.request;
  const fix = (s) => s.replaceAll(key, fixture.client).replaceAll(work, "$TMP").replaceAll(root, "");
  req.target = fix(req.target);
  req.headers = req.headers.map(([n, v]) => [n, v == null ? v : fix(v)]);
  fixture.raw = fix(fixture.raw);
  fixture.url = fix(fixture.url);
  fixture.how = fix(fixture.how);
}

/** Every fixture by name, sorted: those on disk, overridden by this run's. The comparison and README tables cover them all. */
export function allFixtures(fixtures) {
  const onDisk = existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith(".json")).sort() : [];
  const all = new Map(onDisk.map((f) => [f.slice(0, -5), JSON.parse(readFileSync(join(outDir, f), "utf8"))]));
  for (const { name, fixture } of fixtures) all.set(name, fixture);
  return new Map([...all].sort(([a], [b]) => a.localeCompare(b)));
}

/** Writes this run's fixtures and refreshes the README's generated sections from all of them. */
export function writeFixtures(fixtures, all, comparison) {
  mkdirSync(outDir, { recursive: true });
  for (const { name, fixture } of fixtures) writeFileSync(join(outDir, `${name}.json`), `${pretty(fixture)}\n`);
  // The README's generated sections are refreshed in place; the rest of it is written by hand.
  const readme = join(outDir, "README.md");
  if (existsSync(readme)) {
    let text = readFileSync(readme, "utf8");
    const put = (name, body) => {
      const start = `<!-- capture:${name}:start -->`, end = `<!-- capture:${name}:end -->`;
      const a = text.indexOf(start), b = text.indexOf(end);
      if (a >= 0 && b > a) text = `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`;
    };
    if (comparison) put("comparison", comparison);
    put("inventory", inventory(all));
    writeFileSync(readme, text);
  }
}

/** JSON with two-space indentation, but arrays of plain values (a header pair, a cipher list) on one line. */
function pretty(v, indent = "") {
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.every((x) => x === null || typeof x !== "object")) return `[${v.map((x) => JSON.stringify(x)).join(", ")}]`;
    return `[\n${v.map((x) => inner + pretty(x, inner)).join(",\n")}\n${indent}]`;
  }
  if (v && typeof v === "object") {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pretty(x, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(v);
}

// ---------------------------------------------------------------- tables for the README

/** One row per fixture: the signals a header heuristic would look at. */
function inventory(fx) {
  const rows = ["| fixture | expected | HTTP | # | User-Agent | Accept-Language | sec-fetch-* | sec-ch-ua* | header names in wire order |", "|---|---|---|---|---|---|---|---|---|"];
  for (const [name, f] of fx) {
    const h = f.request.headers;
    const get = (n) => h.find(([k]) => k.toLowerCase() === n)?.[1];
    const count = (p) => h.filter(([k]) => k.toLowerCase().startsWith(p)).length;
    const code = (x) => (x == null ? "—" : `\`${String(x).replace(/\|/g, "\\|")}\``);
    const ua = get("user-agent");
    rows.push(`| ${name} | ${f.expected} | ${f.request.httpVersion} | ${h.length} | ${code(ua)} | ${code(get("accept-language"))} | ${count("sec-fetch-") || "—"} | ${count("sec-ch-ua") || "—"} | ${h.map(([k]) => k).join(" ")} |`);
  }
  return rows.join("\n");
}

// ---------------------------------------------------------------- headful vs headless comparison

/** Headful Chromium against its headless and Playwright variants, per origin; empty without both Chromium fixtures. */
export function compareSection(fx) {
  const out = [];
  for (const suffix of ["https", "http", "http-loopback"]) {
    const a = fx.get(`chromium-headful-${suffix}`), b = fx.get(`chromium-headless-chrome-ua-${suffix}`), c = fx.get(`chromium-headless-${suffix}`);
    if (!a || !b) continue;
    out.push(`#### ${a.origin}\n`);
    out.push(diffText("chromium-headful", a, "chromium-headless-chrome-ua", b));
    if (c) out.push(diffText("chromium-headful", a, "chromium-headless", c));
    const d = fx.get(`chromium-playwright-${suffix}`), e = fx.get(`chromium-playwright-chrome-ua-${suffix}`);
    if (c && d) out.push(diffText("chromium-headless", c, "chromium-playwright", d));
    if (e) out.push(diffText("chromium-headful", a, "chromium-playwright-chrome-ua", e));
    if (suffix === "https") {
      out.push("\n| # | chromium-headful (human) | chromium-headless-chrome-ua | chromium-headless |\n|---|---|---|---|");
      const rows = Math.max(a.request.headers.length, b.request.headers.length, c?.request.headers.length ?? 0);
      const cell = (f, i) => { const h = f?.request.headers[i]; return h ? `\`${h[0]}: ${h[1]}\``.replace(/\|/g, "\\|") : ""; };
      for (let i = 0; i < rows; i++) out.push(`| ${i + 1} | ${cell(a, i)} | ${cell(b, i)} | ${cell(c, i)} |`);
      out.push("");
    }
  }
  return out.join("\n");
}

function diffText(na, a, nb, b) {
  const ha = a.request.headers, hb = b.request.headers;
  const namesA = ha.map((h) => h[0]), namesB = hb.map((h) => h[0]);
  const lines = [];
  if (a.request.httpVersion !== b.request.httpVersion) lines.push(`HTTP version: ${a.request.httpVersion} vs ${b.request.httpVersion}`);
  if (namesA.join("\n") !== namesB.join("\n")) {
    const onlyA = namesA.filter((n) => !namesB.includes(n)), onlyB = namesB.filter((n) => !namesA.includes(n));
    if (onlyA.length) lines.push(`only ${na}: ${onlyA.join(", ")}`);
    if (onlyB.length) lines.push(`only ${nb}: ${onlyB.join(", ")}`);
    if (!onlyA.length && !onlyB.length) lines.push(`same names, different order: ${namesA.join(", ")} vs ${namesB.join(", ")}`);
  }
  const vb = new Map(hb);
  for (const [n, v] of ha) if (vb.has(n) && vb.get(n) !== v) lines.push(`\`${n}\`: \`${v}\` vs \`${vb.get(n)}\``);
  const tlsA = a.tls?.ja3SortedExtensions, tlsB = b.tls?.ja3SortedExtensions;
  if (tlsA && tlsB) lines.push(tlsA === tlsB ? "TLS ClientHello (JA3 with extensions sorted): identical" : "TLS ClientHello (JA3 with extensions sorted): differs");
  const same = lines.every((l) => l.startsWith("TLS") && l.endsWith("identical"));
  return `- **${na}** vs **${nb}**: ${same ? "same header names, same order, same values" : "differences:"}\n${lines.map((l) => `  - ${l}`).join("\n")}`;
}
