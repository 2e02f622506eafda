import { describe, expect, it } from "vitest";
import { RecentCancels } from "../../../src/composition/queueWorker/recentCancels.js";

describe("RecentCancels: cancel requests for jobs a worker does not run yet", () => {
  it("answers once per request", () => {
    const cancels = new RecentCancels();
    cancels.add("j1");
    expect(cancels.take("j2")).toBe(false);
    expect(cancels.take("j1")).toBe(true);
    expect(cancels.take("j1")).toBe(false);
  });

  it("forgets a request after its time to live", () => {
    const clock = { ms: 1_000, now: () => clock.ms };
    const cancels = new RecentCancels({ ttlMs: 500, clock });
    cancels.add("early");
    cancels.add("late");
    clock.ms += 500;
    expect(cancels.take("early")).toBe(true);
    clock.ms += 1;
    expect(cancels.take("late")).toBe(false);
  });

  it("keeps at most `max` requests, the oldest out first", () => {
    const cancels = new RecentCancels({ max: 2 });
    cancels.add("a");
    cancels.add("b");
    cancels.add("c");
    expect([cancels.take("a"), cancels.take("b"), cancels.take("c")]).toEqual([false, true, true]);
  });
});
