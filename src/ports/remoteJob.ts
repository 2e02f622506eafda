import type { Attempt } from "../core/index.js";
import type { ChildStep } from "./childStep.js";

/**
 * The part of a child's context that crosses the wire to a queue worker: plain JSON data only.
 * Not sent: `env` (a worker uses its own environment; secrets stay where they are), `config`
 * (inputs are already resolved), the logger and the signal (the worker has its own).
 */
export interface RemoteContext {
  readonly id: string;
  readonly workflow_name?: string;
  readonly workflow_path?: string;
  readonly request: { readonly body?: unknown; readonly headers?: unknown; readonly params?: unknown; readonly query?: unknown; readonly method?: unknown; readonly url?: unknown; readonly path?: unknown; readonly baseUrl?: unknown };
  readonly response: { readonly data: unknown; readonly contentType?: string };
  readonly vars?: unknown;
  readonly item?: unknown;
  readonly index?: number;
}

/** One child attempt handed to a remote executor. */
export interface RemoteChildJob {
  /** The container step that runs the child. */
  readonly container: string;
  /** What to run: resolved by the worker from its own node directories, never from the payload. */
  readonly step: ChildStep;
  readonly attempt: number;
  /** The child's position in the run (its errors name it). */
  readonly index?: number;
  /**
   * The attempt's reporting hooks: timings (re-deliveries included) as the remote run goes, and
   * `late` for a duplicate result of a child that already has one (counted in `late_settlements`).
   */
  readonly hooks?: Pick<Attempt, "late" | "reportTiming">;
  /** The child's inputs, mapped by the container against the child's context. */
  readonly inputs: unknown;
  readonly ctx: RemoteContext;
}

/** What a remote executor returns for a successful attempt. */
export interface RemoteOutcome {
  readonly data: unknown;
  readonly timing?: Readonly<Record<string, number>>;
}

/**
 * Runs one child attempt elsewhere. Must stop the remote work when `signal` aborts (remove a
 * waiting job, tell a running one to abort) and reject with the child's error when it fails.
 */
export type RemoteExecutor = (job: RemoteChildJob, signal: AbortSignal) => Promise<RemoteOutcome>;

/** A connection to a queue for the length of one container run. */
export interface RemoteSession {
  readonly execute: RemoteExecutor;
  /** Releases everything the session created (connections, listeners, leftover jobs). */
  close(): Promise<void>;
}

/** Settings of the queue backend, as the container config gives them. */
export interface QueueSettings {
  readonly redis_url?: string | undefined;
  readonly name: string;
  readonly max_result_bytes: number;
  /**
   * The container's per-attempt `timeout` (ms), counted by the session from the moment a worker
   * starts the job (restarted when a job of a dead worker starts again elsewhere), not from the
   * moment it is queued. The container leaves it to the session for queue runs.
   */
  readonly timeout?: number | undefined;
  /** The container's `queue_timeout` (ms): the longest a job may wait for a worker. */
  readonly queue_timeout?: number | undefined;
}

/** Opens a queue session for one container run. */
export type QueueConnector = (settings: QueueSettings) => Promise<RemoteSession>;

/** The `ctx.request` fields a remote worker receives: the wire contract of {@link RemoteContext}.request. */
export const REMOTE_REQUEST_FIELDS = ["body", "headers", "params", "query", "method", "url", "path", "baseUrl"] as const;
