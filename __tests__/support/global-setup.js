// Each jest run gets a fresh Terraform plan cache (see terraform.ts): a plan is shared by the test files and
// workers of one run, never reused by a later run, which may have changed what the key does not cover (the
// harness itself). global-teardown.js removes it; caches left by killed runs go after a few hours.
const fs = require("fs");
const os = require("os");
const path = require("path");

const PREFIX = "fargate-tf-run-cache-";
const STALE_MS = 6 * 3600_000;

module.exports = async () => {
  for (const entry of fs.readdirSync(os.tmpdir())) {
    const dir = path.join(os.tmpdir(), entry);
    const stat = entry.startsWith(PREFIX) && fs.statSync(dir, { throwIfNoEntry: false });
    if (stat && Date.now() - stat.mtimeMs > STALE_MS) fs.rmSync(dir, { recursive: true, force: true });
  }
  process.env.FARGATE_TF_PLAN_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
};
