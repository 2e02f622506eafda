import { describe, expect, it } from "vitest";
import { threadExecArgv } from "../../src/runtimes/worker/index.js";

describe("threadExecArgv()", () => {
  it("threadExecArgv() drops module loaders and preloads with their values, keeps other flags", () => {
    expect(
      threadExecArgv([
        "--require",
        "/x/tsx/preflight.cjs",
        "--enable-source-maps",
        "--import",
        "file:///x/tsx/loader.mjs",
        "--loader=ts-node/esm",
        "-r",
        "dotenv/config",
        "--experimental-loader",
        "./hooks.mjs",
        "--conditions=development",
      ]),
    ).toEqual(["--enable-source-maps", "--conditions=development"]);
  });

  it("threadExecArgv() reads process.execArgv by default", () => {
    expect(threadExecArgv()).toEqual(threadExecArgv(process.execArgv));
  });
});
