// `npm run review -- PLAN_JSON [--format text|markdown] [--strict] [--region R] [--help]`: a review of a
// Terraform plan (`terraform show -json`) for a human. The command lives in src/cli/review/.
import { runReview } from "../src/cli/review/cli";

try {
  process.exitCode = runReview(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
} catch (error) {
  process.stderr.write(`review: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 3;
}
