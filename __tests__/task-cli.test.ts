import { spawnSync } from "child_process";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { DEFAULT_TIMEOUT_MINUTES, EXIT_CODES, HELP, parseArguments, POLL_INTERVAL_MS } from "../src/cli/task/cli";
import type { TaskRunReport } from "../src/cli/task/cli";
import { parseCommandJson, splitShellWords } from "../src/cli/task/command";
import { runTaskInput } from "../src/cli/task/ecs";
import type { TerraformRunner } from "../src/cli/task/outputs";
import { findTask, OutputsReadError, parseOutputs, readOutputsFile, readTerraformOutputs, runTaskTargets } from "../src/cli/task/outputs";
import { UsageError } from "../src/cli/status/stack";
import { CLUSTER_ARN, IMAGE, SECURITY_GROUP, SUBNETS, TASK_DEFINITION_ARN } from "./fixtures/task/common";
import { awsError } from "./fixtures/task/fake-aws";
import { OUTPUTS_FILE, runRecorded, tempDir } from "./fixtures/task/run";
import * as succeeded from "./fixtures/task/migrate-succeeded";
import * as exit3 from "./fixtures/task/migrate-exit-3";
import * as imageNotFound from "./fixtures/task/image-not-found";
import * as capacityUnavailable from "./fixtures/task/capacity-unavailable";
import * as stillRunning from "./fixtures/task/still-running";

jest.setTimeout(60_000);

/*
 * `npm run task -- <stack> <task>`: the task's outputs, RunTask, following the task to STOPPED on
 * recorded ECS and CloudWatch Logs responses (a fake clock), the log printed once and in order, and the
 * exit code: the container's, 2 usage, 3 AWS error or deadline, 4 not started.
 */

const ROOT = join(__dirname, "..");
const OUTPUTS = JSON.parse(readFileSync(OUTPUTS_FILE, "utf8"));

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

function npmTask(args: string[]) {
  const result = spawnSync("npm", ["run", "--silent", "task", "--", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...NO_AWS },
    timeout: 45_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The lines of a run's output that are not the command's own `[task] …` lines: the container's log. */
function logLines(output: string): string[] {
  return output.split("\n").filter((line) => line !== "" && !line.startsWith("[task] "));
}

describe("npm run task, spawned", () => {
  test("--help prints the usage, the options and the exit codes, exit 0", () => {
    const run = npmTask(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(HELP);
    expect(run.stdout).toContain("Usage: npm run task -- <stack> <task> [options]");
    for (const option of ['--command "<words>"', "--command-json '[…]'", "--outputs FILE", "--timeout-minutes N", "--no-logs", "--json", "-h, --help"]) {
      expect(run.stdout).toContain(option);
    }
    for (const code of ["  0      the container exited 0", "  1-255  the container's own non-zero exit code", "  2      usage error", "  3      an AWS call failed", "  4      the task stopped before its container exited"]) {
      expect(run.stdout).toContain(code);
    }
  });

  test("with the real SDK and no credentials: exit 3 with the SDK's message, before any task is started", () => {
    const run = npmTask(["hello-prod", "migrate", "--outputs", OUTPUTS_FILE]);
    expect(run.stderr).toContain("task: AWS call failed: ecs:RunTask failed: CredentialsProviderError");
    expect(run.stderr).toContain("Give AWS credentials the usual way");
    expect(run.stderr).not.toContain("NodeVersionSupportWarning");
    expect(run.stderr).not.toContain("may still be running");
    expect(run.status).toBe(3);
  });
});

describe("arguments", () => {
  test("stack, task and options in any order; the defaults", () => {
    expect(parseArguments(["hello-prod", "migrate"])).toEqual({
      stack: "hello-prod",
      task: "migrate",
      command: undefined,
      outputs: undefined,
      timeoutMinutes: DEFAULT_TIMEOUT_MINUTES,
      logs: true,
      json: false,
      help: false,
    });
    expect(
      parseArguments(["--json", "hello-prod", "--timeout-minutes", "45", "migrate", "--no-logs", "--outputs=out.json", "--command", "npm run db:migrate"]),
    ).toEqual({
      stack: "hello-prod",
      task: "migrate",
      command: ["npm", "run", "db:migrate"],
      outputs: "out.json",
      timeoutMinutes: 45,
      logs: false,
      json: true,
      help: false,
    });
    expect(parseArguments(["hello-prod", "migrate", "--command-json", '["sh","-c","./migrate && ./seed"]']).command).toEqual(["sh", "-c", "./migrate && ./seed"]);
    expect(parseArguments(["--command=-c 'x y'", "a", "b"]).command).toEqual(["-c", "x y"]);
    expect(parseArguments(["-h"]).help).toBe(true);
    expect(DEFAULT_TIMEOUT_MINUTES).toBe(30);
  });

  test("refused: two commands, a bad timeout, an unknown option, a value missing, words after the task", () => {
    expect(() => parseArguments(["a", "b", "--command", "x", "--command-json", '["y"]'])).toThrow(new UsageError("give the command once: --command and --command-json"));
    expect(() => parseArguments(["a", "b", "--timeout-minutes", "0"])).toThrow("--timeout-minutes needs a number of minutes above 0: got 0");
    expect(() => parseArguments(["a", "b", "--timeout-minutes", "ten"])).toThrow("--timeout-minutes needs a number of minutes above 0");
    expect(() => parseArguments(["a", "b", "--timeout-minutes"])).toThrow("--timeout-minutes needs a value");
    expect(() => parseArguments(["a", "b", "--outputs"])).toThrow("--outputs needs a value, e.g. --outputs outputs.json");
    expect(() => parseArguments(["a", "b", "--verbose"])).toThrow("unknown option --verbose");
    expect(() => parseArguments(["hello-prod", "migrate", "npm", "run", "db:migrate"])).toThrow(
      'unexpected argument "npm" after <stack> <task> (hello-prod migrate): give the container\'s command with --command "npm run db:migrate"',
    );
  });

  test("the exit codes", () => {
    expect(EXIT_CODES).toEqual({ succeeded: 0, usage: 2, awsErrorOrDeadline: 3, notStarted: 4 });
  });
});

describe("the container command", () => {
  test("shell words: quotes and backslashes, nothing expanded", () => {
    expect(splitShellWords("npm run db:migrate")).toEqual(["npm", "run", "db:migrate"]);
    expect(splitShellWords(`  rails  db:migrate   VERSION="2025 01"  `)).toEqual(["rails", "db:migrate", "VERSION=2025 01"]);
    expect(splitShellWords(`echo 'it''s' "a \\"b\\" \\$HOME" c\\ d ''`)).toEqual(["echo", "its", 'a "b" $HOME', "c d", ""]);
    expect(splitShellWords(`psql -c 'SELECT count(*) FROM orders; -- $x'`)).toEqual(["psql", "-c", "SELECT count(*) FROM orders; -- $x"]);
  });

  test("refused: shell syntax that means something else without a shell, unterminated quotes, nothing", () => {
    for (const text of ["./migrate && ./seed", "cat x | wc", "a; b", "echo $HOME", 'echo "$HOME"', "x > out", "echo `id`"]) {
      expect(() => splitShellWords(text)).toThrow("--command runs without a shell");
    }
    expect(() => splitShellWords("./migrate && ./seed")).toThrow(`--command-json '["sh","-c","<your command line>"]'`);
    expect(() => splitShellWords("echo 'x")).toThrow("unterminated ' quote");
    expect(() => splitShellWords('echo "x')).toThrow('unterminated " quote');
    expect(() => splitShellWords("   ")).toThrow("--command is empty");
  });

  test("--command-json: a non-empty array of strings", () => {
    expect(parseCommandJson('["npm","run","db:migrate"]')).toEqual(["npm", "run", "db:migrate"]);
    expect(() => parseCommandJson("npm run")).toThrow("--command-json is not JSON");
    expect(() => parseCommandJson("[]")).toThrow("must be a non-empty array of strings");
    expect(() => parseCommandJson('["a", 1]')).toThrow("must be a non-empty array of strings");
  });
});

describe("the stack's outputs", () => {
  test("from a file: the one-off tasks among the outputs, others ignored", () => {
    const outputs = readOutputsFile(OUTPUTS_FILE);
    expect(Object.keys(outputs)).toEqual(["cluster_name", "hello_migrate_run_task", "hello_reindex_run_task", "log_group_name", "url"]);
    expect(runTaskTargets(outputs)).toEqual([
      {
        output: "hello_migrate_run_task",
        name: "migrate",
        cluster: CLUSTER_ARN,
        taskDefinition: TASK_DEFINITION_ARN,
        container: "migrate",
        subnets: SUBNETS,
        securityGroups: [SECURITY_GROUP],
        assignPublicIp: false,
        logGroup: "/ecs/hello-prod-migrate",
        logStreamPrefix: "migrate",
        region: "eu-west-1",
        capacityProvider: "FARGATE",
      },
      expect.objectContaining({ output: "hello_reindex_run_task", name: "reindex", container: "reindex", capacityProvider: "FARGATE_SPOT" }),
    ]);
  });

  test("a task by its name, or by its output's name", () => {
    const outputs = readOutputsFile(OUTPUTS_FILE);
    expect(findTask(outputs, "migrate", "hello-prod", "f").output).toBe("hello_migrate_run_task");
    expect(findTask(outputs, "hello_reindex", "hello-prod", "f").name).toBe("reindex");
    expect(findTask(outputs, "hello_reindex_run_task", "hello-prod", "f").name).toBe("reindex");
    const twice = { ...outputs, other_migrate_run_task: { ...outputs.hello_migrate_run_task } };
    expect(() => findTask(twice, "migrate", "hello-prod", "f")).toThrow(
      '2 one-off tasks of stack hello-prod are named "migrate": name one by its output, hello_migrate_run_task or other_migrate_run_task',
    );
    expect(findTask(twice, "other_migrate", "hello-prod", "f").output).toBe("other_migrate_run_task");
  });

  test("refused: not JSON, not terraform output's shape, a _run_task output missing a field, no task, no outputs", () => {
    const dir = tempDir();
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    expect(() => readOutputsFile(join(dir, "absent.json"))).toThrow(`cannot read --outputs ${join(dir, "absent.json")}`);
    expect(() => readOutputsFile(write("text.json", "url = x"))).toThrow("is not JSON");
    // `cdktf output --outputs-file`'s shape (values without the { value } wrapper) is not terraform output's.
    expect(() => readOutputsFile(write("cdktf.json", JSON.stringify({ "hello-prod": { url: "https://x" } })))).toThrow(
      "is not what `terraform output -json` prints",
    );
    const { subnets: _subnets, ...noSubnets } = OUTPUTS.hello_migrate_run_task.value;
    expect(() => runTaskTargets(parseOutputs(JSON.stringify({ x_run_task: { value: noSubnets } }), "s"))).toThrow(
      'output x_run_task has no "subnets" (a non-empty list of strings): undefined',
    );
    expect(() => runTaskTargets(parseOutputs(JSON.stringify({ x_run_task: { value: { ...noSubnets, subnets: [], cluster: 3 } } }), "s"))).toThrow(
      'output x_run_task has no "cluster" (a string): 3',
    );
    expect(() => findTask(parseOutputs(JSON.stringify({ url: OUTPUTS.url }), "s"), "migrate", "hello-prod", "s")).toThrow(
      "stack hello-prod declares no one-off task: none of its outputs (url) ends in _run_task",
    );
    expect(() => findTask(parseOutputs("{}", "s"), "migrate", "hello-prod", "the state")).toThrow(
      "stack hello-prod has no outputs in the state: deploy it first (npx cdktf deploy hello-prod)",
    );
  });

  test("terraform output -json in the stack's folder, with the real terraform on a local state", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify({ output: { url: { value: "https://hello.example.com" } } }));
    writeFileSync(
      join(dir, "terraform.tfstate"),
      JSON.stringify({
        version: 4,
        terraform_version: "1.11.4",
        serial: 3,
        lineage: "6c0d6f2e-8f1a-4b2c-9d3e-4f5a6b7c8d9e",
        outputs: Object.fromEntries(Object.entries(OUTPUTS).map(([name, output]: [string, any]) => [name, { value: output.value, type: output.type }])),
        resources: [],
        check_results: null,
      }),
    );
    const outputs = await readTerraformOutputs(dir, (await import("../src/cli/task/outputs")).runTerraform);
    expect(runTaskTargets(outputs).map((target) => target.name)).toEqual(["migrate", "reindex"]);
    expect(outputs.hello_migrate_run_task.value).toEqual(OUTPUTS.hello_migrate_run_task.value);
  });

  test("terraform failing: not initialised is a usage error (2), the state backend failing an AWS error (3), no terraform a usage error", async () => {
    const failing = (stderr: string): TerraformRunner => async () => ({ code: 1, stdout: "", stderr });
    await expect(readTerraformOutputs("/s", failing('╷\n│ Error: Backend initialization required, please run "terraform init"\n│\n'))).rejects.toThrow(
      new UsageError(
        '`terraform output -json` in /s failed: Error: Backend initialization required, please run "terraform init"\n' +
          "The stack's folder is initialised by `npx cdktf deploy` (or `terraform init` there); or give --outputs FILE",
      ),
    );
    const denied = readTerraformOutputs("/s", failing("╷\n│ Error: Failed to load state: AccessDenied: Access Denied\n│ \tstatus code: 403\n╵\n"));
    await expect(denied).rejects.toThrow(OutputsReadError);
    await expect(denied).rejects.toThrow("`terraform output -json` in /s failed: Error: Failed to load state: AccessDenied: Access Denied");
    const absent: TerraformRunner = async () => ({ code: null, stdout: "", stderr: "", error: Object.assign(new Error("spawn terraform ENOENT"), { code: "ENOENT" }) });
    await expect(readTerraformOutputs("/s", absent)).rejects.toThrow("terraform is not installed (or not on PATH)");
  });
});

describe("RunTask's request", () => {
  test("Fargate, the task's network, the command override on its container, startedBy, an idempotency token", async () => {
    const run = await runRecorded(succeeded.recording, ["hello-prod", "migrate", "--command", "npm run db:migrate"]);
    expect(run.ecs.runTaskInputs).toEqual([
      {
        cluster: CLUSTER_ARN,
        taskDefinition: TASK_DEFINITION_ARN,
        count: 1,
        launchType: "FARGATE",
        networkConfiguration: { awsvpcConfiguration: { subnets: SUBNETS, securityGroups: [SECURITY_GROUP], assignPublicIp: "DISABLED" } },
        overrides: { containerOverrides: [{ name: "migrate", command: ["npm", "run", "db:migrate"] }] },
        startedBy: "npm-run-task",
        clientToken: "3f0c9a4e-7b1d-4e2f-9a6c-5d8b0e1f2a3c",
      },
    ]);
    expect(run.ecs.describeInputs[0]).toEqual({ cluster: CLUSTER_ARN, tasks: [succeeded.recording.runTask.tasks?.[0].taskArn] });
  });

  test("no command: no override; a capacity provider other than FARGATE: a capacity provider strategy, no launch type", () => {
    const reindex = findTask(readOutputsFile(OUTPUTS_FILE), "reindex", "hello-prod", "f");
    const input = runTaskInput({ ...reindex, assignPublicIp: true }, undefined, "token");
    expect(input.overrides).toBeUndefined();
    expect(input.launchType).toBeUndefined();
    expect(input.capacityProviderStrategy).toEqual([{ capacityProvider: "FARGATE_SPOT", weight: 1 }]);
    expect(input.networkConfiguration?.awsvpcConfiguration?.assignPublicIp).toBe("ENABLED");
  });
});

describe("following the task", () => {
  test("started → running → stopped with exit code 0: exit 0, the log printed in order, once, then the stop reason and the exit code", async () => {
    const run = await runRecorded(succeeded.recording, ["hello-prod", "migrate", "--command", "npm run db:migrate"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.logs.mismatches).toEqual([]);
    expect(logLines(run.stdout)).toEqual(succeeded.LINES);
    expect(run.stdout).toBe(
      [
        "[task] hello-prod migrate: task definition hello-prod-migrate:7 on cluster hello-prod (eu-west-1), container migrate, command: npm run db:migrate",
        `[task] started arn:aws:ecs:eu-west-1:123456789012:task/hello-prod/${succeeded.TASK_ID}`,
        `[task] log: /ecs/hello-prod-migrate ${succeeded.LOG_STREAM}`,
        "[task] PROVISIONING",
        "[task] PENDING",
        "[task] RUNNING",
        ...succeeded.LINES,
        "[task] STOPPED: Essential container in task exited (EssentialContainerExited)",
        "[task] container migrate exited with code 0",
        "[task] exit 0: the container exited 0",
        "",
      ].join("\n"),
    );
    // The log is read from the stream of the container and task, from the head, only once the task runs.
    expect(new Set(run.logs.calls.map((call) => `${call.group} ${call.stream} ${call.startFromHead}`))).toEqual(
      new Set([`/ecs/hello-prod-migrate ${succeeded.LOG_STREAM} true`]),
    );
    expect(run.ecs.describeInputs).toHaveLength(6);
    expect(run.sleeps).toEqual(Array(6).fill(POLL_INTERVAL_MS));
  });

  test("stopped with exit code 3: exit 3, the log, the stop reason and the container's code", async () => {
    const run = await runRecorded(exit3.recording, ["hello-prod", "migrate"]);
    expect(run.code).toBe(3);
    expect(run.logs.mismatches).toEqual([]);
    expect(logLines(run.stdout)).toEqual(exit3.LINES);
    expect(run.stdout).toContain("command: the task definition's\n");
    expect(run.ecs.runTaskInputs[0].overrides).toBeUndefined();
    expect(run.stdout).toContain(
      [
        exit3.LINES[2],
        "[task] STOPPED: Essential container in task exited (EssentialContainerExited)",
        "[task] container migrate exited with code 3",
        "[task] exit 3: the container's exit code",
      ].join("\n"),
    );
    expect(run.stdout).not.toContain("[task] fix:");
  });

  test("stopped before the container ran (CannotPullContainerError): exit 4, the reason, the cause and the fix", async () => {
    const run = await runRecorded(imageNotFound.recording, ["hello-prod", "migrate"]);
    expect(run.code).toBe(4);
    expect(logLines(run.stdout)).toEqual([]);
    expect(run.stdout).toContain(`[task] STOPPED: ${imageNotFound.REASON} (TaskFailedToStart)\n`);
    expect(run.stdout).toContain(`[task] container migrate did not run: ${imageNotFound.REASON}\n`);
    expect(run.stdout).toContain(
      `[task] cause: image ${imageNotFound.MISSING_IMAGE} (container migrate) does not exist: the registry has no tag 4f2a9c2 in repository 123456789012.dkr.ecr.eu-west-1.amazonaws.com/hello\n`,
    );
    expect(run.stdout).toContain(`[task] fix:   set the app's \`image\` to a name and tag that exist, or push that tag first (docker push ${imageNotFound.MISSING_IMAGE})`);
    expect(run.stdout).toMatch(/\[task\] exit 4: the task stopped before its container exited\n$/);
    expect(run.stdout).not.toContain("no log stream");
  });

  test("with the synthesized stack at hand, the fix names what the stack declares", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "cdktf.out", "stacks", "hello-prod"), { recursive: true });
    writeFileSync(
      join(cwd, "cdktf.out", "stacks", "hello-prod", "cdk.tf.json"),
      JSON.stringify({
        provider: { aws: [{ region: "eu-west-1" }] },
        output: { hello_migrate_run_task: { value: { name: "migrate", task_definition: "${aws_ecs_task_definition.hello_migrate_task.arn}" } } },
        resource: {
          aws_ecs_task_definition: {
            hello_migrate_task: {
              family: "hello-prod-migrate",
              container_definitions: JSON.stringify([{ name: "migrate", image: IMAGE, essential: true }]),
            },
          },
        },
      }),
    );
    const run = await runRecorded(imageNotFound.recording, ["hello-prod", "migrate"], { cwd });
    expect(run.code).toBe(4);
    expect(run.stdout).toContain(`(the stack now declares "${IMAGE}": npx cdktf deploy)`);
  });

  test("RunTask starts no task (its failures: no Fargate Spot capacity): exit 4 with the reason and what to do", async () => {
    const run = await runRecorded(capacityUnavailable.recording, ["hello-prod", "reindex"]);
    expect(run.code).toBe(4);
    expect(run.ecs.runTaskInputs[0].capacityProviderStrategy).toEqual([{ capacityProvider: "FARGATE_SPOT", weight: 1 }]);
    expect(run.ecs.describeInputs).toEqual([]);
    expect(run.stdout).toContain(`[task] RunTask started no task: ${capacityUnavailable.REASON} for ${CLUSTER_ARN}\n`);
    expect(run.stdout).toContain("[task] fix:   Fargate Spot has no capacity for the task now: run it again later, or declare the task on FARGATE");
    expect(run.stdout).toMatch(/\[task\] exit 4: no task was started\n$/);
  });

  test("the deadline reached: exit 3, the task left running, how to stop and follow it", async () => {
    const run = await runRecorded(stillRunning.recording, ["hello-prod", "migrate", "--timeout-minutes", "1"]);
    expect(run.code).toBe(3);
    expect(run.elapsed).toBe(60_000);
    expect(run.ecs.describeInputs).toHaveLength(60_000 / POLL_INTERVAL_MS);
    expect(logLines(run.stdout)).toEqual(stillRunning.LINES);
    const stream = `migrate/migrate/${stillRunning.TASK_ID}`;
    expect(run.stdout).toContain(
      [
        "[task] deadline reached: 1 minute(s) (--timeout-minutes) and the task is still RUNNING. It was not stopped and goes on without this command.",
        `[task] to stop it: aws ecs stop-task --region eu-west-1 --cluster ${CLUSTER_ARN} --task arn:aws:ecs:eu-west-1:123456789012:task/hello-prod/${stillRunning.TASK_ID}`,
        `[task] to follow it: aws logs tail /ecs/hello-prod-migrate --log-stream-names ${stream} --follow`,
        "[task] exit 3: deadline reached",
      ].join("\n"),
    );
  });

  test("--no-logs: no log read, its location still printed", async () => {
    const run = await runRecorded(succeeded.recording, ["hello-prod", "migrate", "--no-logs"]);
    expect(run.code).toBe(0);
    expect(run.logs.calls).toEqual([]);
    expect(logLines(run.stdout)).toEqual([]);
    expect(run.stdout).toContain(`[task] log: /ecs/hello-prod-migrate ${succeeded.LOG_STREAM} (not printed: --no-logs)\n`);
  });

  test("--json: one JSON object on stdout, the progress and the log on stderr", async () => {
    const run = await runRecorded(exit3.recording, ["hello-prod", "migrate", "--json"]);
    expect(run.code).toBe(3);
    const report: TaskRunReport = JSON.parse(run.stdout);
    expect(report).toEqual({
      stack: "hello-prod",
      task: "migrate",
      output: "hello_migrate_run_task",
      cluster: CLUSTER_ARN,
      taskDefinition: TASK_DEFINITION_ARN,
      container: "migrate",
      command: null,
      taskArn: `arn:aws:ecs:eu-west-1:123456789012:task/hello-prod/${exit3.TASK_ID}`,
      lastStatus: "STOPPED",
      stopCode: "EssentialContainerExited",
      stoppedReason: "Essential container in task exited",
      containerExitCode: 3,
      containerReason: null,
      log: { group: "/ecs/hello-prod-migrate", stream: `migrate/migrate/${exit3.TASK_ID}` },
      logLines: 3,
      failures: [],
      diagnosis: expect.objectContaining({ kind: "essential-container-exited" }),
      outcome: "container-failed",
      exitCode: 3,
    });
    expect(logLines(run.stderr)).toEqual(exit3.LINES);
    expect(run.stderr).toContain("[task] exit 3: the container's exit code");
  });

  test("an AWS error after the task started: exit 3, saying the task may still be running", async () => {
    // DescribeTasks answers no task, again and again: ECS does not know the task it started.
    const unknown = { $metadata: succeeded.recording.runTask.$metadata, tasks: [], failures: [{ arn: succeeded.recording.runTask.tasks?.[0].taskArn, reason: "MISSING" }] };
    const run = await runRecorded({ ...succeeded.recording, describeTasks: [unknown] }, ["hello-prod", "migrate"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("task: AWS call failed: ecs:DescribeTasks failed: TaskNotFound: ECS does not know the task it started (MISSING)");
    expect(run.stderr).toContain(`may still be running: aws ecs stop-task --region eu-west-1 --cluster ${CLUSTER_ARN} --task `);
  });

  test("DescribeTasks failing for a moment (throttled, a timeout): the task is still followed", async () => {
    const throttled = awsError("ThrottlingException", "Rate exceeded", { $metadata: { httpStatusCode: 400 } });
    const timeout = awsError("TimeoutError", "Connection timed out after 10000 ms", { code: "ETIMEDOUT" });
    const run = await runRecorded(succeeded.recording, ["hello-prod", "migrate"], { describeErrors: [throttled, timeout] });
    expect(run.code).toBe(0);
    expect(logLines(run.stdout)).toEqual(succeeded.LINES);
    expect(run.stdout).toContain("[task] DescribeTasks failed (ThrottlingException: Rate exceeded); trying again\n");
    expect(run.stdout).toContain("[task] DescribeTasks failed (TimeoutError: Connection timed out after 10000 ms); trying again\n");
  });

  test("RunTask denied: exit 3 with the permissions it needs", async () => {
    const denied = awsError(
      "AccessDeniedException",
      "User: arn:aws:sts::123456789012:assumed-role/ci-deploy/gh-actions is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/hello-prod-migrate-execution",
    );
    const run = await runRecorded(succeeded.recording, ["hello-prod", "migrate"], { ecsError: denied });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("task: AWS call failed: ecs:RunTask failed: AccessDeniedException: User:");
    expect(run.stderr).toContain("The caller needs iam:PassRole on the task definition's execution role and task role to run it.");
  });
});

describe("usage errors (exit 2)", () => {
  test("an unknown task: the stack's task names are listed", async () => {
    const run = await runRecorded(succeeded.recording, ["hello-prod", "migrat"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe('task: stack hello-prod has no one-off task "migrat"; its tasks: migrate, reindex\n(npm run task -- --help)\n');
    expect(run.ecs.runTaskInputs).toEqual([]);
  });

  test("no task named: the stack's task names are listed", async () => {
    const run = await runRecorded(succeeded.recording, ["hello-prod"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("task: name the task: npm run task -- hello-prod <task>; its tasks: migrate, reindex");
  });

  test("no stack named: the stacks of cdktf.out are listed", async () => {
    const cwd = tempDir();
    for (const stack of ["hello-dev", "hello-prod"]) {
      mkdirSync(join(cwd, "cdktf.out", "stacks", stack), { recursive: true });
      writeFileSync(join(cwd, "cdktf.out", "stacks", stack, "cdk.tf.json"), "{}");
    }
    const run = await runRecorded(succeeded.recording, [], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("task: name the stack and the task: npm run task -- <stack> <task> (stacks in cdktf.out: hello-dev, hello-prod)\n(npm run task -- --help)\n");
  });

  test("an unknown stack, reading terraform outputs: the stacks there are listed, terraform is not run", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "cdktf.out", "stacks", "hello-dev"), { recursive: true });
    writeFileSync(join(cwd, "cdktf.out", "stacks", "hello-dev", "cdk.tf.json"), "{}");
    const terraform = jest.fn<ReturnType<TerraformRunner>, Parameters<TerraformRunner>>();
    const run = await runRecorded(succeeded.recording, ["hello-staging", "migrate"], { cwd, terraform });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`task: no stack "hello-staging" in ${join(cwd, "cdktf.out")}; the stacks there: hello-dev`);
    expect(terraform).not.toHaveBeenCalled();
  });

  test("reading terraform outputs: run in the stack's folder; --json gives the error as JSON", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "cdktf.out", "stacks", "hello-prod"), { recursive: true });
    writeFileSync(join(cwd, "cdktf.out", "stacks", "hello-prod", "cdk.tf.json"), "{}");
    const calls: [string[], string][] = [];
    const terraform: TerraformRunner = async (args, dir) => {
      calls.push([args, dir]);
      return { code: 0, stdout: readFileSync(OUTPUTS_FILE, "utf8"), stderr: "" };
    };
    const run = await runRecorded(succeeded.recording, ["hello-prod", "seed", "--json"], { cwd, terraform });
    expect(calls).toEqual([[["output", "-no-color", "-json"], join(cwd, "cdktf.out", "stacks", "hello-prod")]]);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      error: { kind: "usage", message: 'stack hello-prod has no one-off task "seed"; its tasks: migrate, reindex' },
      outcome: "usage",
      exitCode: 2,
    });
  });
});
