import { type Context, GlobalError, type NodeBase, NodeBlok, NodeBlokResponse, Runner } from "../blok/index.js";

/**
 * The Blok classes the container is built on. In a real Blok app pass the app's own (from
 * `@blok-ts/runner`), so the runner's `instanceof GlobalError` checks pass and codes survive;
 * this package's copies are the default and serve its own runner and tests.
 */
export interface BlokHost {
  readonly NodeBlok: abstract new () => NodeBlok<unknown>;
  readonly NodeBlokResponse: new () => NodeBlokResponse;
  readonly GlobalError: new (message?: string) => GlobalError;
  readonly Runner: new (steps: NodeBase[]) => { run(ctx: Context): Promise<Context> };
}

/** This package's own Blok classes. */
export const defaultHost: BlokHost = { NodeBlok, NodeBlokResponse, GlobalError, Runner };
