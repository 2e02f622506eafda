import type { Condition, Context, NodeBase } from "../blok/index.js";
import { NodeBlok } from "../blok/index.js";

/**
 * Blok's `@blok-ts/if-else` flow node. Its node config is
 * `{ conditions: [{ type: "if", condition: "<js>", steps: [...] }, ..., { type: "else", steps: [...] }] }`;
 * it returns the steps of the first matching entry, which the runner then runs in place of it.
 *
 * An entry matches when its `condition` is a non-blank string that evaluates truthy (with `ctx`,
 * `data = ctx.response.data`, `func = {}`, `vars = ctx.vars`), or when it has no (or a blank)
 * `condition`, so middle entries act as else-if. Beyond Blok: a condition the mapper already
 * turned into a non-string value (e.g. `"js/ctx.vars.flag"` → `true`) matches by its truthiness,
 * an empty or missing `conditions` list is reported as such, and a throwing condition fails the
 * step with its own message.
 *
 * @example
 * ```json
 * { "conditions": [
 *   { "type": "if", "condition": "ctx.request.body.n > 10", "steps": [{ "name": "big", "node": "big", "type": "local" }] },
 *   { "type": "else", "steps": [{ "name": "small", "node": "small", "type": "local" }] } ] }
 * ```
 */
export class IfElse extends NodeBlok<Condition[]> {
  constructor() {
    super();
    this.flow = true;
    this.contentType = "";
  }

  /**
   * @returns the matching entry's steps, or `[]` when none matches.
   * @throws `TypeError` without conditions; `Error` "First condition must be an if" / "Last
   * condition must be an else"; whatever a condition expression throws.
   */
  async handle(ctx: Context, conditions: Condition[]): Promise<NodeBase[]> {
    if (!Array.isArray(conditions) || conditions.length === 0) {
      throw new TypeError(`if-else step '${this.name}' needs a non-empty 'conditions' array in its node config`);
    }
    if (conditions[0]?.type !== "if") throw new Error("First condition must be an if");
    if (conditions.length > 1 && conditions[conditions.length - 1]?.type !== "else") {
      throw new Error("Last condition must be an else");
    }
    for (const entry of conditions) {
      if (this.matches(entry.condition, ctx)) return entry.steps ?? [];
    }
    return [];
  }

  private matches(condition: unknown, ctx: Context): boolean {
    if (condition === undefined || condition === null) return true;
    if (typeof condition !== "string") return Boolean(condition);
    if (condition.trim() === "") return true;
    return Boolean(this.runJs(condition, ctx, ctx.response?.data, {}, ctx.vars ?? {}));
  }
}
