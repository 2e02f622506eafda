import { performance } from "node:perf_hooks";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { deserialize } from "node:v8";
import type { Worker } from "node:worker_threads";
import type * as PiscinaModule from "piscina";
import { requirePeer } from "../../peers/index.js";
import { WorkerCloneError } from "./errors.js";
import { WorkerCrashedError } from "./errors.js";
import { WorkerHeapLimitError } from "./errors.js";
import { WorkerNodeError } from "./errors.js";
import { WorkerPoolDestroyedError } from "./errors.js";
import { WorkerTaskAbortedError } from "./errors.js";
import type { WorkerRuntimeError } from "./errors.js";
import type { ResultEnvelope, TaskMessage, WorkerTaskTiming } from "./protocol.js";
import { locateUncloneable } from "./thread/locateUncloneable.js";
import { threadEntryFile } from "./threadEntry.js";
import { ThreadSlots } from "./ThreadSlots.js";
import { parseWorkerPoolOptions, type WorkerPoolOptions } from "./WorkerPoolOptions.js";

// piscina is an optional peer, loaded when this module is: only the worker runtime imports it.
const { Piscina } = requirePeer<typeof PiscinaModule>("piscina");
type Piscina<T, R> = PiscinaModule.Piscina<T, R>;

/** One node call to run in a thread. */
export interface WorkerTask {
  /** Path (absolute, or relative to the working directory) or `file:` URL of the node module: `.js`, `.mjs`, `.cjs` or `.ts`. */
  readonly modulePath: string;
  /** Export holding the node. Default: the default export, else the module itself when it exports `handle`. */
  readonly exportName?: string;
  /** The node's name in the workflow: used in errors and set as the instance's `name`. */
  readonly name: string;
  /** The node's context, structured-cloned into the thread. */
  readonly ctx: unknown;
  /** The node's inputs, structured-cloned into the thread. */
  readonly inputs: unknown;
}

/** Per-call options of {@link WorkerPool.run}. */
export interface WorkerRunOptions {
  /**
   * Aborting it drops the task if queued, or terminates the thread running it (hard kill, no
   * cleanup in the node); `run` then rejects with {@link WorkerTaskAbortedError} at once.
   */
  readonly signal?: AbortSignal;
}

/** What a node call produced. */
export interface WorkerTaskResult {
  /** The node's data, after Blok's result normalisation (`{ success: true, data }` unwrapped). */
  readonly data: unknown;
  readonly timing: WorkerTaskTiming;
}

/** A snapshot of the pool's threads and of how its tasks ended. */
export interface WorkerPoolStats {
  /** Threads alive now: starting, busy, idle, or terminated but not yet exited. Always `started - terminated`. */
  readonly threads: number;
  /** Threads started so far. */
  readonly started: number;
  /** Tasks waiting for a free thread (or for one to start). */
  readonly queued: number;
  /** Tasks that returned data. */
  readonly completed: number;
  /** Tasks whose node failed by itself (threw, returned an error, did not load) or whose values could not be cloned. */
  readonly failed: number;
  /** Tasks stopped by their signal or by `destroy`. */
  readonly aborted: number;
  /** Tasks whose thread died under them. */
  readonly crashed: number;
  /** Threads that have exited (aborted, crashed, idle, destroyed), counted on their `exit` event. */
  readonly terminated: number;
  /**
   * Threads that died while idle, e.g. from a timer a node left behind that threw after its task
   * had settled. No task fails for it; the thread is replaced when needed.
   */
  readonly orphanErrors: number;
}

/**
 * A pool of worker threads for CPU-heavy JavaScript/TypeScript nodes, built on piscina.
 *
 * Each task imports its node module in a thread (once per thread), calls `handle(ctx, inputs)`
 * with structured-cloned values and sends the normalised result back. A thread runs one task at
 * a time. Failures are typed and name the node: {@link WorkerNodeError} (the node failed; thread
 * kept), {@link WorkerCrashedError} (the thread died; only this task fails),
 * {@link WorkerTaskAbortedError} (signal fired; thread terminated and replaced),
 * {@link WorkerHeapLimitError} (the node exceeded its thread's heap cap; thread replaced),
 * {@link WorkerCloneError} (a value cannot cross the boundary), {@link WorkerPoolDestroyedError}.
 *
 * Threads are unreferenced while idle, so an idle pool does not keep the process alive; still,
 * call {@link WorkerPool.destroy} when the run ends: it is what guarantees that every thread has
 * exited.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool({ maxThreads: 2 });
 * try {
 *   const { data, timing } = await pool.run(
 *     { modulePath: "examples/mixed/nodes/chunk-stats/index.mjs", name: "stats", ctx: {}, inputs: { values: [1, 2, 3], rounds: 10 } },
 *     { signal: AbortSignal.timeout(5_000) },
 *   );
 *   console.log(data, timing.work_ms);
 * } finally {
 *   await pool.destroy();
 * }
 * ```
 */
export class WorkerPool {
  readonly #piscina: Piscina<TaskMessage, Uint8Array>;
  /** Tasks wait here, not in piscina, until a thread is theirs (see ThreadSlots for why). */
  readonly #slots: ThreadSlots;
  /**
   * Every thread seen alive, until its `exit` event, with a promise of that event. piscina forgets
   * a thread as soon as it asks it to terminate; this map is what lets `stats` and `destroy` wait
   * for the thread to be really gone.
   */
  readonly #live = new Map<Worker, Promise<void>>();
  /** Each thread's heap cap, named in the error of a node that exceeds it. */
  readonly #maxHeapMb: number;
  /** Set by the first `destroy`; later calls return the same promise. */
  #destroying: Promise<void> | undefined;
  #completed = 0;
  #failed = 0;
  #aborted = 0;
  #crashed = 0;
  #started = 0;
  #terminated = 0;
  #orphanErrors = 0;

  /**
   * @param options pool size and thread limits; see {@link WorkerPoolOptions} for defaults
   * @throws {RangeError} when an option is invalid
   */
  constructor(options: WorkerPoolOptions = {}) {
    const { minThreads, maxThreads, idleTimeoutMs, maxHeapMb, execArgv, resourceLimits } = parseWorkerPoolOptions(options);
    this.#maxHeapMb = maxHeapMb;
    this.#piscina = new Piscina({
      filename: threadEntryFile(),
      minThreads,
      maxThreads,
      idleTimeout: idleTimeoutMs,
      // Idle threads block in Atomics.wait under piscina's default, which freezes any timer a node
      // left behind until the thread's *next* task, where its crash would fail an innocent node.
      // With atomics off an idle thread runs its event loop, so such a crash happens at once and
      // is counted as an orphan error. The pool's round trip with this setting is in
      // docs/bench/workers.md.
      atomics: "disabled",
      execArgv,
      resourceLimits,
    });
    this.#slots = new ThreadSlots(maxThreads);
    this.#piscina.on("workerCreate", this.#trackThreads);
    this.#piscina.on("error", this.#countOrphanError);
  }

  /**
   * Runs one node call in a thread.
   *
   * @param task the node module, its name, and the context and inputs to clone into the thread
   * @param options `signal` to abort (timeout or cancel)
   * @returns the node's data and how long the call spent queued, starting and working
   * @throws {WorkerNodeError} the node threw, failed its input schema, returned a response whose `error` is set, or did not load (is not a node)
   * @throws {WorkerCloneError} the context, inputs or result cannot cross the thread boundary
   * @throws {WorkerTaskAbortedError} `signal` fired before the node finished
   * @throws {WorkerHeapLimitError} the node exceeded the thread's heap cap (`maxHeapMb`)
   * @throws {WorkerCrashedError} the thread died otherwise (process.exit, an escaped async error)
   * @throws {WorkerPoolDestroyedError} the pool was destroyed before or during the call
   */
  async run(task: WorkerTask, options: WorkerRunOptions = {}): Promise<WorkerTaskResult> {
    if (this.#destroying !== undefined) throw new WorkerPoolDestroyedError(task.name);
    const message: TaskMessage = {
      moduleUrl: task.modulePath.startsWith("file:") ? task.modulePath : pathToFileURL(resolve(task.modulePath)).href,
      exportName: task.exportName,
      name: task.name,
      ctx: task.ctx,
      inputs: task.inputs,
      submittedAt: performance.timeOrigin + performance.now(),
    };
    const slot = await this.#slots.acquire(options.signal);
    if (slot === "aborted") {
      this.#aborted++;
      throw new WorkerTaskAbortedError(task.name, options.signal?.reason);
    }
    // `closed`: destroy ended the wait. Or the slot came just before destroy, which piscina
    // could outlive by starting a thread for this task.
    if (slot === "closed" || this.#destroying !== undefined) {
      this.#aborted++;
      throw new WorkerPoolDestroyedError(task.name);
    }
    let encoded: Uint8Array;
    try {
      const running = this.#piscina.run(message, { signal: options.signal ?? null });
      // piscina starts threads inside `run`; track them now so `destroy` waits for them even if
      // they die before they report ready.
      this.#trackThreads();
      encoded = await running;
    } catch (error) {
      throw this.#rejection(error, task, options.signal);
    } finally {
      // By now piscina has freed the thread, or dropped it after an abort or a crash, so the next
      // task gets an idle thread or room to start a new one.
      this.#slots.release();
    }
    const envelope = deserialize(encoded) as ResultEnvelope;
    if (envelope.ok) {
      this.#completed++;
      return { data: envelope.data, timing: envelope.timing };
    }
    this.#failed++;
    throw envelope.kind === "clone"
      ? new WorkerCloneError(task.name, "result", envelope.culprit, undefined, envelope.timing)
      : new WorkerNodeError(task.name, envelope.kind, envelope.error, envelope.timing);
  }

  /** @returns counters of threads and task outcomes, as of now */
  stats(): WorkerPoolStats {
    this.#trackThreads();
    return {
      threads: this.#live.size,
      started: this.#started,
      queued: this.#slots.waiting + this.#piscina.queueSize,
      completed: this.#completed,
      failed: this.#failed,
      aborted: this.#aborted,
      crashed: this.#crashed,
      terminated: this.#terminated,
      orphanErrors: this.#orphanErrors,
    };
  }

  /**
   * Terminates every thread (running tasks are hard-killed and reject with
   * {@link WorkerPoolDestroyedError}, queued ones too) and resolves once each thread has exited.
   * Idempotent: later calls return the same promise. `run` rejects from the first call on.
   *
   * @returns resolves when no thread of this pool is left
   */
  destroy(): Promise<void> {
    this.#destroying ??= this.#shutDown();
    return this.#destroying;
  }

  async #shutDown(): Promise<void> {
    this.#slots.close();
    // piscina's destroy() waits only for the threads it still holds, and a thread it dropped
    // earlier (abort, crash) makes it start a replacement when its 'exit' arrives, even after
    // destroy() has returned. So: destroy, wait for every thread ever seen, and go again until
    // no thread is left; then no 'exit' and no replacement can follow.
    do {
      this.#trackThreads();
      await this.#piscina.destroy();
      await Promise.all(this.#live.values());
    } while (this.#piscina.threads.length > 0);
    this.#piscina.off("workerCreate", this.#trackThreads);
    this.#piscina.off("error", this.#countOrphanError);
  }

  /** Turns a rejection of `piscina.run` into the typed error, and counts it. */
  #rejection(error: unknown, task: WorkerTask, signal: AbortSignal | undefined): WorkerRuntimeError {
    // The entry never throws, so a rejection is piscina's: the signal, destroy, postMessage, or a dead thread.
    if (signal?.aborted === true && error instanceof Error && error.name === "AbortError") {
      this.#aborted++;
      return new WorkerTaskAbortedError(task.name, signal.reason);
    }
    if (this.#destroying !== undefined) {
      this.#aborted++;
      return new WorkerPoolDestroyedError(task.name);
    }
    if (error instanceof Error && error.name === "DataCloneError") {
      this.#failed++;
      const culprit = locateUncloneable(task.ctx, "ctx", structuredClone) ??
        locateUncloneable(task.inputs, "inputs", structuredClone) ?? { path: "ctx or inputs", what: error.message };
      return new WorkerCloneError(task.name, "input", culprit, error);
    }
    this.#crashed++;
    if ((error as NodeJS.ErrnoException | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY") return new WorkerHeapLimitError(task.name, this.#maxHeapMb, error);
    return new WorkerCrashedError(task.name, error);
  }

  /** Starts watching for the exit of every thread piscina holds that is not watched yet. */
  readonly #trackThreads = (): void => {
    for (const worker of this.#piscina.threads) {
      if (this.#live.has(worker)) continue;
      this.#started++;
      // Not `events.once`: it also listens for 'error' and would reject when the thread crashes.
      const exited = new Promise<void>((resolveExit) => {
        worker.once("exit", () => {
          this.#live.delete(worker);
          this.#terminated++;
          resolveExit();
        });
      });
      this.#live.set(worker, exited);
    }
  };

  readonly #countOrphanError = (): void => {
    this.#orphanErrors++;
  };
}
