/**
 * Thrown when something offered as a node (a registry entry or a local node's export) is none of
 * the accepted shapes: a `NodeBlok` instance or subclass, a class with `handle(ctx, inputs)`, or an
 * object with a `handle` method.
 */
export class InvalidNodeError extends Error {
  /**
   * @param label - names the offending node and where it came from.
   * @param received - describes what was offered instead.
   */
  constructor(label: string, received: string) {
    super(
      `${label} is not a node: expected a NodeBlok subclass or instance, a class with handle(ctx, inputs), or an object with a handle method (got ${received})`,
    );
    this.name = "InvalidNodeError";
  }
}
