// What can be classified, and how to read the user agent (and later other fields) out of it:
// a Fetch Request, a plain request description, or a bare user-agent string.

/** A request described by its parts; everything but `userAgent` is optional. */
export interface RequestInfo {
  userAgent?: string | null;
  /** Header names are case-insensitive; a Headers object, a plain record or [name, value] pairs. */
  headers?: HeadersLike;
  ip?: string;
  method?: string;
  url?: string;
  httpVersion?: string;
  asn?: number;
  country?: string;
  ja3?: string;
  ja4?: string;
}

export type HeadersLike = { get(name: string): string | null } | Record<string, string | string[] | undefined> | [string, string][];

/** Anything `classify` accepts. A string is taken as a user agent. */
export type Classifiable = RequestInfo | { headers: { get(name: string): string | null }; url: string; method: string } | string;

function headerValue(headers: HeadersLike | undefined, name: string): string | null {
  if (headers === undefined || headers === null) return null;
  if (typeof (headers as { get?: unknown }).get === "function") return (headers as { get(n: string): string | null }).get(name);
  if (Array.isArray(headers)) {
    for (const [k, v] of headers) if (k.toLowerCase() === name) return v;
    return null;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  let v = record[name];
  if (v === undefined) {
    for (const k of Object.keys(record)) if (k.toLowerCase() === name) { v = record[k]; break; }
  }
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(", ") : v;
}

/** The user agent of `req`, or "" when it has none (an absent user agent is itself evidence, see heuristics). */
export function userAgentOf(req: Classifiable): string {
  if (typeof req === "string") return req;
  if (req === null || typeof req !== "object") return "";
  const info = req as RequestInfo;
  if (typeof info.userAgent === "string") return info.userAgent;
  return headerValue(info.headers, "user-agent") ?? "";
}
