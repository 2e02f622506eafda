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

/** One status line per container, redrawn in place at most every 100 ms. */
function barReporter(out: Writable, now: () => number = () => performance.now()): ProgressReporter {
  const running = new Map<string, Set<string>>();
  let current: { step: string; info: ExecutionInfo } | undefined;
  let lastDraw = -Infinity;
  let dirty = false;

  const line = (step: string, info: ExecutionInfo) => {
    const names = [...(running.get(step) ?? [])];
    const shown = names.slice(0, 3).join(", ") + (names.length > 3 ? `, +${names.length - 3}` : "");
    const failures = info.failed > 0 ? `  ✗ ${info.failed}` : "";
    const text = `${step} ${bar(info)} ${info.completed + info.failed}/${info.total}  ✓ ${info.completed}${failures}  running ${info.running}${shown ? ` (${shown})` : ""}  ${seconds(info.duration_ms)}`;
    const width = out.columns ?? 120;
    return text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text;
  };
  const draw = () => {
    if (!current) return;
    out.write(`\r\x1b[2K${line(current.step, current.info)}`);
    lastDraw = now();
    dirty = false;
  };

  return {
    onEvent(step, event) {
      const names = running.get(step) ?? new Set<string>();
      running.set(step, names);
      if (event.type === "started") names.add(event.name);
      else if (event.type !== "retrying" && event.type !== "progress" && event.type !== "late" && event.type !== "finished") names.delete(event.name);
      current = { step, info: event.info };
      dirty = true;
      if (event.type === "finished") {
        running.delete(step);
        draw();
        out.write(event.outcome === "succeeded" ? "\n" : "  FAILED\n");
        current = undefined;
      } else if (now() - lastDraw >= 100) draw();
    },
    close() {
      if (dirty) {
        draw();
        out.write("\n");
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
