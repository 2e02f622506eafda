import type { ExecutionInfo, ParallelEvent } from "../core/index.js";
import type { ProgressStyle } from "./parseArgs.js";

/** Receives container events and shows them somewhere. */
export interface ProgressReporter {
  onEvent(step: string, event: ParallelEvent<unknown>): void;
  /** Flushes and leaves the terminal tidy. */
  close(): void;
}

type Writable = { write(text: string): unknown; isTTY?: boolean; columns?: number };

/** NDJSON: one object per event, each with the container step and its execution_info. */
function ndjsonReporter(out: Writable): ProgressReporter {
  return {
    onEvent(step, event) {
      // The final result or error goes to stdout; the progress line carries the outcome and the snapshot.
      const line = event.type === "finished" ? { step, type: event.type, outcome: event.outcome, info: event.info } : { step, ...event };
      out.write(`${JSON.stringify(line)}\n`);
    },
    close() {},
  };
}

const BAR_WIDTH = 24;

function bar(info: ExecutionInfo): string {
  const done = info.total === 0 ? 1 : (info.completed + info.failed) / info.total;
  const filled = Math.round(done * BAR_WIDTH);
  return `${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Timers of the bar; injectable so tests can drive them. */
export interface BarClock {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  setImmediate(fn: () => void): unknown;
}

const realClock: BarClock = {
  now: () => performance.now(),
  // Unref'd: a forgotten bar must never keep the process alive.
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
  setImmediate: (fn) => setImmediate(fn).unref(),
};

const FRAME_MS = 100;

/**
 * One status line per container, redrawn in place every 100 ms while it runs. Frames are drawn
 * from a timer, never from inside an event: a child finishing and the next one starting are two
 * events of the same tick, and drawing at the first showed one running child too few. The timer
 * also keeps the elapsed time moving while no child starts or ends.
 */
export function barReporter(out: Writable, clock: BarClock = realClock): ProgressReporter {
  const running = new Map<string, Set<string>>();
  let current: { step: string; info: ExecutionInfo; at: number } | undefined;
  let ticker: unknown;
  let pending = false;

  const line = (step: string, info: ExecutionInfo, elapsedMs: number) => {
    const names = [...(running.get(step) ?? [])];
    const shown = names.slice(0, 3).join(", ") + (names.length > 3 ? `, +${names.length - 3}` : "");
    const failures = info.failed > 0 ? `  ✗ ${info.failed}` : "";
    const text = `${step} ${bar(info)} ${info.completed + info.failed}/${info.total}  ✓ ${info.completed}${failures}  running ${info.running}${shown ? ` (${shown})` : ""}  ${seconds(elapsedMs)}`;
    const width = out.columns ?? 120;
    return text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text;
  };
  const draw = (final = false) => {
    pending = false;
    if (!current) return;
    // Between events the run goes on: age the last snapshot's elapsed time.
    const elapsed = final ? current.info.duration_ms : current.info.duration_ms + (clock.now() - current.at);
    out.write(`\r\x1b[2K${line(current.step, current.info, elapsed)}`);
  };
  const stopTicker = () => {
    if (ticker !== undefined) clock.clearInterval(ticker);
    ticker = undefined;
  };

  return {
    onEvent(step, event) {
      const names = running.get(step) ?? new Set<string>();
      running.set(step, names);
      if (event.type === "started") names.add(event.name);
      else if (event.type !== "retrying" && event.type !== "progress" && event.type !== "late" && event.type !== "finished") names.delete(event.name);
      current = { step, info: event.info, at: clock.now() };
      if (event.type === "finished") {
        stopTicker();
        running.delete(step);
        draw(true);
        out.write(event.outcome === "succeeded" ? "\n" : "  FAILED\n");
        current = undefined;
        return;
      }
      if (ticker === undefined) {
        ticker = clock.setInterval(() => draw(), FRAME_MS);
        // The first frame right after the current burst of same-tick events.
        pending = true;
        clock.setImmediate(() => pending && draw());
      }
    },
    close() {
      stopTicker();
      if (current) {
        draw();
        out.write("\n");
        current = undefined;
      }
    },
  };
}

/**
 * The reporter for a `--progress` style: `bar` draws a live line on `out`, `ndjson` writes one
 * JSON object per event, `none` shows nothing, and `auto` is `bar` on a terminal, else `none`.
 */
export function createProgressReporter(style: ProgressStyle, out: Writable): ProgressReporter {
  const effective = style === "auto" ? (out.isTTY ? "bar" : "none") : style;
  if (effective === "ndjson") return ndjsonReporter(out);
  if (effective === "bar") return barReporter(out);
  return { onEvent() {}, close() {} };
}
