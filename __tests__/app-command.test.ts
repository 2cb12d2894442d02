// The tests' runner of cdktf.json's app command (support/app-command.ts): within a jest run, each app is
// synthesized once, and every later run of it gets a copy of that output.
import * as childProcess from "child_process";
import { readFileSync, rmSync } from "fs";
import { join } from "path";
import { runAppCommand, runAppCommandAsync } from "./support/app-command";
import { PLAN_CACHE_ENV } from "./support/terraform";

// The smallest app (one resource, and under scripts/, so not type-checked): the test is about the runner.
const ENTRY = "scripts/bench-fixtures/one-resource/main.ts";
const STACK = join("stacks", "one-resource", "cdk.tf.json");

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((outdir) => rmSync(outdir, { recursive: true, force: true })));

test("an entry with the same environment is synthesized once per run; later runs, sync or async, get a copy", async () => {
  expect(process.env[PLAN_CACHE_ENV]).toBeTruthy(); // jest's global setup made this run's cache
  const execFileSync = jest.spyOn(childProcess, "execFileSync");
  const execFile = jest.spyOn(childProcess, "execFile");
  try {
    const env = { APP_COMMAND_TEST: "first" };
    outdirs.push(runAppCommand(env, ENTRY));
    outdirs.push(runAppCommand(env, ENTRY));
    outdirs.push(await runAppCommandAsync(env, ENTRY));
    expect(execFileSync).toHaveBeenCalledTimes(1);
    expect(execFile).not.toHaveBeenCalled();
    outdirs.push(runAppCommand({ APP_COMMAND_TEST: "other" }, ENTRY));
    expect(execFileSync).toHaveBeenCalledTimes(2);
  } finally {
    execFileSync.mockRestore();
    execFile.mockRestore();
  }
  expect(new Set(outdirs).size).toBe(4);
  const [first, ...copies] = outdirs.map((outdir) => readFileSync(join(outdir, STACK), "utf8"));
  expect(copies).toEqual([first, first, first]);
});
