import type { ExecutionOptions } from "../options.js";

/** `tolerated_failures` as validated: a count, a percentage string such as `"12.5%"`, or no budget. */
export type FailureBudget = ExecutionOptions["tolerated_failures"];

/** What a budget is checked against (the run's Ledger is one). */
export interface FailureTally {
  /** Errors and timeouts so far; cancellations never count. */
  readonly failures: number;
  /** Children known: a hint or the exact count once the input is done. */
  readonly total: number;
  /** Whether `total` can be taken a percentage of (exact, or an upfront hint). */
  readonly totalKnown: boolean;
}

/**
 * How many failed children a budget tolerates: a count as written; a percentage of the total,
 * rounded down ("10%" of 25 tolerates 2, "10%" of 5 tolerates none).
 *
 * @returns `undefined` when there is no budget, or when a percentage meets a total not known
 * yet (an iterator or Observable input still being read without a `total` hint): nothing can be
 * decided then, and the run asks again once the input is done.
 */
export function toleratedFailures(budget: FailureBudget, tally: Pick<FailureTally, "total" | "totalKnown">): number | undefined {
  if (budget === undefined || typeof budget === "number") return budget;
  if (!tally.totalKnown) return undefined;
  // Multiply before dividing, as written in the docs: 3 of "33.3%" is 0.999, which tolerates none.
  return Math.floor((tally.total * Number.parseFloat(budget)) / 100);
}

/**
 * The budget rule of continue-partial: the run fails once failures EXCEED what is tolerated
 * (reaching it is fine, so a budget of 0 fails on the first failure).
 *
 * @returns the message the run fails with, or `undefined` while the budget holds (or cannot be checked yet).
 */
export function budgetExceeded(budget: FailureBudget, tally: FailureTally): string | undefined {
  const allowed = toleratedFailures(budget, tally);
  if (allowed === undefined || tally.failures <= allowed) return undefined;
  return `Failure budget exceeded: ${tally.failures} of ${tally.total} children failed (tolerated_failures: ${budget})`;
}
