// Express with botsift. Run: node examples/express/server.js
import express from "express";
import { botsift } from "botsift/node";

const app = express();
app.use(botsift({ blockAI: true, allow: ["OAI-SearchBot", "MistralAI-User"], robotsTxt: true }));

app.use((req, res) => {
  const seen = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith("x-botsift-")));
  res.json({ runtime: "express", path: req.path, botsift: seen, decision: req.botsift.action });
});

const server = app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
