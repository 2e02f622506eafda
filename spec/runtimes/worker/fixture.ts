import { fileURLToPath } from "node:url";

/** Absolute path of a file in spec/runtimes/worker/fixtures. */
export const fixture = (file: string): string => fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));

/** Absolute path of the example chunk-stats node. */
export const chunkStatsNode = fileURLToPath(new URL("../../../examples/mixed/nodes/chunk-stats/index.mjs", import.meta.url));
