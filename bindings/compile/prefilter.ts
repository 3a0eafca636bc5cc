// Chooses where each pattern's prefilter key sits. The engine samples a field every second byte
// and hashes the trigram there; a pattern is found through the trigram at its key offset, so the
// key should be a trigram browsers rarely send. Keys are picked among the first
// MAX_KEY_OFFSET + 3 bytes of each pattern, avoiding trigrams of the tokens every browser user
// agent is made of (a "Mozilla-Tabstack" pattern is keyed on "tab", not on "moz").

import * as F from "../format.js";

/** The building blocks of ordinary browser user agents, lower case. */
const BROWSER_TOKENS = [
  "mozilla/5.0 (windows nt 10.0; win64; x64) applewebkit/537.36 (khtml, like gecko) chrome/131.0.0.0 safari/537.36 edg/131.0.0.0",
  "mozilla/5.0 (macintosh; intel mac os x 10_15_7) applewebkit/605.1.15 (khtml, like gecko) version/18.1 safari/605.1.15",
  "mozilla/5.0 (iphone; cpu iphone os 18_1 like mac os x) applewebkit/605.1.15 (khtml, like gecko) version/18.1 mobile/15e148 safari/604.1 crios/131 fxios/133",
  "mozilla/5.0 (ipad; cpu os 17_0 like mac os x) mobile/15e148",
  "mozilla/5.0 (x11; linux x86_64; rv:133.0) gecko/20100101 firefox/133.0 ubuntu; fedora",
  "mozilla/5.0 (linux; android 14; sm-s918b; pixel 8; wv) applewebkit/537.36 (khtml, like gecko) version/4.0 chrome/131.0.6778.81 mobile safari/537.36 samsungbrowser/26.0 opr/115.0.0.0",
  "mozilla/5.0 (x11; cros x86_64 14541.0.0) yabrowser/24 vivaldi/7 windows nt 6.1; wow64; trident/7.0; rv:11.0",
  "mozilla/5.0 (windows phone 10.0; android 4.2.1; microsoft; lumia 950) applewebkit/537.36 (khtml, like gecko) chrome/52.0 mobile safari/537.36 edge/15",
  "mozilla/5.0 (linux; u; android 10; en-us; redmi note 9 pro build/qkq1.191215.002) applewebkit/537.36 version/4.0 chrome/89 mobile safari/537.36 xiaomi/miuibrowser/13",
  "mozilla/5.0 (smart-tv; linux; tizen 6.0) applewebkit/537.36 (khtml, like gecko) samsungbrowser/4.0 chrome/76 tv safari/537.36 crkey/1.54 playstation; xbox one; nintendo",
].join(" | ");

function trigramCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + 3 <= BROWSER_TOKENS.length; i++) {
    const t = BROWSER_TOKENS.slice(i, i + 3);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return counts;
}

let common: Map<string, number> | undefined;

/** How often a trigram of `p` at `k` occurs in browser user agents (b | 0x20 is how the engine folds). */
function frequency(p: Uint8Array, k: number): number {
  if (k + 3 > p.length) return 1; // past the end the engine keys on a wildcard: assume it is common-ish
  return common!.get(String.fromCharCode(p[k] | 0x20, p[k + 1] | 0x20, p[k + 2] | 0x20)) ?? 0;
}

/**
 * Key offset of each (case-folded) pattern. A key is two trigrams, at k and k + 1 (a stride-2
 * sample lands on one of them), so the pair that browsers send least wins, leftmost on ties.
 */
export function keyOffsets(patterns: readonly Uint8Array[]): Uint8Array {
  common ??= trigramCounts();
  const out = new Uint8Array(patterns.length);
  patterns.forEach((p, id) => {
    let best = 0, bestScore = Infinity;
    for (let k = 0; k <= Math.min(F.MAX_KEY_OFFSET, p.length - 3); k++) {
      const score = frequency(p, k) + frequency(p, k + 1);
      if (score < bestScore) { best = k; bestScore = score; }
    }
    out[id] = best;
  });
  return out;
}

export function encodePrefilter(patterns: readonly Uint8Array[]): Uint8Array {
  const offsets = keyOffsets(patterns);
  const out = new Uint8Array(4 + ((offsets.length + 3) & ~3));
  // The scan backs up by the largest offset in use, not the largest allowed.
  new DataView(out.buffer).setUint32(0, offsets.reduce((m, k) => Math.max(m, k), 0), true);
  out.set(offsets, 4);
  return out;
}
