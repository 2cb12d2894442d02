import { randomUUID } from "crypto";
import { existsSync } from "fs";
import { isAbsolute, join } from "path";
import type { Container, Failure, RunTaskCommandOutput, Task } from "@aws-sdk/client-ecs";
import { AwsCallError, describeAwsError, taskIdOf } from "../status/ecs";
import type { LogsApi } from "../status/logs";
import { listStacks, UsageError } from "../status/stack";
import { parseCommandJson, splitShellWords } from "./command";
import type { TaskDiagnosisContext } from "./diagnose";
import { diagnoseStoppedTask, diagnosisContext, failureFix } from "./diagnose";
import type { TaskEcsApi } from "./ecs";
import { clusterNameOf, describeTaskCommand, runTaskCommand, runTaskInput, taskDefinitionLabel } from "./ecs";
import { LogFollower } from "./logs";
import type { RunTaskTarget, TerraformOutputs, TerraformRunner } from "./outputs";
import {
  findTask,
  OutputsReadError,
  readOutputsFile,
  readTerraformOutputs,
  runTaskTargets,
  runTerraform,
  stackDirectory,
  terraformBinary,
} from "./outputs";

/*
 * `npm run task -- <stack> <task> [options]`: runs a one-off task the stack declares (a database
 * migration, an admin job) with RunTask, follows it to STOPPED while printing its container's log, and
 * exits with the container's exit code. The AWS clients, Terraform, the clock and sleep come from the
 * caller, so tests run it on recorded responses.
 */

export const EXIT_CODES = {
  /** The container exited 0. (Any other container exit code, 1–255, is the command's exit code.) */
  succeeded: 0,
  /** Bad arguments, unknown stack or task, outputs that cannot be read. */
  usage: 2,
  /** An AWS call failed (credentials, permissions, network), or the deadline was reached. */
  awsErrorOrDeadline: 3,
  /** The task stopped without the container exiting (it never started), or RunTask started no task. */
  notStarted: 4,
} as const;

export const DEFAULT_TIMEOUT_MINUTES = 30;
/** Between two DescribeTasks (and log reads). */
export const POLL_INTERVAL_MS = 5_000;
/** DescribeTasks answers that do not know the task (MISSING, just after RunTask) or fail transiently, in a row. */
const TOLERATED_MISSES = 5;

export const HELP = `Usage: npm run task -- <stack> <task> [options]

Runs a one-off task the stack declares (a database migration, an admin job) in the stack's environment:
its task definition, cluster, subnets and security groups, on Fargate. Prints the task ARN, follows the
task until it stops while printing its container's log (CloudWatch Logs), then prints the stop reason and
the container's exit code, and exits with it.

What to run comes from the stack's Terraform outputs: each one-off task has an output named …_run_task.
They exist once the stack is applied, and are read with \`terraform output -json\` in
cdktf.out/stacks/<stack> (initialised by \`npx cdktf deploy\`; a Terraform Cloud workspace works the same),
or from --outputs FILE.

Arguments:
  stack                     the stack (environment), e.g. hello-prod
  task                      the one-off task's name, e.g. migrate

Options:
  --command "<words>"       the container's command instead of the task definition's, split like shell
                            words (quotes and backslashes; no variables, pipes or &&: ECS runs it without a
                            shell), e.g. --command "npm run db:migrate -- --to 20250101"
  --command-json '[…]'      the same as a JSON array of strings, e.g. '["sh","-c","./migrate && ./seed"]'
  --outputs FILE            read the outputs from FILE, what \`terraform output -json\` prints (CI can keep
                            it from the deploy job), instead of running terraform
  --timeout-minutes N       give up after N minutes (default ${DEFAULT_TIMEOUT_MINUTES}); the task is NOT stopped, the
                            command to stop it is printed
  --no-logs                 do not print the container's log (its log group and stream are still printed)
  --json                    print one JSON object at the end (progress and log lines go to stderr); use
                            \`npm run -s task -- … --json\` so that npm prints nothing before it
  -h, --help                print this help

AWS access: credentials come the SDK's usual way (AWS_PROFILE, AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, SSO, an instance role); the region is the task output's. Permissions: ecs:RunTask
on the task definition, iam:PassRole on its execution and task roles, ecs:DescribeTasks, and
logs:GetLogEvents (optional: without it the log is not printed). Reading the outputs needs read access to
the stack's Terraform state.

Exit codes:
  0      the container exited 0
  1-255  the container's own non-zero exit code (the task ran and failed); the last line says which
         (a container exiting 2, 3 or 4 is told from the codes below only by that line, or --json's "outcome")
  2      usage error: bad arguments, unknown stack or task (the known ones are listed), outputs that
         cannot be read (stack not deployed, folder not initialised)
  3      an AWS call failed (credentials, permissions, network), or --timeout-minutes was reached
  4      the task stopped before its container exited (it failed to start: CannotPullContainerError,
         ResourceInitializationError…; the reason and the fix are printed), or RunTask started no task
         (its failures, e.g. no Fargate capacity, are printed)
`;

export interface TaskOptions {
  readonly stack?: string;
  readonly task?: string;
  /** The container command override; undefined: the task definition's. */
  readonly command?: string[];
  readonly outputs?: string;
  readonly timeoutMinutes: number;
  readonly logs: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

export interface TaskDependencies {
  /** The ECS client for a region (undefined: the SDK's own region resolution). */
  readonly ecs: (region: string | undefined) => TaskEcsApi;
  /** The CloudWatch Logs client; without it no log line is read. */
  readonly logs?: (region: string | undefined) => LogsApi;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Where cdktf.json and cdktf.out are; default: the current directory. */
  readonly cwd?: string;
  /** Runs Terraform (default: the terraform binary). */
  readonly terraform?: TerraformRunner;
  /** Milliseconds since the epoch (default: Date.now). */
  readonly now?: () => number;
  readonly sleep?: (milliseconds: number) => Promise<void>;
  readonly pollIntervalMs?: number;
  /** RunTask's idempotency token (default: a random UUID). */
  readonly clientToken?: () => string;
  /** Called once the task is started, e.g. to tell on Ctrl-C that it keeps running. */
  readonly onTaskStarted?: (task: { taskArn: string; cluster: string; region?: string }) => void;
}

export type Outcome = "succeeded" | "container-failed" | "failed-to-start" | "not-started" | "deadline" | "aws-error" | "usage";

/** What `--json` prints. */
export interface TaskRunReport {
  readonly stack: string | null;
  readonly task: string | null;
  readonly output: string | null;
  readonly cluster: string | null;
  readonly taskDefinition: string | null;
  readonly container: string | null;
  readonly command: string[] | null;
  readonly taskArn: string | null;
  readonly lastStatus: string | null;
  readonly stopCode: string | null;
  readonly stoppedReason: string | null;
  readonly containerExitCode: number | null;
  readonly containerReason: string | null;
  readonly log: { readonly group: string; readonly stream: string } | null;
  readonly logLines: number;
  readonly failures: { readonly arn: string | null; readonly reason: string | null; readonly detail: string | null; readonly fix: string | null }[];
  readonly diagnosis: { readonly kind: string; readonly cause: string; readonly fix: string | null } | null;
  readonly outcome: Outcome;
  readonly exitCode: number;
  readonly error?: { readonly kind: string; readonly message: string };
}

export function parseArguments(argv: string[]): TaskOptions {
  const positional: string[] = [];
  let command: string[] | undefined;
  let commandFrom: string | undefined;
  let outputs: string | undefined;
  let timeoutMinutes = DEFAULT_TIMEOUT_MINUTES;
  let logs = true;
  let json = false;
  let help = false;
  const setCommand = (option: string, words: string[]) => {
    if (commandFrom) throw new UsageError(`give the command once: ${commandFrom} and ${option}`);
    commandFrom = option;
    command = words;
  };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const [name, inline] = argument.startsWith("--") && argument.includes("=") ? [argument.slice(0, argument.indexOf("=")), argument.slice(argument.indexOf("=") + 1)] : [argument, undefined];
    const value = (example: string, allowDash = false): string => {
      if (inline !== undefined) return inline;
      const next = argv[++index];
      if (next === undefined || (!allowDash && next.startsWith("-"))) throw new UsageError(`${name} needs a value, e.g. ${name} ${example}`);
      return next;
    };
    if (name === "--json" && inline === undefined) json = true;
    else if ((name === "--help" || name === "-h") && inline === undefined) help = true;
    else if (name === "--no-logs" && inline === undefined) logs = false;
    else if (name === "--command") setCommand(name, splitShellWords(value('"npm run db:migrate"', true)));
    else if (name === "--command-json") setCommand(name, parseCommandJson(value(`'["npm","run","db:migrate"]'`, true)));
    else if (name === "--outputs") outputs = value("outputs.json");
    else if (name === "--timeout-minutes") {
      const text = value("45");
      timeoutMinutes = Number(text);
      if (!/^\d+(\.\d+)?$/.test(text) || !(timeoutMinutes > 0)) throw new UsageError(`--timeout-minutes needs a number of minutes above 0: got ${text}`);
    } else if (argument.startsWith("-")) throw new UsageError(`unknown option ${argument}`);
    else if (positional.length < 2) positional.push(argument);
    else {
      throw new UsageError(
        `unexpected argument "${argument}" after <stack> <task> (${positional.join(" ")}): give the container's command with --command "${argv.slice(index).join(" ")}"`,
      );
    }
  }
  return { stack: positional[0], task: positional[1], command, outputs, timeoutMinutes, logs, json, help };
}

/** Runs the command; resolves to its exit code. */
export async function runTask(argv: string[], deps: TaskDependencies): Promise<number> {
  const run = new TaskRun(deps);
  return run.execute(argv);
}

class TaskRun {
  private options: TaskOptions = { json: false, help: false, logs: true, timeoutMinutes: DEFAULT_TIMEOUT_MINUTES };
  private target?: RunTaskTarget;
  private task?: Task;
  private taskArn?: string;
  private follower?: LogFollower;
  private logLocation?: { group: string; stream: string };
  private failures: TaskRunReport["failures"] = [];
  private diagnosis: TaskRunReport["diagnosis"] = null;
  private readonly now: () => number;
  private readonly sleep: (milliseconds: number) => Promise<void>;

  constructor(private readonly deps: TaskDependencies) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)));
  }

  async execute(argv: string[]): Promise<number> {
    this.options = { ...this.options, json: argv.includes("--json") };
    try {
      this.options = parseArguments(argv);
      if (this.options.help) {
        this.deps.stdout(HELP);
        return EXIT_CODES.succeeded;
      }
      return await this.run();
    } catch (error) {
      if (error instanceof UsageError) return this.fail("usage", EXIT_CODES.usage, `${error.message}\n(npm run task -- --help)`);
      if (error instanceof OutputsReadError) return this.fail("aws-error", EXIT_CODES.awsErrorOrDeadline, error.message);
      if (error instanceof AwsCallError) {
        const still = this.taskArn
          ? `\nThe task ${this.taskArn} was started and may still be running: ${this.stopCommand()}`
          : "";
        return this.fail("aws-error", EXIT_CODES.awsErrorOrDeadline, `AWS call failed: ${error.message}\n${hintFor(error, this.target)}${still}`);
      }
      throw error;
    }
  }

  private async run(): Promise<number> {
    const { stack, task } = this.options;
    const cwd = this.deps.cwd ?? process.cwd();
    if (stack === undefined) {
      throw new UsageError(`name the stack and the task: npm run task -- <stack> <task>${stacksHint(cwd)}`);
    }
    const { outputs, source, stackFile } = await this.readOutputs(cwd, stack);
    if (task === undefined) {
      const names = [...new Set(runTaskTargets(outputs).map((target) => target.name))];
      throw new UsageError(
        `name the task: npm run task -- ${stack} <task>; ${names.length ? `its tasks: ${names.join(", ")}` : `stack ${stack} declares no one-off task`}`,
      );
    }
    const target = findTask(outputs, task, stack, source);
    this.target = target;
    const context = diagnosisContext(target, stack, stackFile);

    const deadline = this.now() + this.options.timeoutMinutes * 60_000;
    const ecs = this.deps.ecs(target.region);
    const logs = this.options.logs ? this.deps.logs?.(target.region) : undefined;
    const commandText = this.options.command ? this.options.command.map(quoteWord).join(" ") : "the task definition's";
    this.progress(
      `${stack} ${target.name}: task definition ${taskDefinitionLabel(target.taskDefinition)} on cluster ${clusterNameOf(target.cluster)}` +
        ` (${target.region ?? "region from the AWS configuration"}), container ${target.container}, command: ${commandText}`,
    );

    const input = runTaskInput(target, this.options.command, (this.deps.clientToken ?? randomUUID)());
    const started: RunTaskCommandOutput = await call("ecs:RunTask", () => ecs.send(runTaskCommand(input)));
    const startedTask = started.tasks?.[0];
    if (!startedTask?.taskArn) return this.notStarted(started.failures ?? []);
    this.task = startedTask;
    this.taskArn = startedTask.taskArn;
    this.deps.onTaskStarted?.({ taskArn: this.taskArn, cluster: target.cluster, region: target.region });
    this.progress(`started ${this.taskArn}`);
    if (target.logGroup) {
      const taskId = taskIdOf(this.taskArn);
      const stream = target.logStreamPrefix ? `${target.logStreamPrefix}/${target.container}/${taskId}` : taskId;
      this.logLocation = { group: target.logGroup, stream };
      this.progress(`log: ${target.logGroup} ${stream}${logs ? "" : this.options.logs ? " (not read: no CloudWatch Logs client)" : " (not printed: --no-logs)"}`);
      if (logs) {
        const print = this.options.json ? (line: string) => this.deps.stderr(`${line}\n`) : (line: string) => this.deps.stdout(`${line}\n`);
        this.follower = new LogFollower(logs, target.logGroup, stream, print, (message) => this.progress(message));
      }
    } else {
      this.progress("the task's output names no log group: its log is not printed");
    }

    let lastStatus = startedTask.lastStatus;
    if (lastStatus) this.progress(lastStatus);
    let misses = 0;
    for (;;) {
      await this.sleep(Math.max(0, Math.min(this.deps.pollIntervalMs ?? POLL_INTERVAL_MS, deadline - this.now())));
      const current = await this.describe(ecs, target, ++misses);
      if (current) {
        misses = 0;
        this.task = current;
        if (current.lastStatus !== lastStatus) {
          lastStatus = current.lastStatus;
          if (lastStatus !== "STOPPED") this.progress(lastStatus ?? "?");
        }
        // The stream exists once the container has started; reading earlier only finds it missing.
        if (this.follower && lastStatus !== "PROVISIONING" && lastStatus !== "PENDING") await this.follower.poll();
        if (lastStatus === "STOPPED") return this.stopped(current, context);
      }
      if (this.now() >= deadline) return this.deadlineReached();
    }
  }

  /**
   * The task as DescribeTasks gives it; undefined when ECS does not know it yet (just after RunTask) or the
   * call failed transiently, which up to TOLERATED_MISSES polls in a row only delays the next look.
   */
  private async describe(ecs: TaskEcsApi, target: RunTaskTarget, misses: number): Promise<Task | undefined> {
    let described;
    try {
      described = await ecs.send(describeTaskCommand(target.cluster, this.taskArn as string));
    } catch (error) {
      if (!isTransient(error) || misses > TOLERATED_MISSES) throw new AwsCallError("ecs:DescribeTasks", error);
      this.progress(`DescribeTasks failed (${describeAwsError(error)}); trying again`);
      return undefined;
    }
    const current = described.tasks?.find((candidate) => candidate.taskArn === this.taskArn);
    if (current) return current;
    if (misses > TOLERATED_MISSES) {
      const failure = described.failures?.[0];
      const why = `${failure?.reason ?? "no task in the answer"}${failure?.detail ? `: ${failure.detail}` : ""}`;
      throw new AwsCallError("ecs:DescribeTasks", Object.assign(new Error(`ECS does not know the task it started (${why})`), { name: "TaskNotFound" }));
    }
    return undefined;
  }

  private async readOutputs(cwd: string, stack: string): Promise<{ outputs: TerraformOutputs; source: string; stackFile?: string }> {
    if (this.options.outputs) {
      const file = isAbsolute(this.options.outputs) ? this.options.outputs : join(cwd, this.options.outputs);
      // The synthesized stack, when it is there, only improves the fixes printed for a task that fails to start.
      let stackFile: string | undefined;
      try {
        stackFile = join(stackDirectory(cwd, stack), "cdk.tf.json");
      } catch {
        stackFile = undefined;
      }
      return { outputs: readOutputsFile(file), source: file, stackFile };
    }
    const directory = stackDirectory(cwd, stack);
    const outputs = await readTerraformOutputs(directory, this.deps.terraform ?? runTerraform);
    return { outputs, source: `\`${terraformBinary()} output\` in ${directory}`, stackFile: join(directory, "cdk.tf.json") };
  }

  private notStarted(failures: Failure[]): number {
    const target = this.target as RunTaskTarget;
    this.failures = failures.map((failure) => ({
      arn: failure.arn ?? null,
      reason: failure.reason ?? null,
      detail: failure.detail ?? null,
      fix: failureFix(failure, target),
    }));
    if (this.failures.length === 0) this.failures = [{ arn: null, reason: "RunTask answered no task and no failure", detail: null, fix: null }];
    for (const failure of this.failures) {
      this.progress(`RunTask started no task: ${failure.reason}${failure.detail ? ` (${failure.detail})` : ""}${failure.arn ? ` for ${failure.arn}` : ""}`);
      this.progress(`fix:   ${failure.fix ?? "no known fix for this reason; it is shown as ECS gives it"}`);
    }
    return this.finish("not-started", EXIT_CODES.notStarted, "no task was started");
  }

  /** The end: the follower has read the log up to the stop (the loop polls it on STOPPED too). */
  private stopped(task: Task, context: TaskDiagnosisContext): number {
    const target = this.target as RunTaskTarget;
    const container = containerOf(task, target.container);
    this.progress(`STOPPED: ${task.stoppedReason ?? "no reason given"}${task.stopCode ? ` (${task.stopCode})` : ""}`);
    if (this.follower && !this.follower.found && container?.exitCode !== undefined) {
      this.progress(`no log stream ${this.follower.stream} in ${this.follower.group}: the container wrote nothing`);
    }
    const exitCode = container?.exitCode;
    if (exitCode === undefined || exitCode === null) {
      const diagnosis = diagnoseStoppedTask(task, target, context, this.follower?.tail);
      this.diagnosis = { kind: diagnosis.kind, cause: diagnosis.cause, fix: diagnosis.fix };
      this.progress(`container ${target.container} did not run${container?.reason ? `: ${container.reason}` : ""}`);
      this.progress(`cause: ${diagnosis.cause}`);
      this.progress(`fix:   ${diagnosis.fix ?? "no known fix for this reason; it is shown as ECS gives it"}`);
      return this.finish("failed-to-start", EXIT_CODES.notStarted, "the task stopped before its container exited");
    }
    this.progress(`container ${target.container} exited with code ${exitCode}${container?.reason ? ` (${container.reason})` : ""}`);
    if (exitCode !== 0) {
      const diagnosis = diagnoseStoppedTask(task, target, context, this.follower?.tail);
      this.diagnosis = { kind: diagnosis.kind, cause: diagnosis.cause, fix: diagnosis.fix };
      // The log was just printed: the cause is worth a line when it says more than the exit code
      // (127: command not found, 137: killed, exec format error…), the fix when it is not "read the log".
      const cause = diagnosis.cause.replace(/; its last log line: [\s\S]*$/, "");
      if (diagnosis.kind !== "essential-container-exited" || cause.includes(": ")) this.progress(`cause: ${cause}`);
      if (diagnosis.kind !== "essential-container-exited" && diagnosis.fix) this.progress(`fix:   ${diagnosis.fix}`);
      return this.finish("container-failed", exitCode, "the container's exit code");
    }
    return this.finish("succeeded", EXIT_CODES.succeeded, "the container exited 0");
  }

  private deadlineReached(): number {
    const minutes = this.options.timeoutMinutes;
    this.progress(
      `deadline reached: ${minutes} minute(s) (--timeout-minutes) and the task is still ${this.task?.lastStatus ?? "running"}. ` +
        `It was not stopped and goes on without this command.`,
    );
    this.progress(`to stop it: ${this.stopCommand()}`);
    if (this.logLocation) this.progress(`to follow it: aws logs tail ${this.logLocation.group} --log-stream-names ${this.logLocation.stream} --follow`);
    return this.finish("deadline", EXIT_CODES.awsErrorOrDeadline, "deadline reached");
  }

  private stopCommand(): string {
    const target = this.target;
    const region = target?.region ? ` --region ${target.region}` : "";
    return `aws ecs stop-task${region} --cluster ${target?.cluster ?? "<cluster>"} --task ${this.taskArn ?? "<task>"}`;
  }

  /** A progress line: stdout, or stderr with --json (stdout then holds only the JSON). */
  private progress(message: string): void {
    const line = `[task] ${message}\n`;
    if (this.options.json) this.deps.stderr(line);
    else this.deps.stdout(line);
  }

  private finish(outcome: Outcome, exitCode: number, why: string): number {
    this.progress(`exit ${exitCode}: ${why}`);
    if (this.options.json) this.deps.stdout(`${JSON.stringify(this.report(outcome, exitCode), null, 2)}\n`);
    return exitCode;
  }

  private fail(outcome: Outcome, exitCode: number, message: string): number {
    this.deps.stderr(`task: ${message}\n`);
    if (this.options.json) {
      this.deps.stdout(`${JSON.stringify(this.report(outcome, exitCode, { kind: outcome, message: message.split("\n")[0] }), null, 2)}\n`);
    }
    return exitCode;
  }

  private report(outcome: Outcome, exitCode: number, error?: TaskRunReport["error"]): TaskRunReport {
    const target = this.target;
    const container = target && this.task ? containerOf(this.task, target.container) : undefined;
    return {
      stack: this.options.stack ?? null,
      task: target?.name ?? this.options.task ?? null,
      output: target?.output ?? null,
      cluster: target?.cluster ?? null,
      taskDefinition: target?.taskDefinition ?? null,
      container: target?.container ?? null,
      command: this.options.command ?? null,
      taskArn: this.taskArn ?? null,
      lastStatus: this.task?.lastStatus ?? null,
      stopCode: this.task?.stopCode ?? null,
      stoppedReason: this.task?.stoppedReason ?? null,
      containerExitCode: container?.exitCode ?? null,
      containerReason: container?.reason ?? null,
      log: this.logLocation ?? null,
      logLines: this.follower?.lines ?? 0,
      failures: this.failures,
      diagnosis: this.diagnosis,
      outcome,
      exitCode,
      ...(error ? { error } : {}),
    };
  }
}

async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw new AwsCallError(operation, error);
  }
}

/** The task's main container: by name, else its only one. */
function containerOf(task: Task, name: string): Container | undefined {
  const containers = task.containers ?? [];
  return containers.find((container) => container.name === name) ?? (containers.length === 1 ? containers[0] : undefined);
}

/** A DescribeTasks failure worth another poll: throttling, a server error, the network. */
function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const fields = error as Error & { $metadata?: { httpStatusCode?: number }; code?: string; $retryable?: unknown };
  const status = fields.$metadata?.httpStatusCode;
  return (
    /Throttl|TooManyRequests|TimeoutError|RequestTimeout|ServiceUnavailable|InternalError|ServerException/i.test(error.name) ||
    (status !== undefined && status >= 500) ||
    /^(ECONNRESET|ETIMEDOUT|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EPIPE)$/.test(fields.code ?? "")
  );
}

function hintFor(error: AwsCallError, target: RunTaskTarget | undefined): string {
  const cause = error.cause;
  const name = cause instanceof Error ? cause.name : "";
  const message = cause instanceof Error ? cause.message : String(cause);
  const text = `${name} ${message}`;
  if (/Credentials|ExpiredToken|UnrecognizedClient|InvalidClientTokenId|SignatureDoesNotMatch|security token/i.test(text)) {
    return "Give AWS credentials the usual way: AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (aws sso login for SSO profiles).";
  }
  if (/iam:PassRole/i.test(text)) {
    return "The caller needs iam:PassRole on the task definition's execution role and task role to run it.";
  }
  if (/AccessDenied|not authorized/i.test(text)) {
    return "The caller needs ecs:RunTask on the task definition, iam:PassRole on its execution and task roles, and ecs:DescribeTasks.";
  }
  if (name === "ClusterNotFoundException") {
    return `The cluster ${target?.cluster ?? ""} does not exist in ${target?.region ?? "the region"}: the outputs are from another deployment, or the stack was destroyed.`;
  }
  if (name === "InvalidParameterException") {
    return `ECS refused the request: check that the outputs are the deployed stack's (container ${target?.container ?? "?"} in ${target?.taskDefinition ?? "the task definition"}, its subnets and security groups).`;
  }
  if (/Region is missing/i.test(message)) {
    return "The task's output names no region: set AWS_REGION (or a region in the AWS profile).";
  }
  return "Check the network and the AWS configuration (AWS_PROFILE, AWS_REGION), then run it again.";
}

/** ` (stacks in cdktf.out: hello-dev, hello-prod)` when there is a cdktf.out to list. */
function stacksHint(cwd: string): string {
  try {
    const outdir = join(cwd, "cdktf.out");
    if (!existsSync(outdir)) return "";
    const stacks = listStacks(outdir);
    return stacks.length ? ` (stacks in cdktf.out: ${stacks.join(", ")})` : "";
  } catch {
    return "";
  }
}

/** A word as a shell would need it written. */
function quoteWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
