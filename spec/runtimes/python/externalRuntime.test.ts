import { describe, expect, it } from "vitest";
import { startBareEchoServer } from "../../../bench/python/startBareEchoServer.js";
import { openPythonRuntime, PythonNodeError } from "../../../src/runtimes/python/index.js";
import { isRunning, needsPython, python } from "./helpers.js";

// The bare echo server answers with the request's Message and sends no `blok-runtime` metadata,
// like Blok's stock runtime: whatever context we send comes back as the "node's" reply.
describe.skipIf(!python)(`PythonRuntimeClient against a runtime that is not the bundled one${needsPython}`, () => {
  it("openPythonRuntime() uses RUNTIME_PYTHON3_HOST/PORT, treats stock {error, stack} replies as failures, and leaves the server running", async () => {
    const server = await startBareEchoServer(python!);
    try {
      const runtime = await openPythonRuntime({
        env: { RUNTIME_PYTHON3_HOST: "127.0.0.1", RUNTIME_PYTHON3_PORT: String(server.port), PYTHON_NODES_PATH: "/ignored" },
      });
      expect(runtime.embedded).toBeUndefined();
      expect(runtime.client.address).toBe(`127.0.0.1:${server.port}`);

      const ok = await runtime.client.execute({ node: "any", context: { request: {}, config: { a: 1 } } });
      expect(ok.data).toEqual({ request: {}, config: { a: 1 } });
      expect(ok.timing.node_ms).toBeUndefined();

      // Exactly the stock runtime's failure shape: taken as an error, type read from the traceback.
      const stack = 'Traceback (most recent call last):\n  File "node.py", line 3, in handle\nKeyError: \'text\'\n';
      const error = (await runtime.client.execute({ node: "sentiment", context: { error: "'text'", stack } }).catch((e: unknown) => e)) as PythonNodeError;
      expect(error).toBeInstanceOf(PythonNodeError);
      expect(error.pythonType).toBe("KeyError");
      expect(error.pythonMessage).toBe("'text'");
      expect(error.pythonStack).toBe(stack);

      // One more key and it is data: only the exact stock shape is taken for an error.
      const data = await runtime.client.execute({ node: "any", context: { error: "x", stack: "y", extra: 1 } });
      expect(data.data).toEqual({ error: "x", stack: "y", extra: 1 });

      await runtime.close();
      expect(isRunning(server.pid)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(isRunning(server.pid)).toBe(false);
  });
});
