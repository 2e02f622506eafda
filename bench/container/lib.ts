/**
 * Shared kit of the container benchmark's case processes: forced GC, heap and RSS probes, medians,
 * the datasets, and the one result line every case prints. Each case runs in its own
 * `node --expose-gc --import tsx` process (see run.ts), so one case's heap never leaks into another's.
 */
import v8 from "node:v8";

const gc = (globalThis as { gc?: () => void }).gc;

/** Full GC twice (the second one collects what the first one's finalizers freed). */
export function collect(): void {
  if (!gc) throw new Error("run with node --expose-gc");
  gc();
  gc();
}

/** V8's used heap, bytes (cheap enough to call from inside the children). */
export function heapUsed(): number {
  return v8.getHeapStatistics().used_heap_size;
}

/**
 * How much V8 lets the program allocate in the young generation before it scavenges (one
 * semi-space; V8 grows it while objects survive, up to 16 MB by default on 64-bit). Garbage up to
 * this much is normal between two scavenges; measure it right after a full GC, when it is empty.
 */
export function youngCapacity(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === "new_space")?.space_available_size ?? Number.NaN;
}

/** The kernel's RSS high-water mark of this process so far, bytes. */
export function maxRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Peak of the used heap (and of RSS) seen by `sample()`: called from the children themselves and
 * from a timer, because a run of microtask-only children may never let a timer fire.
 */
export class PeakProbe {
  heapPeak = 0;
  rssPeak = 0;
  private timer: NodeJS.Timeout | undefined;

  sample = (): void => {
    const used = heapUsed();
    if (used > this.heapPeak) this.heapPeak = used;
  };

  /** Heap and RSS together (RSS is a syscall, so only the timer does it). */
  private sampleBoth = (): void => {
    this.sample();
    const rss = process.memoryUsage.rss();
    if (rss > this.rssPeak) this.rssPeak = rss;
  };

  start(everyMs: number): void {
    this.heapPeak = heapUsed();
    this.rssPeak = process.memoryUsage.rss();
    this.timer = setInterval(this.sampleBoth, everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sampleBoth();
  }
}

export { median } from "../stats.js";

/** Parses the single JSON argument a case process is started with. */
export function caseArgs<A>(): A {
  const raw = process.argv[2];
  if (!raw) throw new Error("missing case argument (JSON)");
  return JSON.parse(raw) as A;
}

/** Prints the line the orchestrator reads (the last `@@RESULT` line of stdout). */
export function emit(result: unknown): void {
  process.stdout.write(`\n@@RESULT ${JSON.stringify(result)}\n`);
}

const REGIONS = ["north", "south", "east", "west", "central"];
const PRODUCTS = ["anvil", "bolt", "crate", "drill", "easel", "funnel", "gear", "hinge", "ingot", "jack"];

/** One sales-like record, shaped like the examples' generate-sales output (a unique note string each). */
export interface SalesRecord {
  id: number;
  region: string;
  product: string;
  quantity: number;
  unit_price: number;
  note: string;
}

/**
 * Records until their JSON text reaches `bytes`: the "10 MB dataset" of the context (its heap size
 * is measured, not assumed, by the cases).
 */
export function salesRecords(bytes: number): SalesRecord[] {
  const out: SalesRecord[] = [];
  let size = 2;
  for (let id = 0; size < bytes; id++) {
    const record: SalesRecord = {
      id,
      region: REGIONS[id % REGIONS.length]!,
      product: PRODUCTS[(id * 7) % PRODUCTS.length]!,
      quantity: 1 + (id % 20),
      unit_price: Math.round((5 + ((id * 7919) % 49500) / 100) * 100) / 100,
      note: `order ${id} ${REGIONS[(id * 3) % REGIONS.length]} bulk`,
    };
    size += JSON.stringify(record).length + 1;
    out.push(record);
  }
  return out;
}

/** Map mode's small items: `{ id, v }` objects (or plain numbers). */
export type ItemShape = "object" | "number";

export function mapItems(n: number, shape: ItemShape): unknown[] {
  return shape === "object" ? Array.from({ length: n }, (_, i) => ({ id: i, v: i % 100 })) : Array.from({ length: n }, (_, i) => i % 100);
}

/** How many batches of map mode's second run stop for a full GC (evenly spaced, one of them half-way). */
export const LIVE_POINTS = 10;

/** What the batch node returns for a batch: the sum of its values. */
export function batchSum(batch: readonly unknown[]): number {
  let sum = 0;
  for (const item of batch) sum += typeof item === "number" ? item : (item as { v: number }).v;
  return sum;
}
