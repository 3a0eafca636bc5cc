// Runs one client against one origin: starts it on a fresh /capture/<key> URL, waits for its request (or
// its exit, or the timeout), stops its process group, and says what was captured or why nothing was.
// pool() runs such tasks a few at a time.
import { stopWaiting, waitFor } from "./servers.mjs";
import { certFile, clientEnv, cmdline, sleep, start } from "./workspace.mjs";

const CLIENT_TIMEOUT_MS = 25_000;
const BROWSER_LINGER_MS = 400; // after the document request, before the browser is killed

/** ports: { http, https } of the capturing servers. */
export async function captureOne(client, origin, ports) {
  const key = `${client.id}-${origin.suffix}-${Math.random().toString(36).slice(2, 8)}`;
  const host = origin.scheme === "https" && client.httpsHost ? client.httpsHost : origin.host;
  const url = `${origin.scheme}://${host}:${ports[origin.scheme]}/capture/${key}`;
  const wait = waitFor(key, CLIENT_TIMEOUT_MS);
  let child, how;
  try {
    if (client.launch) ({ child, how } = await client.launch(url));
    else {
      const argv = client.argvFor(url);
      child = start(argv, clientEnv());
      // the env that makes clients trust the capture CA (each reads the one it knows), then the command
      const trust = origin.scheme === "https" ? `${["SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "DENO_CERT"].map((k) => `${k}=${certFile}`).join(" ")} ` : "";
      how = `${client.howPrefix ?? ""}${trust}${cmdline(argv)}`;
    }
  } catch (e) {
    stopWaiting(key);
    return { ok: false, why: String(e.message ?? e) };
  }
  const rec = await Promise.race([wait, child.done.then(async (r) => ((await Promise.race([wait, sleep(300)])) ?? { exited: r }))]);
  if (rec && !rec.exited) {
    if (client.browser) await sleep(BROWSER_LINGER_MS);
    else await Promise.race([child.done, sleep(5000)]); // let CLIs finish reading the response
  }
  await child.stop();
  if (!rec || rec.exited) {
    const r = rec?.exited ?? (await child.done);
    return { ok: false, why: `no request captured (exit ${r.code}): ${r.out.trim().split("\n").slice(-3).join(" | ")}` };
  }
  const placeholder = (s) => s.replaceAll(key, client.id);
  return { ok: true, rec, key, how: placeholder(how), url: placeholder(url) };
}

/** Runs the task functions with at most n at a time; resolves with their results in task order. */
export async function pool(tasks, n) {
  const results = [];
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < tasks.length) {
      const k = i++;
      results[k] = await tasks[k]();
    }
  }));
  return results;
}
