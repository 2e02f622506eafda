import { defaultRuntimePlugins, type RuntimePlugin } from "../composition/index.js";
import type { RunCommand } from "./parseArgs.js";

/**
 * The runtimes of a `run` (or `serve`) command. Both open lazily: a workflow with no Python step never starts
 * Python, one with no worker-isolated child never starts a thread.
 */
export async function createPlugins(command: Pick<RunCommand, "nodesDir" | "pythonNodesDir" | "python" | "workers" | "workerHeapMb" | "pythonService" | "pythonMaxMessageBytes">): Promise<RuntimePlugin[]> {
  return defaultRuntimePlugins({ ...command, threads: command.workers });
}
