// Version probes for the fixtures' "tool versions": each asks the tool once (its --version, a python
// module's __version__, dpkg) and remembers the answer, or null when the tool cannot say.
import { CHROMIUM, PYTHON, firstLine, run } from "./workspace.mjs";

const versionCache = new Map();
export function version(name, fn) {
  if (!versionCache.has(name)) {
    let v = null;
    try { v = fn(); } catch {}
    versionCache.set(name, v);
  }
  return versionCache.get(name);
}
export const chromiumVersion = () => version("chromium", () => firstLine(run([CHROMIUM, "--version"]))?.replace(/ built on.*/, ""));
export const chromeMajor = () => /(\d+)\./.exec(chromiumVersion() ?? "")?.[1];
export const pyModVersion = (mod) => version(`python3-${mod}`, () => firstLine(run([PYTHON, "-c",
  mod === "urllib" ? "import urllib.request as u; print(u.__version__)" : `import ${mod}; print(${mod}.__version__)`])));
export const pythonVersion = () => version("python3", () => firstLine(run([PYTHON, "--version"])));
const debVersion = (pkg) => version(`deb:${pkg}`, () => firstLine(run(["dpkg-query", "-W", "-f=${Version}", pkg])));
export const xvfbVersion = () => version("xvfb", () => debVersion("xvfb"));
