import type { RuntimePlugin } from "../environment/index.js";
import type { RunCommand } from "./parseArgs.js";
import type { CliIO } from "./runCommand.js";

/** The runtimes a `run` command needs. Python and worker-thread runtimes are added here. */
export async function createPlugins(_command: RunCommand, _io: CliIO): Promise<RuntimePlugin[]> {
  return [];
}
