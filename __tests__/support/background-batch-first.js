// The background batch (prefetch-plans.js, started by jest's main process) is the run's longest task, and the
// files of its stacks wait for it at the end. The workers, and what they start (Terraform, the app command),
// run 10 below jest's main process (and so the batch), so that the batch takes the CPU it can use and the
// workers the rest, instead of the batch finishing alone at the end.
const os = require("os");

const below = Math.min(19, os.getPriority(process.ppid) + 10);
if (os.getPriority(0) < below) os.setPriority(0, below);
