// Hopcroft's DFA minimisation over a complete transition table, with a refinable partition
// (O(k·n·log n) for n states and k byte classes).

/**
 * Groups equivalent states. `trans[s * k + c]` is the successor of state `s` on class `c`;
 * `label[s]` is the initial partition (states with different labels are never merged, e.g.
 * different accept flags). Returns the block of every state and the number of blocks.
 */
export function minimize(n: number, k: number, trans: Int32Array, label: Int32Array): { block: Int32Array; count: number } {
  // Predecessors per (class, target), in CSR form: pred[predStart[c*n+t] .. predStart[c*n+t+1]).
  const predStart = new Int32Array(n * k + 1);
  for (let s = 0; s < n; s++) for (let c = 0; c < k; c++) predStart[c * n + trans[s * k + c] + 1]++;
  for (let i = 0; i < n * k; i++) predStart[i + 1] += predStart[i];
  const fill = predStart.slice(0, n * k);
  const pred = new Int32Array(n * k);
  for (let s = 0; s < n; s++) for (let c = 0; c < k; c++) pred[fill[c * n + trans[s * k + c]]++] = s;

  // Refinable partition: the members of block b are elems[first[b] .. end[b]); the marked ones
  // are moved to the front, elems[first[b] .. mid[b]).
  const elems = new Int32Array(n);
  const loc = new Int32Array(n);
  const blk = new Int32Array(n);
  const first: number[] = [];
  const end: number[] = [];
  const mid: number[] = [];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => label[a] - label[b] || a - b);
  for (let i = 0; i < n; i++) {
    const s = order[i];
    if (i === 0 || label[s] !== label[order[i - 1]]) {
      first.push(i);
      mid.push(i);
      end.push(i);
    }
    const b = first.length - 1;
    elems[i] = s;
    loc[s] = i;
    blk[s] = b;
    end[b] = i + 1;
  }

  const inWork: boolean[] = first.map(() => true);
  const work: number[] = first.map((_, b) => b);
  const touched: number[] = [];
  const mark = (s: number) => {
    const b = blk[s];
    const i = loc[s];
    const m = mid[b];
    if (i < m) return;
    if (m === first[b]) touched.push(b);
    const other = elems[m];
    elems[m] = s;
    loc[s] = m;
    elems[i] = other;
    loc[other] = i;
    mid[b] = m + 1;
  };

  while (work.length > 0) {
    const a = work.pop()!;
    inWork[a] = false;
    const splitter = elems.slice(first[a], end[a]);
    for (let c = 0; c < k; c++) {
      for (const t of splitter) {
        for (let p = predStart[c * n + t]; p < predStart[c * n + t + 1]; p++) mark(pred[p]);
      }
      for (const b of touched) {
        if (mid[b] === end[b]) {
          mid[b] = first[b];
          continue;
        }
        // The marked part becomes a new block.
        const nb = first.length;
        first.push(first[b]);
        end.push(mid[b]);
        mid.push(first[b]);
        first[b] = mid[b];
        for (let i = first[nb]; i < end[nb]; i++) blk[elems[i]] = nb;
        if (inWork[b]) {
          inWork.push(true);
          work.push(nb);
        } else {
          const smaller = end[nb] - first[nb] <= end[b] - first[b] ? nb : b;
          inWork.push(smaller === nb);
          inWork[smaller] = true;
          work.push(smaller);
        }
      }
      touched.length = 0;
    }
  }
  return { block: blk, count: first.length };
}
