/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Type errors are caught once by `tsc --noEmit` in `npm test`; jest only needs to strip types.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  setupFilesAfterEnv: [
    "<rootDir>/__tests__/support/no-creation-stacks.js",
    "<rootDir>/__tests__/support/testing-outdirs.js",
    "<rootDir>/__tests__/support/background-batch-first.js",
  ],
  reporters: ["default", "<rootDir>/__tests__/support/summary-reporter.js"],
  // The Terraform tier shares its plans within a run (__tests__/support/terraform.ts).
  globalSetup: "<rootDir>/__tests__/support/global-setup.js",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.js",
  testSequencer: "<rootDir>/__tests__/support/slowest-first-sequencer.js",
  // Jest's default, a core less than the machine has, is one worker on 2 cores: the second one keeps both
  // cores busy while a file waits on Terraform or plans alone.
  maxWorkers: Math.max(2, require("os").availableParallelism() - 1),
};
