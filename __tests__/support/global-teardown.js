// Removes this run's Terraform plan cache (global-setup.js).
const fs = require("fs");

module.exports = async () => {
  const dir = process.env.FARGATE_TF_PLAN_CACHE;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
