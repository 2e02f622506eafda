/**
 * executionOptionsShape(): the option fields built from other bounds and another wording (as the
 * container builds its `execution`), and executeValidated(), which takes what such a schema
 * parsed without parsing it again.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  asyncChild,
  type ExecutionOptions,
  executeParallel,
  executeValidated,
  executionOptionsShape,
  InvalidOptionsError,
  parseExecutionOptions,
  requireContinuePartialForBudget,
} from "../../src/core/index.js";

const narrow = {
  timeout: { min: 10, max: 1000 },
  global_timeout: { min: 1, max: 5000 },
  max_concurrent: { min: 1, max: 8 },
  retry: { attempts: { min: 1, max: 3 }, delay_ms: { min: 0, max: 500 }, backoff_factor: { min: 1, max: 5 } },
};
const schema = z
  .object(
    executionOptionsShape({
      bounds: narrow,
      wording: { units: false, types: true, zeroFloor: "must be at least 0", attemptsNote: "" },
      descriptions: { timeout: "Per attempt.", retry: "Retries." },
    }),
  )
  .strict()
  .superRefine(requireContinuePartialForBudget);

function rules(input: unknown): string[] {
  const parsed = schema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
}

describe("executionOptionsShape()", () => {
  it("executionOptionsShape() enforces the bounds it is given, with the core's defaults", () => {
    expect(schema.parse({})).toEqual({ strategy: "parallel", error_handling: "fail-fast", max_concurrent: 5 });
    expect(rules({ max_concurrent: 8, timeout: 10, retry: { attempts: 3, delay_ms: 500, backoff_factor: 5 } })).toEqual([]);
    expect(rules({ timeout: 9, max_concurrent: 9, global_timeout: 5001 })).toEqual(["timeout must be at least 10", "max_concurrent must be at most 8", "global_timeout must be at most 5000"]);
    expect(rules({ retry: { attempts: 4, delay_ms: 501, backoff_factor: 6 } })).toEqual([
      "retry.attempts must be at most 3",
      "retry.delay_ms must be at most 500",
      "retry.backoff_factor must be at most 5",
    ]);
  });

  it("executionOptionsShape() with a wording that states types names them, and speaks of no unit", () => {
    expect(rules({ strategy: "fast", error_handling: 1, max_concurrent: "2", timeout: "1s", retry: 3 })).toEqual([
      'strategy must be "parallel" or "sequential"',
      'error_handling must be "fail-fast" or "continue-partial"',
      "timeout must be a number",
      "max_concurrent must be a number",
      "retry must be an object",
    ]);
    expect(rules({ timeout: 10.5, retry: { attempts: 0, delay_ms: -1, max_delay_ms: 1.5, jitter: "x", backoff_factor: "2" } })).toEqual([
      "timeout must be a whole number",
      "retry.attempts must be at least 1",
      "retry.delay_ms must be at least 0",
      "retry.backoff_factor must be a number",
      "retry.max_delay_ms must be a whole number",
      "retry.jitter must be a number",
    ]);
  });

  it("executionOptionsShape() keeps the budget rule as one refinement for whoever holds the fields", () => {
    expect(rules({ tolerated_failures: 1 })).toEqual(['tolerated_failures only applies with error_handling "continue-partial"']);
    expect(rules({ error_handling: "continue-partial", tolerated_failures: "10%" })).toEqual([]);
  });

  it("executionOptionsShape() describes the fields it is given descriptions for, and only those", () => {
    const json = z.toJSONSchema(schema, { io: "input" }) as { properties: Record<string, { description?: string }> };
    expect(json.properties.timeout?.description).toBe("Per attempt.");
    expect(json.properties.retry?.description).toBe("Retries.");
    expect(json.properties.strategy?.description).toBeUndefined();
  });
});

describe("executeValidated()", () => {
  it("executeValidated() uses the options as given (no second parse), where executeParallel() parses them", async () => {
    // A field the core's schema refuses: only a second parse would notice it.
    const options = { ...parseExecutionOptions({ max_concurrent: 2 }), label: "from another schema" } as ExecutionOptions;
    const children = () => [1, 2, 3].map((n) => asyncChild(`c${n}`, async () => n));
    expect((await executeValidated(children(), options).result).results).toEqual([1, 2, 3]);
    expect(() => executeParallel(children(), options)).toThrow(InvalidOptionsError);
  });

  it("executeValidated() still checks the run options", () => {
    expect(() => executeValidated([], parseExecutionOptions({}), { total: -1 })).toThrow("Invalid run options: total must be 0 or more (received -1)");
  });
});
