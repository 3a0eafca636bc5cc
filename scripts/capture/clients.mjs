// Every client the capture knows, in the order they are run: the browsers (./browsers.mjs), then the
// command-line tools and the HTTP libraries, each with how to start it on a URL, how to ask its version,
// and the one-time preparation it needs (prepare). Also the origins each kind of client is captured from.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BROWSER_CLIENTS, findPlaywright } from "./browsers.mjs";
import { pyModVersion, pythonVersion } from "./versions.mjs";
import { HOST, INSECURE_HOST, PYTHON, certFile, clientEnv, clientsDir, firstLine, root, run, which, work } from "./workspace.mjs";

/** Each variant of a browser gets the three origins: https://localhost, http://127.0.0.1 (loopback: a secure
 *  context) and http://botsift-capture.test (resolved to 127.0.0.1 by Chromium only: not a secure context). */
export const BROWSER_ORIGINS = [
  { suffix: "https", scheme: "https", host: "localhost", note: "https://localhost — secure context" },
  { suffix: "http", scheme: "http", host: INSECURE_HOST, note: `http://${INSECURE_HOST} (mapped to 127.0.0.1 by --host-resolver-rules) — a non-secure context, as plain HTTP on the internet` },
  { suffix: "http-loopback", scheme: "http", host: HOST, note: "http://127.0.0.1 — plain HTTP, but loopback counts as a secure context" },
];
export const LIB_ORIGINS = [
  { suffix: "http", scheme: "http", host: HOST, note: "http://127.0.0.1" },
  { suffix: "https", scheme: "https", host: HOST, note: "https://127.0.0.1 (capture certificate trusted)" },
];

const nodeBin = (name) => join(root, "node_modules/.bin", name);

export const CLIENTS = [
  ...BROWSER_CLIENTS,
  cli("curl", ["curl"], (url) => ["curl", "-sS", "-o", "/dev/null", url], () => ({ curl: firstLine(run(["curl", "--version"])) })),
  cli("wget", ["wget"], (url) => ["wget", "-q", "-O", "/dev/null", ...(url.startsWith("https:") ? [`--ca-certificate=${certFile}`] : []), url], () => ({ wget: firstLine(run(["wget", "--version"])) })),
  cli("httpie", ["http"], (url) => ["http", "--ignore-stdin", "--print=", "GET", url], () => ({ httpie: firstLine(run(["http", "--version"])), python3: pythonVersion() }),
    "HTTPie (Debian's httpie), the `http` command."),
  cli("lynx", ["lynx"], (url) => ["lynx", ...(url.startsWith("https:") ? [`-cfg=${lynxCfg()}`] : []), "-dump", url], () => ({ lynx: firstLine(run(["lynx", "-version"])) }),
    "A text-mode browser. A person can drive it, but botsift has no way to tell that from a script: labelled bot.",
    "localhost"),
  cli("w3m", ["w3m"], (url) => ["w3m", "-o", `ssl_ca_file=${certFile}`, "-dump", url], () => ({ w3m: firstLine(run(["w3m", "-version"])) }),
    "A text-mode browser. A person can drive it, but botsift has no way to tell that from a script: labelled bot.",
    "localhost"), // w3m does not match IP addresses against the certificate
  lib("python-urllib", [PYTHON], (url) => [PYTHON, join(clientsDir, "py_client.py"), "urllib", url], () => ({ python3: pythonVersion(), urllib: pyModVersion("urllib") }), "pyModule:urllib.request"),
  lib("python-requests", [PYTHON], (url) => [PYTHON, join(clientsDir, "py_client.py"), "requests", url], () => ({ python3: pythonVersion(), requests: pyModVersion("requests") }), "pyModule:requests"),
  lib("python-aiohttp", [PYTHON], (url) => [PYTHON, join(clientsDir, "py_client.py"), "aiohttp", url], () => ({ python3: pythonVersion(), aiohttp: pyModVersion("aiohttp") }), "pyModule:aiohttp"),
  lib("python-httpx", [PYTHON], (url) => [PYTHON, join(clientsDir, "py_client.py"), "httpx", url], () => ({ python3: pythonVersion(), httpx: pyModVersion("httpx") }), "pyModule:httpx"),
  lib("node-fetch", [process.execPath], (url) => [process.execPath, join(clientsDir, "js_client.mjs"), "fetch", url], () => ({ node: process.version, undici: process.versions.undici ?? null }),
    null, "node's global fetch (undici)."),
  lib("node-http", [process.execPath], (url) => [process.execPath, join(clientsDir, "js_client.mjs"), "http", url], () => ({ node: process.version }),
    null, "node:http / node:https get()."),
  lib("deno-fetch", [nodeBin("deno")], (url) => [nodeBin("deno"), "run", "--no-prompt", `--allow-net`, join(clientsDir, "js_client.mjs"), "fetch", url],
    () => ({ deno: firstLine(run([nodeBin("deno"), "--version"])) })),
  lib("bun-fetch", [nodeBin("bun")], (url) => [nodeBin("bun"), join(clientsDir, "js_client.mjs"), "fetch", url], () => ({ bun: firstLine(run([nodeBin("bun"), "--version"])) })),
  { ...lib("go-net-http", ["go"], (url) => [join(work, "goclient"), url], () => ({ go: firstLine(run(["go", "version"])) }), "go",
    "Go's http.Get (default client), built from scripts/capture/clients/GoClient.go."),
    howPrefix: `GO111MODULE=off go build -o ${join(work, "goclient")} ${join(clientsDir, "GoClient.go")} && ` },
  lib("java-httpclient", ["java"], (url) => javaArgv("httpclient", url), () => ({ java: firstLine(run(["java", "-version"], { allowFail: true })) }), "java",
    "java.net.http.HttpClient.newHttpClient() (default: HTTP/2 preferred)."),
  lib("java-urlconnection", ["java"], (url) => javaArgv("urlconnection", url), () => ({ java: firstLine(run(["java", "-version"], { allowFail: true })) }), "java",
    "java.net.HttpURLConnection."),
  lib("perl-http-tiny", ["perl"], (url) => ["perl", "-MHTTP::Tiny", "-e", "my $r = HTTP::Tiny->new->get($ARGV[0]); exit($r->{status} == 200 ? 0 : 1)", url],
    () => ({ perl: firstLine(run(["perl", "-e", "print $^V"])), "HTTP::Tiny": firstLine(run(["perl", "-MHTTP::Tiny", "-e", "print $HTTP::Tiny::VERSION"])) }), null,
    "Perl's core HTTP::Tiny (https needs IO::Socket::SSL, which may be missing)."),
];

function cli(id, needs, argvFor, versions, note, httpsHost) {
  return { id, kind: "cli", expected: "bot", needs, versions, note, argvFor, httpsHost };
}
function lib(id, needs, argvFor, versions, setup, note) {
  return { id, kind: "library", expected: "bot", needs, versions, argvFor, setup, note };
}
/** lynx reads its CA file from lynx.cfg (Debian's sets the system bundle), so https runs get a cfg that trusts ours. */
function lynxCfg() {
  const f = join(work, "lynx.cfg");
  if (!existsSync(f)) writeFileSync(f, `${existsSync("/etc/lynx/lynx.cfg") ? "INCLUDE:/etc/lynx/lynx.cfg\n" : ""}SSL_CERT_FILE:${certFile}\n`);
  return f;
}
function javaArgv(mode, url) {
  return ["java", `-Djavax.net.ssl.trustStore=${join(work, "trust.p12")}`, "-Djavax.net.ssl.trustStorePassword=changeit",
    join(clientsDir, "JavaClient.java"), mode, url];
}

/** One-time preparation some clients need (compile, trust store, module present); returns an error or null. */
const setups = new Map();
export function prepare(kind, { noInstall }) {
  if (!kind) return Promise.resolve(null);
  if (!setups.has(kind)) setups.set(kind, (async () => {
    if (kind.startsWith("pyModule:")) {
      const mod = kind.slice(9);
      return run([PYTHON, "-c", `import ${mod}`]) == null ? `python module ${mod} missing (Debian: python3-${mod.split(".")[0]})` : null;
    }
    if (kind === "go") {
      const r = spawnSync("go", ["build", "-o", join(work, "goclient"), join(clientsDir, "GoClient.go")], { encoding: "utf8", env: clientEnv({ GOFLAGS: "", GO111MODULE: "off" }), timeout: 90_000, cwd: clientsDir });
      return r.status === 0 ? null : `go build failed: ${(r.stderr || String(r.error)).trim()}`;
    }
    if (kind === "playwright") return findPlaywright(noInstall);
    if (kind === "java") {
      if (!which("keytool")) return "keytool missing";
      const r = spawnSync("keytool", ["-importcert", "-noprompt", "-alias", "capture", "-file", certFile, "-keystore", join(work, "trust.p12"), "-storetype", "PKCS12", "-storepass", "changeit"], { encoding: "utf8", timeout: 30_000 });
      return r.status === 0 ? null : `keytool failed: ${r.stderr}`;
    }
    return null;
  })());
  return setups.get(kind);
}
