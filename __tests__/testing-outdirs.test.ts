// The tests' cleanup of the temporary outdirs cdktf's Testing.app() makes (support/testing-outdirs.js, jest's
// setup file and the prefetch's).
import { existsSync, mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Testing } from "cdktf";

const { trackTestingOutdirs } = require("./support/testing-outdirs") as { trackTestingOutdirs: () => () => void };

test("the outdirs Testing.app() makes are removed when asked; an outdir the caller gave is left", () => {
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
