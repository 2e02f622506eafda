import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import {
  BLOK_NODE_SERVICE_NAME,
  PythonMessageTooLargeError,
  PythonRuntimeClient,
  PythonRuntimeProtocolError,
  RELEASED_NODE_SERVICE_NAME,
} from "../../../src/runtimes/python/index.js";
import { executeNodeMethod, type NodeRequestMessage, type NodeResponseMessage } from "../../../src/runtimes/python/nodeServiceMethod.js";

/** An in-test gRPC server registering ExecuteNode under ONE service name, as a stock server does. */
async function oneNameServer(service: string, options: Record<string, number> = {}): Promise<{ port: number; paths: string[]; stop(): Promise<void> }> {
  const server = new Server(options);
  const paths: string[] = [];
  const method = executeNodeMethod(service);
  server.addService(
    {
      ExecuteNode: {
        path: method.path,
        requestStream: false,
        responseStream: false,
        requestSerialize: method.requestSerialize,
        requestDeserialize: method.requestDeserialize,
        responseSerialize: method.responseSerialize,
        responseDeserialize: method.responseDeserialize,
      },
    },
    {
      ExecuteNode: (call: ServerUnaryCall<NodeRequestMessage, NodeResponseMessage>, callback: sendUnaryData<NodeResponseMessage>) => {
        paths.push(service);
        const context = JSON.parse(Buffer.from(call.request.Message, "base64").toString("utf8")) as { config?: { repeat?: number } };
        const repeat = context.config?.repeat;
        const data = repeat === undefined ? { service, node: call.request.Name } : { blob: "x".repeat(repeat) };
        callback(null, { Message: Buffer.from(JSON.stringify(data)).toString("base64"), Encoding: "BASE64", Type: "JSON" });
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { port, paths, stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
}

describe("PythonRuntimeClient service names", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it.each([RELEASED_NODE_SERVICE_NAME, BLOK_NODE_SERVICE_NAME])("talks to a server registering only %s, and remembers the name per address", async (service) => {
    const server = await oneNameServer(service);
    cleanup.push(server.stop);
    const client = new PythonRuntimeClient({ host: "127.0.0.1", port: server.port });
    cleanup.push(() => client.close());
    expect((await client.execute({ node: "echo", context: {} })).data).toEqual({ service, node: "echo" });
    expect(client.service).toBe(service);
    // A second client of the same address starts with the remembered name: no UNIMPLEMENTED round.
    const again = new PythonRuntimeClient({ host: "127.0.0.1", port: server.port });
    cleanup.push(() => again.close());
    expect(again.service).toBe(service);
    expect((await again.execute({ node: "echo", context: {} })).data).toEqual({ service, node: "echo" });
    expect(server.paths).toEqual([service, service]);
  });

  it("uses only the explicit service, and names it when the server does not serve it", async () => {
    const server = await oneNameServer(BLOK_NODE_SERVICE_NAME);
    cleanup.push(server.stop);
    const right = new PythonRuntimeClient({ host: "127.0.0.1", port: server.port, service: BLOK_NODE_SERVICE_NAME });
    const wrong = new PythonRuntimeClient({ host: "127.0.0.1", port: server.port, service: RELEASED_NODE_SERVICE_NAME });
    cleanup.push(() => right.close(), () => wrong.close());
    expect((await right.execute({ node: "n", context: {} })).data).toEqual({ service: BLOK_NODE_SERVICE_NAME, node: "n" });
    const error = await wrong.execute({ node: "n", context: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonRuntimeProtocolError);
    expect((error as Error).message).toContain(`UNIMPLEMENTED`);
    expect((error as Error).message).toContain(`${RELEASED_NODE_SERVICE_NAME} (set by --python-service or RUNTIME_PYTHON3_SERVICE)`);
  });

  it("names both services when a server serves neither", async () => {
    const server = await oneNameServer("other.v1.NodeService");
    cleanup.push(server.stop);
    const client = new PythonRuntimeClient({ host: "127.0.0.1", port: server.port });
    cleanup.push(() => client.close());
    const error = await client.execute({ node: "n", context: {} }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`serves neither ${RELEASED_NODE_SERVICE_NAME} nor ${BLOK_NODE_SERVICE_NAME}`);
    expect(client.service).toBeUndefined();
  });
});

describe("PythonRuntimeClient message size", () => {
  const MiB = 1024 * 1024;
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("accepts a 10 MiB reply by default (64 MiB, not gRPC's 4 MiB)", async () => {
    const server = await oneNameServer(RELEASED_NODE_SERVICE_NAME, { "grpc.max_send_message_length": 100 * MiB });
    cleanup.push(server.stop);
    const client = new PythonRuntimeClient({ host: "127.0.0.1", port: server.port });
    cleanup.push(() => client.close());
    const { data } = await client.execute({ node: "big", context: { config: { repeat: 10 * MiB } } });
    expect((data as { blob: string }).blob).toHaveLength(10 * MiB);
  });

  it("fails only the over-limit request, before sending, naming size, limit and setting", async () => {
    const server = await oneNameServer(RELEASED_NODE_SERVICE_NAME, { "grpc.max_receive_message_length": 100 * MiB });
    cleanup.push(server.stop);
    const client = new PythonRuntimeClient({ host: "127.0.0.1", port: server.port, maxMessageBytes: 1 * MiB });
    cleanup.push(() => client.close());
    const [big, small] = await Promise.allSettled([
      client.execute({ node: "big", context: { config: { pad: "y".repeat(2 * MiB) } } }),
      client.execute({ node: "small", context: {} }),
    ]);
    expect(small).toMatchObject({ status: "fulfilled", value: { data: { node: "small" } } });
    const error = (big as PromiseRejectedResult).reason as PythonMessageTooLargeError;
    expect(error).toBeInstanceOf(PythonMessageTooLargeError);
    expect(error).toMatchObject({ direction: "request", limitBytes: 1 * MiB, side: "client" });
    expect(error.message).toMatch(/request of Python node 'big' is 2\.7 MiB \(\d+ bytes\), over the client's 1\.0 MiB \(1048576 bytes\) message limit/);
    expect(error.message).toContain("--python-max-message-mb or RUNTIME_PYTHON3_MAX_MESSAGE_MB");
    expect(server.paths).toEqual([RELEASED_NODE_SERVICE_NAME]);
  });

  it("fails only the call whose reply is over the limit, then goes on", async () => {
    const server = await oneNameServer(RELEASED_NODE_SERVICE_NAME, { "grpc.max_send_message_length": 100 * MiB });
    cleanup.push(server.stop);
    const client = new PythonRuntimeClient({ host: "127.0.0.1", port: server.port, maxMessageBytes: 1 * MiB });
    cleanup.push(() => client.close());
    const error = (await client.execute({ node: "big", context: { config: { repeat: 2 * MiB } } }).catch((e: unknown) => e)) as PythonMessageTooLargeError;
    expect(error).toBeInstanceOf(PythonMessageTooLargeError);
    expect(error).toMatchObject({ direction: "reply", limitBytes: 1 * MiB, side: "client" });
    expect(error.message).toContain("reply of Python node 'big'");
    expect((await client.execute({ node: "after", context: {} })).data).toEqual({ service: RELEASED_NODE_SERVICE_NAME, node: "after" });
  });

  it("names the runtime's limit when the server refuses the request (Blok's stock server: 4 MiB)", async () => {
    const server = await oneNameServer(RELEASED_NODE_SERVICE_NAME, { "grpc.max_receive_message_length": 4 * MiB });
    cleanup.push(server.stop);
    const client = new PythonRuntimeClient({ host: "127.0.0.1", port: server.port });
    cleanup.push(() => client.close());
    const error = (await client.execute({ node: "big", context: { config: { pad: "y".repeat(4 * MiB) } } }).catch((e: unknown) => e)) as PythonMessageTooLargeError;
    expect(error).toBeInstanceOf(PythonMessageTooLargeError);
    expect(error).toMatchObject({ direction: "request", limitBytes: 4 * MiB, side: "runtime" });
    expect(error.message).toContain("over the runtime's 4.0 MiB (4194304 bytes) message limit");
  });
});
