import type { Run } from "./run.js";
import { createAccessTokens, type AccessTokens } from "./accessTokens.js";
import { RunStore } from "./runStore.js";
import { ServerMetrics } from "./serverMetrics.js";
import type { SseOptions, SseStream } from "./sseStream.js";
import { type RunRequest, type RunSetup, startRun } from "./startRun.js";
import type { WorkflowRoute } from "./workflowRoutes.js";
import type { ServerOptions } from "./createServer.js";

export const DEFAULT_BODY_LIMIT_MB = 100;

/** What every route of one server shares: its workflows, runs, streams, metrics and settings. */
export interface ServerState {
  readonly options: ServerOptions;
  readonly workflows: ReadonlyMap<string, WorkflowRoute>;
  readonly store: RunStore;
  readonly metrics: ServerMetrics;
  readonly accessTokens: AccessTokens;
  /** Event streams open now (ended at shutdown). */
  readonly streams: Set<SseStream>;
  /** Runs not yet ended (awaited at shutdown). */
  readonly pending: Set<Promise<void>>;
  readonly sse: SseOptions;
  readonly bodyLimitBytes: number;
  /** True once shutdown began: no new run starts. */
  closing: boolean;
  /** Starts a run, stored and counted; `done` settles when it has ended and been recorded. */
  launch(id: string, route: WorkflowRoute, request: RunRequest): { run: Run; done: Promise<void> };
}

/** The shared state of a server, with every default of {@link ServerOptions} filled in. */
export function createServerState(options: ServerOptions, workflows: ReadonlyMap<string, WorkflowRoute>): ServerState {
  const maxEventBytesPerRun = options.runs?.maxEventBytesPerRun ?? 64 * 1024 * 1024;
  const store = new RunStore({ maxRuns: options.runs?.maxRuns ?? 1000, maxBytes: options.runs?.maxBytes ?? 256 * 1024 * 1024 });
  const metrics = new ServerMetrics();
  const pending = new Set<Promise<void>>();
  const setup: RunSetup = { ...options, maxEventBytesPerRun };
  return {
    options,
    workflows,
    store,
    metrics,
    accessTokens: createAccessTokens(options.accessTokenTtlMs ?? 5 * 60_000),
    streams: new Set(),
    pending,
    sse: { heartbeatMs: options.sse?.heartbeatMs ?? 15_000, maxLagBytes: options.sse?.maxLagBytes ?? 8 * 1024 * 1024 },
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_MB * 1024 * 1024,
    closing: false,
    launch(id, route, request) {
      const started = startRun(id, route, request, setup, (run, step, event) => metrics.onEvent(run, step, event));
      store.add(started.run);
      const done = started.done.then(() => {
        store.finished(started.run);
        metrics.onRunEnded(started.run);
      });
      pending.add(done);
      void done.finally(() => pending.delete(done));
      return { run: started.run, done };
    },
  };
}
