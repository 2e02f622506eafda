import { type Context, GlobalError, NodeBlok, NodeBlokResponse } from "../../blok/index.js";
import { reportTiming, toPlain } from "../../ports/index.js";
import { buildPythonContext } from "./buildPythonContext.js";
import { PythonNodeError } from "./errors.js";
import type { PythonRuntimeClient } from "./PythonRuntimeClient.js";

/** The Python type of a failure a Blok-style node reported with `response.setError(GlobalError)`. */
const BLOK_GLOBAL_ERROR = "GlobalError";

/**
 * A `runtime.python3` step: sends the step's mapped inputs and Blok's context (its JSON-able
 * fields) to a Python runtime over the long-lived channel of `client`, and returns what the
 * Python node returned. `ctx.signal` cancels the RPC (the runtime then cancels the node).
 *
 * Failures become a GlobalError named after the step, with the node's own code (500 when it set
 * none). A Blok-style failure (`setError(GlobalError)` or a raised `GlobalError`) keeps exactly
 * its message and its `setJson` payload, as a TypeScript GlobalError would; any other Python
 * exception is reported with its type, message and traceback. Transport failures keep their
 * typed error.
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
        context: buildPythonContext(
          toPlain(ctx, {
            id: ctx.id,
            workflow_name: ctx.workflow_name,
            workflow_path: ctx.workflow_path,
            request: ctx.request,
            error: ctx.error,
            response: ctx.response,
            vars: ctx.vars,
            env: ctx.env,
          }),
          toPlain(ctx, inputs),
        ),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      reportTiming(ctx, timing as unknown as Record<string, number>);
      const response = new NodeBlokResponse();
      response.setSuccess(data as never);
      return response;
    } catch (error) {
      if (!(error instanceof PythonNodeError)) throw error;
      throw this.toGlobalError(error);
    }
  }

  private toGlobalError(error: PythonNodeError): GlobalError {
    const blokStyle = error.pythonType === BLOK_GLOBAL_ERROR;
    const failure = new GlobalError(blokStyle ? error.pythonMessage : `Python node ${this.node} raised ${error.pythonType}: ${error.pythonMessage}`, {
      cause: error,
    });
    failure.setCode(error.code ?? 500);
    const json = blokStyle ? error.json : (error.json ?? { error: error.pythonMessage, type: error.pythonType, stack: error.pythonStack });
    if (json !== undefined && json !== null) failure.setJson(json as object);
    failure.setStack(error.pythonStack);
    failure.setName(this.name);
    return failure;
  }
}
