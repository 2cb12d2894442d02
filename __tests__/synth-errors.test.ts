import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

/*
 * What a failing synth prints, on small apps written into .test-apps/ (git-ignored, outside tsconfig's
 * files) and run with cdktf.json's app command, as `cdktf synth` runs it: a type error stops it with the
 * compiler's message; a validation error is printed once under its construct path, without a stack
 * trace; a crash keeps its stack trace. Run by the cdktf CLI, the app prints nothing: the CLI prints an
 * app's stderr twice (as it comes, then in its summary of a failed command), so the errors go in the
 * manifest as annotations, which the CLI prints once.
 */

const ROOT = join(__dirname, "..");
const APPS = join(ROOT, ".test-apps");
const APP_COMMAND: string = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")).app;

// The misspelled prop is on line 6, column 50; line 7 is well typed but invalid (a retention CloudWatch
// does not offer), which only a well-typed app is validated for.
const TYPO_APP = `import { App } from "cdktf";
import { FargateStack, LogGroup, synthesizeApp } from "../src";

const app = new App();
const stack = new FargateStack(app, "typo", { region: "eu-west-1" });
new LogGroup(stack, "logs", { name: "/ecs/typo", retentionDay: 7 });
new LogGroup(stack, "more_logs", { name: "/ecs/typo-more", retentionDays: 8 });
synthesizeApp(app);
`;

// One app for the other cases, so that its type check runs once: the environment chooses the case.
// IN_DEFAULT puts the task under a construct with id Default, as FargateWebApp's parts are; CLASH adds
// two log groups with one Terraform address.
const TASK_APP = `import { App } from "cdktf";
import { Construct } from "constructs";
import { FargateStack, FargateTaskDefinition, LogGroup, synthesizeApp } from "../src";

const app = new App();
const stack = new FargateStack(app, "synth-errors", { region: "eu-west-1" });
const scope = process.env.IN_DEFAULT ? new Construct(stack, "Default") : stack;
const task = new FargateTaskDefinition(scope, "task", { family: "synth-errors", cpu: Number(process.env.TASK_CPU ?? 256), memory: 512 });
task.addContainer("web", { name: "web", image: process.env.IMAGE ?? "nginx:1.27", portMappings: [{ containerPort: 80 }] });
if (process.env.CLASH) for (const id of ["appLogs", "app-logs"]) new LogGroup(stack, id, { name: \`/ecs/\${id}\` });
if (process.env.CRASH) throw new Error("a bug in the app");
synthesizeApp(app);
`;

const TYPO_MESSAGE =
  ".test-apps/synth-errors-typo.ts:6:50 - error TS2561: Object literal may only specify known properties, " +
  "but 'retentionDay' does not exist in type 'LogGroupProps'. Did you mean to write 'retentionDays'?";
const SIZE_MESSAGE = 'cpu/memory is {"cpu":300,"memory":512}: Fargate runs only the task sizes listed at';
const CLASH_MESSAGE =
  'Constructs "synth-errors/appLogs/Resource" and "synth-errors/app-logs/Resource" both map to the Terraform name "app_logs"';
const STACK_FRAME = /^\s+at /m;
const AS_RUN_BY_CLI = { CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true" };

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  outdir: string;
}

const outdirs: string[] = [];

beforeAll(() => {
  mkdirSync(APPS, { recursive: true });
  writeFileSync(join(APPS, "synth-errors-typo.ts"), TYPO_APP);
  writeFileSync(join(APPS, "synth-errors-task.ts"), TASK_APP);
});

afterAll(() => {
  outdirs.forEach((outdir) => rmSync(outdir, { recursive: true, force: true }));
  for (const file of ["synth-errors-typo.ts", "synth-errors-task.ts"]) rmSync(join(APPS, file), { force: true });
});

/** Runs the app command on `.test-apps/<file>` into a fresh folder; run directly unless `env` says otherwise. */
function runApp(file: string, env: Record<string, string> = {}): Run {
  const outdir = mkdtempSync(join(tmpdir(), "fargate-synth-errors-"));
  outdirs.push(outdir);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, ...env };
  if (!("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS" in env)) delete childEnv.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
  const result = spawnSync(APP_COMMAND.replace(/\bmain\.ts\b/, `.test-apps/${file}`), {
    cwd: ROOT,
    shell: true,
    encoding: "utf8",
    env: childEnv,
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outdir };
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;
const manifestOf = (run: Run) => JSON.parse(readFileSync(join(run.outdir, "manifest.json"), "utf8"));

test("a misspelled prop stops synth with the compiler's message: file:line:column, text, suggestion", () => {
  const run = runApp("synth-errors-typo.ts");
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(TYPO_MESSAGE);
  expect(run.stderr).toContain("Found 1 error in .test-apps/synth-errors-typo.ts:6. Synth stopped: nothing was synthesized.");
  expect(occurrences(run.stderr, "error TS")).toBe(1);
  expect(existsSync(join(run.outdir, "manifest.json"))).toBe(false);
  expect(existsSync(join(run.outdir, "stacks", "typo", "cdk.tf.json"))).toBe(false);
}, 120_000);

test("`cdktf synth` prints a type error once (the app hands it over as an annotation), with file:line:column and the suggestion, and fails", () => {
  const outdir = mkdtempSync(join(tmpdir(), "fargate-synth-errors-cli-"));
  outdirs.push(outdir);
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1" };
  delete env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
  const app = APP_COMMAND.replace(/\bmain\.ts\b/, ".test-apps/synth-errors-typo.ts");
  const result = spawnSync(join(ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--app", app, "--output", outdir], {
    cwd: ROOT,
    encoding: "utf8",
    env,
    timeout: 120_000,
  });
  const printed = `${result.stdout}${result.stderr}`;
  expect(result.status).not.toBe(0);
  expect(occurrences(printed, TYPO_MESSAGE)).toBe(1);
  expect(occurrences(printed, "error TS")).toBe(1);
  expect(printed).toContain("ERROR [.test-apps/synth-errors-typo.ts]:");
  expect(occurrences(printed, "Found 1 error in .test-apps/synth-errors-typo.ts:6.")).toBe(1);
  // Only the compiler's report, as when the app is run directly: an ill-typed app's validation errors
  // may be the same mistake again (a misspelled prop is also an unknown prop).
  expect(printed).not.toContain("retentionDays is 8");
  expect(printed).not.toMatch(STACK_FRAME);
  expect(printed).not.toContain("skipValidation");
}, 120_000);

test("the same app, well typed and valid, synthesizes with no output", () => {
  const run = runApp("synth-errors-task.ts");
  expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  expect(Object.keys(manifestOf(run).stacks)).toEqual(["synth-errors"]);
}, 120_000);

test("an invalid task size: its message once, under its construct path, no stack trace, no skipValidation, exit 1", () => {
  const run = runApp("synth-errors-task.ts", { TASK_CPU: "300", IN_DEFAULT: "1" });
  expect(run.status).toBe(1);
  expect(run.stdout).toBe("");
  expect(run.stderr).toMatch(new RegExp(`^ERROR \\[synth-errors/task\\]:\\n  ${escape(SIZE_MESSAGE)}`));
  expect(occurrences(run.stderr, SIZE_MESSAGE)).toBe(1);
  expect(run.stderr).toMatch(/\n\n1 error in 1 construct\. Synth stopped: nothing was synthesized\.\n$/);
  expect(run.stderr).not.toMatch(STACK_FRAME);
  expect(run.stderr).not.toContain("skipValidation");
  expect(existsSync(join(run.outdir, "manifest.json"))).toBe(false);
});

test("warnings are printed with the errors; a valid app's are left in the manifest, which the CLI prints", () => {
  const failing = runApp("synth-errors-task.ts", { TASK_CPU: "300", IMAGE: "nginx" });
  expect(failing.status).toBe(1);
  expect(failing.stderr).toContain('\nWARN [synth-errors/task/web]:\n  image is "nginx": no tag (so latest) is mutable');
  expect(occurrences(failing.stderr, 'image is "nginx"')).toBe(1);

  const valid = runApp("synth-errors-task.ts", { IMAGE: "nginx" });
  expect({ status: valid.status, stdout: valid.stdout, stderr: valid.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  const annotations = manifestOf(valid).stacks["synth-errors"].annotations;
  expect(annotations.map((a: any) => [a.level, a.constructPath])).toEqual([["@cdktf/warn", "synth-errors/task/web"]]);
});

test("run by the cdktf CLI, the errors are handed over as one annotation per construct, for the CLI to print once", () => {
  // The CLI prints the annotations of the manifest, with their construct paths as they are there, and
  // fails on an error annotation. The paths are as users read them: without the Default ids.
  const run = runApp("synth-errors-task.ts", { TASK_CPU: "300", IMAGE: "nginx", IN_DEFAULT: "1", ...AS_RUN_BY_CLI });
  expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  const annotations = manifestOf(run).stacks["synth-errors"].annotations;
  expect(annotations.map((a: any) => [a.level, a.constructPath])).toEqual([
    ["@cdktf/error", "synth-errors/task"],
    ["@cdktf/warn", "synth-errors/task/web"],
  ]);
  expect(annotations[0].message).toMatch(new RegExp(`^\\n  ${escape(SIZE_MESSAGE)}`));
  expect(occurrences(annotations[0].message, SIZE_MESSAGE)).toBe(1);
  expect(annotations[0].stacktrace).toBeUndefined();
});

test("two constructs with one Terraform address: both paths and the fix, once, no stack trace, exit 1", () => {
  const run = runApp("synth-errors-task.ts", { CLASH: "1" });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^ERROR \\[synth-errors\\]:\\n  ${escape(CLASH_MESSAGE)} .*\\. Fix: rename one of them`));
  expect(occurrences(run.stderr, CLASH_MESSAGE)).toBe(1);
  expect(run.stderr).not.toMatch(STACK_FRAME);
  expect(existsSync(join(run.outdir, "manifest.json"))).toBe(false);

  const byCli = runApp("synth-errors-task.ts", { CLASH: "1", ...AS_RUN_BY_CLI });
  expect({ status: byCli.status, stdout: byCli.stdout, stderr: byCli.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  const annotations = manifestOf(byCli).stacks["synth-errors"].annotations;
  expect(annotations.map((a: any) => [a.level, a.constructPath])).toEqual([["@cdktf/error", "synth-errors"]]);
  expect(occurrences(annotations[0].message, CLASH_MESSAGE)).toBe(1);
});

test("an exception that is not a validation error (a bug) keeps its stack trace", () => {
  const run = runApp("synth-errors-task.ts", { CRASH: "1" });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain("Error: a bug in the app");
  expect(run.stderr).toMatch(STACK_FRAME);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
