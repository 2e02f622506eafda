import { describe, expect, it } from "vitest";
import { GlobalError, NodeBlokResponse } from "../../../src/blok/index.js";
import { Probe } from "../support.js";

describe("NodeBlokResponse", () => {
  it("defaults to an empty JSON success", () => {
    const response = new NodeBlokResponse();
    expect(response).toMatchObject({ steps: [], data: {}, error: null, success: true, contentType: "application/json" });
  });

  it("setSuccess() stores data and clears a previous error", () => {
    const response = new NodeBlokResponse();
    response.setError(new GlobalError("x"));
    response.setSuccess([1, 2]);
    expect(response).toMatchObject({ data: [1, 2], error: null, success: true });
  });

  it("setError() stores the error and resets data to {}", () => {
    const response = new NodeBlokResponse();
    response.setSuccess("payload");
    const error = new GlobalError("failed");
    response.setError(error);
    expect(response.error).toBe(error);
    expect(response.success).toBe(false);
    expect(response.data).toEqual({});
  });

  it("setSteps() stores steps", () => {
    const response = new NodeBlokResponse();
    const step = new Probe();
    response.setSteps([step]);
    expect(response.steps).toEqual([step]);
  });
});
