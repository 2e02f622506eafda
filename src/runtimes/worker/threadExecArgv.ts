/** Flags that register module loaders or preloads, each followed by its value unless given as `--flag=value`. */
const LOADER_FLAGS = new Set(["--require", "-r", "--import", "--loader", "--experimental-loader"]);

/**
 * The Node flags a pool thread starts with by default: the process's own, minus module loaders
 * and preloads. A loader registered for the main program (tsx, for one) would be set up again in
 * every thread, which about triples thread start-up (with tsx a new pool's first result takes
 * ~130-150 ms instead of ~45-55 ms, docs/bench/workers.md), and is not needed: the entry is
 * plain JS and `.ts` nodes are loaded through tsx's `tsImport`.
 * Other flags (`--enable-source-maps`, `--conditions`...) are kept.
 *
 * @param parent the flags to filter, `process.execArgv` by default
 * @returns the flags without `--import`, `--require`/`-r`, `--loader`, `--experimental-loader`
 *
 * @example
 * ```ts
 * threadExecArgv(["--import", "tsx", "--enable-source-maps"]); // ["--enable-source-maps"]
 * ```
 */
export function threadExecArgv(parent: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const arg = parent[i] as string;
    const [flag] = arg.split("=", 1);
    if (flag !== undefined && LOADER_FLAGS.has(flag)) {
      if (!arg.includes("=")) i++;
      continue;
    }
    kept.push(arg);
  }
  return kept;
}
