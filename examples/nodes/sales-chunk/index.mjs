import { createHash } from "node:crypto";

// Processes one chunk of sales records: revenue per region, units per product, note keywords,
// and an audit fingerprint (`rounds` chained SHA-256 passes over every record, which is what
// makes the chunk CPU-bound, as real per-record work such as parsing or scoring is).
export default class SalesChunk {
  async handle(ctx, inputs = {}) {
    const records = inputs.records ?? ctx.item ?? [];
    const rounds = Number(inputs.rounds ?? 40);
    const revenue = {};
    const units = {};
    const keywords = {};
    let digest = createHash("sha256").update(String(inputs.chunk_id ?? ctx.index ?? "")).digest();
    let processed = 0;
    for (const record of records) {
      // Inline (event-loop) CPU work must yield now and then: it lets timers fire and lets a
      // timeout or fail-fast actually stop this chunk. In a worker thread the thread is killed.
      if (++processed % 2000 === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        ctx.signal?.throwIfAborted();
      }
      const amount = record.quantity * record.unit_price * (1 - record.discount);
      revenue[record.region] = (revenue[record.region] ?? 0) + amount;
      units[record.product] = (units[record.product] ?? 0) + record.quantity;
      for (const word of record.note.split(" ")) keywords[word] = (keywords[word] ?? 0) + 1;
      const line = `${record.id}|${record.region}|${record.product}|${amount.toFixed(2)}`;
      for (let i = 0; i < rounds; i++) digest = createHash("sha256").update(digest).update(line).digest();
    }
    for (const region of Object.keys(revenue)) revenue[region] = Math.round(revenue[region] * 100) / 100;
    return { chunk_id: inputs.chunk_id ?? ctx.index, records: records.length, revenue, units, keywords, fingerprint: digest.toString("hex").slice(0, 16) };
  }
}
