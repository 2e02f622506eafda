/** Thrown when a step's `type` is neither built in nor injected: "Node type <type> not found", as in Blok. */
export class UnknownNodeTypeError extends Error {
  /** The step's `type` field. */
  readonly type: string;
  /** The types that would have been accepted. */
  readonly knownTypes: readonly string[];

  /**
   * @param type - the unknown type.
   * @param knownTypes - the accepted types, for the message.
   */
  constructor(type: string, knownTypes: readonly string[]) {
    super(`Node type ${type} not found (known types: ${knownTypes.join(", ")})`);
    this.name = "UnknownNodeTypeError";
    this.type = type;
    this.knownTypes = knownTypes;
  }
}
