/** Inputs of the chunk-stats node: numbers, or text whose word lengths become the numbers. */
export interface ChunkStatsInputs {
  readonly values?: readonly number[];
  readonly text?: string;
  /** Hash rounds over the chunk (default 1): the knob for how long the node computes. */
  readonly rounds?: number;
}

/** What chunk-stats returns for one chunk. */
export interface ChunkStatsResult {
  readonly count: number;
  readonly sum: number;
  readonly mean: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly stddev: number;
  /** FNV-1a digest chained over `rounds` passes, 8 hex digits. */
  readonly digest: string;
  readonly rounds: number;
}

/** CPU-heavy Blok node for one chunk of a dataset; see index.mjs. */
export default class ChunkStats {
  name: string;
  contentType: string;
  handle(ctx: unknown, inputs: ChunkStatsInputs): Promise<ChunkStatsResult>;
}
