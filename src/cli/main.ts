import { type HelpCommand, parseArgs, type RunCommand, USAGE } from "./parseArgs.js";
import { runSubcommand } from "./runSubcommand.js";
import { createPlugins } from "./createPlugins.js";
import { type CliIO, runCommand } from "./runCommand.js";
import { parseWorkerArgs, runWorkerCommand, type WorkerCommand, type WorkerHelpCommand, WORKER_USAGE } from "./workerCommand.js";
import { serveMain } from "./serveCommand.js";

/**
 * The `blok-parallel` entry point.
 *
 * @param argv - arguments after the script name.
 * @param io - where to write (the process streams by default).
 * @returns the exit code.
 */
export async function main(argv: readonly string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  if (argv[0] === "worker") return worker(argv.slice(1), io);
  if (argv[0] === "serve") return serveMain(argv.slice(1), io);
  return runSubcommand<RunCommand, HelpCommand>(argv, io, {
    parse: parseArgs,
    usage: USAGE,
    help: "help",
    run: (command) => runCommand(command, io, createPlugins),
  });
}

function worker(argv: readonly string[], io: CliIO): Promise<number> {
  return runSubcommand<WorkerCommand, WorkerHelpCommand>(argv, io, {
    parse: (args) => parseWorkerArgs(args),
    usage: WORKER_USAGE,
    help: "worker-help",
    run: (command) => runWorkerCommand(command, io),
  });
}
