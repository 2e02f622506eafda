// An enrichment lookup that is not essential: it fails for the regions listed in `fail_for`
// (a stand-in for an unreliable third-party API) and waits `latency_ms` like a remote call would,
// honouring ctx.signal so a timeout really stops it.
export default class FlakyEnrichment {
  async handle(ctx, inputs = {}) {
    const region = inputs.region;
    if ((inputs.fail_for ?? []).includes(region)) throw new Error(`enrichment service unavailable for region ${region}`);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, Number(inputs.latency_ms ?? 100));
      ctx.signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(ctx.signal.reason ?? new Error("aborted"));
      }, { once: true });
    });
    return { region, population_index: region.length * 17, currency: "EUR" };
  }
}
