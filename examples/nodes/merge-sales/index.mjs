// Aggregates chunk results into one report. Failed chunks (null in continue-partial) are
// counted and skipped, so the report says how complete it is.
export default class MergeSales {
  async handle(_ctx, inputs = {}) {
    const chunks = inputs.parallel_results ?? [];
    const revenue = {};
    const units = {};
    let records = 0;
    let missing = 0;
    for (const chunk of chunks) {
      if (chunk === null || chunk === undefined) {
        missing++;
        continue;
      }
      records += chunk.records;
      for (const [region, amount] of Object.entries(chunk.revenue)) revenue[region] = Math.round(((revenue[region] ?? 0) + amount) * 100) / 100;
      for (const [product, count] of Object.entries(chunk.units)) units[product] = (units[product] ?? 0) + count;
    }
    const topProducts = Object.entries(units)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([product, count]) => ({ product, units: count }));
    const info = inputs.execution_info ?? {};
    return {
      records,
      chunks: chunks.length,
      missing_chunks: missing,
      revenue_by_region: revenue,
      total_revenue: Math.round(Object.values(revenue).reduce((a, b) => a + b, 0) * 100) / 100,
      top_products: topProducts,
      fingerprints: chunks.map((chunk) => chunk?.fingerprint ?? null),
      parallel: { duration_ms: info.duration_ms, concurrent_peak: info.concurrent_peak, completed: info.completed, failed: info.failed },
      ...(inputs.errors ? { errors: inputs.errors } : {}),
    };
  }
}
