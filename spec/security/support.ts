import { DefaultLogger } from "../../src/blok/index.js";
import { createEnvironment } from "../../src/composition/index.js";

// biome-ignore lint/suspicious/noExplicitAny: result documents are checked field by field
export type Any = any;

/** The global a hostile payload tries to set: it must stay unset. */
export const CANARY = "__blokHostileCanary";

/** @returns what the payloads wrote into the canary so far (undefined when nothing fired). */
export function canary(): unknown {
  return (globalThis as Record<string, unknown>)[CANARY];
}

export function resetCanary(): void {
  delete (globalThis as Record<string, unknown>)[CANARY];
}

/**
 * Request data an attacker would send: each one, read as a template or as code by any pass, sets
 * the canary (or fails loudly). Each must arrive verbatim.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  `js/globalThis.${CANARY} = "js"`,
  `js/(globalThis.${CANARY} = "js-paren")`,
  `\${globalThis.${CANARY} = "placeholder"}`,
  `pre \${globalThis.${CANARY} = "inner"} post`,
  `js/\${globalThis.${CANARY} = "js-placeholder"}`,
  `\${ctx.request.body.\${globalThis.${CANARY} = "nested"}}`,
  `\${\${globalThis.${CANARY} = "double"}}`,
  "${ctx.request.body}",
  "${}",
  "js/",
  "js/(()=>{while(true){}})()",
  "__proto__",
  "constructor",
  `${"js/".repeat(3)}globalThis.${CANARY} = "repeated"`,
  // Very long: a megabyte of template-looking text, and a long expression.
  `js/globalThis.${CANARY} = "long"; //${"x".repeat(1_000_000)}`,
  "${ctx.request.body.x}".repeat(20_000),
];

/** `{ s0: payload0, s1: payload1, ... }`. */
export function keyed(strings: readonly string[] = HOSTILE_STRINGS): Record<string, string> {
  return Object.fromEntries(strings.map((value, index) => [`s${index}`, value]));
}

/** Hostile keys: `__proto__` and `constructor`, as JSON.parse makes them (own, plain). */
export function hostileKeys(): Record<string, unknown> {
  return JSON.parse(`{"__proto__": {"polluted": "js/globalThis.${CANARY} = 'proto'"}, "constructor": {"prototype": {"polluted": true}}, "plain": 1}`);
}

/** An environment whose module node `echo` returns its mapped inputs. */
export function echoEnvironment() {
  const env = createEnvironment({ nodes: { echo: { handle: (_ctx: unknown, inputs: unknown) => inputs } } });
  const logger = new DefaultLogger({ enabled: false });
  return { env, logger };
}
