import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/cli/usageError.js";
import { parseWorkerArgs, runWorkerCommand, WORKER_USAGE } from "../../../src/cli/workerCommand.js";
import { InvalidQueueJobError, isPlainNodeName, QueueConfigError, readJobData, redactRedisUrl, resolveRedisUrl } from "../../../src/runtimes/queue/index.js";
import { readJobResult, toJobData } from "../../../src/runtimes/queue/protocol.js";

const valid = {
  v: 1,
  container: "fan",
  step: { name: "s", node: "sales-chunk", type: "local", isolation: "inline" },
  attempt: 1,
  inputs: { a: 1 },
  ctx: { id: "run", request: {}, response: { data: null } },
  max_result_bytes: 100,
};

/** The message `read` refuses `value` with (an InvalidQueueJobError), or "accepted". */
function refusalOf(read: (value: unknown) => unknown, value: unknown): string {
  try {
    read(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidQueueJobError);
    return (error as Error).message;
  }
  return "accepted";
}

describe("queue wire protocol (no Redis)", () => {
  it("accepts plain node names and refuses paths, traversal and URLs", () => {
    for (const name of ["sales-chunk", "group/sum@1.0.0", "@blok-ts/if-else", "text_stats", "a.b+c"]) expect(isPlainNodeName(name), name).toBe(true);
    for (const name of ["", "..", "../x", "a/../../b", "/etc/passwd", "./x", "a//b", "C:\\evil", "a\\..\\b", "file:///x", "data:text/javascript,1", "x\0y", "a b", "x".repeat(201)]) {
      expect(isPlainNodeName(name), name).toBe(false);
    }
  });

  it("reads valid job data and names the offending field otherwise", () => {
    expect(readJobData(valid)).toBe(valid);
    const refused = (patch: object) => {
      try {
        readJobData({ ...valid, ...patch });
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(refused({ v: 2 })).toBe("Refused queue job: protocol version 2 is not 1 (producer and worker run different versions of @blok-ts/parallel-execution)");
    expect(refused({ step: { ...valid.step, type: "shell" } })).toBe('Refused queue job: step.type must be one of module, local, runtime.python3 (received "shell")');
    expect(refused({ step: { ...valid.step, node: "../../secrets" } })).toBe('Refused queue job: step.node must be a plain node name without path traversal (received "../../secrets")');
    expect(refused({ step: { ...valid.step, isolation: "process" } })).toBe('Refused queue job: step.isolation must be "inline" or "worker" (received "process")');
    expect(refused({ step: null })).toBe("Refused queue job: step is not an object");
    expect(refused({ attempt: 0 })).toBe("Refused queue job: attempt must be a whole number of at least 1");
    expect(refused({ max_result_bytes: -1 })).toBe("Refused queue job: max_result_bytes must be a whole number of at least 1");
    expect(refused({ ctx: { id: 1 } })).toBe("Refused queue job: ctx must be an object with id, request and response");
    expect(refused({ ctx: { ...valid.ctx, index: 1.5 } })).toBe("Refused queue job: ctx.index must be a whole number");
    expect(() => readJobData("nope")).toThrow("Refused queue job: its data is not an object");
  });

  it("refuses malformed job data with InvalidQueueJobError naming the first broken field, protocol version first", () => {
    const refusal = (data: unknown) => refusalOf(readJobData, data);
    expect(refusal([valid])).toBe("Refused queue job: its data is not an object");
    expect(refusal(null)).toBe("Refused queue job: its data is not an object");
    expect(refusal({ ...valid, v: "1", attempt: 0 })).toBe('Refused queue job: protocol version "1" is not 1 (producer and worker run different versions of @blok-ts/parallel-execution)');
    expect(refusal({ ...valid, step: [] })).toBe("Refused queue job: step is not an object");
    expect(refusal({ ...valid, step: { ...valid.step, name: "" } })).toBe("Refused queue job: step.name must be a non-empty string");
    expect(refusal({ ...valid, step: { ...valid.step, node: 3 } })).toBe("Refused queue job: step.node must be a plain node name without path traversal (received 3)");
    expect(refusal({ ...valid, container: 1 })).toBe("Refused queue job: container must be a string");
    expect(refusal({ ...valid, attempt: 1.5 })).toBe("Refused queue job: attempt must be a whole number of at least 1");
    expect(refusal({ ...valid, attempt: "1" })).toBe("Refused queue job: attempt must be a whole number of at least 1");
    expect(refusal({ ...valid, max_result_bytes: undefined })).toBe("Refused queue job: max_result_bytes must be a whole number of at least 1");
    expect(refusal({ ...valid, ctx: { ...valid.ctx, request: [] } })).toBe("Refused queue job: ctx must be an object with id, request and response");
    expect(refusal({ ...valid, ctx: { ...valid.ctx, response: "x" } })).toBe("Refused queue job: ctx must be an object with id, request and response");
    expect(refusal({ ...valid, ctx: { ...valid.ctx, index: null } })).toBe("Refused queue job: ctx.index must be a whole number");
    expect(refusal({ ...valid, shared: "x" })).toBe("Refused queue job: shared must be an object");
    expect(refusal({ ...valid, shared: { response_data: 7 } })).toBe("Refused queue job: shared.response_data must be a shared context id (received 7)");
    // Extra fields are the node's data (or a newer producer's hints) and pass untouched.
    expect(readJobData({ ...valid, extra: 1, step: { ...valid.step, note: "x" } })).toMatchObject({ extra: 1 });
  });

  it("reads a result envelope as it is, and refuses a malformed one naming the field", () => {
    const envelope = { v: 1, bytes: 2, work_ms: 0.5, data: 1 };
    expect(readJobResult(envelope)).toBe(envelope);
    const refusal = (value: unknown) => refusalOf(readJobResult, value);
    const noEnvelope = "the worker returned no protocol-1 result envelope (producer and worker run different versions?)";
    expect(refusal("done")).toBe(noEnvelope);
    expect(refusal({ ...envelope, v: 2 })).toBe(noEnvelope);
    expect(refusal({ ...envelope, bytes: "2" })).toBe('the worker\'s result envelope has no byte count: bytes must be a number (received "2")');
    expect(refusal({ v: 1, bytes: 2 })).toBe("the worker's result envelope has no run time: work_ms must be a number (received undefined)");
  });

  it("leaves shared context parts out of ctx and names them; workers accept only shared context ids", () => {
    const job = { container: "fan", step: { name: "s", node: "n", type: "local", isolation: "inline" } as const, attempt: 1, inputs: 1, ctx: { id: "r", request: {}, response: { data: [1], contentType: "x" }, vars: { big: 1 }, index: 2 } };
    const id = `blok-0123456789ab-ctx-${"a".repeat(40)}`;
    const data = toJobData(job, 10, { vars: id, response_data: id });
    expect(data.ctx).toEqual({ id: "r", request: {}, response: { data: undefined, contentType: "x" }, index: 2 });
    expect(data.shared).toEqual({ vars: id, response_data: id });
    expect(toJobData(job, 10).ctx).toBe(job.ctx);
    expect(readJobData(JSON.parse(JSON.stringify(data))).shared).toEqual({ vars: id, response_data: id });
    expect(() => readJobData({ ...valid, shared: { vars: "bull:other:secret" } })).toThrow('shared.vars must be a shared context id (received "bull:other:secret")');
    expect(() => readJobData({ ...valid, shared: { env: id } })).toThrow("shared.env is not a shared context part");
  });

  it("finds the Redis URL in the container config, then the connector option, then BLOK_REDIS_URL", () => {
    expect(resolveRedisUrl("redis://a:1", "redis://b:2", { BLOK_REDIS_URL: "redis://c:3" })).toBe("redis://a:1");
    expect(resolveRedisUrl(undefined, "redis://b:2", { BLOK_REDIS_URL: "redis://c:3" })).toBe("redis://b:2");
    expect(resolveRedisUrl(undefined, undefined, { BLOK_REDIS_URL: "rediss://c:3" })).toBe("rediss://c:3");
    expect(() => resolveRedisUrl(undefined, undefined, {})).toThrow(QueueConfigError);
    expect(() => resolveRedisUrl(undefined, undefined, { BLOK_REDIS_URL: "http://x" })).toThrow('BLOK_REDIS_URL must be a redis:// or rediss:// URL (received "http://x")');
    expect(() => resolveRedisUrl(undefined, undefined, { BLOK_REDIS_URL: "redis://:hunter2@[bad" })).toThrow("BLOK_REDIS_URL is not a valid URL (received \"redis://***@[bad\")");
  });

  it("never prints a Redis password", () => {
    expect(redactRedisUrl("redis://user:hunter2@host:6379/0")).toBe("redis://user:***@host:6379/0");
    expect(redactRedisUrl("redis://host:6379")).toBe("redis://host:6379");
  });
});

describe("blok-parallel worker arguments", () => {
  it("parses every option, with defaults and env fallbacks", () => {
    expect(parseWorkerArgs(["--redis", "redis://h:1"], {})).toEqual({
      command: "worker",
      redisUrl: "redis://h:1",
      queue: "blok-parallel",
      nodesDir: undefined,
      pythonNodesDir: undefined,
      python: undefined,
      concurrency: 1,
      workers: undefined,
      lockDurationMs: undefined,
      stalledIntervalMs: undefined,
      shutdownGraceMs: 10_000,
      connectTimeoutMs: 5_000,
      verbose: false,
      logs: false,
      debug: false,
    });
    const command = parseWorkerArgs(
      ["worker", "--queue", "q.1", "--nodes", "n", "--python-nodes", "p", "--python", "py", "--concurrency", "8", "--workers", "2", "--lock-duration", "5000", "--stalled-interval", "2500", "--shutdown-grace", "0", "--connect-timeout", "300", "--verbose", "--logs", "--debug"],
      { BLOK_REDIS_URL: "rediss://secure:2" },
    );
    expect(command).toMatchObject({ redisUrl: "rediss://secure:2", queue: "q.1", nodesDir: "n", pythonNodesDir: "p", python: "py", concurrency: 8, workers: 2, lockDurationMs: 5000, stalledIntervalMs: 2500, shutdownGraceMs: 0, connectTimeoutMs: 300, verbose: true, logs: true, debug: true });
    expect(parseWorkerArgs(["--redis", "redis://h"], { NODES_PATH: "np", PYTHON_NODES_PATH: "pp" })).toMatchObject({ nodesDir: "np", pythonNodesDir: "pp" });
    expect(parseWorkerArgs(["--help"], {})).toEqual({ command: "worker-help" });
  });

  it("names the offending option", () => {
    const usage = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      try {
        parseWorkerArgs(argv, env);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(usage([])).toBe("worker needs a Redis server: --redis redis://host:port (or set BLOK_REDIS_URL)");
    expect(usage(["--redis", "http://x"])).toBe('--redis must be a redis:// or rediss:// URL (received "http://x")');
    expect(usage(["--redis", "redis://h", "--concurrency", "0"])).toBe('--concurrency must be a whole number of at least 1 (received "0")');
    expect(usage(["--redis", "redis://h", "--lock-duration", "5"])).toBe('--lock-duration must be a whole number of at least 100 (received "5")');
    expect(usage(["--redis", "redis://h", "--queue", "a:b"])).toBe("--queue must be 1 to 100 letters, digits, '_', '.' or '-' (received \"a:b\")");
    expect(usage(["--redis", "redis://h", "extra"])).toBe('Unexpected argument "extra" (worker takes options only)');
    expect(usage(["--redis", "redis://h", "--frobnicate"])).toContain("--frobnicate");
  });

  it("prints its usage for --help, and exits 1 with the reason when Redis is unreachable", async () => {
    let out = "";
    let err = "";
    const io = { stdout: { write: (text: string) => (out += text) }, stderr: { write: (text: string) => (err += text) } };
    expect(await runWorkerCommand({ command: "worker-help" }, io)).toBe(0);
    expect(out).toBe(WORKER_USAGE);
    const command = parseWorkerArgs(["--redis", "redis://127.0.0.1:1", "--connect-timeout", "300"], {});
    expect(await runWorkerCommand(command, io, {})).toBe(1);
    expect(err).toMatch(/^blok-parallel: Cannot connect to Redis at redis:\/\/127\.0\.0\.1:1\/? within 300 ms: connect ECONNREFUSED/);
  });
});
