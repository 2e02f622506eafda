/**
 * The code piscina runs in every pool thread, built from this TypeScript into one CommonJS file:
 * by tsup for `dist/` (`worker-thread` in tsup.config.ts), by esbuild on first use when the pool
 * runs from source (see ../threadEntry.ts). It loads and calls a node with the same modules the
 * inline path uses (`loadNodeModule`, `invokeNode`: blok/adapters), so a node means the same
 * thing in a thread as on the event loop.
 *
 * CommonJS on purpose: piscina loads its entry with `require()` first, and on Node >= 20.19
 * `require()` of an ES module takes the synchronous ESM path. With an `.mjs` entry we once saw a
 * pool thread die there with a V8 fatal error ("v8::Module::IsGraphAsync must be used on an
 * instantiated module", stack: piscina worker.js -> require -> loadESMFromCJS -> InstantiateSync)
 * during a benchmark that destroys pools right after aborts, and a fatal error aborts the whole
 * process. A CommonJS entry never enters that path; node modules are loaded with `import()`.
 *
 * It never throws: every outcome (data, a node failure, a module that does not load, a result
 * that cannot be cloned) goes back as an envelope, so a rejected `piscina.run` always comes from
 * piscina: an abort, `destroy`, inputs `postMessage` could not clone, or a thread that died. The
 * envelope is serialized here with `v8.serialize` and moved (not copied) to the main thread: a
 * result that cannot be cloned then fails in this function, where it can be explained, instead of
 * inside piscina's `postMessage`, where it kills the thread and arrives as an empty object.
 *
 * @module
 */
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { serialize } from "node:v8";
import { threadId } from "node:worker_threads";
import type * as PiscinaModule from "piscina";
import { invokeNode, type NodeOutcome } from "../../../blok/adapters/invokeNode.js";
import { loadNodeModule } from "../../../blok/adapters/loadNodeModule.js";
import type { Context } from "../../../blok/contracts/Context.js";
import type { ResultEnvelope, TaskMessage, WorkerTaskTiming } from "../protocol.js";
import { locateUncloneable } from "./locateUncloneable.js";
import { serialiseError } from "./serialiseError.js";
import { requirePeer } from "../../../peers/index.js";

// The thread runs under piscina, so the peer is there whenever this entry is loaded.
const { move } = requirePeer<typeof PiscinaModule>("piscina");

/** Epoch milliseconds with sub-millisecond precision, comparable across threads. */
const epochNow = (): number => performance.timeOrigin + performance.now();

// A thread shares the process's time origin; `nodeTiming.environment` is when this thread's
// Node environment was created. piscina loads this module before the thread reports ready,
// so the gap up to this line is the thread's start-up cost (less the few ms spent creating the
// thread and its isolate, which no clock inside the thread can see).
const threadStartedAt = performance.timeOrigin + performance.nodeTiming.environment;
const threadReadyAt = epochNow();
let tasksRun = 0;

type Outcome = { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly kind: "load" | "thrown" | "returned"; readonly error: unknown };

/**
 * Runs one node call.
 *
 * @param task what the pool posted
 * @returns the v8-serialized {@link ResultEnvelope}, marked for transfer
 */
export default async function runTask(task: TaskMessage): Promise<unknown> {
  const receivedAt = epochNow();
  // Start-up is charged to the task only when the thread started after the task was submitted
  // (the task waited for it) and only to that thread's first task.
  const threadStartMs = tasksRun++ === 0 && threadStartedAt >= task.submittedAt ? threadReadyAt - threadStartedAt : 0;
  let startedAt = receivedAt;
  let outcome: Outcome | NodeOutcome;
  try {
    const node = await loadNodeModule(fileURLToPath(task.moduleUrl), task.name, task.exportName);
    node.name = task.name;
    startedAt = epochNow();
    outcome = await invokeNode(node, task.ctx as Context, task.inputs);
  } catch (error) {
    startedAt = epochNow();
    outcome = { ok: false, kind: "load", error };
  }
  const endedAt = epochNow();
  const timing: WorkerTaskTiming = {
    queue_ms: Math.max(0, receivedAt - task.submittedAt - threadStartMs),
    start_ms: threadStartMs + (startedAt - receivedAt),
    work_ms: endedAt - startedAt,
    started_at: startedAt,
    ended_at: endedAt,
    thread_id: threadId,
  };
  const envelope: ResultEnvelope = outcome.ok ? { ok: true, data: outcome.data, timing } : { ok: false, kind: outcome.kind, error: serialiseError(outcome.error), timing };
  return move(encode(envelope));
}

function encode(envelope: ResultEnvelope): Uint8Array {
  try {
    return serialize(envelope);
  } catch (error) {
    const culprit = locateUncloneable((envelope as { data?: unknown }).data, "result", serialize);
    return serialize({
      ok: false,
      kind: "clone",
      culprit: culprit ?? { path: "result", what: serialiseError(error).message },
      timing: envelope.timing,
    } satisfies ResultEnvelope);
  }
}
