import { execFile } from "node:child_process";
import { PythonInterpreterNotFoundError, type PythonCandidateRejection } from "./errors.js";

/** Interpreters tried, in order, when `BLOK_PYTHON` is not set. */
export const DEFAULT_PYTHON_CANDIDATES: readonly string[] = ["python3", "/usr/bin/python3", "python"];

/** Options of {@link findPythonInterpreter}. */
export interface FindPythonInterpreterOptions {
  /** Commands or paths to try, in order, when `BLOK_PYTHON` is unset. */
  readonly candidates?: readonly string[];
  /** Environment to read `BLOK_PYTHON` from and to probe with; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Probe again instead of returning the cached answer. */
  readonly refresh?: boolean;
}

// asyncio.to_thread (used by the runtime) appeared in Python 3.9.
const MIN_VERSION: readonly [number, number] = [3, 9];
const PROBE = "import sys, grpc; print(sys.executable); print('%d.%d' % sys.version_info[:2])";
const PROBE_TIMEOUT_MS = 15_000;

// Keyed by BLOK_PYTHON and the candidate list; holds the promise so concurrent callers share
// one probe. Failures are evicted, so installing grpc and retrying works without a restart.
const cache = new Map<string, Promise<string>>();

/**
 * Finds a Python interpreter able to host the bundled runtime, i.e. one that can `import grpc`.
 * `BLOK_PYTHON` wins when set (and must work: it is never silently skipped); otherwise the first
 * working entry of `candidates` (default `python3`, `/usr/bin/python3`, `python`) is used. The
 * answer is cached per `BLOK_PYTHON` value and candidate list.
 *
 * @param options - candidates, environment, cache bypass.
 * @returns the interpreter's absolute path (`sys.executable`).
 * @throws {@link PythonInterpreterNotFoundError} listing every candidate and why it was rejected.
 * @example
 * ```ts
 * const python = await findPythonInterpreter(); // e.g. "/usr/bin/python3"
 * ```
 */
export function findPythonInterpreter(options: FindPythonInterpreterOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const explicit = env.BLOK_PYTHON?.trim();
  const candidates = explicit ? [explicit] : (options.candidates ?? DEFAULT_PYTHON_CANDIDATES);
  const key = candidates.join("\0");
  const hit = options.refresh ? undefined : cache.get(key);
  if (hit) return hit;
  const search = firstUsable(candidates, env, explicit ? "BLOK_PYTHON" : undefined);
  cache.set(key, search);
  search.catch(() => cache.delete(key));
  return search;
}

async function firstUsable(candidates: readonly string[], env: NodeJS.ProcessEnv, origin: string | undefined): Promise<string> {
  const tried: PythonCandidateRejection[] = [];
  for (const candidate of candidates) {
    const outcome = await probe(candidate, env);
    if (typeof outcome === "string") return outcome;
    tried.push({ candidate: origin ? `${origin}=${candidate}` : candidate, reason: outcome.reason });
  }
  throw new PythonInterpreterNotFoundError(tried);
}

function probe(candidate: string, env: NodeJS.ProcessEnv): Promise<string | { reason: string }> {
  return new Promise((resolve) => {
    execFile(candidate, ["-c", PROBE], { env, timeout: PROBE_TIMEOUT_MS, windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return resolve({ reason: "not found" });
        if (code === "EACCES") return resolve({ reason: "not executable" });
        if (error.killed) return resolve({ reason: `no answer within ${PROBE_TIMEOUT_MS} ms` });
        const lastLine = stderr.trim().split("\n").pop();
        return resolve({ reason: lastLine || error.message });
      }
      const [executable, version] = stdout.trim().split("\n");
      const [major, minor] = (version ?? "").split(".").map(Number);
      if (!executable || major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) {
        return resolve({ reason: `unexpected probe output ${JSON.stringify(stdout)}` });
      }
      if (major < MIN_VERSION[0] || (major === MIN_VERSION[0] && minor < MIN_VERSION[1])) {
        return resolve({ reason: `Python ${version} is older than ${MIN_VERSION.join(".")}` });
      }
      resolve(executable);
    });
  });
}
