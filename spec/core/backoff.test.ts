/** retryDelay(): exponential backoff, capped, then reduced by jitter from an injectable random source. */
import { describe, expect, it } from "vitest";
import { type RetryPolicy, retryDelay } from "../../src/core/index.js";

const policy = (extra: Partial<RetryPolicy> = {}): RetryPolicy => ({ attempts: 5, delay_ms: 100, backoff_factor: 2, max_delay_ms: 30_000, jitter: 0, ...extra });

describe("retryDelay()", () => {
  it("retryDelay() grows by backoff_factor from delay_ms for each retry (1-based)", () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(policy(), n))).toEqual([100, 200, 400, 800]);
    expect([1, 2, 3].map((n) => retryDelay(policy({ backoff_factor: 1.5, delay_ms: 10 }), n))).toEqual([10, 15, 23]);
  });

  it("retryDelay() is constant with backoff_factor 1 and zero with delay_ms 0", () => {
    expect([1, 5, 10].map((n) => retryDelay(policy({ backoff_factor: 1 }), n))).toEqual([100, 100, 100]);
    expect(retryDelay(policy({ delay_ms: 0 }), 3)).toBe(0);
  });

  it("retryDelay() caps the delay at max_delay_ms", () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(policy({ max_delay_ms: 300 }), n))).toEqual([100, 200, 300, 300]);
    expect(retryDelay(policy({ max_delay_ms: 0 }), 1)).toBe(0);
    // Huge exponents stay finite thanks to the cap.
    expect(retryDelay(policy({ backoff_factor: 100, max_delay_ms: 1000 }), 100)).toBe(1000);
  });

  it("retryDelay() takes up to `jitter` of the capped delay off, scaled by random()", () => {
    const p = policy({ jitter: 0.5, max_delay_ms: 300 });
    expect(retryDelay(p, 1, () => 0)).toBe(100);
    expect(retryDelay(p, 1, () => 0.5)).toBe(75);
    expect(retryDelay(p, 1, () => 0.999)).toBe(50);
    // Jitter applies after the cap.
    expect(retryDelay(p, 4, () => 0.5)).toBe(225);
  });

  it("retryDelay() with jitter 1 can go down to 0 but never below", () => {
    expect(retryDelay(policy({ jitter: 1 }), 1, () => 0.9999)).toBe(0);
  });

  it("retryDelay() returns whole milliseconds", () => {
    for (let n = 1; n <= 6; n++) expect(Number.isInteger(retryDelay(policy({ delay_ms: 7, backoff_factor: 1.3, jitter: 0.37 }), n, () => 0.41))).toBe(true);
  });

  it("retryDelay() uses Math.random when no source is given (within the jitter range)", () => {
    for (let i = 0; i < 50; i++) {
      const delay = retryDelay(policy({ jitter: 0.2 }), 1);
      expect(delay).toBeGreaterThanOrEqual(80);
      expect(delay).toBeLessThanOrEqual(100);
    }
  });
});
