import type { ParallelEvent } from "../core/index.js";
import { HttpError } from "./httpResponses.js";
import { END_EVENT } from "./runEventLog.js";

/** Every event a run's log holds: the executor's (checked against its type at compile time) and the run's own `end`. */
const RUN_EVENTS: Readonly<Record<ParallelEvent<unknown>["type"] | typeof END_EVENT, true>> = {
  started: true,
  succeeded: true,
  failed: true,
  timed_out: true,
  retrying: true,
  cancelled: true,
  late: true,
  progress: true,
  finished: true,
  [END_EVENT]: true,
};

/**
 * Reads the `types` query parameter of `GET /runs/<id>/events`: a comma-separated list of event
 * names the stream is limited to. A page opening a finished run of 10,000 children needs its
 * final snapshots, not the 20,000 child events before them (docs/bench/view.md). `end` is always
 * sent, so a limited stream still ends with the run's status.
 *
 * @param value - the parameter as given; null when absent.
 * @returns the names to send, or undefined for every event.
 * @throws {@link HttpError} 400 naming the parameter and each name it does not know.
 */
export function parseEventTypes(value: string | null): ReadonlySet<string> | undefined {
  if (value === null) return undefined;
  const names = value.split(",").map((name) => name.trim()).filter((name) => name !== "");
  const unknown = names.filter((name) => !Object.hasOwn(RUN_EVENTS, name));
  if (names.length === 0 || unknown.length > 0) {
    const problem = names.length === 0 ? "is empty" : `names unknown event(s) ${unknown.map((name) => `"${name}"`).join(", ")}`;
    throw new HttpError(400, `query parameter "types" ${problem}: give a comma-separated list of ${Object.keys(RUN_EVENTS).join(", ")}`);
  }
  return new Set([...names, END_EVENT]);
}
