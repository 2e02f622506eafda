import { Metadata } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { readNodeErrorReply } from "../../../src/runtimes/python/nodeErrorReply.js";

const stock = new Metadata();
const bundled = (): Metadata => {
  const metadata = new Metadata();
  metadata.set("blok-runtime", "blok-ts-python/1");
  return metadata;
};

describe("readNodeErrorReply() with Blok's released stock Python server (no blok-runtime metadata)", () => {
  it("reads a node's setError(GlobalError) from the response object: message, code and json kept", () => {
    const reply = {
      data: {},
      error: { message: "age is not acceptable", code: 422, json: { field: "age" }, name: "reject", stack: "Traceback..." },
      success: false,
      contentType: "application/json",
    };
    expect(readNodeErrorReply(reply, stock)).toEqual({
      message: "age is not acceptable",
      pythonType: "GlobalError",
      pythonStack: "Traceback...",
      code: 422,
      json: { field: "age" },
    });
  });

  it("leaves a successful response object, other shapes and anything from the bundled runtime as data", () => {
    expect(readNodeErrorReply({ data: { a: 1 }, error: null, success: true, contentType: "application/json" }, stock)).toBeUndefined();
    expect(readNodeErrorReply({ data: {}, error: { message: "m" }, success: false, extra: 1 }, stock)).toBeUndefined();
    expect(readNodeErrorReply({ data: {}, error: { message: "m", code: 422 }, success: false }, bundled())).toBeUndefined();
  });

  it("still reads the raised-exception shape {error, stack}", () => {
    expect(readNodeErrorReply({ error: "boom", stack: "Traceback\nKeyError: 'x'" }, stock)).toMatchObject({ message: "boom", pythonType: "KeyError" });
  });
});
