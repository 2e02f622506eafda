/** The container's own errors (`containerError.ts` turns them into the host's GlobalError). */

/** Thrown when a child cannot be resolved before the run starts. */
export class ChildResolutionError extends Error {
  override readonly name = "ChildResolutionError";
  constructor(
    readonly child: string,
    readonly container: string,
    options: { cause: unknown },
  ) {
    super(`Child '${child}' of parallel-execution step '${container}' cannot be resolved: ${(options.cause as Error)?.message ?? String(options.cause)}`, options);
  }
}

/** Thrown when a container would run inside itself, or deeper than `execution.max_depth` allows. */
export class NestingError extends Error {
  override readonly name = "NestingError";
  constructor(
    readonly container: string,
    /** The step names of the containers concerned, outermost first, ending with `container`. */
    readonly chain: readonly string[],
    /** For a depth error: the limit and the step whose `execution.max_depth` set it. */
    readonly limit?: { readonly max_depth: number; readonly step: string },
  ) {
    super(
      limit
        ? `parallel-execution step '${container}' would run ${chain.length} containers deep (${shortChain(chain)}), over the limit of ${limit.max_depth} set by execution.max_depth of step '${limit.step}'`
        : `nested containers form a cycle: ${chain.join(" -> ")} (parallel-execution step '${container}' would run inside itself)`,
    );
  }
}

function shortChain(chain: readonly string[]): string {
  return chain.length <= 6 ? chain.join(" -> ") : [...chain.slice(0, 3), "...", ...chain.slice(-2)].join(" -> ");
}
