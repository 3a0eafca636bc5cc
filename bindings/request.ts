// What can be classified, and how its parts are read: a Fetch Request (with Workers'
// `request.cf` when present), a plain request description, or a bare user-agent string.

/** A request described by its parts; everything is optional. */
export interface RequestInfo {
  userAgent?: string | null;
  /**
   * All headers of the request. When given they are taken as the complete set, so a header a
   * browser always sends but that is missing here counts as evidence. [name, value] pairs keep
   * wire order (which the header fingerprint uses); a Headers object or a record does not.
   */
  headers?: HeadersLike;
  ip?: string;
  method?: string;
  /** Path and query (`/a?b=1`) or an absolute URL. */
  url?: string;
  host?: string;
  /** "HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3" (or "1.1", "2", …). */
  httpVersion?: string;
  tls?: boolean;
  asn?: number;
  country?: string;
  ja3?: string;
  ja4?: string;
}

export type HeadersLike = { get(name: string): string | null; forEach(cb: (value: string, name: string) => void): void } | Record<string, string | string[] | undefined> | [string, string][];

/** The parts of a Fetch Request botsift reads, including Workers' `cf` object. */
export interface FetchRequestLike {
  headers: { get(name: string): string | null; forEach(cb: (value: string, name: string) => void): void };
  url: string;
  method: string;
  cf?: { asn?: number; country?: string; httpProtocol?: string; tlsVersion?: string; botManagement?: { ja3Hash?: string; ja4?: string } };
}

/** Anything `classify` accepts. A string is taken as a user agent. */
export type Classifiable = RequestInfo | FetchRequestLike | string;

/** A request reduced to the fields the engine reads. */
export interface NormalizedRequest {
  userAgent: string;
  method: string;
  url: string;
  host: string;
  httpVersion: string;
  ip: string;
  /** Lower-cased names with values; null when the caller supplied no headers. */
  headers: [string, string][] | null;
  headersOrdered: boolean;
  tls: boolean | undefined;
  asn: number | undefined;
  country: string;
  ja3: string;
  ja4: string;
}

/** Only a real Fetch Request takes the Request path; a description with similar keys is a RequestInfo. */
function isFetchRequest(req: object): req is FetchRequestLike {
  return typeof Request === "function" && req instanceof Request;
}

function headerList(headers: HeadersLike): { list: [string, string][]; ordered: boolean } {
  const list: [string, string][] = [];
  if (Array.isArray(headers)) {
    for (const [k, v] of headers) list.push([String(k).toLowerCase(), String(v)]);
    return { list, ordered: true };
  }
  if (typeof (headers as { forEach?: unknown }).forEach === "function" && typeof (headers as { get?: unknown }).get === "function") {
    (headers as { forEach(cb: (value: string, name: string) => void): void }).forEach((value, name) => list.push([name.toLowerCase(), value]));
    return { list, ordered: false };
  }
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (v === undefined) continue;
    const name = k.toLowerCase();
    if (Array.isArray(v)) for (const x of v) list.push([name, x]); else list.push([name, String(v)]);
  }
  // Object key order is insertion order, which for parsed requests is wire order.
  return { list, ordered: true };
}

function find(list: [string, string][] | null, name: string): string {
  if (list === null) return "";
  for (const [k, v] of list) if (k === name) return v;
  return "";
}

/** Splits an absolute URL into host and path+query without the cost of `new URL`. */
function splitUrl(url: string): { host: string; target: string } {
  const scheme = url.indexOf("://");
  if (scheme < 0) return { host: "", target: url };
  const slash = url.indexOf("/", scheme + 3);
  const authority = slash < 0 ? url.slice(scheme + 3) : url.slice(scheme + 3, slash);
  return { host: authority.slice(authority.lastIndexOf("@") + 1), target: slash < 0 ? "/" : url.slice(slash) };
}

/** Reads every field of `req` the engine uses. */
export function normalizeRequest(req: Classifiable): NormalizedRequest {
  if (typeof req === "string") return { userAgent: req, method: "", url: "", host: "", httpVersion: "", ip: "", headers: null, headersOrdered: false, tls: undefined, asn: undefined, country: "", ja3: "", ja4: "" };
  if (req === null || typeof req !== "object") return normalizeRequest("");
  if (isFetchRequest(req)) {
    const { list } = headerList(req.headers);
    const { host, target } = splitUrl(req.url);
    const cf = req.cf;
    return {
      userAgent: find(list, "user-agent"), method: req.method, url: target, host: find(list, "host") || host,
      // The client address header is only trustworthy where Cloudflare's edge sets it (then `cf` is present).
      httpVersion: cf?.httpProtocol ?? "", ip: cf ? find(list, "cf-connecting-ip") : "",
      headers: list, headersOrdered: false, tls: req.url.startsWith("https:"),
      asn: typeof cf?.asn === "number" ? cf.asn : undefined, country: cf?.country ?? "",
      ja3: cf?.botManagement?.ja3Hash ?? "", ja4: cf?.botManagement?.ja4 ?? "",
    };
  }
  const info = req as RequestInfo;
  const parsed = info.headers === undefined || info.headers === null ? null : headerList(info.headers);
  const list = parsed?.list ?? null;
  const { host, target } = splitUrl(info.url ?? "");
  return {
    userAgent: typeof info.userAgent === "string" ? info.userAgent : find(list, "user-agent"),
    method: info.method ?? "", url: target, host: info.host ?? (find(list, "host") || host),
    httpVersion: info.httpVersion ?? "", ip: info.ip ?? "", headers: list, headersOrdered: parsed?.ordered ?? false,
    tls: info.tls, asn: info.asn, country: info.country ?? "", ja3: info.ja3 ?? "", ja4: info.ja4 ?? "",
  };
}

/** The user agent of `req`, or "" when it has none. */
export function userAgentOf(req: Classifiable): string {
  return normalizeRequest(req).userAgent;
}
