import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { ThreadSlots } from "../../../src/runtimes/worker/ThreadSlots.js";

describe("ThreadSlots", () => {
  it("ThreadSlots.acquire() admits up to size at once, then first come first served", async () => {
    const slots = new ThreadSlots(2);
    expect(await Promise.all([slots.acquire(), slots.acquire()])).toEqual(["admitted", "admitted"]);
    const order: string[] = [];
    const third = slots.acquire().then((o) => order.push(`third:${o}`));
    const fourth = slots.acquire().then((o) => order.push(`fourth:${o}`));
    expect(slots.waiting).toBe(2);
    slots.release();
    await third;
    slots.release();
    await fourth;
    expect(order).toEqual(["third:admitted", "fourth:admitted"]);
    expect(slots.waiting).toBe(0);
  });

  it("ThreadSlots.acquire() leaves the line when its signal fires, and removes its listener", async () => {
    const slots = new ThreadSlots(1);
    await slots.acquire();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    expect(await waiting).toBe("aborted");
    expect(slots.waiting).toBe(0);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    // The slot is still held by the first caller; releasing it frees it for the next one.
    slots.release();
    expect(await slots.acquire()).toBe("admitted");
  });

  it("ThreadSlots.acquire() removes its listener when admitted after waiting", async () => {
    const slots = new ThreadSlots(1);
    await slots.acquire();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    slots.release();
    expect(await waiting).toBe("admitted");
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("ThreadSlots.acquire() reports an already aborted signal without taking a slot", async () => {
    const slots = new ThreadSlots(1);
    expect(await slots.acquire(AbortSignal.abort())).toBe("aborted");
    expect(await slots.acquire()).toBe("admitted");
  });

  it("ThreadSlots.close() ends every wait and every later acquire with closed", async () => {
    const slots = new ThreadSlots(1);
    await slots.acquire();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    slots.close();
    expect(await waiting).toBe("closed");
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    expect(await slots.acquire()).toBe("closed");
  });
});
