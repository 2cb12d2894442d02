// Plans, in the background of a jest run, the stacks its Terraform-tier files will ask for, so that they are
// planned in one batch instead of one per file (terraform.ts's prefetchPlans). Started by global-setup.js as
//   node -r ./scripts/ts-require.js __tests__/support/prefetch-plans.js <stacks module>...
// with the run's plan cache in FARGATE_TF_PLAN_CACHE; each module (__tests__/plans/<test file>.ts) exports
// stacksToPlan(), the stacks its test file plans with planStacks. Prints "locked" once every stack's cache
// entry is locked; its test files then wait for the plans rather than make them.
const path = require("path");
const { prefetchPlans, cleanupPlannedStacks } = require("./terraform.ts");

const stacks = process.argv.slice(2).flatMap((module) => require(path.resolve(module)).stacksToPlan());
prefetchPlans(stacks, () => process.stdout.write("locked\n"))
  .finally(cleanupPlannedStacks)
  .catch((error) => {
    // The test files plan what was not published, and report their own errors.
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  });
