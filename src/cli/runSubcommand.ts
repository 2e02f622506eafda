import { errorParagraph } from "./formatError.js";
import type { CliIO } from "./runCommand.js";
import { UsageError } from "./usageError.js";

/** How one `blok-parallel` command reads its arguments and runs. */
export interface Subcommand<Command extends { readonly command: string }, Help extends { readonly command: string }> {
  /** Parses the command's arguments; throws {@link UsageError} for bad ones. */
  readonly parse: (argv: readonly string[]) => Command | Help;
  /** The usage text: on stdout for help, after the message on stderr for a usage error. */
  readonly usage: string;
  /** The `command` value that asks for help. */
  readonly help: Help["command"];
  /** Runs a parsed command and returns its exit code. */
  readonly run: (command: Command) => Promise<number>;
}

/**
 * The contract every command shares: a usage error is one paragraph and the usage on stderr with
 * exit code 2, help is the usage on stdout with exit code 0, anything else runs.
 */
export async function runSubcommand<Command extends { readonly command: string }, Help extends { readonly command: string }>(
  argv: readonly string[],
  io: CliIO,
  subcommand: Subcommand<Command, Help>,
): Promise<number> {
  let command: Command | Help;
  try {
    command = subcommand.parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${errorParagraph(error, false)}\n${subcommand.usage}`);
    return 2;
  }
  if (command.command === subcommand.help) {
    io.stdout.write(subcommand.usage);
    return 0;
  }
  return subcommand.run(command as Command);
}
