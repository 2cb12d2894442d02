import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { EXIT_CODES, HELP, parseArguments, runStatus } from "../src/cli/status/cli";
import { UsageError } from "../src/cli/status/stack";
import { STACK, synthVariant } from "./fixtures/status/run";
import { FakeEcs } from "./fixtures/status/fake-aws";
import * as healthy from "./fixtures/status/healthy";

jest.setTimeout(120_000);

/* The command itself: `npm run status -- …` spawned as a user runs it, its arguments and exit codes. */

const ROOT = join(__dirname, "..");
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "fargate-status-cli-"));
  scratch.push(dir);
  return dir;
}

/** No credentials anywhere the SDK looks, and no instance metadata to wait for. */
const NO_AWS = {
  AWS_ACCESS_KEY_ID: "",
  AWS_SECRET_ACCESS_KEY: "",
  AWS_SESSION_TOKEN: "",
  AWS_PROFILE: "",
  AWS_CONFIG_FILE: "/nonexistent/aws-config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "",
  AWS_CONTAINER_CREDENTIALS_FULL_URI: "",
  AWS_WEB_IDENTITY_TOKEN_FILE: "",
};

function npmStatus(args: string[]) {
  const result = spawnSync("npm", ["run", "--silent", "status", "--", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...NO_AWS },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run status, spawned", () => {
  test("--help prints the usage, the options and the exit codes, exit 0", () => {
    const run = npmStatus(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(HELP);
    expect(run.stdout).toContain("Usage: npm run status -- [stack] [options]");
    for (const option of ["--json", "--output <dir>", "-h, --help"]) expect(run.stdout).toContain(option);
    expect(run.stdout).toMatch(/Exit codes:\n {2}0 {2}every service is at steady state: one PRIMARY deployment, COMPLETED, running = desired, on the task\n/);
    for (const code of ["  1  a service is not", "  2  usage error", "  3  an AWS call failed"]) expect(run.stdout).toContain(code);
  });

  test("an unknown option: exit 2 and a pointer to --help", () => {
    const run = npmStatus(["--verbose"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("status: unknown option --verbose");
    expect(run.stderr).toContain("npm run status -- --help");
  });

  test("no synthesized output: exit 2, telling to run npx cdktf synth", () => {
    const missing = join(tempDir(), "cdktf.out");
    const run = npmStatus(["--output", missing]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`no synthesized output at ${missing}: run \`npx cdktf synth\` first`);
  });

  test("an unknown stack: exit 2, listing the stacks there", () => {
    const outdir = synthVariant({});
    const run = npmStatus(["staging", "--output", outdir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`no stack "staging" in ${outdir}; the stacks there: ${STACK}`);
  });

  test("with the real SDK and no credentials: exit 3 with the SDK's message", () => {
    const run = npmStatus(["--output", synthVariant({})]);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("status: AWS call failed: ecs:DescribeServices failed: CredentialsProviderError");
    expect(run.stderr).not.toContain("NodeVersionSupportWarning");
    expect(run.status).toBe(3);
  });
});

describe("arguments", () => {
  test("a stack, --json, --output in any order", () => {
    expect(parseArguments([])).toEqual({ stack: undefined, json: false, help: false, output: undefined });
    expect(parseArguments(["--json", "hello-fargate", "--output", "out"])).toEqual({ stack: "hello-fargate", json: true, help: false, output: "out" });
    expect(parseArguments(["--output=out", "-h"])).toMatchObject({ output: "out", help: true });
  });

  test("refused: two stacks, an option without its value, an unknown option", () => {
    expect(() => parseArguments(["a", "b"])).toThrow(new UsageError("one stack at a time: got a and b"));
    expect(() => parseArguments(["--output"])).toThrow("--output needs a folder");
    expect(() => parseArguments(["--regoin", "eu-west-1"])).toThrow("unknown option --regoin");
  });

  test("the exit codes", () => {
    expect(EXIT_CODES).toEqual({ healthy: 0, notHealthy: 1, usage: 2, awsError: 3 });
  });

  test("the default output folder is cdktf.json's \"output\", else cdktf.out, in the working directory", async () => {
    const cwd = tempDir();
    const synthesized = synthVariant({});
    mkdirSync(join(cwd, "out", "stacks", STACK), { recursive: true });
    writeFileSync(join(cwd, "out", "stacks", STACK, "cdk.tf.json"), readFileSync(join(synthesized, "stacks", STACK, "cdk.tf.json")));
    let stdout = "";
    let stderr = "";
    const deps = {
      ecs: () => new FakeEcs(healthy.recording),
      stdout: (text: string) => (stdout += text),
      stderr: (text: string) => (stderr += text),
      cwd,
    };
    expect(await runStatus([], deps)).toBe(2);
    expect(stderr).toContain(`no synthesized output at ${join(cwd, "cdktf.out")}`);
    writeFileSync(join(cwd, "cdktf.json"), JSON.stringify({ language: "typescript", app: "npx ts-node main.ts", output: "out" }));
    expect(await runStatus([], deps)).toBe(0);
    expect(stdout).toContain("✓ Service hello (cluster hello): STEADY");
  });
});
