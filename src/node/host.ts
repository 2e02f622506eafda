import { type Context, GlobalError, type NodeBase, NodeBlok, NodeBlokResponse, Runner } from "../blok/index.js";

/**
 * The Blok classes the container is built on, as this package calls them. In a real Blok app pass
 * the app's own (see {@link HostClasses}), so the runner's `instanceof GlobalError` checks pass and
 * codes survive; this package's copies are the default and serve its own runner and tests.
 */
export interface BlokHost {
  readonly NodeBlok: abstract new () => NodeBlok<unknown>;
  readonly NodeBlokResponse: new () => NodeBlokResponse;
  readonly GlobalError: new (message?: string) => GlobalError;
  readonly Runner: new (steps: NodeBase[]) => { run(ctx: Context): Promise<Context> };
}

/** This package's own Blok classes. */
export const defaultHost: BlokHost = { NodeBlok, NodeBlokResponse, GlobalError, Runner };

/** What the container calls on the host's `GlobalError`: Blok's setters (every released line has them). */
export interface HostGlobalError extends Error {
  setCode(code?: number): void;
  setJson(json?: Record<string, unknown>): void;
  setName(name?: string): void;
}

/**
 * A host app's Blok classes, typed by what the container needs of them, so a stock app passes its
 * own classes as they are (no casts). `Node` is the host's runnable node type: what its `Runner`
 * takes and what `NodeBlok` builds (in Blok's released line, `NanoService`).
 *
 * | field | released Blok (`@nanoservice-ts/runner` 0.1.14, `@nanoservice-ts/shared` 0.0.6) |
 * |---|---|
 * | `NodeBlok` | `NanoService` (the container's base class) |
 * | `NodeBlokResponse` | `NanoServiceResponse` |
 * | `GlobalError` | `GlobalError` from `@nanoservice-ts/shared` |
 * | `Runner` | `Runner` (each child runs as `new Runner([child]).run(childCtx)`) |
 *
 * @example
 * ```ts
 * const host: HostClasses<NanoService> = { NodeBlok: NanoService, NodeBlokResponse: NanoServiceResponse, GlobalError, Runner };
 * ```
 */
export interface HostClasses<Node extends object> {
  readonly NodeBlok: abstract new () => Node;
  // `never`: the container hands its output object to `setSuccess`; hosts type that parameter
  // narrower (Blok: `string | JsonLikeObject`) though they store any value.
  readonly NodeBlokResponse: new () => { setSuccess(data: never): void };
  readonly GlobalError: new (message: string) => HostGlobalError;
  // `never`: the child's context is this package's copy-on-write view of the host's context,
  // which has every field of Blok's `Context` (and `signal`); hosts type their context nominally.
  readonly Runner: new (steps: Node[]) => { run(ctx: never): Promise<unknown> };
}

/**
 * The host's classes as the container calls them. The one place where a host's types meet this
 * package's: the container uses only what both lines have (a no-argument base class whose `run`
 * calls `handle(ctx, inputs)`, `setSuccess`, the error setters, `new Runner([node]).run(ctx)`
 * returning the context), which {@link HostClasses} checks structurally as far as the hosts'
 * nominal declarations allow.
 */
export function toBlokHost<Node extends object>(classes: HostClasses<Node>): BlokHost {
  return classes as unknown as BlokHost;
}
