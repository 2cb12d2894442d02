import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

/*
 * The real app, run as `cdktf synth` runs it: the `app` command of cdktf.json, from the repository root,
 * with CDKTF_OUTDIR pointing at a fresh folder.
 */

const ROOT = join(__dirname, "..");
const APP_COMMAND: string = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")).app;
const STACKS = ["hello-dev", "hello-prod"];

interface Run {
  status: number | null;
  output: string;
  manifest: any;
  outdir: string;
}

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((outdir) => rmSync(outdir, { recursive: true, force: true })));

/** Runs the app command, with `main.ts` replaced by `entry`, into a fresh output folder. */
function runApp(entry = "main.ts"): Run {
  const outdir = mkdtempSync(join(tmpdir(), "fargate-app-"));
  outdirs.push(outdir);
  const result = spawnSync(APP_COMMAND.replace(/\bmain\.ts\b/, entry), {
    cwd: ROOT,
    shell: true,
    encoding: "utf8",
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    timeout: 120_000,
  });
  const manifestPath = join(outdir, "manifest.json");
  return {
    status: result.status,
    output: `${result.stdout}${result.stderr}${result.error ?? ""}`,
    manifest: existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, "utf8")) : undefined,
    outdir,
  };
}

test("cdktf.json's app command is the one these tests run", () => {
  expect(APP_COMMAND).toBe("node -r ./scripts/ts-require.js main.ts");
});

test("the default app synthesizes one stack per environment, with no warning, each with its .terraformignore", () => {
  const run = runApp();
  expect({ status: run.status, output: run.output }).toEqual({ status: 0, output: "" });
  expect(Object.keys(run.manifest.stacks)).toEqual(STACKS);
  for (const name of STACKS) {
    const stack = run.manifest.stacks[name];
    expect(stack.annotations).toEqual([]);
    expect(stack.synthesizedStackPath).toBe(`stacks/${name}/cdk.tf.json`);
    const synthesized = join(run.outdir, stack.synthesizedStackPath);
    expect(Object.keys(JSON.parse(readFileSync(synthesized, "utf8")).resource).length).toBeGreaterThan(0);
    // What Terraform Cloud may upload from the folder: the configuration, not local working files.
    expect(readFileSync(join(run.outdir, "stacks", name, ".terraformignore"), "utf8").split("\n")).toEqual(
      expect.arrayContaining([".terraform/", "*.tfstate", "*.tfstate.*", "*.tfplan"]),
    );
  }
}, 120_000);

test("the same app with image \"nginx\" synthesizes with exactly one warning per stack, about the image", () => {
  const copy = join(ROOT, "main-warning.tmp.ts");
  const source = readFileSync(join(ROOT, "main.ts"), "utf8");
  const changed = source.replace(/image: "[^"]*"/, 'image: "nginx"');
  expect(changed).not.toBe(source);
  try {
    writeFileSync(copy, changed);
    const run = runApp("main-warning.tmp.ts");
    expect({ status: run.status, output: run.output }).toEqual({ status: 0, output: "" });
    for (const name of STACKS) {
      const annotations = run.manifest.stacks[name].annotations;
      expect(annotations).toHaveLength(1);
      expect(annotations[0]).toMatchObject({
        constructPath: `${name}/hello/Default/Default/task/container`,
        level: "@cdktf/warn",
        message:
          'image is "nginx": no tag (so latest) is mutable, so a task replaced later may run other code than the one deployed, ' +
          'and Terraform sees no change to roll out. Fix: pin a version tag or a digest, e.g. "nginx:1.2.3"',
      });
    }
  } finally {
    rmSync(copy, { force: true });
  }
}, 120_000);
