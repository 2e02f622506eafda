import { z } from "zod";
import { containerConfigSchema } from "./containerSchema.js";

/** An example config, published in config.json and checked against the schema by a test. */
export const CONFIG_EXAMPLE = {
  execution: { strategy: "parallel", error_handling: "fail-fast", timeout: 30_000, max_concurrent: 3 },
  nodes: [
    { name: "chunk-1", node: "data-processor", type: "module" },
    { name: "chunk-2", node: "data-processor", type: "module" },
    { name: "chunk-3", node: "data-processor", type: "module" },
  ],
} as const;

/**
 * The Blok node metadata file (`config.json`), generated from the zod schema so the two cannot
 * drift. The two rules zod states as refinements are added here: "exactly one of `nodes` or
 * `map`" as a `oneOf`, and "`tolerated_failures` only with continue-partial" as a `not` on
 * `execution` (error_handling defaults to fail-fast, so it must be written).
 *
 * @param version - the package version.
 * @returns the JSON document.
 */
export function buildConfigJson(version: string): Record<string, unknown> {
  const schema = z.toJSONSchema(containerConfigSchema, { target: "draft-7", io: "input", unrepresentable: "throw" }) as Record<string, unknown>;
  delete schema.$schema;
  const execution = (schema.properties as Record<string, Record<string, unknown>>).execution!;
  execution.not = { required: ["tolerated_failures"], not: { required: ["error_handling"], properties: { error_handling: { const: "continue-partial" } } } };
  return {
    name: "parallel-execution",
    version,
    description: "Runs child nodes concurrently (Promise.all-style): ordered results, fail-fast or continue-partial, per-child and global timeouts, max_concurrent, retries, map/batch mode, live execution_info.",
    group: "FLOW_CONTROL",
    config: {
      ...schema,
      description: "The container config: under the step's `inputs`, or at the top of its node config. Each child's own config is the workflow's nodes[<child name>].",
      oneOf: [{ required: ["nodes"] }, { required: ["map"] }],
      example: CONFIG_EXAMPLE,
    },
    inputs: {
      type: "object",
      description: "The same container config may be given under `inputs`, where Blok maps `${...}` and `js/...` expressions before the node runs.",
    },
    output: {
      type: "object",
      description: "{ results: child outputs in child order (null where a child failed), errors?: [{ index, node, status, error, attempts }] (continue-partial), execution_info: { total, completed, failed, errored, timed_out, cancelled, running, queued, retried, late_settlements, concurrent_peak, duration_ms, children } }; also stored at ctx.vars[<step name>].",
    },
    steps: { type: "boolean", default: false },
    functions: { type: "array" },
  };
}
