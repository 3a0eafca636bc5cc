// Reads a pack's header and metadata on the host side: what the engine needs no part of
// (names, operators, categories) but verdicts and tools show.

import * as F from "./format.js";
import { PackLoadError } from "./errors.js";
import type { PackMeta } from "./compile/index.js";

export type BotCategory = PackMeta["bots"][number]["category"];

/** A bot as verdicts report it. Shared, frozen objects: compare by `name`, do not mutate. */
export interface BotInfo {
  readonly name: string;
  readonly operator: string | null;
  readonly category: string;
  readonly generic: boolean;
  readonly robotsToken: string | null;
  readonly respectsRobotsTxt: boolean | null;
  readonly url: string | null;
}

export interface PackInfo {
  readonly name: string;
  readonly version: string;
  readonly bytes: number;
  readonly checksum: number;
  readonly bots: number;
  readonly signatures: number;
  readonly sources: readonly { name: string; version: string }[];
}

export interface ReadMeta {
  info: PackInfo;
  bots: BotInfo[];
  /** Labels of known header fingerprints. */
  fingerprints: Map<string, string>;

}

/** Parses the META section; structural validation of everything else is the engine's job. */
export function readPackMeta(pack: Uint8Array): ReadMeta {
  if (pack.length < F.HEADER_SIZE) throw new PackLoadError(F.STATUS_BAD_LENGTH, "shorter than a pack header");
  const view = new DataView(pack.buffer, pack.byteOffset, pack.byteLength);
  const count = view.getUint32(F.HEADER_SECTION_COUNT, true);
  for (let i = 0; i < count && F.HEADER_SIZE + (i + 1) * F.SECTION_ENTRY_SIZE <= pack.length; i++) {
    const e = F.HEADER_SIZE + i * F.SECTION_ENTRY_SIZE;
    if (view.getUint32(e, true) !== F.SECTION_META) continue;
    const offset = view.getUint32(e + 4, true), length = view.getUint32(e + 8, true);
    if (offset + length > pack.length) break;
    let meta: PackMeta;
    try {
      meta = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(pack.subarray(offset, offset + length)));
    } catch (e) {
      throw new PackLoadError(F.STATUS_BAD_SECTION, "metadata section is not valid JSON");
    }
    if (!meta || !Array.isArray(meta.bots) || typeof meta.signatureCount !== "number") throw new PackLoadError(F.STATUS_BAD_SECTION, "metadata section lacks bots or the signature count");
    const bots = meta.bots.map((b) => Object.freeze({ ...b }));
    return {
      info: Object.freeze({
        name: String(meta.name), version: String(meta.version), bytes: pack.length,
        checksum: view.getUint32(F.HEADER_CHECKSUM, true), bots: bots.length, signatures: meta.signatureCount,
        sources: Object.freeze(meta.sources ?? []),
      }),
      bots,
      fingerprints: new Map(Object.entries(meta.fingerprints ?? {})),
    };
  }
  throw new PackLoadError(F.STATUS_BAD_SECTION, "no metadata section");
}

const STATUS_TEXT: Record<number, string> = {
  [F.STATUS_NO_PACK]: "no pack loaded",
  [F.STATUS_BAD_MAGIC]: "not a botsift pack (bad magic)",
  [F.STATUS_BAD_VERSION]: `unsupported pack format version (this engine reads version ${F.PACK_FORMAT_VERSION})`,
  [F.STATUS_BAD_LENGTH]: "length does not match the header (truncated or padded)",
  [F.STATUS_BAD_CHECKSUM]: "checksum mismatch (corrupted)",
  [F.STATUS_BAD_SECTION]: "section table out of range or malformed",
  [F.STATUS_BAD_AUTOMATON]: "automaton section malformed",
  [F.STATUS_BAD_PATTERNS]: "patterns section malformed",
  [F.STATUS_BAD_CHECKS]: "checks section malformed",
  [F.STATUS_BAD_SIGNATURES]: "signatures section malformed",
  [F.STATUS_BAD_PARAMS]: "params section malformed",
  [F.STATUS_BAD_RECORD]: "request record out of range",
  [F.STATUS_OUT_OF_MEMORY]: "out of memory",
  [F.STATUS_BAD_IP_RANGES]: "IP range sections malformed",
  [F.STATUS_BAD_RULES]: "rule section malformed (rules, gates, atoms, literal automaton or bytecode)",
  [F.STATUS_BAD_RATE_LIMITS]: "rate-limit section malformed",
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? `unknown status ${status}`;
}
