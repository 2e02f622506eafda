// The cheapest possible node: measures the pool's own round trip.
export function handle(_ctx, inputs) {
  return inputs;
}
