/** Small statistics helpers for the worker benchmarks. */

/** The q-quantile (0..1) of `samples`, nearest-rank. */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

/** Milliseconds, rounded for tables. */
export const ms = (value: number): string => value.toFixed(value < 10 ? 3 : 1);
