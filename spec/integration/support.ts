import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { GlobalError } from "../../src/blok/index.js";
import { createEnvironment, type EnvironmentOptions } from "../../src/composition/index.js";
import type { WorkflowRun } from "../../src/runner/index.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, "../..");
export const NODES = path.join(REPO, "spec/fixtures/nodes");
export const WORKFLOWS = path.join(REPO, "spec/fixtures/workflows");
export const EXAMPLES = path.join(REPO, "examples");

/** Path of a fixture workflow. */
export function workflow(name: string): string {
  return path.join(WORKFLOWS, `${name}.json`);
}

/** Runs a fixture workflow file through a fresh environment (fixture nodes directory), closing it after. */
export async function runWorkflowFile(file: string, body: unknown, options: EnvironmentOptions = {}): Promise<WorkflowRun> {
  const env = createEnvironment({ nodesDir: NODES, ...options });
  try {
    return await env.run(file, { body });
  } finally {
    await env.close();
  }
}

/** Runs `run` and returns what it threw, checked to be a GlobalError when `global` is set. */
export async function failureOf(run: Promise<unknown>): Promise<GlobalError> {
  const error = await run.then(
    () => new Error("the workflow succeeded"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GlobalError);
  return error as GlobalError;
}

/** Runs `run` and returns what it threw, whatever its type. */
export async function thrownBy(run: Promise<unknown>): Promise<Error> {
  const error = await run.then(
    () => new Error("the workflow succeeded"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).not.toBe("the workflow succeeded");
  return error as Error;
}

/** One event the `work` fixture node recorded. */
export interface JournalEvent {
  readonly run: string | undefined;
  readonly label: string;
  readonly event: "start" | "end" | "abort";
  readonly t: number;
  readonly index: number | undefined;
}

/** A fresh run id, so a test reads only its own journal events. */
export function runId(): string {
  return randomUUID();
}

/** The `work` node's journal for one run id. */
export function journal(run: string): JournalEvent[] {
  const all = ((globalThis as Record<symbol, unknown>)[Symbol.for("blok-parallel.test.journal")] ?? []) as JournalEvent[];
  return all.filter((event) => event.run === run);
}

/** The most `work` children that were between start and end/abort at once, from the journal. */
export function observedPeak(events: readonly JournalEvent[]): number {
  let live = 0;
  let peak = 0;
  for (const event of [...events].sort((a, b) => a.t - b.t)) {
    live += event.event === "start" ? 1 : -1;
    peak = Math.max(peak, live);
  }
  return peak;
}

/** Labels of the children that observed their abort signal. */
export function aborted(events: readonly JournalEvent[]): string[] {
  return events.filter((event) => event.event === "abort").map((event) => event.label);
}
