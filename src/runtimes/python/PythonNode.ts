import { type Context, GlobalError, NodeBlok, NodeBlokResponse, reportTiming, toPlain } from "../../blok/index.js";
import { buildPythonContext } from "./buildPythonContext.js";
import { PythonNodeError } from "./errors.js";
import type { PythonRuntimeClient } from "./PythonRuntimeClient.js";

/**
 * A `runtime.python3` step: sends the step's mapped inputs and Blok's context subset to a Python
 * runtime over the long-lived channel of `client`, and returns what the Python node returned.
 * `ctx.signal` cancels the RPC (the runtime then cancels the node). A Python exception becomes a
 * GlobalError carrying the Python type, message and traceback (with the node's own code and json
 * when it raised `NodeError(code=, json=)`); transport failures keep their typed error.
 */
export class PythonNode extends NodeBlok<unknown> {
  constructor(private readonly client: PythonRuntimeClient) {
    super();
  }

  async handle(ctx: Context, inputs: unknown): Promise<NodeBlokResponse> {
    try {
      const { data, timing } = await this.client.execute({
        node: this.node,
        name: this.name,
        context: buildPythonContext(toPlain(ctx, { request: ctx.request, response: ctx.response, vars: ctx.vars, env: ctx.env }), toPlain(ctx, inputs)),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      reportTiming(ctx, timing as unknown as Record<string, number>);
      const response = new NodeBlokResponse();
      response.setSuccess(data as never);
      return response;
    } catch (error) {
      if (!(error instanceof PythonNodeError)) throw error;
      const failure = new GlobalError(`Python node ${this.node} raised ${error.pythonType}: ${error.pythonMessage}`, { cause: error });
      failure.setCode(error.code ?? 500);
      failure.setJson((error.json as object | undefined) ?? { error: error.pythonMessage, type: error.pythonType, stack: error.pythonStack });
      failure.setStack(error.pythonStack);
      failure.setName(this.name);
      throw failure;
    }
  }
}
