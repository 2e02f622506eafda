/**
 * `@blok-ts/parallel-execution/worker`: CPU-heavy JavaScript/TypeScript nodes in a pool of
 * worker threads, for use without `workerPlugin`: the pool, the node that runs a file in it, its
 * options and errors. Needs the optional peer `piscina`; importing this entry without it throws
 * `MissingPeerError`.
 * @packageDocumentation
 */
export * from "./runtimes/worker/index.js";
