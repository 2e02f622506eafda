import type { ServerResponse } from "node:http";
import { type RunEvent, RunEventLog } from "./runEventLog.js";

/** Limits of one event stream. */
export interface SseOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  readonly heartbeatMs: number;
  /**
   * The most bytes of live events a client may fall behind by; past it the client is dropped
   * with a final `dropped` event. The run itself never waits for a client.
   */
  readonly maxLagBytes: number;
}

/** The response side a stream writes to (a `ServerResponse`, or any writable for tests). */
export type SseTarget = Pick<ServerResponse, "write" | "end" | "once" | "off" | "writableEnded" | "destroyed">;

/** An open stream: `close(event, data)` ends it with a final event (used at shutdown). */
export interface SseStream {
  close(event?: string, data?: unknown): void;
  /** Resolves when the stream has ended, for whatever reason. */
  readonly closed: Promise<void>;
}

/** Characters of events gathered into one write (a batch ends at the first event past it). */
const BATCH_CHARS = 64 * 1024;

/** One event in SSE wire format. */
export function formatSse(entry: Pick<RunEvent, "event" | "data"> & { id?: number }): string {
  return `${entry.id !== undefined ? `id: ${entry.id}\n` : ""}event: ${entry.event}\ndata: ${entry.data}\n\n`;
}

/**
 * The events from position `from` on, in wire format, up to about {@link BATCH_CHARS}: one write
 * per batch, not one per event (with 100 subscribers a write per event per client was most of the
 * run's thread time, docs/bench/http.md). Events `types` leaves out are skipped.
 *
 * @returns the text and the position after the last event read.
 */
function nextBatch(log: RunEventLog, from: number, types: ReadonlySet<string> | undefined): { text: string; next: number } {
  let text = "";
  let next = from;
  while (next < log.length && text.length < BATCH_CHARS) {
    const entry = log.at(next++)!;
    if (types === undefined || types.has(entry.event)) text += formatSse(entry);
  }
  return { text, next };
}

/**
 * Streams a run's events to one client: every event after `lastEventId` (0 = from the first),
 * then live ones as they come, and ends after the run's `end` event. Writes follow the socket's
 * pace (a write that fills the buffer waits for `drain`), reading from the run's own event log,
 * so replaying a long run needs no copy and a slow client never slows the run; a client that
 * falls behind the live run by more than `maxLagBytes` is dropped with a final `dropped` event.
 * With `types`, only events of those names are sent (ids stay the log's). The headers must
 * already be sent.
 */
export function streamRunEvents(res: SseTarget, log: RunEventLog, lastEventId: number, options: SseOptions, types?: ReadonlySet<string>): SseStream {
  let cursor = Math.max(0, Math.min(lastEventId, log.length));
  // Events already in the log when the client came are a replay, not lag: only later ones count.
  const liveFrom = log.length;
  let waiting = false;
  let scheduled = false;
  let done = false;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));

  const finish = (final?: string): void => {
    if (done) return;
    done = true;
    unsubscribe();
    clearInterval(heartbeat);
    res.off("drain", onDrain);
    res.off("close", onClose);
    if (!res.writableEnded && !res.destroyed) {
      if (final) res.write(final);
      res.end();
    }
    resolveClosed();
  };
  const pump = (): void => {
    if (done || waiting) return;
    if (cursor < log.first) {
      // The run's oldest events were let go (its event log is bounded): say so, then go on.
      const data = JSON.stringify({ reason: "the run's oldest events are no longer kept", first_id: log.first + 1, skipped: log.first - cursor });
      cursor = log.first;
      if (!res.write(formatSse({ event: "truncated", data }))) {
        waiting = true;
        res.once("drain", onDrain);
        return;
      }
    }
    while (cursor < log.length) {
      const chunk = nextBatch(log, cursor, types);
      cursor = chunk.next;
      if (chunk.text !== "" && !res.write(chunk.text)) {
        if (cursor < log.length || !log.ended) {
          waiting = true;
          res.once("drain", onDrain);
        }
        break;
      }
    }
    if (cursor >= log.length && log.ended) finish();
  };
  const onDrain = (): void => {
    waiting = false;
    pump();
  };
  const flush = (): void => {
    scheduled = false;
    pump();
  };
  const onEvent = (): void => {
    if (done) return;
    if (log.bytesAfter(Math.max(cursor, liveFrom)) > options.maxLagBytes) {
      const data = JSON.stringify({ reason: `the client fell more than ${options.maxLagBytes} bytes behind the run`, last_sent_id: cursor });
      return finish(formatSse({ event: "dropped", data }));
    }
    // Events of one tick (a burst of child settlements) go out together after it.
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const onClose = (): void => finish();
  const unsubscribe = log.subscribe(onEvent);
  const heartbeat = setInterval(() => {
    if (!waiting && !done) res.write(": heartbeat\n\n");
  }, options.heartbeatMs);
  heartbeat.unref?.();
  res.once("close", onClose);
  pump();
  return {
    close: (event = "shutdown", data: unknown = {}) => {
      // Events still waiting for the tick's batch go first (a run cancelled at shutdown has just
      // logged its end event); a stream that then reached the end is already finished.
      pump();
      finish(formatSse({ event, data: JSON.stringify(data) }));
    },
    closed,
  };
}
