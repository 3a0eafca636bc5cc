// Node's http server with botsift's Connect-style middleware. Run: node examples/node-http/server.js
import { createServer } from "node:http";
import { botsift } from "botsift/node";

const guard = botsift({ blockAI: true, allow: ["OAI-SearchBot", "MistralAI-User"], robotsTxt: true });

function app(req, res) {
  const seen = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith("x-botsift-")));
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ runtime: "node-http", path: req.url, botsift: seen, decision: req.botsift.action }));
}

const server = createServer((req, res) => guard(req, res, () => app(req, res)));
server.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
