export { NodeNotFoundError } from "./NodeNotFoundError.js";
export { NodeRegistry } from "./NodeRegistry.js";
