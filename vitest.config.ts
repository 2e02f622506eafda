import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["spec/**/*.test.ts", "marble-tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Type tests (*.test-d.ts) pin the public API's types; tsc checks only them and what they import.
    typecheck: { enabled: true, include: ["spec/**/*.test-d.ts"] },
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      reporter: ["text-summary", "text"],
      // The reactive core is the product's heart: keep it fully exercised.
      thresholds: {
        "src/core/**": { lines: 95, branches: 90 },
      },
    },
  },
});
