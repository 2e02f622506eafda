import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./usageError.js";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: O }>>;

/**
 * `node:util` parseArgs with this CLI's conventions (strict, positionals allowed), its errors
 * turned into a {@link UsageError} that the commands print with their usage.
 *
 * @throws {UsageError} for an unknown option or a missing option value.
 */
export function parseOptions<const O extends Options>(argv: readonly string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true as const, strict: true as const, options });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A `--name <n>` option that must be a whole number of at least `min`. */
export function wholeNumberOption(name: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number of at least ${min} (received "${value}")`);
  return n;
}
