import { type Context, createContext, NodeBlok, NodeBlokResponse, type NodeBase } from "../../src/blok/index.js";

/** One call seen by a {@link Probe}. */
export type ProbeCall = { name: string; inputs: unknown; responseData: unknown; vars: unknown };

type Behaviour = (inputs: unknown, ctx: Context) => unknown;

/**
 * A NodeBlok that records every call into `calls` and answers with `behaviour(inputs, ctx)` as
 * success data (a NodeBlokResponse is passed through). Recording goes through a function, which
 * deep clones (if-else branches) keep by reference, so clones report to the same array.
 */
export class Probe extends NodeBlok<unknown> {
  private readonly record: (call: ProbeCall) => void;
  private readonly behaviour: Behaviour;

  constructor(behaviour: Behaviour = (inputs) => inputs, calls: ProbeCall[] = []) {
    super();
    this.behaviour = behaviour;
    this.record = (call) => calls.push(call);
  }

  async handle(ctx: Context, inputs: unknown): Promise<NodeBlokResponse> {
    this.record({ name: this.name, inputs, responseData: ctx.response.data, vars: ctx.vars });
    const result = await this.behaviour(inputs, ctx);
    if (result instanceof NodeBlokResponse) return result;
    const response = new NodeBlokResponse();
    response.setSuccess(result);
    return response;
  }
}

/** Gives `node` the step fields the resolver would copy. */
export function asStep<T extends NodeBase>(node: T, name: string, fields: Partial<Pick<NodeBase, "active" | "stop" | "set_var">> = {}): T {
  node.name = name;
  node.node = name;
  Object.assign(node, fields);
  return node;
}

/** A context with a silent logger and the given config/body. */
export function testContext(config: Context["config"] = {}, body: unknown = {}): Context {
  return createContext({ config, body, logger: silentLogger() });
}

/** A logger that records `logLevel` calls and prints nothing. */
export function silentLogger(lines: string[] = []): Context["logger"] {
  return {
    log: (message) => void lines.push(`info ${message}`),
    logLevel: (level, message) => void lines.push(`${level} ${message}`),
    error: (message) => void lines.push(`error ${message}`),
    getLogs: () => lines,
    getLogsAsText: () => lines.join("\n"),
    getLogsAsBase64: () => "",
  };
}
