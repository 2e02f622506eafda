import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CowSpace } from "../../src/node/isolation/copyOnWrite.js";

// biome-ignore lint/suspicious/noExplicitAny: tests poke at arbitrary depths
type Any = any;

function sample(): Any {
  return {
    n: 1,
    text: "t",
    nested: { deep: { value: 1, list: [3, 1, 2] }, sibling: { untouched: true } },
    list: [{ id: 1 }, { id: 2 }],
    empty: {},
    when: new Date(0),
    lookup: new Map<string, Any>([["k", { x: 1 }]]),
    tags: new Set<Any>(["a"]),
    bytes: new Uint8Array([1, 2, 3]),
  };
}

/** Structural snapshot that also covers Map, Set, Date and typed arrays. */
function snapshot(value: unknown): unknown {
  return structuredClone(value);
}

describe("CowSpace views: writes never reach the original nor a sibling space", () => {
  const writes: [string, (view: Any) => void][] = [
    ["set at the top", (v) => (v.n = 2)],
    ["set at depth 3", (v) => (v.nested.deep.value = 99)],
    ["add a key at depth 2", (v) => (v.nested.added = { fresh: true })],
    ["delete at depth 2", (v) => delete v.nested.sibling],
    ["delete at the top", (v) => delete v.list],
    ["push on a nested array", (v) => v.nested.deep.list.push(4)],
    ["splice an array", (v) => v.list.splice(0, 1)],
    ["sort a nested array in place", (v) => v.nested.deep.list.sort()],
    ["reverse an array of objects", (v) => v.list.reverse()],
    ["set an array's length", (v) => (v.nested.deep.list.length = 0)],
    ["write into an array element object", (v) => (v.list[1].id = 20)],
    ["Object.assign at depth", (v) => Object.assign(v.nested.deep, { value: 5, more: 6 })],
    ["defineProperty", (v) => Object.defineProperty(v.nested, "defined", { value: 1, enumerable: true, configurable: true, writable: true })],
    ["defineProperty over an existing key", (v) => Object.defineProperty(v.nested.deep, "value", { value: 7 })],
    ["replace a subtree, then write into the old one", (v) => {
      const old = v.nested.deep;
      v.nested = { replaced: true };
      old.value = 42;
    }],
    ["Date mutation", (v) => v.when.setFullYear(2000)],
    ["Map set and delete", (v) => {
      v.lookup.set("k2", 1);
      v.lookup.delete("k");
    }],
    ["write into an object held by a Map", (v) => (v.lookup.get("k").x = 2)],
    ["Set add", (v) => v.tags.add("b")],
    ["typed array write", (v) => (v.bytes[0] = 9)],
    ["write into the empty object", (v) => (v.empty.now = "full")],
  ];

  it.each(writes)("%s", (_label, write) => {
    const original = sample();
    const before = snapshot(original) as Any;
    const mine = new CowSpace().view(original);
    const siblingSpace = new CowSpace();
    const sibling = siblingSpace.view(original);
    void sibling.nested.deep.value;
    write(mine);
    expect(snapshot(original)).toEqual(before);
    expect(snapshot(siblingSpace.materialize(sibling))).toEqual(before);
    expect(sibling.nested.deep.value).toBe(1);
    expect(JSON.parse(JSON.stringify(sibling.list))).toEqual(before.list);
    expect(sibling.lookup.get("k")).toEqual({ x: 1 });
    expect(sibling.when.getTime()).toBe(0);
    expect([...sibling.tags]).toEqual(["a"]);
  });

  it("any sequence of writes at any depth leaves the original as it was (property)", () => {
    const path = fc.array(fc.constantFrom("a", "b", "c"), { minLength: 1, maxLength: 4 });
    const op = fc.oneof(
      fc.record({ kind: fc.constant("set" as const), path, value: fc.jsonValue({ maxDepth: 2 }) }),
      fc.record({ kind: fc.constant("delete" as const), path }),
      fc.record({ kind: fc.constant("push" as const), path, value: fc.integer() }),
    );
    const tree = fc.dictionary(fc.constantFrom("a", "b", "c"), fc.jsonValue({ maxDepth: 3 }));
    fc.assert(
      fc.property(tree, fc.array(op, { maxLength: 12 }), (original, ops) => {
        const before = snapshot(original);
        const space = new CowSpace();
        const view = space.view(original) as Any;
        // The same operations on a deep copy are the reference for what the view must show.
        const reference = structuredClone(original) as Any;
        for (const operation of ops) {
          for (const target of [view, reference]) {
            let parent = target;
            for (const key of operation.path.slice(0, -1)) {
              if (typeof parent[key] !== "object" || parent[key] === null) parent = undefined;
              else parent = parent[key];
              if (parent === undefined) break;
            }
            if (parent === undefined || typeof parent !== "object" || parent === null) continue;
            const last = operation.path.at(-1) as string;
            if (operation.kind === "set") parent[last] = structuredClone(operation.value);
            else if (operation.kind === "delete") delete parent[last];
            else if (Array.isArray(parent[last])) parent[last].push(operation.value);
          }
        }
        expect(snapshot(original)).toEqual(before);
        expect(JSON.parse(JSON.stringify(view))).toEqual(JSON.parse(JSON.stringify(reference)));
        expect(space.materialize(view)).toEqual(reference);
      }),
      { numRuns: 300 },
    );
  });
});

describe("CowSpace views: reads", () => {
  it("see the space's own writes at every depth, and each space only its own", () => {
    const original = sample();
    const first = new CowSpace().view(original);
    const second = new CowSpace().view(original);
    first.nested.deep.value = "first";
    second.nested.deep.value = "second";
    first.list.push({ id: 3 });
    expect(first.nested.deep.value).toBe("first");
    expect(second.nested.deep.value).toBe("second");
    expect(first.list.map((item: Any) => item.id)).toEqual([1, 2, 3]);
    expect(second.list).toHaveLength(2);
    expect(Object.keys(first.nested)).toEqual(["deep", "sibling"]);
    expect("deep" in first.nested).toBe(true);
    delete first.nested.sibling;
    expect("sibling" in first.nested).toBe(false);
    expect(Object.keys(first.nested)).toEqual(["deep"]);
    expect(JSON.parse(JSON.stringify(first.nested))).toEqual({ deep: { value: "first", list: [3, 1, 2] } });
    expect(Array.isArray(first.list)).toBe(true);
  });

  it("hand out the same view for the same object (identity within a space)", () => {
    const original = sample();
    const space = new CowSpace();
    const view = space.view(original);
    expect(view.nested).toBe(view.nested);
    expect(space.view(original)).toBe(view);
    expect(space.view(view)).toBe(view);
    expect(view.lookup).toBe(view.lookup);
    expect(new CowSpace().view(original)).not.toBe(view);
  });

  it("keep the child's own objects as they are (never wrapped)", () => {
    const space = new CowSpace();
    const view = space.view(sample());
    const mine = { own: [1] };
    view.nested.mine = mine;
    expect(view.nested.mine).toBe(mine);
    mine.own.push(2);
    expect(view.nested.mine.own).toEqual([1, 2]);
  });

  it("read an object written by one space and read by a nested one consistently before and after the nested space writes (nested containers)", () => {
    const original: Any = { vars: { a: { b: 1 } } };
    const outer = new CowSpace().view(original);
    outer.vars.a.b = 2;
    const inner = new CowSpace().view(outer);
    expect(inner.vars.a.b).toBe(2);
    (inner.vars as Any).unrelated = true;
    expect(inner.vars.a.b).toBe(2);
    inner.vars.a.b = 3;
    expect(inner.vars.a.b).toBe(3);
    expect(outer.vars.a.b).toBe(2);
    expect(original.vars.a.b).toBe(1);
  });

  it("report views, not originals, through property descriptors", () => {
    const original = sample();
    const view = new CowSpace().view(original);
    const descriptor = Object.getOwnPropertyDescriptor(view.nested, "deep") as PropertyDescriptor;
    descriptor.value.value = "through a descriptor";
    Object.getOwnPropertyDescriptors(view).list?.value.push("x");
    expect(original.nested.deep.value).toBe(1);
    expect(original.list).toHaveLength(2);
  });
});

describe("CowSpace: values that are not wrapped", () => {
  it("copies Date, Map, Set and typed arrays on first read (their state lives in internal slots)", () => {
    const original = sample();
    const view = new CowSpace().view(original);
    expect(view.when).not.toBe(original.when);
    expect(view.when).toBeInstanceOf(Date);
    expect(view.lookup).toBeInstanceOf(Map);
    expect(view.lookup).not.toBe(original.lookup);
    expect(view.tags).not.toBe(original.tags);
    expect(view.bytes).not.toBe(original.bytes);
    expect([...view.bytes]).toEqual([1, 2, 3]);
  });

  it("keeps Map keys and Set members consistent with the views handed out elsewhere in the space", () => {
    const shared = { id: 1 };
    const original = { list: [shared], bySet: new Set([shared]), byMap: new Map([[shared, "one"]]) };
    const view = new CowSpace().view(original);
    const seen = view.list[0];
    expect(view.bySet.has(seen)).toBe(true);
    expect(view.byMap.get(seen)).toBe("one");
    for (const member of view.bySet) member.id = 2;
    expect(shared.id).toBe(1);
  });

  it("shares class instances and frozen objects as they are", () => {
    class Service {
      calls = 0;
      call() {
        this.calls++;
      }
    }
    const service = new Service();
    const frozen = Object.freeze({ deep: Object.freeze({ n: 1 }) });
    const fn = () => 1;
    const original = { service, frozen, fn };
    const view = new CowSpace().view(original);
    expect(view.service).toBe(service);
    expect(view.frozen).toBe(frozen);
    expect(view.fn).toBe(fn);
    view.service.call();
    expect(service.calls).toBe(1);
  });

  it("returns primitives and a frozen root unchanged", () => {
    const space = new CowSpace();
    for (const value of [1, "s", null, undefined, true, 10n]) expect(space.view(value)).toBe(value);
    const frozen = Object.freeze({ a: 1 });
    expect(space.view(frozen)).toBe(frozen);
  });

  it("respects the proxy invariant for non-writable, non-configurable properties", () => {
    const fixed = { inner: 1 };
    const original = {};
    Object.defineProperty(original, "fixed", { value: fixed, enumerable: true, writable: false, configurable: false });
    const view = new CowSpace().view(original) as Any;
    expect(view.fixed).toBe(fixed);
    expect(Object.getOwnPropertyDescriptor(view, "fixed")?.value).toBe(fixed);
  });
});

describe("CowSpace.materialize()", () => {
  it("returns the originals for untouched subtrees (no copy)", () => {
    const original = sample();
    const space = new CowSpace();
    const view = space.view(original);
    void view.nested.deep.value;
    expect(space.materialize(view)).toBe(original);
    expect(space.materialize(view.nested)).toBe(original.nested);
  });

  it("copies only the written path; untouched siblings stay the originals", () => {
    const original = sample();
    const space = new CowSpace();
    const view = space.view(original);
    view.nested.deep.value = 2;
    const plain = space.materialize(view);
    expect(plain).not.toBe(original);
    expect(plain.nested).not.toBe(original.nested);
    expect(plain.nested.deep).toEqual({ value: 2, list: [3, 1, 2] });
    expect(plain.nested.sibling).toBe(original.nested.sibling);
    expect(plain.list).toBe(original.list);
  });

  it("gives structuredClone-able plain data, with no views left anywhere", () => {
    const original = sample();
    const space = new CowSpace();
    const view = space.view(original);
    view.list.sort((a: Any, b: Any) => b.id - a.id);
    view.nested.deep.list.push(4);
    view.result = { picked: view.nested.deep, first: view.list[0] };
    view.lookup.get("k").x = 5;
    view.tags.add(view.nested.sibling);
    const plain = space.materialize({ out: view, direct: view.nested });
    const cloned = structuredClone(plain);
    expect(cloned.out.list.map((item: Any) => item.id)).toEqual([2, 1]);
    expect(cloned.out.result.picked.list).toEqual([3, 1, 2, 4]);
    expect(cloned.out.lookup.get("k")).toEqual({ x: 5 });
    expect(cloned.direct.deep.list).toEqual([3, 1, 2, 4]);
    expect(original.lookup.get("k")).toEqual({ x: 1 });
  });

  it("keeps shared references and cycles", () => {
    const original: Any = { a: { n: 1 } };
    original.self = original;
    const space = new CowSpace();
    const view = space.view(original);
    view.a.n = 2;
    view.b = view.a;
    const plain = space.materialize(view);
    expect(plain.b).toBe(plain.a);
    expect(plain.self).toBe(plain);
    expect(plain.a.n).toBe(2);
  });

  it("returns plain data whose views came from a nested space as cloneable data", () => {
    const outerSpace = new CowSpace();
    const outer = outerSpace.view({ vars: { a: { b: 1 } } } as Any);
    const innerSpace = new CowSpace();
    const inner = innerSpace.view(outer);
    inner.vars.c = 1;
    expect(structuredClone(outerSpace.materialize(innerSpace.materialize(inner)))).toEqual({ vars: { a: { b: 1 }, c: 1 } });
  });
});
