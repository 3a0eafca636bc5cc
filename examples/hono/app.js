// A Hono app behind botsift; `export default app` makes it a Worker (wrangler deploy app.js), and
// `Deno.serve(app.fetch)` / `Bun.serve({ fetch: app.fetch })` serve it elsewhere.
import { Hono } from "hono";
import { botsift } from "botsift/hono";

const app = new Hono();
app.use("*", botsift({ blockAI: true, allow: ["OAI-SearchBot", "MistralAI-User"], robotsTxt: true }));

app.get("*", (c) => {
  const seen = {};
  for (const [name, value] of c.req.raw.headers) if (name.startsWith("x-botsift-")) seen[name] = value;
  return c.json({ runtime: "hono", path: c.req.path, botsift: seen, decision: c.get("botsift").action });
});

export default app;
