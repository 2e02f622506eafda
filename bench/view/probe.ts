/**
 * What the benchmark records inside the page: every animation frame's time and the main thread's
 * long tasks (over 50 ms, as the browser reports them), from before the page's own script runs.
 * The frame loop asks for a frame every frame, so the gaps between frames show how long the main
 * thread was unavailable, whether or not the page itself had something to draw.
 */
import type { Page } from "playwright-core";

/** Installed with `page.addInitScript`, so it runs before the page's script. */
export const PROBE_SCRIPT = `
window.__probe = { frames: [], longTasks: [] };
(function frame(t) { window.__probe.frames.push(t); requestAnimationFrame(frame); })(performance.now());
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__probe.longTasks.push({ start: entry.startTime, duration: entry.duration });
}).observe({ type: "longtask", buffered: true });
`;

/** The page's frames and long tasks between two of its clock readings. */
export interface PageWindow {
  readonly ms: number;
  readonly frames: number;
  readonly fps: number;
  /** The longest time between two consecutive frames. */
  readonly longestGapMs: number;
  readonly longTasks: number;
  readonly longestTaskMs: number;
  /** Main-thread time in long tasks beyond their first 50 ms (the browser's Total Blocking Time). */
  readonly blockingMs: number;
}

/** Bytes the page fetched after its own document (its run record and event stream), as the browser's resource timing counts them. */
export function bytesFetched(page: Page): Promise<number> {
  return page.evaluate(() => performance.getEntriesByType("resource").reduce((sum, entry) => sum + ((entry as unknown as { transferSize?: number }).transferSize ?? 0), 0));
}

/** The page's clock now (its `performance.now()`). */
export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Frames and long tasks recorded in the page between `from` and `to` (page clock readings). */
export async function windowOf(page: Page, from: number, to: number): Promise<PageWindow> {
  const { frames, longTasks } = await page.evaluate(() => (globalThis as unknown as { __probe: { frames: number[]; longTasks: { start: number; duration: number }[] } }).__probe);
  const inside = frames.filter((t) => t >= from && t <= to);
  let longestGapMs = 0;
  for (let i = 1; i < inside.length; i++) longestGapMs = Math.max(longestGapMs, inside[i]! - inside[i - 1]!);
  const tasks = longTasks.filter((task) => task.start + task.duration >= from && task.start <= to);
  const ms = to - from;
  return {
    ms,
    frames: inside.length,
    fps: (inside.length * 1000) / ms,
    longestGapMs,
    longTasks: tasks.length,
    longestTaskMs: Math.max(0, ...tasks.map((task) => task.duration)),
    blockingMs: tasks.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0),
  };
}
