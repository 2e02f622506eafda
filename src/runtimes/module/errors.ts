/** Thrown when a `module` step names a node the registry does not hold: "Node <node> not found", as in Blok. */
export class NodeNotFoundError extends Error {
  /** The registry key that was asked for. */
  readonly node: string;

  /** @param node - the missing registry key. */
  constructor(node: string) {
    super(`Node ${node} not found`);
    this.name = "NodeNotFoundError";
    this.node = node;
  }
}
