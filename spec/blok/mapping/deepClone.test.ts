import { describe, expect, it } from "vitest";
import { deepClone, deepCloneSlice } from "../../../src/blok/index.js";

describe("deepClone()", () => {
  it("copies nested objects and arrays independently", () => {
    const original = { a: { b: [1, { c: 2 }] } };
    const copy = deepClone(original);
    expect(copy).toEqual(original);
    (copy.a.b[1] as { c: number }).c = 3;
    expect((original.a.b[1] as { c: number }).c).toBe(2);
  });

  it("keeps class instances' prototypes so their methods still work", () => {
    class Counter {
      count = 1;
      next() {
        return this.count + 1;
      }
    }
    const copy = deepClone({ counter: new Counter() });
    expect(copy.counter).toBeInstanceOf(Counter);
    expect(copy.counter.next()).toBe(2);
  });

  it("keeps functions, errors, promises and abort signals by reference", () => {
    const fn = () => 1;
    const error = new Error("e");
    const promise = Promise.resolve(1);
    const signal = new AbortController().signal;
    const copy = deepClone({ fn, error, promise, signal });
    expect(copy.fn).toBe(fn);
    expect(copy.error).toBe(error);
    expect(copy.promise).toBe(promise);
    expect(copy.signal).toBe(signal);
  });

  it("preserves cycles and shared references", () => {
    const shared = { n: 1 };
    const original: Record<string, unknown> = { first: shared, second: shared };
    original.self = original;
    const copy = deepClone(original);
    expect(copy.self).toBe(copy);
    expect(copy.first).toBe(copy.second);
    expect(copy.first).not.toBe(shared);
  });

  it("copies Date, RegExp, Map, Set, typed arrays and Buffers", () => {
    const original = {
      date: new Date(5),
      regexp: /a+/gi,
      map: new Map([["k", { v: 1 }]]),
      set: new Set([{ s: 1 }]),
      bytes: new Uint8Array([1, 2]),
      buffer: Buffer.from("ab"),
    };
    const copy = deepClone(original);
    expect(copy).toEqual(original);
    copy.date.setTime(6);
    (copy.map.get("k") as { v: number }).v = 2;
    copy.bytes[0] = 9;
    copy.buffer[0] = 0x7a;
    expect(original.date.getTime()).toBe(5);
    expect(original.map.get("k")).toEqual({ v: 1 });
    expect(original.bytes[0]).toBe(1);
    expect(original.buffer.toString()).toBe("ab");
    expect(copy.regexp).not.toBe(original.regexp);
    expect(copy.regexp.flags).toBe("gi");
    expect([...copy.set][0]).not.toBe([...original.set][0]);
  });

  it("copies enumerable symbol keys", () => {
    const key = Symbol("k");
    const copy = deepClone({ [key]: { v: 1 } });
    expect(copy[key]).toEqual({ v: 1 });
  });

  it("copies plain objects with their own keys only, even when Object.prototype has an enumerable one", () => {
    const original = { a: { b: 1 } };
    Object.defineProperty(Object.prototype, "polluted", { value: { x: 1 }, enumerable: true, configurable: true, writable: true });
    try {
      const copy = deepClone(original);
      expect(Object.keys(copy)).toEqual(["a"]);
      expect(Object.hasOwn(copy, "polluted")).toBe(false);
      expect(copy.a).not.toBe(original.a);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });
});

describe("deepCloneSlice()", () => {
  it("copies a range of primitives as a new array", () => {
    const items = [1, 2, 3, 4, 5];
    const batch = deepCloneSlice(items, 1, 4);
    expect(batch).toEqual([2, 3, 4]);
    batch[0] = 0;
    expect(items).toEqual([1, 2, 3, 4, 5]);
    expect(deepCloneSlice(items, 4, 10)).toEqual([5]);
  });

  it("copies the range's objects deeply, keeping references shared among them", () => {
    const shared = { n: 1 };
    const items = [{ a: 0 }, shared, [shared], "s"];
    const batch = deepCloneSlice(items, 1, 4) as [typeof shared, (typeof shared)[], string];
    expect(batch).toEqual([{ n: 1 }, [{ n: 1 }], "s"]);
    expect(batch[0]).not.toBe(shared);
    expect(batch[1][0]).toBe(batch[0]);
    batch[0].n = 2;
    expect(shared.n).toBe(1);
  });
});
