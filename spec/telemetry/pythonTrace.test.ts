import { type Metadata, Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { createEnvironment } from "../../src/composition/index.js";
import type { Workflow } from "../../src/runner/index.js";
import { PythonNode, PythonRuntimeClient, RELEASED_NODE_SERVICE_NAME } from "../../src/runtimes/python/index.js";
import { executeNodeMethod, type NodeRequestMessage, type NodeResponseMessage } from "../../src/runtimes/python/nodeServiceMethod.js";
import type { Tracing } from "../../src/telemetry/index.js";
import { inMemoryTracing } from "./support.js";

/** An in-test Python runtime: answers every ExecuteNode with `{ ok: true }` and keeps each call's metadata by node. */
async function recordingRuntime(): Promise<{ port: number; metadata: Map<string, Metadata>; stop(): Promise<void> }> {
  const server = new Server();
  const metadata = new Map<string, Metadata>();
  const method = executeNodeMethod(RELEASED_NODE_SERVICE_NAME);
  server.addService(
    { ExecuteNode: { path: method.path, requestStream: false, responseStream: false, requestSerialize: method.requestSerialize, requestDeserialize: method.requestDeserialize, responseSerialize: method.responseSerialize, responseDeserialize: method.responseDeserialize } },
    {
      ExecuteNode: (call: ServerUnaryCall<NodeRequestMessage, NodeResponseMessage>, callback: sendUnaryData<NodeResponseMessage>) => {
        metadata.set(call.request.Name, call.metadata);
        callback(null, { Message: Buffer.from(JSON.stringify({ ok: true })).toString("base64"), Encoding: "BASE64", Type: "JSON" });
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  return { port, metadata, stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
}

const WORKFLOW = {
  name: "py",
  steps: [{ name: "fan", node: "parallel-execution", type: "module" }],
  nodes: { fan: { inputs: { nodes: [{ name: "a", node: "py_a", type: "runtime.python3" }, { name: "b", node: "py_b", type: "runtime.python3" }] } } },
} as unknown as Workflow;

describe("trace context to Python children", () => {
  const cleanup: (() => unknown)[] = [];
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function runTraced(traced: boolean) {
    const runtime = await recordingRuntime();
    cleanup.push(runtime.stop);
    const client = new PythonRuntimeClient({ host: "127.0.0.1", port: runtime.port, service: RELEASED_NODE_SERVICE_NAME });
    cleanup.push(() => client.close());
    const memory = inMemoryTracing();
    tracing = memory.tracing;
    if (!traced) await tracing.shutdown();
    const tracer = tracing.forRun();
    const plugin = { resolvers: { "runtime.python3": async () => new PythonNode(client) }, close: async () => undefined };
    const env = createEnvironment({ plugins: [plugin], onEvent: tracer.onEvent });
    await env.run(WORKFLOW, traced ? { observer: tracer } : {});
    return { metadata: runtime.metadata, spans: memory.spans() };
  }

  it("each Python call carries its attempt's traceparent as gRPC metadata", async () => {
    const { metadata, spans } = await runTraced(true);
    for (const [node, child] of [["py_a", "a"], ["py_b", "b"]] as const) {
      const attempt = spans.find((span) => span.name === `child ${child}`)!;
      expect(attempt.attributes["blok.child.runtime"]).toBe("python3");
      const { traceId, spanId } = attempt.spanContext();
      expect(metadata.get(node)!.get("traceparent")).toEqual([`00-${traceId}-${spanId}-01`]);
    }
  });

  it("an untraced call sends no traceparent", async () => {
    const { metadata } = await runTraced(false);
    expect(metadata.get("py_a")!.get("traceparent")).toEqual([]);
  });
});
