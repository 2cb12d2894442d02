/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Type errors are caught once by `tsc --noEmit` in `npm test`; jest only needs to strip types.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  reporters: ["default", "<rootDir>/__tests__/support/summary-reporter.js"],
};
