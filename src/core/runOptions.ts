import type { SchedulerLike } from "rxjs";
import { z } from "zod";
import { InvalidOptionsError } from "./errors.js";

/**
 * How much progress a run reports while it works:
 * - `"events"` (default): one event per child transition, each with a fresh snapshot;
 * - `{ sample_ms }`: a `progress` snapshot every `sample_ms`, no per-child events (for huge runs);
 * - `"none"`: only the final event.
 */
export type ProgressMode = "events" | "none" | { readonly sample_ms: number };

/** Per-run settings that are not part of a workflow's JSON (clocks, signals, progress). */
export interface RunOptions {
  /** Timers and `now()` come from here; pass a TestScheduler to run on virtual time. Default: asyncScheduler and `performance.now()`. */
  readonly scheduler?: SchedulerLike;
  /** Aborting it cancels the run: running children are unsubscribed and the run fails with reason `cancelled`. */
  readonly signal?: AbortSignal;
  readonly progress?: ProgressMode;
  /** The number of children when the input cannot tell (an iterator or Observable); used for `queued` and percentage budgets. */
  readonly total?: number;
  /** Random source for retry jitter. */
  readonly random?: () => number;
}

const runOptionsSchema = z.object({
  progress: z
    .union([z.enum(["events", "none"]), z.object({ sample_ms: z.number().int().min(1, { error: "must be at least 1 ms" }) }).strict()], {
      error: 'must be "events", "none" or { "sample_ms": <ms> }',
    })
    .optional(),
  total: z.number().int({ error: "must be a whole number" }).min(0, { error: "must be 0 or more" }).optional(),
});

/** Checks the JSON-like parts of run options. @throws {InvalidOptionsError} */
export function validateRunOptions(run: RunOptions): void {
  const parsed = runOptionsSchema.safeParse({ progress: run.progress, total: run.total });
  if (!parsed.success) throw InvalidOptionsError.fromZod(parsed.error, run, "run options");
}
