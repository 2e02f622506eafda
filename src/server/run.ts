import { GlobalError } from "../blok/index.js";
import { toJson } from "./httpResponses.js";
import { RunEventLog } from "./runEventLog.js";

export type RunStatus = "running" | "succeeded" | "failed" | "cancelled";

/** Why a run failed, as `GET /runs/<id>` shows it. */
export interface RunError {
  readonly message: string;
  /** The HTTP status the failure answers with: the GlobalError's code, 500 by default. */
  readonly code: number;
  /** The GlobalError's `json`, when the node set one (the body Blok's trigger answers with). */
  readonly json?: unknown;
}

/** What `GET /runs/<id>` answers. */
export interface RunView {
  readonly id: string;
  readonly workflow: string;
  readonly status: RunStatus;
  readonly started_at: string;
  readonly finished_at?: string;
  readonly result?: unknown;
  readonly error?: RunError;
}

/**
 * Why a run was cancelled, with the status its synchronous request answers: 409 for
 * `DELETE /runs/<id>`, 503 when the server shuts down (another instance may take the retry).
 */
export class RunCancelledError extends Error {
  override readonly name = "RunCancelledError";

  constructor(
    message: string,
    readonly code: 409 | 503,
  ) {
    super(message);
  }
}

/** The HTTP status and error of a failure: Blok's trigger rules (a GlobalError's code, else 500). */
export function runErrorOf(error: unknown): RunError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RunCancelledError) return { message, code: error.code };
  if (!(error instanceof GlobalError)) return { message, code: 500 };
  const code = error.context.code;
  return {
    message: [error.context.message].flat().join("; ") || message,
    code: typeof code === "number" && Number.isInteger(code) && code >= 400 && code <= 599 ? code : 500,
    ...(error.context.json !== undefined ? { json: error.context.json } : {}),
  };
}

/** One workflow run started over HTTP: its status, outcome, events and the switch that cancels it. */
export class Run {
  readonly controller = new AbortController();
  readonly events: RunEventLog;
  readonly startedAt = new Date();
  status: RunStatus = "running";
  finishedAt?: Date;
  result?: unknown;
  /** The response's content type (`ctx.response.contentType`, JSON when empty). */
  contentType = "application/json";
  error?: RunError;
  /** Bytes the finished run holds (its record and its events), for the store's bound. */
  bytes = 0;

  /** @param maxEventBytes the most bytes of events kept for replay (the oldest go first). */
  constructor(
    readonly id: string,
    readonly workflow: string,
    maxEventBytes?: number,
  ) {
    this.events = new RunEventLog(maxEventBytes);
  }

  /** Records the outcome: cancelled whenever the run was cancelled, whatever it returned. */
  settle(outcome: { data: unknown; contentType?: string | undefined } | { error: unknown }): void {
    this.finishedAt = new Date();
    if (this.controller.signal.aborted) {
      this.status = "cancelled";
      this.error = runErrorOf(this.controller.signal.reason);
    } else if ("error" in outcome) {
      this.status = "failed";
      this.error = runErrorOf(outcome.error);
    } else {
      this.status = "succeeded";
      this.result = outcome.data;
      if (outcome.contentType) this.contentType = outcome.contentType;
    }
    this.events.end(toJson({ id: this.id, status: this.status, ...(this.error ? { error: this.error.message } : {}) }));
    this.bytes = toJson(this.view()).length + this.events.retainedBytes;
  }

  view(): RunView {
    return {
      id: this.id,
      workflow: this.workflow,
      status: this.status,
      started_at: this.startedAt.toISOString(),
      ...(this.finishedAt ? { finished_at: this.finishedAt.toISOString() } : {}),
      ...(this.status === "succeeded" ? { result: this.result } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }
}
