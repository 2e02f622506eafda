/** A module namespace as `import()` returns it. */
export type ModuleNamespace = Record<string, unknown>;

/**
 * What a node module offers as its node: the export named `exportName` when given, else the
 * default export, else the module itself when it exports a `handle` function. A CommonJS module
 * compiled from TypeScript (`exports.default` beside `__esModule`) arrives from `import()` as
 * `{ default: module.exports }`; its own exports are the real ones.
 *
 * The one rule for the inline path (`loadLocalNode`) and the worker thread; whether the value is
 * a node at all is `toNodeBase`'s question.
 *
 * @param namespace - the module namespace.
 * @param exportName - the export holding the node, when not the default one.
 * @returns the candidate node (possibly `undefined`).
 * @example
 * ```ts fragment
 * nodeExport({ default: { __esModule: true, default: Node } }); // Node
 * ```
 */
export function nodeExport(namespace: ModuleNamespace, exportName?: string): unknown {
  const exports = isInteropWrapper(namespace.default) ? namespace.default : namespace;
  if (exportName !== undefined) return exports[exportName];
  if (exports.default !== undefined) return exports.default;
  return typeof exports.handle === "function" ? exports : undefined;
}

function isInteropWrapper(value: unknown): value is ModuleNamespace {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  return (value as { __esModule?: unknown }).__esModule === true;
}
