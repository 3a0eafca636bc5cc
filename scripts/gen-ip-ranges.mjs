// Regenerates packs/ip-ranges.json from published crawler address lists: Google's vendor files
// (googlebot.json, special-crawlers.json, user-triggered-fetchers.json: {creationTime, prefixes})
// and the ipverse aggregate ({services: {Name: {user_agent_patterns, ipv4, ipv6, ...}}}).
// Usage: node scripts/gen-ip-ranges.mjs [DIR]   (DIR holds google/ and ipverse/; default ../shared/data/ip-ranges)
import { readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = process.argv[2] ?? join(root, "../shared/data/ip-ranges");
const read = (p) => JSON.parse(readFileSync(join(dir, p), "utf8"));

// Google's own files are more complete than the aggregate's merged copy; the aggregate supplies
// the user-agent patterns that say which bots each file verifies.
const GOOGLE_FILES = {
  Googlebot: { file: "google/googlebot.json", source: "https://developers.google.com/static/crawling/ipranges/common-crawlers.json" },
  "Google (special)": { file: "google/special-crawlers.json", source: "https://developers.google.com/static/crawling/ipranges/special-crawlers.json" },
  "Google (user-triggered)": { file: "google/user-triggered-fetchers.json", source: "https://developers.google.com/static/crawling/ipranges/user-triggered-fetchers.json" },
};

const slug = (name) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
const services = read("ipverse/crawlers.json").services;
const lists = Object.entries(services).map(([name, svc]) => {
  const google = GOOGLE_FILES[name];
  let ipv4 = svc.ipv4, ipv6 = svc.ipv6 ?? [], source = svc.source_url, updated = svc.last_changed_at;
  if (google) {
    const vendor = read(google.file);
    ipv4 = vendor.prefixes.filter((p) => p.ipv4Prefix).map((p) => p.ipv4Prefix);
    ipv6 = vendor.prefixes.filter((p) => p.ipv6Prefix).map((p) => p.ipv6Prefix);
    source = google.source;
    updated = vendor.creationTime;
  }
  return {
    id: slug(name),
    userAgents: svc.user_agent_patterns,
    authoritative: svc.ip_list_authoritative === true,
    source,
    updated: updated.slice(0, 10),
    ipv4,
    ipv6,
  };
});
const newest = lists.map((l) => l.updated).sort().at(-1);
const pack = {
  $schema: "../schema/pack-source.schema.json",
  name: "ip-ranges",
  version: newest.replaceAll("-", "."),
  description: "Published address ranges of crawlers that verify themselves by IP. A request claiming a bot whose examples match a list's userAgents is verified_bot from inside the list; from outside an authoritative list it is a spoofed bot. Non-authoritative lists (whole ASNs) only verify.",
  sources: [
    { name: "ipverse/bot-ip-blocks crawlers.json (aggregate of vendor lists)", url: "https://github.com/ipverse/bot-ip-blocks", snapshot: "2aecedff (2026-08-21)", license: "CC0-1.0" },
    { name: "Google crawler IP ranges (vendor files, via jonhadfield/cloud-ips)", url: "https://developers.google.com/search/docs/crawling-indexing/verifying-googlebot", snapshot: "a9fd42a4 (2026-08-21)", license: "Google-published data" },
  ],
  bots: [],
  ipRanges: lists,
};
writeFileSync(join(root, "packs/ip-ranges.json"), JSON.stringify(pack, null, 2) + "\n");
console.log(`packs/ip-ranges.json: ${lists.length} lists, ${lists.reduce((n, l) => n + l.ipv4.length, 0)} IPv4 and ${lists.reduce((n, l) => n + l.ipv6.length, 0)} IPv6 prefixes`);
