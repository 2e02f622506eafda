import { Worker } from "node:worker_threads";

/** Flags that register module loaders or preloads, each followed by its value unless given as `--flag=value`. */
const LOADER_FLAGS = new Set(["--require", "-r", "--import", "--loader", "--experimental-loader"]);

/** V8's heap and stack flags, which a thread cannot take as flags but gets as `resourceLimits`. */
const LIMIT_FLAGS = {
  "--max-old-space-size": "maxOldGenerationSizeMb",
  "--stack-size": "stackSizeMb",
} as const;

/** The part of a Worker's `resourceLimits` that the process's own flags ask for. */
export interface ThreadResourceLimits {
  /** From `--max-old-space-size=<MB>`. */
  readonly maxOldGenerationSizeMb?: number;
  /** From `--stack-size=<KB>` (V8 counts it in KB; a Worker in MB). */
  readonly stackSizeMb?: number;
}

/** How the Node flags of a process split for a worker thread. */
export interface ThreadFlags {
  /** Flags a thread accepts, to pass as `execArgv`. */
  readonly execArgv: string[];
  /** Heap and stack flags, as `resourceLimits`. */
  readonly resourceLimits: ThreadResourceLimits;
  /** Flags dropped because a thread rejects them (V8 flags such as `--expose-gc`, process-wide ones such as `--title`). */
  readonly rejected: string[];
}

/** `--max_old_space_size=512` and `--max-old-space-size=512` are the same V8 flag. */
function flagName(arg: string): string {
  const name = arg.split("=", 1)[0] as string;
  return name.startsWith("--") ? `--${name.slice(2).replaceAll("_", "-")}` : name;
}

/**
 * Splits Node flags for a worker thread: module loaders and preloads are dropped (see
 * {@link threadExecArgv}), `--max-old-space-size` and `--stack-size` become `resourceLimits`, and
 * flags that Node refuses in a thread (`ERR_WORKER_INVALID_EXEC_ARGV`: V8 flags such as
 * `--expose-gc`, process-wide ones such as `--title`) are found by asking Node and dropped, so a
 * host started with ordinary flags still runs worker children.
 *
 * @param parent the flags to split, `process.execArgv` by default
 * @returns what to pass as `execArgv` and `resourceLimits`, and what was dropped
 * @example
 * ```ts fragment
 * console.log(threadFlags(["--max-old-space-size=512", "--expose-gc", "--enable-source-maps"]));
 * // { execArgv: ["--enable-source-maps"], resourceLimits: { maxOldGenerationSizeMb: 512 }, rejected: ["--expose-gc"] }
 * ```
 */
export function threadFlags(parent: readonly string[] = process.execArgv): ThreadFlags {
  const candidates: string[] = [];
  const limits: { -readonly [K in keyof ThreadResourceLimits]: number } = {};
  for (let i = 0; i < parent.length; i++) {
    const arg = parent[i] as string;
    const name = flagName(arg);
    if (LOADER_FLAGS.has(name)) {
      if (!arg.includes("=")) i++;
      continue;
    }
    const limit = LIMIT_FLAGS[name as keyof typeof LIMIT_FLAGS];
    const value = Number(arg.slice(name.length + 1));
    if (limit !== undefined && arg.includes("=") && Number.isFinite(value) && value > 0) {
      limits[limit] = limit === "stackSizeMb" ? value / 1024 : value;
      continue;
    }
    candidates.push(arg);
  }
  const rejected = rejectedByThreads(candidates);
  return { execArgv: candidates.filter((arg) => !rejected.includes(arg)), resourceLimits: limits, rejected };
}

/**
 * The Node flags a pool thread starts with by default: the process's own, minus module loaders
 * and preloads, minus what a thread rejects or gets as `resourceLimits` (see {@link threadFlags}).
 * A loader registered for the main program (tsx, for one) would be set up again in every thread,
 * which about triples thread start-up (with tsx a new pool's first result takes ~130-150 ms
 * instead of ~45-55 ms, docs/bench/workers.md), and is not needed: the entry is a built CommonJS bundle and
 * `.ts` nodes are loaded through tsx's `tsImport`. Other flags (`--enable-source-maps`,
 * `--conditions`...) are kept.
 *
 * @param parent the flags to filter, `process.execArgv` by default
 * @returns the flags a thread accepts
 *
 * @example
 * ```ts fragment
 * console.log(threadExecArgv(["--import", "tsx", "--enable-source-maps", "--expose-gc"])); // ["--enable-source-maps"]
 * ```
 */
export function threadExecArgv(parent: readonly string[] = process.execArgv): string[] {
  return threadFlags(parent).execArgv;
}

/** Answers of {@link rejectedByThreads}, by flag list: the process's flags do not change. */
const verdicts = new Map<string, string[]>();

/**
 * The flags of `flags` that Node refuses in a worker thread. Node's own check is the only exact
 * list (it depends on the Node version), and it runs in the Worker constructor before the thread
 * starts: a refusal names the offending flags. The list passing costs one thread start, once per
 * distinct flag list; an empty list costs nothing.
 */
function rejectedByThreads(flags: readonly string[]): string[] {
  if (flags.length === 0) return [];
  const key = JSON.stringify(flags);
  const known = verdicts.get(key);
  if (known) return known;
  const rejected: string[] = [];
  let remaining = [...flags];
  while (remaining.length > 0) {
    const refused = refusedFlags(remaining);
    if (refused.length === 0) break;
    // Names Node did not list exactly (it should) would loop: test them one by one instead.
    const named = refused.filter((flag) => remaining.includes(flag));
    const drop = named.length > 0 ? named : remaining.filter((flag) => refusedFlags([flag]).length > 0);
    rejected.push(...drop);
    if (named.length === 0) break;
    remaining = remaining.filter((flag) => !drop.includes(flag));
  }
  verdicts.set(key, rejected);
  return rejected;
}

/** Asks the Worker constructor: the flags it refuses (as it names them), or none. */
function refusedFlags(flags: readonly string[]): string[] {
  let probe: Worker;
  try {
    probe = new Worker("", { eval: true, execArgv: [...flags], stdout: true, stderr: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_WORKER_INVALID_EXEC_ARGV") throw error;
    const listed = /flags: (.*)$/.exec((error as Error).message)?.[1] ?? "";
    return listed.split(", ").filter(Boolean);
  }
  probe.unref();
  void probe.terminate();
  return [];
}
