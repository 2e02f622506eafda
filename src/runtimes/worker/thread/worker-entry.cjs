/**
 * The code piscina runs in every pool thread. Plain JS on purpose: a worker thread does not
 * inherit vitest's or tsup's TypeScript handling, so this file must load as is both from `src/`
 * and from `dist/` (tsup copies this folder; see docs/worker-isolation.md).
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
 * piscina: an abort, `destroy`, inputs `postMessage` could not clone, or a thread that died. The envelope is serialized here with `v8.serialize`
 * and moved (not copied) to the main thread: a result that cannot be cloned then fails in this
 * function, where it can be explained, instead of inside piscina's `postMessage`, where it kills
 * the thread and arrives on the main thread as an empty object.
 */
"use strict";

const { serialize } = require("node:v8");
const { performance } = require("node:perf_hooks");
const { threadId } = require("node:worker_threads");
const { move } = require("piscina");
const { loadHandler } = require("./load-handler.cjs");
const { locateUncloneable } = require("./locate-uncloneable.cjs");
const { normaliseResult } = require("./normalise-result.cjs");
const { serialiseError } = require("./serialise-error.cjs");

/** Epoch milliseconds with sub-millisecond precision, comparable across threads. */
const epochNow = () => performance.timeOrigin + performance.now();

// A thread shares the process's time origin; `nodeTiming.environment` is when this thread's
// Node environment was created. piscina loads this module before the thread reports ready,
// so the gap up to this line is the thread's start-up cost (less the few ms spent creating the
// thread and its isolate, which no clock inside the thread can see).
const threadStartedAt = performance.timeOrigin + performance.nodeTiming.environment;
const threadReadyAt = epochNow();
let tasksRun = 0;

/**
 * Runs one node call.
 *
 * @param {object} task a `TaskMessage` (see ../protocol.ts)
 * @returns {unknown} the v8-serialized `ResultEnvelope`, marked for transfer
 */
module.exports = async function runTask(task) {
  const receivedAt = epochNow();
  // Start-up is charged to the task only when the thread started after the task was submitted
  // (the task waited for it) and only to that thread's first task.
  const threadStartMs =
    tasksRun++ === 0 && threadStartedAt >= task.submittedAt ? threadReadyAt - threadStartedAt : 0;
  let startedAt = receivedAt;
  let outcome;
  try {
    const handle = await loadHandler(task.moduleUrl, task.exportName, task.name);
    startedAt = epochNow();
    try {
      outcome = normaliseResult(await handle(task.ctx, task.inputs));
    } catch (error) {
      outcome = { ok: false, kind: "thrown", error: serialiseError(error) };
    }
  } catch (error) {
    startedAt = epochNow();
    outcome = { ok: false, kind: "load", error: serialiseError(error) };
  }
  const endedAt = epochNow();
  const timing = {
    queue_ms: Math.max(0, receivedAt - task.submittedAt - threadStartMs),
    start_ms: threadStartMs + (startedAt - receivedAt),
    work_ms: endedAt - startedAt,
    started_at: startedAt,
    ended_at: endedAt,
    thread_id: threadId,
  };
  return move(encode({ ...outcome, timing }));
};

function encode(envelope) {
  try {
    return serialize(envelope);
  } catch (error) {
    const culprit = locateUncloneable(envelope.data, "result", serialize);
    return serialize({
      ok: false,
      kind: "clone",
      culprit: culprit ?? { path: "result", what: serialiseError(error).message },
      timing: envelope.timing,
    });
  }
}
