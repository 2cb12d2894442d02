// Stops the plan prefetch if a run ended before it (no test file asked for its plans), then removes this
// run's Terraform plan cache (global-setup.js).
const fs = require("fs");

module.exports = async () => {
  const prefetch = globalThis.fargatePrefetch;
  if (prefetch && prefetch.exitCode === null && prefetch.signalCode === null) {
    prefetch.kill();
    await prefetch.exited;
  }
  const dir = process.env.FARGATE_TF_PLAN_CACHE;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
