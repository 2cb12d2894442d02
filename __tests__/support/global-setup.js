// Each jest run gets a fresh Terraform plan cache (see terraform.ts): a plan is shared by the test files and
// workers of one run, never reused by a later run, which may have changed what the key does not cover (the
// harness itself). global-teardown.js removes it; caches left by killed runs go after a few hours.
//
// The stacks of the run's test files that have a __tests__/plans/<file>.ts (listed by the sequencer in
// FARGATE_PLANS_MODULES) are planned in the background, in one batch (prefetch-plans.js): the setup waits
// until their cache entries are locked, so that those files wait for the batch.
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const PREFIX = "fargate-tf-run-cache-";
const STALE_MS = 6 * 3600_000;
const ROOT = path.resolve(__dirname, "..", "..");

module.exports = async () => {
  for (const entry of fs.readdirSync(os.tmpdir())) {
    const dir = path.join(os.tmpdir(), entry);
    const stat = entry.startsWith(PREFIX) && fs.statSync(dir, { throwIfNoEntry: false });
    if (stat && Date.now() - stat.mtimeMs > STALE_MS) fs.rmSync(dir, { recursive: true, force: true });
  }
  process.env.FARGATE_TF_PLAN_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
  const modules = JSON.parse(process.env.FARGATE_PLANS_MODULES ?? "[]");
  if (modules.length > 0) globalThis.fargatePrefetch = await startPrefetch(modules);
};

/** The prefetch process, once it has locked its stacks' cache entries (or has ended early: nothing to wait for). */
function startPrefetch(modules) {
  const log = path.join(process.env.FARGATE_TF_PLAN_CACHE, "prefetch.log");
  const child = spawn(process.execPath, ["-r", "./scripts/ts-require.js", "__tests__/support/prefetch-plans.js", ...modules], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", fs.openSync(log, "w")],
  });
  child.exited = new Promise((resolve) => child.on("close", resolve));
  return new Promise((resolve) => {
    child.stdout.on("data", (data) => data.toString().includes("locked") && resolve(child));
    child.exited.then(() => resolve(child));
  });
}
