// Runs the longest test files first, so that the workers finish together instead of one of them running
// the Terraform tier alone at the end. A file's duration is jest's record of its last run; a file without
// one (a fresh clone, a new file) is estimated: one that plans with Terraform takes tens of seconds, any
// other about a second. Files that failed last time still go first, as with jest's own sequencer.
//
// A file with a plans module (__tests__/plans/<file>.ts) goes after all the others, whatever its record: its
// stacks are planned in the background batch (global-setup.js), which the others run beside; it would only
// wait for that batch.
const fs = require("fs");
const path = require("path");
const Sequencer = require("@jest/test-sequencer").default;

const PLANS = /from "\.\/support\/(terraform|prior-state)"/;
const PLANNING_FILE_MS = 60_000;
const OTHER_FILE_MS = 1_000;

/** The plans module of a test file, if it has one. */
function plansModule(testPath) {
  const module = path.join(path.dirname(testPath), "plans", path.basename(testPath).replace(/\.test\.ts$/, ".ts"));
  return fs.existsSync(module) ? module : undefined;
}

class SlowestFirstSequencer extends Sequencer {
  sort(tests) {
    const modules = new Map(tests.map((test) => [test, plansModule(test.path)]).filter(([, module]) => module));
    // For global-setup.js, which runs next in this process: these stacks are planned ahead.
    process.env.FARGATE_PLANS_MODULES = JSON.stringify([...modules.values()]);
    const estimate = new Map();
    for (const test of tests) {
      test.duration = this.time(test); // as jest's sequencer does: the scheduler reads it
      estimate.set(test, test.duration ?? (PLANS.test(fs.readFileSync(test.path, "utf8")) ? PLANNING_FILE_MS : OTHER_FILE_MS));
    }
    return [...tests].sort(
      (a, b) =>
        Number(this.hasFailed(b)) - Number(this.hasFailed(a)) ||
        Number(modules.has(a)) - Number(modules.has(b)) ||
        estimate.get(b) - estimate.get(a),
    );
  }
}

module.exports = SlowestFirstSequencer;
