import { describe, expect, it } from "vitest";
import { GlobalError, toGlobalError } from "../../../src/blok/index.js";

describe("GlobalError", () => {
  it("starts with context { message } and is an Error named GlobalError", () => {
    const error = new GlobalError("boom");
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe("boom");
    expect(error.name).toBe("GlobalError");
    expect(error.context).toEqual({ message: "boom" });
  });

  it("setCode/setJson/setStack/setName fill the context, leaving Error.name alone", () => {
    const error = new GlobalError("bad");
    error.setCode(422);
    error.setJson({ field: "n" });
    error.setStack("at somewhere");
    error.setName("validate");
    expect(error.context).toEqual({ message: "bad", code: 422, json: { field: "n" }, stack: "at somewhere", name: "validate" });
    expect(error.name).toBe("GlobalError");
  });

  it("hasJson() and toString() follow context.json", () => {
    const error = new GlobalError("plain");
    expect(error.hasJson()).toBe(false);
    expect(error.toString()).toBe("plain");
    error.setJson({ a: [1, 2] });
    expect(error.hasJson()).toBe(true);
    expect(error.toString()).toBe('{"a":[1,2]}');
  });
});

describe("toGlobalError()", () => {
  it("returns a GlobalError unchanged", () => {
    const error = new GlobalError("same");
    expect(toGlobalError(error)).toBe(error);
  });

  it("keeps code, json, stack and name of a foreign GlobalError-like object", () => {
    const foreign = Object.assign(new Error("from host"), {
      context: { message: "from host", code: 409, json: { conflict: true }, name: "step-a" },
    });
    const error = toGlobalError(foreign);
    expect(error).toBeInstanceOf(GlobalError);
    expect(error.context).toMatchObject({ message: "from host", code: 409, json: { conflict: true }, name: "step-a" });
    expect(error.cause).toBe(foreign);
  });

  it("keeps an Error's message and stack and makes it the cause, without inventing a code", () => {
    const original = new TypeError("wrong type");
    const error = toGlobalError(original);
    expect(error.message).toBe("wrong type");
    expect(error.context.stack).toBe(original.stack);
    expect(error.context.code).toBeUndefined();
    expect(error.cause).toBe(original);
  });

  it("reads an ErrorContext-shaped object field by field", () => {
    const error = toGlobalError({ message: "not found", code: 404, json: { id: 7 } });
    expect(error.message).toBe("not found");
    expect(error.context).toMatchObject({ code: 404, json: { id: 7 } });
  });

  it("turns any other object into its JSON text with the object as json (Blok's rule)", () => {
    const detail = { reason: "quota", left: 0 };
    const error = toGlobalError(detail);
    expect(error.message).toBe('{"reason":"quota","left":0}');
    expect(error.context.json).toBe(detail);
  });

  it("stringifies primitives", () => {
    expect(toGlobalError("text").message).toBe("text");
    expect(toGlobalError(42).message).toBe("42");
    expect(toGlobalError(undefined).message).toBe("undefined");
  });

  it("still produces a message for an object that cannot be serialised", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(toGlobalError(circular).message).toBe("[object Object]");
  });
});
