// Runs the longest test files first, so that the workers finish together instead of one of them running
// the Terraform tier alone at the end. A file's duration is jest's record of its last run; a file without
// one (a fresh clone, a new file) is estimated: one that plans with Terraform takes tens of seconds, any
// other about a second. Files that failed last time still go first, as with jest's own sequencer.
const fs = require("fs");
const Sequencer = require("@jest/test-sequencer").default;

const PLANS = /from "\.\/support\/(terraform|plan-hcl|prior-state)"/;
const PLANNING_FILE_MS = 60_000;
const OTHER_FILE_MS = 1_000;

class SlowestFirstSequencer extends Sequencer {
  sort(tests) {
    // For global-setup.js, which runs next in this process: the stacks of these files are planned ahead.
    process.env.FARGATE_SELECTED_TESTS = JSON.stringify(tests.map((test) => test.path));
    const estimate = new Map();
    for (const test of tests) {
      test.duration = this.time(test); // as jest's sequencer does: the scheduler reads it
      estimate.set(test, test.duration ?? (PLANS.test(fs.readFileSync(test.path, "utf8")) ? PLANNING_FILE_MS : OTHER_FILE_MS));
    }
    return [...tests].sort((a, b) => Number(this.hasFailed(b)) - Number(this.hasFailed(a)) || estimate.get(b) - estimate.get(a));
  }
}

module.exports = SlowestFirstSequencer;
