import type { Context } from "../contracts/Context.js";
import { deepClone } from "./deepClone.js";
import { CONDITION_ENTRY, dataSlotsOf, type FirstPassRecord, isContainer, MappingPass, ROOT, type Role, roleOf } from "./mapper.js";

/** How {@link mapInputs} treats the parts of the config that no pass rewrites. */
export type InputsCopy =
  /** Deep copies, as Blok's `cloneDeep` gives every node run: the node may write its inputs freely. */
  | "copy"
  /** The config's own objects: for a node that never writes its inputs (see `NodeBase.inputsReadOnly`). */
  | "share";

const NOTHING_MAPPED: FirstPassRecord = new Map();

/**
 * Blok's second mapping pass, for what `handle` receives: the node config's
 * `inputs`, or its `conditions` when `inputs` maps to nothing. Strings the first pass left
 * unchanged (they failed, or needed `data`) are mapped again, whole and as written, with `data`;
 * slots the first pass (or any pass) rewrote keep their value as is: it is data.
 *
 * Results are Blok's for every case of the released runner, with these differences: values an
 * expression or a substitution produced are never read as templates again (stock Blok reads a
 * dataset pulled in with `js/ctx.vars.x` on every step, and a request value substituted by
 * `${...}`, as templates: a record whose text starts with `js/` would be executed); such values
 * are handed over, not copied; keys other than `inputs` and `conditions` are not mapped a second
 * time (nothing receives them); `ctx.config[name]` is never written; a key such as `__proto__`
 * stays a plain key.
 *
 * @param config - `ctx.config[name]` after the first pass.
 * @param firstPass - what the first pass rewrote; without one (a direct `run`), every string no pass rewrote is mapped with `data`.
 * @param ctx - the context expressions see.
 * @param data - the `data` expressions see (see `mapperData`).
 * @param copy - `"copy"`: the rest of the inputs is a private deep copy; `"share"`: it is the config's own.
 * @param step - the step's name, for errors.
 * @returns the mapped `inputs` (or `conditions`).
 * @throws `MappingError`, `ExpressionTimeoutError` (see `mapString`).
 * @example
 * ```ts
 * const firstPass = mapFirstPass(ctx.config[name], ctx, name);
 * const inputs = mapInputs(ctx.config[name], firstPass, ctx, mapperData(ctx), "copy", name);
 * ```
 */
export function mapInputs(config: unknown, firstPass: FirstPassRecord | undefined, ctx: Context, data: unknown, copy: InputsCopy, step?: string): unknown {
  if (!isContainer(config)) return undefined;
  const pass = new SecondPass(firstPass ?? NOTHING_MAPPED, new MappingPass(ctx, data, true, step ?? "(unnamed)"), copy);
  return pass.mapping.run(() => {
    pass.reset();
    return pass.slot(config, "inputs", ROOT) ?? pass.slot(config, "conditions", ROOT);
  });
}

class SecondPass {
  // Copies made so far: shared references and cycles inside the config stay shared in the copy.
  private readonly copies = new Map<object, unknown>();

  constructor(
    private readonly firstPass: FirstPassRecord,
    readonly mapping: MappingPass,
    private readonly copy: InputsCopy,
  ) {}

  /** Forgets copies of an abandoned attempt (the pass starts over under the watchdog). */
  reset(): void {
    this.copies.clear();
  }

  /** The mapped value of `container[key]`, `container` having `role`. */
  slot(container: Record<string | number, unknown>, key: string | number, role: Role, kept = this.kept(container)): unknown {
    const value = container[key];
    if (kept?.has(key)) return value;
    const inner = roleOf(role, key);
    if (typeof value === "string") {
      this.mapping.path.push(key);
      const mapped = this.mapping.text(value, role === CONDITION_ENTRY && key === "condition");
      this.mapping.path.pop();
      return mapped;
    }
    if (isContainer(value)) {
      this.mapping.path.push(key);
      const mapped = this.container(value, inner);
      this.mapping.path.pop();
      return mapped;
    }
    return this.copy === "copy" ? deepClone(value) : value;
  }

  private kept(container: object): ReadonlySet<string | number> | undefined {
    return this.firstPass.get(container) ?? dataSlotsOf(container);
  }

  /**
   * A container with its slots mapped. Copying builds a new one; sharing keeps the config's own
   * unless a slot maps to something else (and then copies it shallowly: the config keeps its
   * first-pass result).
   */
  private container(source: Record<string | number, unknown>, role: Role): unknown {
    const known = this.copies.get(source);
    if (known !== undefined) return known;
    const kept = this.kept(source);
    if (Array.isArray(source)) return this.array(source, role, kept);
    let out: Record<string, unknown> | undefined;
    if (this.copy === "copy") this.copies.set(source, (out = {}));
    for (const key in source) {
      if (!Object.hasOwn(source, key)) continue;
      const mapped = this.slot(source, key, role, kept);
      if (out === undefined && !Object.is(mapped, source[key])) out = { ...source };
      if (out !== undefined) setOwn(out, key, mapped);
    }
    return out ?? source;
  }

  private array(source: unknown[], role: Role, kept: ReadonlySet<string | number> | undefined): unknown {
    let out: unknown[] | undefined;
    if (this.copy === "copy") this.copies.set(source, (out = new Array<unknown>(source.length)));
    for (let index = 0; index < source.length; index++) {
      const mapped = this.slot(source as unknown as Record<number, unknown>, index, role, kept);
      if (out === undefined && !Object.is(mapped, source[index])) out = source.slice();
      if (out !== undefined) out[index] = mapped;
    }
    return out ?? source;
  }
}

/** `target[key] = value` that keeps a `__proto__` key a plain own key, as `JSON.parse` does. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
