import { describe, expect, it } from "vitest";
import { InvalidOptionsError } from "../../src/core/index.js";
import { CONTAINER_LIMITS, containerConfigSchema } from "../../src/node/containerSchema.js";
import { readContainerConfig } from "../../src/node/readContainerConfig.js";

const A = { name: "a", node: "worker" };
const B = { name: "b", node: "worker" };
const KIDS = [A, B];
const PREFIX = "Invalid parallel-execution config of step 'fan': ";

/** The error `readContainerConfig` throws for `inputs` (or `top`), checked to be an InvalidOptionsError. */
function failure(inputs: unknown, top: unknown = {}): InvalidOptionsError {
  try {
    readContainerConfig("fan", inputs, top);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return error as InvalidOptionsError;
  }
  throw new Error("readContainerConfig accepted the config");
}

/** The message of the error for `inputs`. */
function messageFor(inputs: unknown, top: unknown = {}): string {
  return failure(inputs, top).message;
}

describe("readContainerConfig() placement", () => {
  it("reads the config under inputs and fills every default", () => {
    expect(readContainerConfig("fan", { nodes: KIDS }, {})).toEqual({
      execution: { strategy: "parallel", error_handling: "fail-fast", backend: "local", max_concurrent: 5, isolation: "inline" },
      nodes: [
        { name: "a", node: "worker", type: "module" },
        { name: "b", node: "worker", type: "module" },
      ],
    });
  });

  it("reads the seed's shape at the top of the node config, ignoring Blok's other keys there", () => {
    const top = { execution: { max_concurrent: 2, timeout: 1000 }, nodes: KIDS, description: "seed-style" };
    const config = readContainerConfig("fan", undefined, top);
    expect(config.execution).toMatchObject({ max_concurrent: 2, timeout: 1000 });
    expect(config.nodes?.map((child) => child.name)).toEqual(["a", "b"]);
  });

  it("gives the same config from either placement", () => {
    const raw = { execution: { error_handling: "continue-partial", tolerated_failures: "50%" }, nodes: KIDS };
    expect(readContainerConfig("fan", raw, {})).toEqual(readContainerConfig("fan", undefined, raw));
  });

  it("rejects a config declared in both places, naming the keys found at the top", () => {
    expect(messageFor({ nodes: KIDS }, { execution: {}, nodes: KIDS })).toBe(
      `${PREFIX}is declared both under "inputs" and at the top of the node config; keep one (received execution, nodes)`,
    );
  });

  it("rejects a config found nowhere", () => {
    expect(messageFor(undefined, {})).toBe(
      `${PREFIX}needs "nodes" (a list of children) or "map" (map / batch mode), with optional "execution", under "inputs" or at the top of the node config (received nothing)`,
    );
    expect(messageFor(undefined, undefined)).toContain("received nothing");
  });

  it("names a misspelt key under inputs instead of saying nothing was found", () => {
    const error = failure({ nodez: KIDS }, {});
    expect(error.issues).toContainEqual({ path: "nodez", rule: "is not a known field", received: expect.stringContaining('"name":"a"') });
  });

  it("reports keys under inputs when the config sits at the top (they would be silently ignored)", () => {
    const error = failure({ executon: { max_concurrent: 2 } }, { nodes: KIDS });
    expect(error.message).toContain("inputs.executon");
    expect(error.message).toContain("is not a known field");
  });

  it("reports a non-object under inputs (e.g. an expression that did not resolve)", () => {
    expect(messageFor("js/ctx.vars.missingConfig", {})).toBe(`${PREFIX}must be an object with "nodes" or "map" (received "js/ctx.vars.missingConfig")`);
  });
});

describe("readContainerConfig() bounds: exact messages naming field, rule and value", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["timeout below its floor", { timeout: 0 }, "execution.timeout must be at least 1 (received 0)"],
    ["timeout above its cap", { timeout: 300_001 }, "execution.timeout must be at most 300000 (received 300001)"],
    ["a fractional timeout", { timeout: 1.5 }, "execution.timeout must be a whole number (received 1.5)"],
    ["a string timeout", { timeout: "1000" }, 'execution.timeout must be a number (received "1000")'],
    ["global_timeout below its floor", { global_timeout: 0 }, "execution.global_timeout must be at least 1 (received 0)"],
    ["global_timeout above its cap", { global_timeout: 600_001 }, "execution.global_timeout must be at most 600000 (received 600001)"],
    ["max_concurrent 0", { max_concurrent: 0 }, "execution.max_concurrent must be at least 1 (received 0)"],
    ["max_concurrent 21", { max_concurrent: 21 }, "execution.max_concurrent must be at most 20 (received 21)"],
    ["a NaN max_concurrent", { max_concurrent: Number.NaN }, "execution.max_concurrent must be a number (received NaN)"],
    ["an unknown strategy", { strategy: "fast" }, 'execution.strategy must be "parallel" or "sequential" (received "fast")'],
    ["an unknown error_handling", { error_handling: "ignore" }, 'execution.error_handling must be "fail-fast" or "continue-partial" (received "ignore")'],
    ["an unknown isolation", { isolation: "process" }, 'execution.isolation must be "inline" or "worker" (received "process")'],
    ["retry attempts 0", { retry: { attempts: 0 } }, "execution.retry.attempts must be at least 1 (received 0)"],
    ["retry attempts 11", { retry: { attempts: 11 } }, "execution.retry.attempts must be at most 10 (received 11)"],
    ["a negative retry delay", { retry: { delay_ms: -1 } }, "execution.retry.delay_ms must be at least 0 (received -1)"],
    ["a retry delay above 10 minutes", { retry: { delay_ms: 600_001 } }, "execution.retry.delay_ms must be at most 600000 (received 600001)"],
    ["a backoff factor below 1", { retry: { backoff_factor: 0.5 } }, "execution.retry.backoff_factor must be at least 1 (received 0.5)"],
    ["a backoff factor above 10", { retry: { backoff_factor: 11 } }, "execution.retry.backoff_factor must be at most 10 (received 11)"],
    ["a string backoff factor", { retry: { backoff_factor: "2" } }, 'execution.retry.backoff_factor must be a number (received "2")'],
    ["a negative max delay", { retry: { max_delay_ms: -5 } }, "execution.retry.max_delay_ms must be at least 0 (received -5)"],
    ["jitter above 1", { retry: { jitter: 1.5 } }, "execution.retry.jitter must be between 0 and 1 (received 1.5)"],
    ["jitter below 0", { retry: { jitter: -0.1 } }, "execution.retry.jitter must be between 0 and 1 (received -0.1)"],
    ["an unknown retry key", { retry: { tries: 3 } }, "execution.retry.tries is not a known field (received 3)"],
    ["a retry that is not an object", { retry: 3 }, "execution.retry must be an object (received 3)"],
    [
      "a percentage budget above 100%",
      { error_handling: "continue-partial", tolerated_failures: "150%" },
      'execution.tolerated_failures must be a whole number or a percentage from "0%" to "100%" (received "150%")',
    ],
    ["a negative budget", { error_handling: "continue-partial", tolerated_failures: -1 }, "execution.tolerated_failures must be 0 or more (received -1)"],
    [
      "a fractional budget",
      { error_handling: "continue-partial", tolerated_failures: 1.5 },
      'execution.tolerated_failures must be a whole number or a percentage from "0%" to "100%" (received 1.5)',
    ],
    [
      "a budget under fail-fast (where it would mean nothing)",
      { tolerated_failures: 1 },
      'execution.tolerated_failures only applies with error_handling "continue-partial" (received 1)',
    ],
    ["an unknown execution key", { concurrency: 3 }, "execution.concurrency is not a known field (received 3)"],
    ["an unknown backend", { backend: "cloud" }, 'execution.backend must be "local" or "queue" (received "cloud")'],
    ["a queue URL that is not redis", { backend: "queue", queue: { redis_url: "http://cache:6379" } }, 'execution.queue.redis_url must be a redis:// or rediss:// URL (received "http://cache:6379")'],
    ["a queue name with a space", { backend: "queue", queue: { name: "my queue" } }, `execution.queue.name must be 1 to 100 letters, digits, '_', '.' or '-' (received "my queue")`],
    ["a queue result cap of 0", { backend: "queue", queue: { max_result_bytes: 0 } }, "execution.queue.max_result_bytes must be at least 1 (received 0)"],
    ["a queue result cap above 512 MB", { backend: "queue", queue: { max_result_bytes: 536_870_913 } }, "execution.queue.max_result_bytes must be at most 536870912 (received 536870913)"],
    ["an unknown queue key", { backend: "queue", queue: { host: "x" } }, "execution.queue.host is not a known field (received \"x\")"],
  ];

  it.each(cases)("rejects %s", (_label, execution, expected) => {
    expect(messageFor({ execution, nodes: KIDS })).toBe(`${PREFIX}${expected}`);
  });

  it("rejects an execution block that is not an object", () => {
    expect(messageFor({ execution: "fast", nodes: KIDS })).toBe(`${PREFIX}execution must be an object (received "fast")`);
  });

  it("accepts every bound itself", () => {
    const low = { timeout: 1, global_timeout: 1, max_concurrent: 1, retry: { attempts: 1, delay_ms: 0, backoff_factor: 1, max_delay_ms: 0, jitter: 0 } };
    const high = { timeout: 300_000, global_timeout: 600_000, max_concurrent: 20, retry: { attempts: 10, delay_ms: 600_000, backoff_factor: 10, max_delay_ms: 600_000, jitter: 1 } };
    expect(readContainerConfig("fan", { execution: low, nodes: KIDS }, {}).execution).toMatchObject(low);
    expect(readContainerConfig("fan", { execution: high, nodes: KIDS }, {}).execution).toMatchObject(high);
    const twenty = Array.from({ length: CONTAINER_LIMITS.children.max }, (_, i) => ({ name: `c${i}`, node: "worker" }));
    expect(readContainerConfig("fan", { nodes: twenty }, {}).nodes).toHaveLength(20);
  });

  it("lists every problem at once, in one message", () => {
    const error = failure({ execution: { max_concurrent: 0, timeout: -1 }, nodes: KIDS, extra: true });
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(["execution.max_concurrent", "execution.timeout", "extra"]);
    expect(error.message).toBe(
      `${PREFIX}execution.timeout must be at least 1 (received -1); execution.max_concurrent must be at least 1 (received 0); extra is not a known field (received true)`,
    );
  });
});

describe("readContainerConfig() children", () => {
  it("rejects fewer than 2 and more than 20 children", () => {
    expect(messageFor({ nodes: [A] })).toBe(`${PREFIX}nodes must list at least 2 children (received [{"name":"a","node":"worker"}])`);
    const many = Array.from({ length: 21 }, (_, i) => ({ name: `c${i}`, node: "w" }));
    expect(messageFor({ nodes: many })).toMatch(/^Invalid parallel-execution config of step 'fan': nodes must list at most 20 children \(use map mode for more\) \(received \[.*\.\.\.\)$/);
  });

  it("rejects nodes that is not an array", () => {
    expect(messageFor({ nodes: "a,b" })).toBe(`${PREFIX}nodes must be an array of child descriptors (received "a,b")`);
  });

  it("rejects a child that is not an object", () => {
    expect(messageFor({ nodes: [A, "b"] })).toBe(`${PREFIX}nodes[1] must be an object with name and node (received "b")`);
  });

  it("rejects children without a name or node, or with empty ones", () => {
    expect(messageFor({ nodes: [{ node: "w" }, B] })).toBe(`${PREFIX}nodes[0].name must be a string (received nothing)`);
    expect(messageFor({ nodes: [A, { name: "b", node: "" }] })).toBe(`${PREFIX}nodes[1].node must not be empty (received "")`);
    expect(messageFor({ nodes: [{ name: "", node: "w" }, B] })).toBe(`${PREFIX}nodes[0].name must not be empty (received "")`);
    expect(messageFor({ nodes: [{ name: 3, node: "w" }, B] })).toBe(`${PREFIX}nodes[0].name must be a string (received 3)`);
  });

  it("rejects an unknown child type and an unknown child key", () => {
    expect(messageFor({ nodes: [{ ...A, type: "python" }, B] })).toBe(`${PREFIX}nodes[0].type must be "module", "local" or "runtime.python3" (received "python")`);
    expect(messageFor({ nodes: [A, { ...B, set_var: true }] })).toBe(`${PREFIX}nodes[1].set_var is not a known field (received true)`);
  });

  it("rejects duplicate child names (a name keys the child's config)", () => {
    expect(messageFor({ nodes: [A, B, { name: "a", node: "other" }] })).toBe(
      `${PREFIX}nodes[2].name must be unique among the children (it keys the child's config) (received "a")`,
    );
  });

  it("rejects a child named like the container", () => {
    expect(messageFor({ nodes: [{ name: "fan", node: "w" }, B] })).toBe(`${PREFIX}nodes[0].name must differ from the container's own step name (received "fan")`);
  });

  it("rejects isolation on a child that is not local, and accepts it on a local one", () => {
    expect(messageFor({ nodes: [{ ...A, isolation: "worker" }, B] })).toBe(`${PREFIX}nodes[0].isolation applies to "local" children only (received "worker")`);
    expect(messageFor({ nodes: [A, { ...B, type: "runtime.python3", isolation: "inline" }] })).toBe(
      `${PREFIX}nodes[1].isolation applies to "local" children only (received "inline")`,
    );
    const config = readContainerConfig("fan", { nodes: [{ ...A, type: "local", isolation: "worker" }, B] }, {});
    expect(config.nodes?.[0]).toEqual({ name: "a", node: "worker", type: "local", isolation: "worker" });
  });
});

describe("readContainerConfig() map mode", () => {
  const node = { name: "item", node: "worker" };

  it("accepts items, an optional batch_size and the template node", () => {
    const config = readContainerConfig("fan", { map: { items: [1, 2, 3], batch_size: 2, node } }, {});
    expect(config.map).toEqual({ items: [1, 2, 3], batch_size: 2, node: { ...node, type: "module" } });
    expect(readContainerConfig("fan", undefined, { map: { items: [], node } }).map?.items).toEqual([]);
    // The caller's array itself: zod would hand back a copy (a million items copied once per run).
    const items = [{ id: 1 }, 2, "three"];
    expect(readContainerConfig("fan", { map: { items, node } }, {}).map?.items).toBe(items);
    expect(readContainerConfig("fan", undefined, { map: { items, node } }).map?.items).toBe(items);
  });

  it("rejects items that are still an unresolved expression string", () => {
    expect(messageFor({ map: { items: "js/ctx.vars.dataset", node } })).toBe(
      `${PREFIX}map.items must be an array (or an expression that gives one) (received "js/ctx.vars.dataset")`,
    );
    expect(messageFor({ map: { node } })).toBe(`${PREFIX}map.items must be an array (or an expression that gives one) (received nothing)`);
  });

  it("bounds batch_size", () => {
    expect(messageFor({ map: { items: [], batch_size: 0, node } })).toBe(`${PREFIX}map.batch_size must be at least 1 (received 0)`);
    expect(messageFor({ map: { items: [], batch_size: 1_000_001, node } })).toBe(`${PREFIX}map.batch_size must be at most 1000000 (received 1000001)`);
    expect(messageFor({ map: { items: [], batch_size: 2.5, node } })).toBe(`${PREFIX}map.batch_size must be a whole number (received 2.5)`);
  });

  it("checks the template node like a child", () => {
    expect(messageFor({ map: { items: [], node: { name: "fan", node: "w" } } })).toBe(`${PREFIX}map.node.name must differ from the container's own step name (received "fan")`);
    expect(messageFor({ map: { items: [], node: { ...node, isolation: "worker" } } })).toBe(`${PREFIX}map.node.isolation applies to "local" children only (received "worker")`);
    expect(messageFor({ map: { items: [], node: { name: "x" } } })).toBe(`${PREFIX}map.node.node must be a string (received nothing)`);
    expect(messageFor({ map: { items: [], node, nodes: [] } })).toBe(`${PREFIX}map.nodes is not a known field (received [])`);
  });

  it("rejects both nodes and map, and a map that is not an object", () => {
    expect(messageFor({ nodes: KIDS, map: { items: [], node } })).toMatch(/^Invalid parallel-execution config of step 'fan': must have exactly one of "nodes" \(a list of children\) or "map" \(map \/ batch mode\) \(received \{/);
    expect(messageFor({ map: [1, 2] })).toBe(`${PREFIX}map must be an object with items and node (received [1,2])`);
  });

  it("the zod schema alone enforces exactly one of nodes or map", () => {
    expect(containerConfigSchema.safeParse({ execution: {} }).success).toBe(false);
    expect(containerConfigSchema.safeParse({ nodes: KIDS }).success).toBe(true);
  });
});
