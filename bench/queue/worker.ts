// A `blok-parallel worker` process for the benchmark: exactly the CLI command.
import { parseWorkerArgs, runWorkerCommand } from "../../src/cli/workerCommand.js";

process.exitCode = await runWorkerCommand(parseWorkerArgs(process.argv.slice(2)), { stdout: process.stdout, stderr: process.stderr });
