import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Context, createContext } from "../../src/blok/index.js";
import { CowSpace } from "../../src/node/isolation/copyOnWrite.js";
import { isolateContext } from "../../src/node/isolation/isolateContext.js";
import { silentLogger } from "../blok/support.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read at arbitrary depths
type Any = any;

/** An array whose every own-property access is counted: what a read costs on the original. */
function countedArray(length: number) {
  const ops = { count: 0 };
  const array = Array.from({ length }, (_, index) => index);
  const counted = new Proxy(array, {
    get: (target, key, receiver) => (ops.count++, Reflect.get(target, key, receiver)),
    getOwnPropertyDescriptor: (target, key) => (ops.count++, Reflect.getOwnPropertyDescriptor(target, key)),
    has: (target, key) => (ops.count++, Reflect.has(target, key)),
    ownKeys: (target) => (ops.count++, Reflect.ownKeys(target)),
  });
  return { counted, ops };
}

/** The context of a child `depth` containers deep, each level built as a container builds its children's. */
function nestedContext(root: Context, depth: number): Context {
  let ctx = root;
  for (let level = 0; level < depth; level++) ctx = isolateContext(ctx, new CowSpace(), { stepName: `level${level}`, signal: new AbortController().signal });
  return ctx;
}

function rootContext(data: unknown): Context {
  const ctx = createContext({ config: {}, body: {}, logger: silentLogger(), workflowName: "wf" });
  ctx.vars = { data };
  return ctx;
}

describe("nested containers: a view of a view costs what one view costs", () => {
  it("reading an element through 16 nested child contexts touches the original as often as through one", () => {
    const perElement = (depth: number) => {
      const { counted, ops } = countedArray(100);
      const data = (nestedContext(rootContext(counted), depth).vars as Any).data;
      ops.count = 0;
      let sum = 0;
      for (let index = 0; index < 100; index++) sum += data[index];
      expect(sum).toBe(4950);
      return ops.count / 100;
    };
    const one = perElement(1);
    expect(one).toBeLessThanOrEqual(2);
    // Today's views wrap the enclosing view: every level's trap (and V8's invariant check of it)
    // reaches the level below, so the work doubles per level.
    expect(perElement(2)).toBe(one);
    expect(perElement(8)).toBe(one);
    expect(perElement(16)).toBe(one);
  });

  it("nests just as well when a node built its own context from a child's (`{ ...ctx }` drops the non-enumerable mark)", () => {
    const { counted, ops } = countedArray(10);
    const child = nestedContext(rootContext(counted), 1);
    const copy = { ...child } as Context;
    const space = new CowSpace();
    const nested = isolateContext(copy, space, { stepName: "nested", signal: new AbortController().signal }) as Any;
    expect(space.depth).toBe(1);
    const data = nested.vars.data;
    ops.count = 0;
    void data[3];
    expect(ops.count).toBeLessThanOrEqual(2);
  });
});

type Op = { kind: "set"; path: string[]; value: unknown } | { kind: "delete"; path: string[] } | { kind: "push"; path: string[]; value: number };

/** Applies `op` to `target` (a view or a plain reference copy) the same way. */
function apply(target: Any, op: Op): void {
  let parent = target;
  for (const key of op.path.slice(0, -1)) {
    parent = typeof parent[key] === "object" && parent[key] !== null ? parent[key] : undefined;
    if (parent === undefined) return;
  }
  const last = op.path.at(-1) as string;
  // A named property on an array is not data a copy keeps (a written array is copied with slice()).
  if (Array.isArray(parent) && op.kind === "set") return;
  if (op.kind === "set") parent[last] = structuredClone(op.value);
  else if (op.kind === "delete") delete parent[last];
  else if (Array.isArray(parent[last])) parent[last].push(op.value);
}

describe("nested spaces (CowSpace.nestIn): the isolation guarantees of one level hold at every level", () => {
  it("a nested child sees its parent's earlier writes; its own writes reach neither the parent, a sibling nor the original (property)", () => {
    const path = fc.array(fc.constantFrom("a", "b", "c"), { minLength: 1, maxLength: 4 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant("set" as const), path, value: fc.jsonValue({ maxDepth: 2 }) }),
      fc.record({ kind: fc.constant("delete" as const), path }),
      fc.record({ kind: fc.constant("push" as const), path, value: fc.integer() }),
    );
    const tree = fc.dictionary(fc.constantFrom("a", "b", "c"), fc.jsonValue({ maxDepth: 3 }));
    const ops = fc.array(op, { maxLength: 8 });
    fc.assert(
      fc.property(tree, ops, ops, ops, (original, outerOps, innerOps, siblingOps) => {
        const before = structuredClone(original);
        const outerSpace = new CowSpace();
        const outer = outerSpace.view(original) as Any;
        const outerReference = structuredClone(original) as Any;
        for (const operation of outerOps) for (const target of [outer, outerReference]) apply(target, operation);
        const outerBefore = JSON.stringify(outer);

        const children = [innerOps, siblingOps].map((childOps) => {
          const space = new CowSpace();
          space.nestIn(outerSpace);
          const view = space.view(outer) as Any;
          const reference = structuredClone(outerReference) as Any;
          for (const operation of childOps) for (const target of [view, reference]) apply(target, operation);
          return { space, view, reference };
        });
        for (const { space, view, reference } of children) {
          expect(JSON.parse(JSON.stringify(view))).toEqual(JSON.parse(JSON.stringify(reference)));
          // What the nested child hands back is the outer child's data; the outer space makes it plain.
          expect(outerSpace.materialize(space.materialize(view))).toEqual(reference);
        }
        expect(JSON.stringify(outer)).toBe(outerBefore);
        expect(outerSpace.materialize(outer)).toEqual(outerReference);
        expect(original).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });

  it("reads through three levels: each sees the writes of the levels around it, made before it started, and only those", () => {
    const original: Any = { vars: { a: { n: 0 }, list: [1], when: new Date(0), lookup: new Map([["k", { x: 1 }]]) } };
    const first = new CowSpace();
    const one = first.view(original);
    one.vars.a.n = 1;
    one.vars.when.setTime(1000);
    one.vars.lookup.get("k").x = 2;
    const second = new CowSpace();
    second.nestIn(first);
    const two = second.view(one);
    expect(two.vars.a.n).toBe(1);
    two.vars.list.push(2);
    const third = new CowSpace();
    third.nestIn(second);
    const three = third.view(two);
    expect(three.vars.a.n).toBe(1);
    expect(three.vars.list).toEqual([1, 2]);
    expect(three.vars.when.getTime()).toBe(1000);
    expect(three.vars.lookup.get("k").x).toBe(2);
    three.vars.a.n = 3;
    three.vars.when.setTime(3000);
    three.vars.lookup.get("k").x = 3;
    three.vars.list.length = 0;
    expect([two.vars.a.n, two.vars.when.getTime(), two.vars.lookup.get("k").x, two.vars.list]).toEqual([1, 1000, 2, [1, 2]]);
    expect([one.vars.a.n, one.vars.list]).toEqual([1, [1]]);
    expect([original.vars.a.n, original.vars.when.getTime(), original.vars.lookup.get("k").x, original.vars.list]).toEqual([0, 0, 1, [1]]);
  });

  it("keeps aliases made by an enclosing child: a nested write through one path shows through the other", () => {
    const original: Any = { vars: { a: { n: 0 } } };
    const outerSpace = new CowSpace();
    const outer = outerSpace.view(original);
    outer.vars.b = outer.vars.a;
    const space = new CowSpace();
    space.nestIn(outerSpace);
    const inner = space.view(outer);
    expect(inner.vars.b).toBe(inner.vars.a);
    inner.vars.b.n = 5;
    expect(inner.vars.a.n).toBe(5);
    expect(outer.vars.a.n).toBe(0);
    const plain = outerSpace.materialize(space.materialize(inner));
    expect(plain.vars.a).toBe(plain.vars.b);
    expect(plain.vars.a.n).toBe(5);
  });

  it("isolates an enclosing child's view stored by the nested child: read back, it is the nested child's own view", () => {
    const original: Any = { vars: { a: { n: 0 } } };
    const outerSpace = new CowSpace();
    const outer = outerSpace.view(original);
    const space = new CowSpace();
    space.nestIn(outerSpace);
    const inner = space.view(outer);
    inner.vars.stored = outer.vars.a;
    expect(inner.vars.stored).toBe(inner.vars.a);
    inner.vars.stored.n = 5;
    expect(outer.vars.a.n).toBe(0);
    expect(original.vars.a.n).toBe(0);
  });

  it("hands back untouched data as the enclosing child's views: writing the result later does not reach the original", () => {
    const original: Any = { vars: { a: { n: 0 } } };
    const outerSpace = new CowSpace();
    const outer = outerSpace.view(original);
    const space = new CowSpace();
    space.nestIn(outerSpace);
    const result = space.materialize(space.view(outer).vars.a);
    expect(CowSpace.spaceOf(result)).toBe(outerSpace);
    result.n = 9;
    expect(original.vars.a.n).toBe(0);
    expect(outer.vars.a.n).toBe(9);
  });

  it("reports the same original for a view at any depth, and refuses to nest a space that already handed out views", () => {
    const original: Any = { vars: { a: {} } };
    const outerSpace = new CowSpace();
    const outer = outerSpace.view(original);
    const space = new CowSpace();
    space.nestIn(outerSpace);
    expect(CowSpace.originalOf(space.view(outer).vars.a)).toBe(original.vars.a);
    expect(CowSpace.originalOf(outer.vars.a)).toBe(original.vars.a);
    expect(space.depth).toBe(1);
    const late = new CowSpace();
    late.view(original);
    expect(() => late.nestIn(outerSpace)).toThrow("before the space hands out any view");
  });
});
