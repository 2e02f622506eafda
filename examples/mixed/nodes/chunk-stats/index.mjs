/**
 * chunk-stats: a CPU-heavy Blok node for one chunk of a larger dataset.
 *
 * Inputs (the node's `inputs` in the workflow):
 * - `values`: an array of numbers, or `text`: a string (its word lengths become the values);
 * - `rounds` (default 1): how many times the chunk is re-hashed. The hash is a chain (each round
 *   is seeded with the previous digest), so the work grows linearly with `rounds` and no round
 *   can be skipped or run in parallel: a knob to make one chunk take ~200 ms on purpose.
 *
 * Output: `{ count, sum, mean, min, max, stddev, digest, rounds }`, plain data, so the same class
 * runs in-thread (`local` child) or in a worker thread (`"isolation": "worker"`).
 *
 * Zero-argument constructor and a default-exported class with `async handle(ctx, inputs)`: the
 * shape Blok's `local` node resolution expects (blok-compat.md 3.6, 8.8).
 */
export default class ChunkStats {
  name = "chunk-stats";
  contentType = "application/json";

  /**
   * @param {unknown} _ctx the Blok context (unused: everything comes from inputs)
   * @param {{ values?: number[], text?: string, rounds?: number }} inputs
   */
  async handle(_ctx, inputs) {
    const values = Float64Array.from(inputs.values ?? wordLengths(inputs.text ?? ""));
    const rounds = inputs.rounds ?? 1;
    if (!Number.isInteger(rounds) || rounds < 1) {
      throw new RangeError(`Cannot compute chunk stats as 'rounds' must be a positive integer: received ${rounds}`);
    }
    return { ...stats(values), digest: chainedDigest(values, rounds), rounds };
  }
}

function wordLengths(text) {
  return text.split(/\s+/u).filter(Boolean).map((word) => word.length);
}

function stats(values) {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const count = values.length;
  const mean = count === 0 ? 0 : sum / count;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return {
    count,
    sum,
    mean,
    min: count === 0 ? null : min,
    max: count === 0 ? null : max,
    stddev: count === 0 ? 0 : Math.sqrt(squares / count),
  };
}

/** FNV-1a (32-bit) over the chunk's bytes, `rounds` times, each round seeded with the last digest. */
function chainedDigest(values, rounds) {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let digest = 0x811c9dc5;
  for (let round = 0; round < rounds; round++) {
    let hash = digest ^ round;
    for (let i = 0; i < bytes.length; i++) {
      hash ^= bytes[i];
      hash = Math.imul(hash, 0x01000193);
    }
    digest = hash >>> 0;
  }
  return digest.toString(16).padStart(8, "0");
}
