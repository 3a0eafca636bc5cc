// Types of pack sources (packs/*.json), mirroring schema/pack-source.schema.json.

export type Category =
  | "ai_crawler" | "ai_search" | "ai_assistant" | "ai_agent" | "ai_coding_agent" | "ai_undocumented"
  | "search_engine" | "seo" | "monitoring" | "advertising" | "social_preview" | "feed_fetcher"
  | "aggregator" | "archiver" | "academic" | "security" | "accessibility" | "webhook"
  | "http_library" | "headless_browser" | "other";

/** A literal with match options. Semantics are those of `naive.ts`, which every automaton must agree with. */
export interface SignatureSource {
  literal: string;
  caseSensitive?: boolean;
  anchorStart?: boolean;
  anchorEnd?: boolean;
  wordStart?: boolean;
  wordEnd?: boolean;
  exclude?: string[];
}

export interface BotSource {
  name: string;
  operator: string | null;
  category: Category;
  generic?: boolean;
  robotsToken?: string | null;
  respectsRobotsTxt?: boolean | null;
  url?: string;
  description?: string;
  signatures: SignatureSource[];
  examples?: string[];
  notes?: string;
}

/** A published list of the addresses a bot (or family of bots) crawls from. */
export interface IpRangeListSource {
  id: string;
  /** User-agent globs (`*GPTBot*`): the list verifies every bot whose examples match one. */
  userAgents: string[];
  /** True when the operator says it uses no other addresses: a claim from elsewhere is spoofed. */
  authoritative: boolean;
  source?: string;
  updated?: string;
  ipv4: string[];
  ipv6?: string[];
}

/** A heuristic: a rules-language test of the request that is evidence of automation. */
export interface HeuristicSource {
  /** Stable, lower-case id, e.g. "ua-empty". */
  id: string;
  /** Stable detection id reported when it fires (1001–99999). */
  detectionId: number;
  /** What it catches and why that is evidence. */
  description: string;
  expression: string;
  /** The score this evidence alone implies: 1 certain, 2–29 likely automated, 30–99 weak. */
  score: number;
}

/** A header fingerprint known to belong to a client (see the README's fingerprint format). */
export interface FingerprintLabelSource {
  fingerprint: string;
  /** What sends it, e.g. "curl". */
  label: string;
}

export interface PackSource {
  $schema?: string;
  name: string;
  version: string;
  description?: string;
  sources?: { name: string; url?: string; snapshot?: string; license?: string }[];
  bots: BotSource[];
  ipRanges?: IpRangeListSource[];
  heuristics?: HeuristicSource[];
  fingerprints?: FingerprintLabelSource[];
}
