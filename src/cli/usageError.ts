/** A bad command line: the message says which option and why. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
