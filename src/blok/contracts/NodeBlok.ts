import { type Schema, Validator } from "jsonschema";
import type { Context, ResponseContext } from "./Context.js";
import { InputValidationError } from "./errors.js";
import { loggerPrints } from "./loggerPrints.js";
import { mapInputs } from "../mapping/mapInputs.js";
import { mapperData } from "../mapping/mapper.js";
import { MissingNodeConfigError } from "./errors.js";
import { NodeBase } from "./NodeBase.js";
import type { INodeBlokResponse } from "./NodeBlokResponse.js";

// The validator Blok itself uses, so schema messages read the same.
const validator = new Validator();

/**
 * Base class of every node, as Blok's `NodeBlok<T>`: implement `handle(ctx, inputs)`, optionally
 * set `inputSchema`, `contentType` and (for step-returning nodes) `flow` in the constructor.
 *
 * `run` does what Blok's does: it copies this step's `inputs` (or `conditions`),
 * maps them against `data = ctx.response.data || ctx.request.body` (second pass), validates them
 * against `inputSchema`, calls `handle`, then either stores `result.data` in `ctx.vars[name]`
 * (`set_var`) or returns the result with this node's `contentType`. Differences from stock Blok,
 * all fixes of its defects: only what `handle` receives is copied (not the whole config map), and
 * not at all for a node that declares `inputsReadOnly`; a bare-string `inputs` is handed over
 * mapped; a missing node config fails with {@link MissingNodeConfigError}; `outputSchema` is not
 * evaluated (Blok ignores the outcome anyway); a flow node's steps come back even when its step
 * has `set_var`.
 *
 * @typeParam T - the type of the mapped inputs `handle` receives.
 * @example
 * ```ts
 * class Double extends NodeBlok<{ n: number }> {
 *   constructor() {
 *     super();
 *     this.inputSchema = { type: "object", properties: { n: { type: "number" } }, required: ["n"] };
 *   }
 *   async handle(_ctx: Context, inputs: { n: number }) {
 *     const response = new NodeBlokResponse();
 *     response.setSuccess({ doubled: inputs.n * 2 });
 *     return response;
 *   }
 * }
 * ```
 */
export abstract class NodeBlok<T = unknown> extends NodeBase {
  /** JSON schema the mapped inputs must satisfy (validated with `jsonschema`). */
  inputSchema: Schema = {};
  /** Descriptive only: Blok never enforces output schemas, and neither does this runner. */
  outputSchema: Schema = {};

  /** Sets both schemas. */
  setSchemas(input: Schema, output: Schema): void {
    this.inputSchema = input;
    this.outputSchema = output;
  }

  /** @returns both schemas. */
  getSchemas(): { input: Schema; output: Schema } {
    return { input: this.inputSchema, output: this.outputSchema };
  }

  /**
   * The node's work. Normal nodes return a {@link INodeBlokResponse} (report failure with
   * `response.setError(...)` or by throwing); flow nodes return the node instances to run next.
   *
   * @param ctx - the context of this run.
   * @param inputs - the mapped, validated `inputs` (or `conditions`) of this step's node config.
   */
  abstract handle(ctx: Context, inputs: T): Promise<INodeBlokResponse | NodeBase[]>;

  /**
   * Maps, validates and handles this step (see the class description).
   *
   * @param ctx - the context of this run.
   * @returns `{ success: true, data, error: null }`: `data` is the node's response, the unchanged
   * `ctx.response` under `set_var`, or the chosen steps for a flow node.
   * @throws {@link MissingNodeConfigError} without `ctx.config[name]`; {@link InputValidationError}
   * when inputs fail the schema; `TypeError` when a non-flow `handle` returns no response object;
   * whatever `handle` throws.
   */
  async run(ctx: Context): Promise<ResponseContext> {
    const started = performance.now();
    // The config's JSON can be megabytes (a dataset in it): build it only for a logger that prints.
    if (loggerPrints(ctx.logger)) ctx.logger.log(`Running node: ${this.name} [${safeJson(this.originalConfig)}]`);
    const ownConfig = ctx.config[this.name];
    if (ownConfig === undefined || ownConfig === null) throw new MissingNodeConfigError(this.name);

    // After process()/processFlow() the second pass keeps what the first one resolved; a direct
    // run() (no first pass happened) maps every string with data, as Blok does.
    const firstPass = this.firstPass;
    this.firstPass = undefined;
    const inputs = mapInputs(ownConfig, firstPass, ctx, mapperData(ctx), this.inputsReadOnly ? "share" : "copy", this.name);
    await this.validate(inputs, this.inputSchema);
    const result = await this.handle(ctx, inputs as T);
    if (loggerPrints(ctx.logger)) ctx.logger.log(`Executed node: ${this.name} in ${(performance.now() - started).toFixed(2)}ms`);

    if (this.flow) return { success: true, data: result, error: null };
    if (typeof result !== "object" || result === null || Array.isArray(result)) {
      throw new TypeError(`Node '${this.name}' handle() must return a NodeBlokResponse, got ${Array.isArray(result) ? "an array" : String(result)}`);
    }
    if (this.set_var) {
      this.setVar(ctx, { [this.name]: result.data });
      return { success: true, data: ctx.response, error: null };
    }
    result.contentType = this.contentType;
    return { success: true, data: result, error: null };
  }

  /**
   * Validates `value` against `schema` with `jsonschema`.
   *
   * @throws {@link InputValidationError} listing every violation.
   */
  async validate(value: unknown, schema: Schema): Promise<void> {
    // An empty schema accepts everything; jsonschema would still scan it and resolve its URLs.
    if (isEmptySchema(schema)) return;
    const { errors } = validator.validate(value, schema);
    if (errors.length > 0) throw new InputValidationError(errors.map((error) => error.stack));
  }
}

function isEmptySchema(schema: Schema): boolean {
  for (const _key in schema) return false;
  return true;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return String(value);
  }
}
