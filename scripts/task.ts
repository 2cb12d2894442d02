// `npm run task -- <stack> <task> [--command "…"] [--outputs FILE] [--timeout-minutes N] [--no-logs] [--json]`:
// runs a one-off task the stack declares, prints its log, exits with its container's exit code. The command
// lives in src/cli/task/; this wires in the real AWS clients, with timeouts so that a call that hangs fails.
import { ECSClient } from "@aws-sdk/client-ecs";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { runTask } from "../src/cli/task/cli";

// The pinned SDK warns on Node 20 about SDK versions to come (they will need Node 22); that is not this
// command's output. AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false shows it again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// Each attempt: 10 s to connect, 30 s for the answer; the SDK retries (RunTask carries a clientToken, so a
// retried RunTask never starts a second task). The whole run has --timeout-minutes on top.
const clientConfig = (region: string | undefined) => ({
  region,
  maxAttempts: 4,
  requestHandler: { connectionTimeout: 10_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
});

let started: { taskArn: string; cluster: string; region?: string } | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (started) {
      const region = started.region ? ` --region ${started.region}` : "";
      process.stderr.write(
        `\ntask: interrupted; the task ${started.taskArn} keeps running. To stop it: aws ecs stop-task${region} --cluster ${started.cluster} --task ${started.taskArn}\n`,
      );
    }
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

runTask(process.argv.slice(2), {
  ecs: (region) => new ECSClient(clientConfig(region)),
  logs: (region) => new CloudWatchLogsClient(clientConfig(region)),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  onTaskStarted: (task) => {
    started = task;
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`task: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
