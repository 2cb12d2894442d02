// Plans, in the background of a jest run, the stacks its Terraform-tier files will ask for, so that they are
// planned in one batch instead of one per file (terraform.ts's prefetchPlans). Started by global-setup.js as
//   node -r ./scripts/ts-require.js __tests__/support/prefetch-plans.js <stacks module>...
// with the run's plan cache in FARGATE_TF_PLAN_CACHE; each module (__tests__/plans/<test file>.ts) exports
// stacksToPlan(), the stacks its test file plans with planStacks, and, when they are an app's, the
// appToSynthesize whose output folder stacksToPlan(outdir) takes (the apps are synthesized at once, here as in
// the test files, by cdktf.json's app command). Prints "locked" once every stack's cache entry is locked; its
// test files then wait for the plans rather than make them.
const fs = require("fs");
const path = require("path");
const { runAppCommandAsync } = require("./app-command.ts");
const { prefetchPlans, cleanupPlannedStacks } = require("./terraform.ts");
const { trackTestingOutdirs } = require("./testing-outdirs");

const removeTestingOutdirs = trackTestingOutdirs();

/** Each app synthesized once, however many modules list its stacks. */
const synthesized = new Map();

async function stacksOf(module) {
  const { appToSynthesize, stacksToPlan } = require(path.resolve(module));
  if (!appToSynthesize) return stacksToPlan();
  const app = JSON.stringify(appToSynthesize);
  if (!synthesized.has(app)) synthesized.set(app, runAppCommandAsync(appToSynthesize.env, appToSynthesize.entry));
  return stacksToPlan(await synthesized.get(app));
}

Promise.all(process.argv.slice(2).map(stacksOf))
  .then((stacks) => prefetchPlans(stacks.flat(), () => process.stdout.write("locked\n")))
  .finally(() => {
    cleanupPlannedStacks();
    removeTestingOutdirs();
    for (const outdir of synthesized.values()) outdir.then((dir) => fs.rmSync(dir, { recursive: true, force: true }), () => {});
  })
  .catch((error) => {
    // The test files plan what was not published, and report their own errors.
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  });
