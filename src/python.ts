/**
 * `@blok-ts/parallel-execution/python`: Python children over Blok's gRPC protocol, for use
 * without `pythonPlugin`: the runtime client, the bundled-runtime launcher and its supervisor,
 * the node that calls it, and their errors. Needs the optional peers `@grpc/grpc-js` and
 * `@grpc/proto-loader`; importing this entry without them throws `MissingPeerError`.
 * @packageDocumentation
 */
export * from "./runtimes/python/index.js";
