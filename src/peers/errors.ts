/**
 * Thrown when a feature needs an optional peer dependency that is not installed:
 * "the Python runtime needs @grpc/grpc-js; install it: npm install @grpc/grpc-js @grpc/proto-loader".
 */
export class MissingPeerError extends Error {
  /** The package that could not be found, e.g. `@grpc/grpc-js`. */
  readonly peer: string;
  /** What needs it, e.g. `the Python runtime`. */
  readonly feature: string;
  /** The command that installs it with the packages that go with it, e.g. `npm install bullmq ioredis`. */
  readonly install: string;

  /**
   * @param peer - the missing package.
   * @param feature - what needs it.
   * @param install - the install command.
   * @param cause - the resolution error.
   */
  constructor(peer: string, feature: string, install: string, cause?: unknown) {
    super(`${feature} needs ${peer}; install it: ${install}`, { cause });
    this.name = "MissingPeerError";
    this.peer = peer;
    this.feature = feature;
    this.install = install;
  }
}
