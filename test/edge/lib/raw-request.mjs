// Replays a captured HTTP/1.1 request head over a plain TCP socket, byte for byte, and reads back one
// response. The edge battery needs this for its browser request: Node's fetch (undici) puts headers in
// its own order and adds its own, so header-order heuristics would rightly see a library there, not the
// Chromium being replayed.
import { connect } from "node:net";
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from "node:zlib";

/**
 * `raw` is a request head as test/fixtures/requests keeps it: request line and header lines, CRLF
 * between them, without the blank line that ends the head. It is readdressed to `url` by rewriting,
 * in place, only what the transport needs: the request target and the Host value. `extra` [name,
 * value] pairs go after the captured headers, where they leave the browser's own order intact.
 *
 * Connection stays as captured ("keep-alive" for Chromium): sendRaw reads the response to the end of
 * its Content-Length or chunked body and then closes the socket itself, so it never waits for the
 * server to close. Rewriting it to "close" would be the one header no browser sends (botsift's
 * connection-close heuristic looks for exactly that).
 */
export function replayHead(raw, url, extra = []) {
  const { host, pathname, search } = new URL(url);
  const lines = raw.replace(/(\r\n)+$/, "").split("\r\n");
  const requestLine = /^(\S+) \S+ (HTTP\/1\.[01])$/.exec(lines[0]);
  if (!requestLine) throw new Error(`not an HTTP/1.x request line: ${JSON.stringify(lines[0])}`);
  lines[0] = `${requestLine[1]} ${pathname}${search} ${requestLine[2]}`;
  const hostLine = lines.findIndex((line, i) => i > 0 && /^host:/i.test(line));
  if (hostLine < 0) throw new Error("the captured head has no Host header to readdress");
  lines[hostLine] = lines[hostLine].replace(/^(host:[ \t]*).*$/i, `$1${host}`);
  for (const [name, value] of extra) lines.push(`${name}: ${value}`);
  return Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1");
}

/**
 * Writes `head` (a complete request head, no body) to the host and port of `url` and resolves with the
 * response: status, headers as lower-cased [name, value] pairs, and the body with any Content-Encoding
 * undone. Rejects on a malformed response, a socket error, a close before the response is complete,
 * or after `timeoutMs`, with what had arrived so far.
 */
export function sendRaw(url, head, { timeoutMs = 10_000 } = {}) {
  const { hostname, port } = new URL(url);
  const isHead = head.subarray(0, 5).toString("latin1") === "HEAD ";
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ""), port: Number(port || 80) });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (error, response) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(response);
    };
    const excerpt = () => JSON.stringify(received.subarray(0, 500).toString("latin1"));
    const timer = setTimeout(() => finish(new Error(`${url}: no complete response after ${timeoutMs} ms; received ${received.length} bytes: ${excerpt()}`)), timeoutMs);
    const attempt = (ended) => {
      try {
        const response = parseResponse(received, isHead, ended);
        if (response) finish(null, { ...response, body: decodeBody(response.body, response.headers) });
        else if (ended) finish(new Error(`${url}: connection closed before the response was complete; received ${received.length} bytes: ${excerpt()}`));
      } catch (e) {
        finish(new Error(`${url}: ${e.message}; received: ${excerpt()}`));
      }
    };
    socket.on("connect", () => socket.write(head));
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      attempt(false);
    });
    socket.on("end", () => attempt(true));
    socket.on("error", (e) => finish(new Error(`${url}: ${e.message}`)));
  });
}

/** The first value of header `name` (lower-case) in `headers`, or undefined. */
export const headerValue = (headers, name) => headers.find(([n]) => n === name)?.[1];

/**
 * One response parsed from `buf`, or null while more bytes are needed. Interim 1xx responses are
 * skipped. A body with neither Content-Length nor chunked framing runs to the end of the connection.
 */
function parseResponse(buf, isHead, ended) {
  let start = 0;
  for (;;) {
    const headEnd = buf.indexOf("\r\n\r\n", start, "latin1");
    if (headEnd < 0) return null;
    const [statusLine, ...lines] = buf.subarray(start, headEnd).toString("latin1").split("\r\n");
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
    if (!m) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(statusLine)}`);
    const status = Number(m[1]);
    const headers = lines.map((line) => {
      const i = line.indexOf(":");
      if (i <= 0) throw new Error(`malformed response header line: ${JSON.stringify(line)}`);
      return [line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()];
    });
    const bodyStart = headEnd + 4;
    if (status >= 100 && status < 200 && status !== 101) {
      start = bodyStart;
      continue;
    }
    if (isHead || status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0) };
    const transferEncoding = headerValue(headers, "transfer-encoding");
    if (transferEncoding !== undefined) {
      if (!/(^|,)\s*chunked\s*$/i.test(transferEncoding)) throw new Error(`unsupported transfer-encoding: ${transferEncoding}`);
      const body = dechunk(buf, bodyStart);
      return body && { status, headers, body };
    }
    const contentLength = headerValue(headers, "content-length");
    if (contentLength !== undefined) {
      if (!/^\d+$/.test(contentLength)) throw new Error(`malformed content-length: ${contentLength}`);
      const length = Number(contentLength);
      if (buf.length - bodyStart < length) return null;
      return { status, headers, body: buf.subarray(bodyStart, bodyStart + length) };
    }
    return ended ? { status, headers, body: buf.subarray(bodyStart) } : null;
  }
}

/** The body of a chunked message starting at `pos`, or null while incomplete. Trailers are dropped. */
function dechunk(buf, pos) {
  const chunks = [];
  for (;;) {
    const lineEnd = buf.indexOf("\r\n", pos, "latin1");
    if (lineEnd < 0) return null;
    const sizeField = buf.subarray(pos, lineEnd).toString("latin1").split(";")[0].trim();
    if (!/^[0-9a-f]+$/i.test(sizeField)) throw new Error(`malformed chunk size: ${JSON.stringify(sizeField)}`);
    const size = parseInt(sizeField, 16);
    const dataStart = lineEnd + 2;
    if (size === 0) {
      // The last chunk is followed by optional trailer lines and a blank line.
      if (buf.length < dataStart + 2) return null;
      if (buf.subarray(dataStart, dataStart + 2).toString("latin1") === "\r\n") return Buffer.concat(chunks);
      return buf.indexOf("\r\n\r\n", dataStart, "latin1") < 0 ? null : Buffer.concat(chunks);
    }
    if (buf.length < dataStart + size + 2) return null;
    if (buf.subarray(dataStart + size, dataStart + size + 2).toString("latin1") !== "\r\n") throw new Error("chunk data not followed by CRLF");
    chunks.push(buf.subarray(dataStart, dataStart + size));
    pos = dataStart + size + 2;
  }
}

/**
 * Undoes Content-Encoding. The replayed browser offers gzip, deflate, br and zstd, and servers such as
 * Deno.serve compress on their own when offered. zstd is not in Node 20's zlib: fail clearly rather
 * than hand back compressed bytes.
 */
function decodeBody(body, headers) {
  const encodings = (headerValue(headers, "content-encoding") ?? "").toLowerCase().split(",").map((s) => s.trim()).filter((s) => s && s !== "identity");
  for (const encoding of encodings.reverse()) {
    if (encoding === "gzip" || encoding === "x-gzip") body = gunzipSync(body);
    else if (encoding === "br") body = brotliDecompressSync(body);
    else if (encoding === "deflate") {
      // "deflate" means zlib-wrapped, but some servers send raw deflate.
      try {
        body = inflateSync(body);
      } catch {
        body = inflateRawSync(body);
      }
    } else throw new Error(`unsupported content-encoding: ${encoding}`);
  }
  return body;
}
