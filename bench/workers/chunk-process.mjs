// One OS process running chunk-stats chunks: the benchmark's ceiling for what C cores can do in
// parallel with nothing shared (no pool, no threads). Args: rounds, first chunk index, chunk count.
import ChunkStats from "../../examples/mixed/nodes/chunk-stats/index.mjs";

const [rounds, first, count] = process.argv.slice(2).map(Number);
const values = Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 1_000);
const node = new ChunkStats();
for (let i = first; i < first + count; i++) await node.handle({}, { values: values.map((v) => v + i), rounds });
