import { describe, expect, it } from "vitest";
import { jsonText } from "../../src/cli/jsonText.js";
import { main } from "../../src/cli/main.js";
import { captureIO } from "./support.js";

describe("jsonText()", () => {
  it("jsonText() writes each BigInt as its decimal string and names its path; the rest is JSON.stringify's", () => {
    expect(jsonText({ a: 1, b: [2n, { c: 3n }], "x y": { z: 4n }, s: "t" })).toEqual({
      text: '{"a":1,"b":["2",{"c":"3"}],"x y":{"z":"4"},"s":"t"}',
      bigints: ["b[0]", "b[1].c", '["x y"].z'],
    });
    expect(jsonText(5n)).toEqual({ text: '"5"', bigints: [""] });
    expect(jsonText(undefined)).toEqual({ text: "null", bigints: [] });
  });
});

describe("blok-parallel run: a BigInt in the result", () => {
  it("keeps the whole document (exit 0), each BigInt as a decimal string, and names each BigInt's path on stderr", async () => {
    const io = captureIO();
    const code = await main(["run", "spec/cli/fixtures/workflows/bigint.json", "--nodes", "spec/cli/fixtures/nodes", "--progress", "none"], io.io);
    expect(code).toBe(0);
    expect(JSON.parse(io.stdout())).toEqual({ count: 3, total: "1180591620717411303424", rows: [{ id: "1", name: "a" }], "odd key": "-5" });
    expect(io.stderr()).toBe(
      [
        "blok-parallel: total is a BigInt, which JSON cannot hold: printed as a decimal string",
        "blok-parallel: rows[0].id is a BigInt, which JSON cannot hold: printed as a decimal string",
        'blok-parallel: ["odd key"] is a BigInt, which JSON cannot hold: printed as a decimal string',
        "",
      ].join("\n"),
    );
  });
});
