// IP range lists → the engine's tables: CIDRs parsed (v4 and v6), overlapping prefixes of all
// lists flattened into sorted, disjoint intervals, each carrying the set of lists that cover it,
// so that the engine's lookup is one binary search. Bots are linked to the lists whose
// user-agent globs match their examples.

import type { IpRangeListSource, BotSource } from "./source.js";
import * as F from "../format.js";
import { SectionWriter } from "./encode.js";

/** A parsed CIDR: `[first, last]` as bigints (32-bit for v4, 128-bit for v6). */
export interface Cidr { v6: boolean; first: bigint; last: bigint }

export function parseIPv4(text: string): bigint | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let v = 0n;
  for (let i = 1; i <= 4; i++) {
    const part = Number(m[i]);
    if (part > 255 || (m[i].length > 1 && m[i][0] === "0")) return null;
    v = (v << 8n) | BigInt(part);
  }
  return v;
}

export function parseIPv6(text: string): bigint | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseIPv4(p);
        if (v4 === null) return null;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]), tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  let v = 0n;
  for (const g of [...head, ...new Array(halves.length === 2 ? missing : 0).fill(0), ...tail]) v = (v << 16n) | BigInt(g);
  return v;
}

/** Parses "a.b.c.d/n" or "x::y/n" (a bare address is a /32 or /128); null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const [addr, bitsText, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const v6 = addr.includes(":");
  const width = v6 ? 128 : 32;
  const value = v6 ? parseIPv6(addr) : parseIPv4(addr);
  const bits = bitsText === undefined ? width : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (value === null || !(bits >= 0 && bits <= width)) return null;
  const hostBits = BigInt(width - bits);
  const first = (value >> hostBits) << hostBits;
  return { v6, first, last: first | ((1n << hostBits) - 1n) };
}

interface Interval { first: bigint; last: bigint; lists: number[] }

/** Sweeps every list's intervals into disjoint ones, each with the sorted ids of the lists covering it. */
export function flatten(cidrs: { list: number; first: bigint; last: bigint }[]): Interval[] {
  const events: { at: bigint; list: number; delta: number }[] = [];
  for (const c of cidrs) events.push({ at: c.first, list: c.list, delta: 1 }, { at: c.last + 1n, list: c.list, delta: -1 });
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const active = new Map<number, number>();
  const out: Interval[] = [];
  for (let i = 0; i < events.length; ) {
    const at = events[i].at;
    for (; i < events.length && events[i].at === at; i++) {
      const n = (active.get(events[i].list) ?? 0) + events[i].delta;
      if (n === 0) active.delete(events[i].list); else active.set(events[i].list, n);
    }
    if (active.size === 0 || i === events.length) continue;
    const lists = [...active.keys()].sort((a, b) => a - b);
    const last = events[i].at - 1n;
    const prev = out[out.length - 1];
    if (prev && prev.last + 1n === at && prev.lists.join() === lists.join()) prev.last = last;
    else out.push({ first: at, last, lists });
  }
  return out;
}

/** A user-agent glob (`*` any run of characters), matched case-insensitively against the whole string. */
export function globMatches(glob: string, text: string): boolean {
  const parts = glob.toLowerCase().split("*");
  const t = text.toLowerCase();
  if (!t.startsWith(parts[0])) return false;
  let at = parts[0].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = t.indexOf(parts[i], at);
    if (found < 0) return false;
    at = found + parts[i].length;
  }
  const lastPart = parts[parts.length - 1];
  return parts.length === 1 ? t === parts[0] : t.length - at >= lastPart.length && t.endsWith(lastPart);
}

/** Range lists linked to each bot (by index), and the lists' authority. */
export function linkBots(bots: BotSource[], lists: IpRangeListSource[]): { lists: number[]; authoritative: boolean }[] {
  // Most globs are *token*: test those with one indexOf on the lower-cased example.
  const tests = lists.map((l) => l.userAgents.map((g): ((ex: string) => boolean) => {
    const inner = g.toLowerCase().slice(1, -1);
    return /^\*[^*]+\*$/.test(g) ? (ex) => ex.includes(inner) : (ex) => globMatches(g, ex);
  }));
  return bots.map((bot) => {
    const examples = (bot.examples ?? []).map((e) => e.toLowerCase());
    const linked = tests.flatMap((globs, i) => (examples.some((ex) => globs.some((t) => t(ex))) ? [i] : []));
    return { lists: linked, authoritative: linked.length > 0 && linked.every((i) => lists[i].authoritative) };
  });
}

function words128(v: bigint): number[] {
  return [96n, 64n, 32n, 0n].map((s) => Number((v >> s) & 0xffffffffn));
}

/** The IP_RANGES and BOT_VERIFY sections. */
export function encodeIpSections(bots: BotSource[], lists: IpRangeListSource[]): [Uint8Array, Uint8Array] {
  const v4: { list: number; first: bigint; last: bigint }[] = [];
  const v6: { list: number; first: bigint; last: bigint }[] = [];
  lists.forEach((l, list) => {
    for (const text of [...l.ipv4, ...(l.ipv6 ?? [])]) {
      const c = parseCidr(text)!; // checked in checkSources
      (c.v6 ? v6 : v4).push({ list, first: c.first, last: c.last });
    }
  });
  const sets = new Map<string, number>();
  const setWords: number[] = [];
  const setOf = (ids: number[]) => {
    const key = ids.join(",");
    let at = sets.get(key);
    if (at === undefined) { at = setWords.length; sets.set(key, at); setWords.push(ids.length, ...ids); }
    return at;
  };
  const flat4 = flatten(v4), flat6 = flatten(v6);
  const ranges = new SectionWriter().u32(flat4.length, flat6.length, 0);
  for (const iv of flat4) ranges.u32(Number(iv.first), Number(iv.last), setOf(iv.lists));
  for (const iv of flat6) ranges.u32(...words128(iv.first), ...words128(iv.last), setOf(iv.lists));
  ranges.u32s(setWords);
  const rangesBytes = ranges.finish();
  new DataView(rangesBytes.buffer).setUint32(8, setWords.length, true);

  const links = linkBots(bots, lists);
  const listIds = links.flatMap((l) => l.lists);
  const verify = new SectionWriter().u32(bots.length, listIds.length);
  let start = 0;
  for (const l of links) {
    verify.u32(l.authoritative ? F.BOT_VERIFY_AUTHORITATIVE : 0, start, l.lists.length);
    start += l.lists.length;
  }
  verify.u32s(listIds).u32(lists.length);
  return [rangesBytes, verify.finish()];
}
