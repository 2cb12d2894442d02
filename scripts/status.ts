// `npm run status -- [stack] [--json] [--deadline-seconds N] [--help]`: the deployed state of the stack's ECS
// services, and why tasks stop, with the fix. The command lives in src/cli/status/; this wires in the real
// AWS clients, each with connection and request timeouts (src/cli/status/aws.ts).
import { ecsClient, logsClient } from "../src/cli/status/aws";
import { runStatus } from "../src/cli/status/cli";

// The pinned SDK warns on Node 20 about SDK versions to come (they will need Node 22); that is not this
// command's output. AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false shows it again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Once the answer is written, nothing (a socket the SDK keeps, a credential lookup) may hold the process. */
function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1000).unref();
}

runStatus(process.argv.slice(2), {
  ecs: (region) => ecsClient(region),
  logs: (region) => logsClient(region),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(exitSoon, (error: unknown) => {
  process.stderr.write(`status: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
  exitSoon(1);
});
