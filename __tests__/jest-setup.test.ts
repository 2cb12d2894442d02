// What jest's setup files (jest.config.js's setupFilesAfterEnv) do for every test file.
import { existsSync, mkdtempSync, rmSync } from "fs";
import { getPriority, tmpdir } from "os";
import { join } from "path";
import { Lazy, Testing } from "cdktf";
import { captureStackTrace } from "cdktf/lib/tokens/private/stack-trace";

const { trackTestingOutdirs } = require("./support/testing-outdirs") as { trackTestingOutdirs: () => () => void };

test("no-creation-stacks.js: cdktf records no creation stack for the tokens it makes", () => {
  expect(captureStackTrace()).toEqual([]);
  expect((Lazy.anyValue({ produce: () => 1 }) as any).creationStack).toEqual([]);
});

test("testing-outdirs.js: the outdirs Testing.app() makes are removed when asked; an outdir the caller gave is left", () => {
  const removeOutdirs = trackTestingOutdirs();
  const given = mkdtempSync(join(tmpdir(), "given-outdir-"));
  try {
    const made = [Testing.app().outdir, Testing.app({ stackTraces: false }).outdir];
    expect(Testing.app({ outdir: given }).outdir).toBe(given);
    expect(made.map(existsSync)).toEqual([true, true]);
    removeOutdirs();
    expect(made.map(existsSync)).toEqual([false, false]);
    expect(existsSync(given)).toBe(true);
  } finally {
    rmSync(given, { recursive: true, force: true });
  }
});

test("background-batch-first.js: the worker runs at a lower priority than jest's main process and the background batch", () => {
  expect(getPriority(0)).toBe(Math.min(19, getPriority(process.ppid) + 10));
});
