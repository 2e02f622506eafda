import type { Context } from "./Context.js";
import { deepClone } from "./deepClone.js";
import { type FirstPassRecord, isContainer, mapString } from "./mapper.js";

/** How {@link mapInputs} treats the parts of the config that no pass rewrites. */
export type InputsCopy =
  /** Deep copies, as Blok's `cloneDeep` gives every node run: the node may write its inputs freely. */
  | "copy"
  /** The config's own objects: for a node that never writes its inputs (see `NodeBase.inputsReadOnly`). */
  | "share";

const NOTHING_MAPPED: FirstPassRecord = new Map();

/**
 * Blok's second mapping pass (blok-compat 4.2), for what `handle` receives: the node config's
 * `inputs`, or its `conditions` when `inputs` maps to nothing. Strings the first pass left
 * unchanged (they failed, or needed `data`) are mapped again with `data`; slots the first pass
 * rewrote keep their value as is.
 *
 * Results are Blok's for every case of blok-compat 4.2, with three differences, none visible to
 * `handle`: values an expression produced are handed over, not copied (stock Blok copies a
 * dataset pulled in with `js/ctx.vars.x` on every step and reads its strings as templates: a
 * record whose text starts with `js/` would be executed); keys other than `inputs` and
 * `conditions` are not mapped a second time (nothing receives them); `ctx.config[name]` is never
 * written.
 *
 * @param config - `ctx.config[name]` after the first pass.
 * @param firstPass - what the first pass rewrote; without one (a direct `run`), every string is mapped with `data`.
 * @param ctx - the context expressions see.
 * @param data - the `data` expressions see (see `mapperData`).
 * @param copy - `"copy"`: the rest of the inputs is a private deep copy; `"share"`: it is the config's own.
 * @returns the mapped `inputs` (or `conditions`).
 * @example
 * ```ts
 * const firstPass = mapFirstPass(ctx.config[name], ctx);
 * const inputs = mapInputs(ctx.config[name], firstPass, ctx, mapperData(ctx), "copy");
 * ```
 */
export function mapInputs(config: unknown, firstPass: FirstPassRecord | undefined, ctx: Context, data: unknown, copy: InputsCopy): unknown {
  if (!isContainer(config)) return undefined;
  const pass = new SecondPass(firstPass ?? NOTHING_MAPPED, ctx, data, copy);
  return pass.slot(config, "inputs") ?? pass.slot(config, "conditions");
}

class SecondPass {
  // Copies made so far: shared references and cycles inside the config stay shared in the copy.
  private readonly copies = new Map<object, unknown>();

  constructor(
    private readonly firstPass: FirstPassRecord,
    private readonly ctx: Context,
    private readonly data: unknown,
    private readonly copy: InputsCopy,
  ) {}

  /** The mapped value of `container[key]`. */
  slot(container: Record<string | number, unknown>, key: string | number): unknown {
    const value = container[key];
    if (this.firstPass.get(container)?.has(key)) return value;
    if (typeof value === "string") return mapString(value, this.ctx, this.data);
    if (isContainer(value)) return this.container(value);
    return this.copy === "copy" ? deepClone(value) : value;
  }

  /**
   * A container with its slots mapped. Copying builds a new one; sharing keeps the config's own
   * unless a slot maps to something else (and then copies it shallowly: the config keeps its
   * first-pass result).
   */
  private container(source: Record<string | number, unknown>): unknown {
    const known = this.copies.get(source);
    if (known !== undefined) return known;
    if (Array.isArray(source)) return this.array(source);
    let out: Record<string, unknown> | undefined;
    if (this.copy === "copy") this.copies.set(source, (out = {}));
    for (const key in source) {
      if (!Object.hasOwn(source, key)) continue;
      const mapped = this.slot(source, key);
      if (out === undefined && !Object.is(mapped, source[key])) out = { ...source };
      if (out !== undefined) out[key] = mapped;
    }
    return out ?? source;
  }

  private array(source: unknown[]): unknown {
    let out: unknown[] | undefined;
    if (this.copy === "copy") this.copies.set(source, (out = new Array<unknown>(source.length)));
    for (let index = 0; index < source.length; index++) {
      const mapped = this.slot(source as unknown as Record<number, unknown>, index);
      if (out === undefined && !Object.is(mapped, source[index])) out = source.slice();
      if (out !== undefined) out[index] = mapped;
    }
    return out ?? source;
  }
}
