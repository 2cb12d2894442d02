// The background batch (prefetch-plans.js, started by jest's main process) is the run's longest task, and the
// files of its stacks wait for it at the end. The workers, and what they start (Terraform, the app command),
// run at a lower priority, so that the batch takes the CPU it can use and the workers the rest, instead of
// the batch finishing alone at the end.
const os = require("os");

os.setPriority(0, Math.max(os.getPriority(0), 10));
