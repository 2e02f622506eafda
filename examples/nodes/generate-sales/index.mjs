// Generates the example dataset: deterministic sales records (same seed, same data), about
// `size_mb` megabytes of JSON. Stands in for "load a dataset" so the examples need no download.
const REGIONS = ["north", "south", "east", "west", "central"];
const PRODUCTS = ["anvil", "bolt", "crate", "drill", "easel", "funnel", "gear", "hinge", "ingot", "jack"];
const WORDS = ["fast", "late", "damaged", "gift", "repeat", "bulk", "promo", "express", "return", "fragile", "priority", "weekend"];

function prng(seed) {
  // mulberry32: tiny, deterministic, good enough for sample data.
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export default class GenerateSales {
  async handle(_ctx, inputs = {}) {
    const sizeMb = Number(inputs.size_mb ?? 10);
    const random = prng(Number(inputs.seed ?? 42));
    const pick = (list) => list[Math.floor(random() * list.length)];
    const records = [];
    let bytes = 0;
    const target = sizeMb * 1024 * 1024;
    for (let id = 1; bytes < target; id++) {
      const record = {
        id,
        region: pick(REGIONS),
        product: pick(PRODUCTS),
        quantity: 1 + Math.floor(random() * 20),
        unit_price: Math.round((5 + random() * 495) * 100) / 100,
        discount: Math.round(random() * 30) / 100,
        day: 1 + Math.floor(random() * 365),
        note: Array.from({ length: 3 + Math.floor(random() * 6) }, () => pick(WORDS)).join(" "),
      };
      bytes += JSON.stringify(record).length + 1;
      records.push(record);
    }
    return records;
  }
}
