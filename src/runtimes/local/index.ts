export { findLocalNodeFile } from "./findLocalNodeFile.js";
export { importNodeModule, type ModuleNamespace } from "../../blok/index.js";
export { loadLocalNode } from "./loadLocalNode.js";
export { LocalNodeLoadError } from "./errors.js";
export { LocalNodeNotFoundError } from "./errors.js";
