// `npm run status -- [stack] [--json] [--help]`: the deployed state of the stack's ECS services, and why
// tasks stop, with the fix. The command lives in src/cli/status/; this wires in the real AWS clients.
import { ECSClient } from "@aws-sdk/client-ecs";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { runStatus } from "../src/cli/status/cli";

// The pinned SDK warns on Node 20 about SDK versions to come (they will need Node 22); that is not this
// command's output. AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false shows it again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

runStatus(process.argv.slice(2), {
  ecs: (region) => new ECSClient({ region }),
  logs: (region) => new CloudWatchLogsClient({ region }),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`status: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
