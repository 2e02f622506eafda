/**
 * Optional peer dependencies: the heavy libraries of the Python, worker-thread, queue and HTTP
 * runtimes, loaded on first use with an error that names what to install. A leaf: node
 * built-ins only.
 * @module
 */
export { MissingPeerError } from "./errors.js";
export { importPeer, OPTIONAL_PEERS, type OptionalPeer, requirePeer } from "./optionalPeer.js";
