/**
 * Thrown when a feature needs an optional peer dependency that is not installed: "the Python
 * runtime needs @grpc/grpc-js, @grpc/proto-loader; install them: npm install @grpc/grpc-js
 * @grpc/proto-loader". The message names every package of the feature that is missing.
 */
export class MissingPeerError extends Error {
  /** The package that could not be found, e.g. `@grpc/grpc-js`. */
  readonly peer: string;
  /** What needs it, e.g. `the Python runtime`. */
  readonly feature: string;
  /** Every package the feature needs that is missing (`peer` among them). */
  readonly missing: readonly string[];
  /** The command that installs it with the packages that go with it, e.g. `npm install bullmq ioredis`. */
  readonly install: string;

  /**
   * @param peer - the missing package.
   * @param feature - what needs it.
   * @param install - the install command.
   * @param missing - every missing package of the feature; `[peer]` when omitted.
   * @param cause - the resolution error.
   */
  constructor(peer: string, feature: string, install: string, missing: readonly string[] = [peer], cause?: unknown) {
    super(`${feature} needs ${missing.join(", ")}; install ${missing.length > 1 ? "them" : "it"}: ${install}`, { cause });
    this.name = "MissingPeerError";
    this.peer = peer;
    this.missing = missing;
    this.feature = feature;
    this.install = install;
  }
}
