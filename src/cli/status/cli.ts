import { existsSync, readFileSync } from "fs";
import { isAbsolute, join } from "path";
import { asService, readStack, UsageError } from "./stack";
import type { EcsApi } from "./ecs";
import type { CallContext } from "./ecs";
import { AwsCallError, fetchService, fetchTaskRuns } from "./ecs";
import type { LogsApi } from "./logs";
import { fetchLogTail, logsToRead } from "./logs";
import type { LogRead, ServiceReport, TaskReport } from "./report";
import { buildReport, buildServiceReport, buildTaskReport } from "./report";
import { renderText } from "./render";
import { AWS_LIMITS } from "./aws";

/*
 * `npm run status -- [stack] [--json] [--output <dir>] [--deadline-seconds N] [--help]`: arguments, the calls
 * in order, the output and the exit code. The AWS clients come from the caller, so tests run it on recorded
 * responses. The AWS calls together get a deadline: past it, the call in flight is aborted and the command
 * exits 3 saying what it was waiting for (each call is bounded too: aws.ts).
 */

/** The default of --deadline-seconds: how long the command waits for AWS, all calls together. */
export const DEFAULT_DEADLINE_SECONDS = 25;

export const EXIT_CODES = {
  /** Every service at steady state on the task definition the stack declares. */
  healthy: 0,
  /** A service not steady, rolling out, rolled back, failed, on another task definition or not deployed; or the last run of a scheduled task failed. */
  notHealthy: 1,
  /** Bad arguments, no cdktf.out, unknown stack. */
  usage: 2,
  /** An AWS call failed: credentials, permissions, network. */
  awsError: 3,
} as const;

export const HELP = `Usage: npm run status -- [stack] [options]

Whether the stack's ECS services run what the stack declares, and if not, why: each service's
deployments, its latest events, and its stopped tasks with the cause and the fix in this project's
terms (execution role, secret parameter, key, container, image, port, health check path, log stream).
Scheduled tasks (aws_scheduler_schedule) and one-off tasks (an output ending in _run_task, what
\`npm run task\` runs) are listed too: their schedule, and their recent runs (running, and stopped within
about an hour) with exit codes, stop reasons, causes and fixes.

It reads cdktf.out/stacks/<stack>/cdk.tf.json (run \`npx cdktf synth\` first), then calls ECS
(DescribeServices, ListTasks, DescribeTasks, DescribeTaskDefinition) and CloudWatch Logs (GetLogEvents,
the last lines of a container that exited). It changes nothing.

Arguments:
  stack             the stack to report on (default: the only stack in cdktf.out)

Options:
  --json            print the report as one JSON object; use \`npm run -s status -- --json\` so that npm
                    prints nothing before it
  --output <dir>    the synthesized output folder (default: cdktf.json's "output", else cdktf.out)
  --deadline-seconds <n>
                    give up (exit 3) when AWS has not answered every call within n seconds
                    (default ${DEFAULT_DEADLINE_SECONDS}); each call also times out on its own: ${AWS_LIMITS.connectionTimeoutMs / 1000} s to connect,
                    ${AWS_LIMITS.requestTimeoutMs / 1000} s for the answer, ${AWS_LIMITS.maxAttempts} tries
  -h, --help        print this help

AWS access: credentials come the SDK's usual way (AWS_PROFILE, AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, SSO, an instance role). The region is the stack's (its AWS provider's region);
a stack without a literal region uses AWS_REGION or the profile's. Permissions: ecs:DescribeServices,
ecs:ListTasks, ecs:DescribeTasks, ecs:DescribeTaskDefinition, and logs:GetLogEvents (optional: without
it the log lines are left out).

Exit codes:
  0  every service is at steady state: one PRIMARY deployment, COMPLETED, running = desired, on the task
     definition the stack declares (the latest revision of its family), and no scheduled task's last
     finished run failed
  1  a service is not: rolling out, rolled back, deployment failed, tasks missing, on another task
     definition, or not deployed; or the last finished run of a scheduled task failed (an essential
     container exited non-zero, or the task stopped before running). Older failed runs, and the runs of
     one-off tasks, are reported but do not change the exit code
  2  usage error: bad arguments, no cdktf.out (run \`npx cdktf synth\`), unknown stack
  3  an AWS call failed (credentials, permissions, network) or AWS did not answer in time; the SDK's
     message, or what the command was waiting for, is printed
`;

export interface StatusOptions {
  readonly stack?: string;
  readonly json: boolean;
  readonly help: boolean;
  readonly output?: string;
  /** Seconds the AWS calls may take in all (--deadline-seconds). */
  readonly deadlineSeconds?: number;
}

export interface StatusDependencies {
  /** The ECS client for a region (undefined: the SDK's own region resolution). */
  readonly ecs: (region: string | undefined) => EcsApi;
  /** The CloudWatch Logs client; without it no log line is read. */
  readonly logs?: (region: string | undefined) => LogsApi;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Where cdktf.json and cdktf.out are; default: the current directory. */
  readonly cwd?: string;
}

export function parseArguments(argv: string[]): StatusOptions {
  let stack: string | undefined;
  let json = false;
  let help = false;
  let output: string | undefined;
  let deadlineSeconds: number | undefined;
  const seconds = (text: string | undefined): number => {
    const value = Number(text);
    if (text === undefined || text.trim() === "" || !Number.isFinite(value) || value <= 0 || value > 3600) {
      throw new UsageError(`--deadline-seconds needs a number of seconds, more than 0 and at most 3600 (got ${text ?? "nothing"})`);
    }
    return value;
  };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === "--json") json = true;
    else if (argument === "--deadline-seconds") deadlineSeconds = seconds(argv[++index]);
    else if (argument.startsWith("--deadline-seconds=")) deadlineSeconds = seconds(argument.slice("--deadline-seconds=".length));
    else if (argument === "--help" || argument === "-h") help = true;
    else if (argument === "--output" || argument === "-o") {
      output = argv[++index];
      if (output === undefined || output.startsWith("-")) throw new UsageError(`${argument} needs a folder, e.g. ${argument} cdktf.out`);
    } else if (argument.startsWith("--output=")) output = argument.slice("--output=".length);
    else if (argument.startsWith("-")) throw new UsageError(`unknown option ${argument}`);
    else if (stack === undefined) stack = argument;
    else throw new UsageError(`one stack at a time: got ${stack} and ${argument}`);
  }
  return deadlineSeconds === undefined ? { stack, json, help, output } : { stack, json, help, output, deadlineSeconds };
}

/** The deadline went by: the call in flight was aborted. */
export class DeadlineError extends Error {
  constructor(
    readonly seconds: number,
    readonly waitingFor: string,
  ) {
    super(`AWS did not answer within ${seconds} s (--deadline-seconds): gave up waiting for ${waitingFor}`);
    this.name = "DeadlineError";
  }
}

/** Runs the command; resolves to its exit code. */
export async function runStatus(argv: string[], deps: StatusDependencies): Promise<number> {
  let options: StatusOptions = { json: argv.includes("--json"), help: false };
  try {
    options = parseArguments(argv);
    if (options.help) {
      deps.stdout(HELP);
      return EXIT_CODES.healthy;
    }
    const cwd = deps.cwd ?? process.cwd();
    const stack = readStack(outputDirectory(cwd, options.output), options.stack);
    const region = stack.region;
    const { services, tasks } = await withDeadline(options.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS, async (context, clients) => {
      const ecs = clients(deps.ecs(region));
      const logs = deps.logs && clients(deps.logs(region));
      const reports: ServiceReport[] = [];
      for (const declared of stack.services) {
        const snapshot = await fetchService(ecs, declared, context);
        const logReads = new Map<string, LogRead>();
        if (logs) {
          for (const { taskArn, stream } of logsToRead(declared, snapshot)) {
            logReads.set(taskArn, { stream, tail: await fetchLogTail(logs, stream, context) });
          }
        }
        reports.push(buildServiceReport(stack, declared, snapshot, logReads));
      }
      const taskReports: TaskReport[] = [];
      for (const declared of stack.tasks ?? []) {
        const snapshot = await fetchTaskRuns(ecs, declared, context);
        const logReads = new Map<string, LogRead>();
        if (logs) {
          const stoppedTasks = snapshot.runs.filter((run) => run.lastStatus === "STOPPED");
          for (const { taskArn, stream } of logsToRead(asService(declared), { stoppedTasks }, 2)) {
            logReads.set(taskArn, { stream, tail: await fetchLogTail(logs, stream, context) });
          }
        }
        taskReports.push(buildTaskReport(stack, declared, snapshot, logReads));
      }
      return { services: reports, tasks: taskReports };
    });
    const report = buildReport(stack, region, services, tasks);
    deps.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
    return report.exitCode;
  } catch (error) {
    if (error instanceof UsageError) return fail(deps, options, EXIT_CODES.usage, "usage", `${error.message}\n(npm run status -- --help)`);
    if (error instanceof AwsCallError) {
      return fail(deps, options, EXIT_CODES.awsError, "aws", `AWS call failed: ${error.message}\n${hintFor(error.cause)}`);
    }
    if (error instanceof DeadlineError) {
      return fail(deps, options, EXIT_CODES.awsError, "deadline", `${error.message}.\n${NETWORK_HINT} A slow but working network: raise --deadline-seconds.`);
    }
    throw error;
  }
}

/**
 * Runs `work` with a deadline: past it, the signal given to every call aborts the one in flight, and the
 * promise rejects with a DeadlineError naming it. The clients `work` registers are destroyed at the end
 * (their sockets closed), whatever happened.
 */
async function withDeadline<T>(
  seconds: number,
  work: (context: CallContext, clients: <C>(client: C) => C) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let waitingFor = "the first AWS call";
  const context: CallContext = { signal: controller.signal, onCall: (operation) => (waitingFor = operation) };
  const made: unknown[] = [];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineError(seconds, waitingFor));
    }, seconds * 1000);
  });
  try {
    return await Promise.race([
      work(context, (client) => {
        made.push(client);
        return client;
      }),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
    for (const client of made) (client as { destroy?: () => void }).destroy?.();
  }
}

const NETWORK_HINT =
  "Check the network: a proxy (HTTPS_PROXY), VPN or firewall between here and AWS that lets connections in and never answers, " +
  "or an endpoint override (AWS_ENDPOINT_URL); then run it again.";

function fail(deps: StatusDependencies, options: StatusOptions, code: number, kind: string, message: string): number {
  deps.stderr(`status: ${message}\n`);
  if (options.json) deps.stdout(`${JSON.stringify({ error: { kind, message: message.split("\n")[0] }, exitCode: code }, null, 2)}\n`);
  return code;
}

function hintFor(cause: unknown): string {
  const name = cause instanceof Error ? cause.name : "";
  const message = cause instanceof Error ? cause.message : String(cause);
  if (/Credentials|ExpiredToken|UnrecognizedClient|InvalidClientTokenId|SignatureDoesNotMatch|token/i.test(`${name} ${message}`)) {
    return "Give AWS credentials the usual way: AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (aws sso login for SSO profiles).";
  }
  if (/AccessDenied|not authorized/i.test(`${name} ${message}`)) {
    return "The caller needs ecs:DescribeServices, ecs:ListTasks, ecs:DescribeTasks and ecs:DescribeTaskDefinition on the stack's cluster and service.";
  }
  if (/Region is missing/i.test(message)) {
    return "The stack has no literal region: set AWS_REGION (or a region in the AWS profile).";
  }
  if (/TimeoutError|timed out|ETIMEDOUT|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|socket hang up/i.test(`${name} ${message} ${(cause as { code?: string })?.code ?? ""}`)) {
    return `AWS did not answer in time, or could not be reached. ${NETWORK_HINT}`;
  }
  return "Check the network and the AWS configuration (AWS_PROFILE, AWS_REGION), then run it again.";
}

/** `--output`, else cdktf.json's "output", else cdktf.out; relative to the working directory. */
function outputDirectory(cwd: string, option: string | undefined): string {
  let output = option;
  if (output === undefined) {
    const config = join(cwd, "cdktf.json");
    try {
      output = existsSync(config) ? JSON.parse(readFileSync(config, "utf8")).output : undefined;
    } catch {
      output = undefined;
    }
  }
  output = typeof output === "string" && output ? output : "cdktf.out";
  const directory = isAbsolute(output) ? output : join(cwd, output);
  if (!existsSync(directory)) throw new UsageError(`no synthesized output at ${directory}: run \`npx cdktf synth\` first`);
  return directory;
}
