import { errorParagraph } from "./formatError.js";
import { parseArgs, USAGE } from "./parseArgs.js";
import { UsageError } from "./usageError.js";
import { createPlugins } from "./createPlugins.js";
import { type CliIO, runCommand } from "./runCommand.js";
import { parseWorkerArgs, runWorkerCommand, WORKER_USAGE } from "./workerCommand.js";
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
  let command;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${errorParagraph(error, false)}\n${USAGE}`);
    return 2;
  }
  if (command.command === "help") {
    io.stdout.write(USAGE);
    return 0;
  }
  return runCommand(command, io, createPlugins);
}

async function worker(argv: readonly string[], io: CliIO): Promise<number> {
  let command;
  try {
    command = parseWorkerArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${errorParagraph(error, false)}\n${WORKER_USAGE}`);
    return 2;
  }
  return runWorkerCommand(command, io);
}
