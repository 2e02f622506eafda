import { describe, expect, it } from "vitest";
import { threadExecArgv, threadFlags } from "../../../src/runtimes/worker/index.js";

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

  it("threadFlags() keeps what worker threads accept, maps heap and stack flags to resourceLimits and drops what threads reject", () => {
    expect(threadFlags(["--max-old-space-size=512", "--expose-gc", "--stack-size=4096", "--enable-source-maps", "--title=host", "--import", "tsx"])).toEqual({
      execArgv: ["--enable-source-maps"],
      resourceLimits: { maxOldGenerationSizeMb: 512, stackSizeMb: 4 },
      rejected: ["--expose-gc", "--title=host"],
    });
  });

  it("threadExecArgv() reads process.execArgv by default", () => {
    expect(threadExecArgv()).toEqual(threadExecArgv(process.execArgv));
  });
});
