import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startServer } from "../../src/server/index.js";

process.env.CONSOLE_LOG_ACTIVE = "false";
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("examples/http", () => {
  it("serves the enrichment workflow as its README shows: results in order, null where a region failed", async () => {
    const server = await startServer({ workflowsDir: path.join(REPO, "examples/http/workflows"), nodesDir: path.join(REPO, "examples/nodes"), port: 0 });
    try {
      const res = await fetch(`${server.url}/enrich`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ regions: ["north", "south", "east"], fail_for: ["south"], latency_ms: 20 }) });
      expect(res.status).toBe(200);
      const data = (await res.json()) as { results: ({ region: string } | null)[]; errors: { index: number; error: string }[] };
      expect(data.results.map((result) => result?.region ?? null)).toEqual(["north", null, "east"]);
      expect(data.errors).toMatchObject([{ index: 1, error: "enrichment service unavailable for region south" }]);
    } finally {
      await server.close();
    }
  });
});
