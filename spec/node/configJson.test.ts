import { readFileSync } from "node:fs";
import fc from "fast-check";
import { type Schema, Validator } from "jsonschema";
import { describe, expect, it } from "vitest";
import { CONFIG_EXAMPLE, buildConfigJson } from "../../src/node/configJson.js";
import { containerConfigSchema } from "../../src/node/containerSchema.js";
import { readContainerConfig } from "../../src/node/readContainerConfig.js";

const ROOT = new URL("../../", import.meta.url);
const published = JSON.parse(readFileSync(new URL("config.json", ROOT), "utf8")) as Record<string, unknown> & { config: Schema };
const { version } = JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8")) as { version: string };
const validator = new Validator();

function jsonSchemaAccepts(value: unknown): boolean {
  return validator.validate(value, published.config).valid;
}

describe("config.json", () => {
  it("is exactly what buildConfigJson(version) generates (run `npm run generate:config` after a schema change)", () => {
    expect(published).toEqual(buildConfigJson(version));
  });

  it("publishes the Blok node metadata: name, version, group, description, inputs, output, example", () => {
    expect(published).toMatchObject({ name: "parallel-execution", version, group: "FLOW_CONTROL" });
    expect(typeof published.description).toBe("string");
    expect(published).toHaveProperty("inputs.type", "object");
    expect(published).toHaveProperty("output.type", "object");
    expect(published.config).toHaveProperty("example", CONFIG_EXAMPLE);
  });

  it("its example is accepted by both the JSON schema and the container", () => {
    expect(jsonSchemaAccepts(CONFIG_EXAMPLE)).toBe(true);
    expect(() => readContainerConfig("step", CONFIG_EXAMPLE, {})).not.toThrow();
  });

  it("states the seed's bounds and the documented extensions", () => {
    const execution = (published.config.properties as Record<string, Schema>).execution?.properties as Record<string, Schema>;
    expect(execution.max_concurrent).toMatchObject({ minimum: 1, maximum: 20, default: 5 });
    expect(execution.timeout).toMatchObject({ minimum: 1, maximum: 300_000 });
    expect(execution.global_timeout).toMatchObject({ minimum: 1, maximum: 600_000 });
    expect((published.config.properties as Record<string, Schema>).nodes).toMatchObject({ minItems: 2, maxItems: 20 });
  });
});

// ---- generated configs: every field valid most of the time, invalid or unknown some of the time ----

/** Picks a valid value 24 times out of 25 (a config has ~20 fields: about half the configs stay valid). */
function mostly<T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>): fc.Arbitrary<T | U> {
  return fc.oneof({ arbitrary: valid, weight: 24 }, { arbitrary: invalid, weight: 1 });
}

/** Integers around both bounds, inside and just outside, plus fractions and wrong types. */
function boundedInt(min: number, max: number): fc.Arbitrary<unknown> {
  return mostly(
    fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max)),
    fc.oneof(fc.constantFrom(min - 1, max + 1, min + 0.5), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 3 }), fc.constant(null), fc.boolean()),
  );
}

function number(min: number, max: number): fc.Arbitrary<unknown> {
  return mostly(
    fc.oneof(fc.double({ min, max, noNaN: true }), fc.constantFrom(min, max)),
    fc.oneof(fc.constantFrom(min - 0.01, max + 0.01), fc.string({ maxLength: 2 }), fc.constant(null)),
  );
}

function withUnknownKey<T extends Record<string, unknown>>(record: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return mostly(
    record,
    fc.oneof(
      record.map((value) => ({ ...value, unexpected: 1 })),
      fc.constantFrom("parallel", 3, null, [] as unknown[]),
    ),
  );
}

const name = mostly(fc.constantFrom("a", "b", "chunk-1", "x y"), fc.constantFrom("", 7, null));
const child = withUnknownKey(
  fc.record(
    {
      name,
      node: mostly(fc.constantFrom("processor", "@scope/node"), fc.constantFrom("", false)),
      type: mostly(fc.constantFrom("module", "local", "runtime.python3"), fc.constantFrom("python", "")),
      isolation: mostly(fc.constantFrom("inline", "worker"), fc.constantFrom("thread")),
    },
    { requiredKeys: [] },
  ),
);

const retry = withUnknownKey(
  fc.record(
    {
      attempts: boundedInt(1, 10),
      delay_ms: boundedInt(0, 600_000),
      backoff_factor: number(1, 10),
      max_delay_ms: boundedInt(0, 600_000),
      jitter: number(0, 1),
    },
    { requiredKeys: [] },
  ),
);

const budget = mostly(
  fc.oneof(fc.nat({ max: 50 }), fc.constantFrom("0%", "10%", "99.5%", "100%", "100.00%")),
  fc.constantFrom(-1, 1.5, "101%", "10", "%", "abc%", "100.1%", null),
);

const execution = withUnknownKey(
  fc.record(
    {
      strategy: mostly(fc.constantFrom("parallel", "sequential"), fc.constantFrom("fast", 1)),
      error_handling: mostly(fc.constantFrom("fail-fast", "continue-partial"), fc.constantFrom("retry")),
      timeout: boundedInt(1, 300_000),
      max_concurrent: boundedInt(1, 20),
      global_timeout: boundedInt(1, 600_000),
      retry,
      tolerated_failures: budget,
      isolation: mostly(fc.constantFrom("inline", "worker"), fc.constantFrom("process")),
      backend: mostly(fc.constantFrom("local", "queue"), fc.constantFrom("cloud", "")),
      queue: withUnknownKey(
        fc.record(
          {
            redis_url: mostly(fc.constantFrom("redis://localhost:6379", "rediss://cache.example:6380/2"), fc.constantFrom("http://cache", "localhost:6379", "")),
            name: mostly(fc.constantFrom("blok-parallel", "jobs.v2", "a_b"), fc.constantFrom("", "has space", "x".repeat(101))),
            max_result_bytes: boundedInt(1, 512 * 1024 * 1024),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);

const nodes = mostly(fc.array(child, { minLength: 2, maxLength: 6 }), fc.oneof(fc.array(child, { maxLength: 1 }), fc.array(child, { minLength: 21, maxLength: 22 }), fc.constant("a,b")));

const map = withUnknownKey(
  fc.record(
    {
      items: mostly(fc.array(fc.jsonValue(), { maxLength: 4 }), fc.constantFrom("js/ctx.vars.items", 3, null)),
      batch_size: boundedInt(1, 1_000_000),
      node: child,
    },
    { requiredKeys: ["items", "node"] },
  ),
);

/** A whole config: usually exactly one of nodes and map, sometimes both, neither, or an unknown key. */
const config = fc.oneof(
  { arbitrary: fc.record({ execution, nodes }, { requiredKeys: ["nodes"] }), weight: 5 },
  { arbitrary: fc.record({ execution, map }, { requiredKeys: ["map"] }), weight: 5 },
  { arbitrary: fc.record({ execution, nodes, map, surprise: fc.boolean() }, { requiredKeys: [] }), weight: 2 },
);

describe("config.json's JSON schema and the zod schema", () => {
  it("accept exactly the same configs (semantic checks such as unique names excepted, by design)", () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(config, (raw) => {
        // The published schema describes JSON documents: compare on what a workflow file can hold.
        const value = JSON.parse(JSON.stringify(raw)) as unknown;
        const zodAccepts = containerConfigSchema.safeParse(value).success;
        if (zodAccepts) accepted++;
        else rejected++;
        expect(jsonSchemaAccepts(value), JSON.stringify(value)).toBe(zodAccepts);
      }),
      { numRuns: 1500 },
    );
    // Both sides of the equivalence must actually have been exercised.
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });

  it("agree on hand-picked edge cases", () => {
    const kids = [
      { name: "a", node: "n" },
      { name: "b", node: "n" },
    ];
    const cases: unknown[] = [
      {},
      { nodes: kids },
      { map: { items: [], node: kids[0] } },
      { nodes: kids, map: { items: [], node: kids[0] } },
      { execution: {} },
      { nodes: kids, execution: { tolerated_failures: 9007199254740991 } },
      { nodes: kids, execution: { tolerated_failures: 9007199254740992 } },
      { nodes: kids, execution: { timeout: 1.0 } },
      { nodes: kids, execution: { timeout: 1e3 } },
      { nodes: kids, execution: { retry: {} } },
      { nodes: kids, execution: { retry: null } },
      { nodes: [...kids, { name: "a", node: "n" }] },
      { nodes: kids, execution: { tolerated_failures: 1 } },
      [],
      "nodes",
      null,
    ];
    for (const value of cases) expect(jsonSchemaAccepts(value), JSON.stringify(value)).toBe(containerConfigSchema.safeParse(value).success);
  });
});
