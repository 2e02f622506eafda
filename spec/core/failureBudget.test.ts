/**
 * The failure-budget arithmetic of continue-partial, as a pure function: what a budget tolerates,
 * and when failures exceed it. The run-level behaviour is in marble-tests/continuePartial.test.ts.
 */
import { describe, expect, it } from "vitest";
import { budgetExceeded, type FailureTally, toleratedFailures } from "../../src/core/internal/failureBudget.js";

const known = (total: number, failures = 0): FailureTally => ({ failures, total, totalKnown: true });
const unknown = (total: number, failures = 0): FailureTally => ({ failures, total, totalKnown: false });

describe("toleratedFailures()", () => {
  it("toleratedFailures() is undefined without a budget (no limit)", () => {
    expect(toleratedFailures(undefined, known(10))).toBeUndefined();
  });

  it("toleratedFailures() takes a count as written, whether or not the total is known", () => {
    expect(toleratedFailures(0, known(10))).toBe(0);
    expect(toleratedFailures(3, unknown(0))).toBe(3);
  });

  it.each([
    ["10%", 25, 2],
    ["10%", 5, 0],
    ["20%", 5, 1],
    ["25%", 4, 1],
    ["50%", 4, 2],
    ["12.5%", 8, 1],
    ["0%", 1000, 0],
    ["100%", 7, 7],
    ["100.0%", 7, 7],
    ["33.3%", 3, 0],
    ["10%", 0, 0],
  ])("toleratedFailures(%j) of %i children is %i (a percentage of the total, rounded down)", (budget, total, expected) => {
    expect(toleratedFailures(budget, known(total))).toBe(expected);
  });

  it("toleratedFailures() cannot take a percentage of a total not known yet", () => {
    expect(toleratedFailures("50%", unknown(4))).toBeUndefined();
  });
});

describe("budgetExceeded()", () => {
  it("budgetExceeded() holds while failures reach but do not exceed the budget", () => {
    expect(budgetExceeded(2, known(4, 2))).toBeUndefined();
    expect(budgetExceeded("50%", known(4, 2))).toBeUndefined();
  });

  it("budgetExceeded() names failures, total and the budget as written once failures exceed it", () => {
    expect(budgetExceeded(1, known(4, 2))).toBe("Failure budget exceeded: 2 of 4 children failed (tolerated_failures: 1)");
    expect(budgetExceeded("25%", known(4, 2))).toBe("Failure budget exceeded: 2 of 4 children failed (tolerated_failures: 25%)");
  });

  it("budgetExceeded() with a budget of 0 fails on the first failure, and never without one", () => {
    expect(budgetExceeded(0, known(3, 0))).toBeUndefined();
    expect(budgetExceeded(0, known(3, 1))).toBe("Failure budget exceeded: 1 of 3 children failed (tolerated_failures: 0)");
    expect(budgetExceeded("0%", known(3, 1))).toBe("Failure budget exceeded: 1 of 3 children failed (tolerated_failures: 0%)");
  });

  it("budgetExceeded() never fails a run without a budget, however many children failed", () => {
    expect(budgetExceeded(undefined, known(3, 3))).toBeUndefined();
  });

  it("budgetExceeded() waits for the total before judging a percentage, but judges a count at once", () => {
    expect(budgetExceeded("25%", unknown(2, 2))).toBeUndefined();
    expect(budgetExceeded(1, unknown(2, 2))).toBe("Failure budget exceeded: 2 of 2 children failed (tolerated_failures: 1)");
  });
});
