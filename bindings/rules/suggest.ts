// "Did you mean …?": the closest known name by edit distance (adjacent swaps count as one),
// or a known name that ends with what was typed (user_agent → http.user_agent).

/** Optimal string alignment distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows = [new Array<number>(b.length + 1).fill(0), new Array<number>(b.length + 1).fill(0), new Array<number>(b.length + 1).fill(0)];
  for (let j = 0; j <= b.length; j++) rows[1][j] = j;
  for (let i = 1; i <= a.length; i++) {
    const [twoBack, prev] = [rows[0], rows[1]];
    const cur = rows[2];
    cur[0] = i;
    let best = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, twoBack[j - 2] + 1);
      cur[j] = d;
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    rows[0] = prev;
    rows[1] = cur;
    rows[2] = twoBack;
  }
  return rows[1][b.length];
}

/** The best candidate for `typed`, or undefined when none is close enough to be a likely typo. */
export function suggest(typed: string, candidates: readonly string[]): string | undefined {
  if (typed.length === 0 || typed.length > 100) return undefined;
  const lower = typed.toLowerCase();
  const exactCase = candidates.find((c) => c.toLowerCase() === lower);
  if (exactCase) return exactCase;
  const max = Math.max(1, Math.min(3, Math.floor(typed.length / 3)));
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase(), bestDistance);
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  if (best !== undefined) return best;
  const suffix = candidates.filter((c) => c.endsWith("." + lower));
  return suffix.length === 1 ? suffix[0] : undefined;
}
