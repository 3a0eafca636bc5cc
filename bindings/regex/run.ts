// The executable spec of the RegexTables contract: the reference runner the Wasm one must agree with.

import type { RegexTables } from "./compile.js";

/** True when the compiled pattern matches somewhere in `bytes`; one table lookup per byte. */
export function regexMatches(t: RegexTables, bytes: Uint8Array): boolean {
  const { classOf, classCount, transitions, acceptNow, dead } = t;
  let s = t.start;
  if (acceptNow[s]) return true;
  for (let i = 0; i < bytes.length; i++) {
    s = transitions[s * classCount + classOf[bytes[i]]];
    if (acceptNow[s]) return true;
    if (s === dead) return false;
  }
  return t.acceptAtEnd[s] === 1;
}
