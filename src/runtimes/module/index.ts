export { NodeNotFoundError } from "./errors.js";
export { NodeRegistry } from "./NodeRegistry.js";
