// Slow (about 47 s of wall time, almost no CPU): a call longer than gRPC-core's ping strike
// budget on a connection where a short sibling call finished early and nothing flowed since.
// That is the parallel container's case, and what made such calls fail at ~41 s with
// "GOAWAY too_many_pings" when the client pinged every 10 s. Runs with `npm test`.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startBareEchoServer } from "../../../bench/python/startBareEchoServer.js";
import { PythonRuntimeClient, startPythonRuntime } from "../../../src/runtimes/python/index.js";
import { logCollector, needsPython, python, repoRoot } from "./helpers.js";

const nodes = join(repoRoot, "spec/runtimes/python/fixtures/supervision");
const LONG_MS = 46_000;

/** One long call, and one short sibling on the same connection that finishes after 1 s. */
async function longCallAfterSibling(client: PythonRuntimeClient, node: string): Promise<unknown> {
  const long = client.execute({ node, name: "long", context: { config: { ms: LONG_MS } } });
  await new Promise((r) => setTimeout(r, 1_000));
  await client.execute({ node, name: "short", context: { config: { ms: 10 } } });
  return (await long).data;
}

describe.skipIf(!python)(`a call over 45 s after a sibling finished on its connection${needsPython}`, () => {
  it(
    "survives: our client against the bundled runtime and against a server with gRPC-core's defaults; a client pinging every 10 s, as Blok's, against the bundled runtime",
    async () => {
      const logs = logCollector();
      const runtime = await startPythonRuntime({ nodesDir: nodes, python, onLog: logs.onLog });
      // grpc.aio.server() with gRPC-core's defaults and one service name, as Blok's released server.
      const stock = await startBareEchoServer(python!, "nanoservice.workflow.v1.NodeService", { wait: true });
      const ours = new PythonRuntimeClient(runtime);
      const bloksPace = new PythonRuntimeClient({ ...runtime, keepaliveMs: 10_000 });
      const oursToStock = new PythonRuntimeClient({ host: "127.0.0.1", port: stock.port });
      try {
        const results = await Promise.allSettled([
          longCallAfterSibling(ours, "wait"),
          longCallAfterSibling(bloksPace, "wait"),
          longCallAfterSibling(oursToStock, "any"),
        ]);
        expect(results).toEqual([
          { status: "fulfilled", value: expect.objectContaining({ waited: LONG_MS }) },
          { status: "fulfilled", value: expect.objectContaining({ waited: LONG_MS }) },
          { status: "fulfilled", value: { waited: LONG_MS } },
        ]);
      } finally {
        for (const client of [ours, bloksPace, oursToStock]) client.close();
        await Promise.all([runtime.stop(), stock.stop()]);
      }
    },
    90_000,
  );
});
