/**
 * The servers the HTTP benchmark compares, each answering `POST /pair` with the same run of
 * bench/http/workflows/pair.json: ours (`startServer`, what `blok-parallel serve` runs) and the
 * same handler on a bare `node:http` server, on Express 4 and on Fastify. The handler is what a
 * run of our server does for the workflow: a fresh environment over the local nodes, then
 * `environment.run` with the request as `ctx.request`; its result is the JSON answer.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import express from "express";
import Fastify from "fastify";
import { createEnvironment } from "../../src/composition/index.js";
import { loadWorkflow } from "../../src/runner/index.js";
import { startServer } from "../../src/server/index.js";

export const KINDS = ["ours", "bare", "express", "fastify"] as const;
export type Kind = (typeof KINDS)[number];

export const WORKFLOWS_DIR = fileURLToPath(new URL("./workflows/", import.meta.url));
export const NODES_DIR = fileURLToPath(new URL("./nodes/", import.meta.url));

/** A listening server: its base URL and how to stop it. */
export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

type RunRequest = { method: string; body: unknown; headers: Record<string, unknown>; query: Record<string, unknown>; params: Record<string, string> };

/** The handler every bare contender calls: one run of the pair workflow, its response data. */
async function handlerFor(): Promise<(request: RunRequest) => Promise<unknown>> {
  const workflow = await loadWorkflow(`${WORKFLOWS_DIR}pair.json`);
  return async (request) => {
    const env = createEnvironment({ nodesDir: NODES_DIR });
    const { response } = await env.run(workflow, request);
    return response.data;
  };
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {});
      } catch (error) {
        reject(error);
      }
    });
    req.on("error", reject);
  });
}

async function listen(server: ReturnType<typeof createServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startBare(): Promise<Listening> {
  const handle = await handlerFor();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    readJson(req)
      .then((body) => handle({ method: req.method ?? "GET", body, headers: { ...req.headers }, query: Object.fromEntries(url.searchParams), params: { workflow: "pair" } }))
      .then((data) => {
        const text = JSON.stringify(data);
        res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
        res.end(text);
      })
      .catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: String(error) }));
      });
  });
  const url = await listen(server);
  return { url, close: () => closeServer(server) };
}

async function startExpress(): Promise<Listening> {
  const handle = await handlerFor();
  const app = express();
  app.use(express.json());
  app.post("/pair", (req, res) => {
    handle({ method: req.method, body: req.body, headers: { ...req.headers }, query: { ...req.query }, params: { workflow: "pair" } }).then(
      (data) => res.json(data),
      (error: unknown) => res.status(500).json({ error: String(error) }),
    );
  });
  const server = createServer(app);
  const url = await listen(server);
  return { url, close: () => closeServer(server) };
}

async function startFastify(): Promise<Listening> {
  const handle = await handlerFor();
  const app = Fastify({ logger: false });
  app.post("/pair", async (req) => handle({ method: req.method, body: req.body, headers: { ...req.headers }, query: { ...(req.query as object) }, params: { workflow: "pair" } }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
}

async function startOurs(): Promise<Listening> {
  const server = await startServer({ workflowsDir: WORKFLOWS_DIR, nodesDir: NODES_DIR, port: 0 });
  return { url: server.url, close: () => server.close() };
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Starts one contender on 127.0.0.1, on a port the system picks. */
export function start(kind: Kind): Promise<Listening> {
  switch (kind) {
    case "ours":
      return startOurs();
    case "bare":
      return startBare();
    case "express":
      return startExpress();
    case "fastify":
      return startFastify();
  }
}
