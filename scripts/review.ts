// `npm run review -- PLAN_JSON [--format text|markdown] [--strict] [--region R] [--allow-name NAME]...
// [--allow-names-file FILE] [--help]`: a review of a Terraform plan (`terraform show -json`) for a human.
// The command lives in src/cli/review/. `npm run review` runs this in the package's root and sets INIT_CWD
// to the folder it was run from: relative paths are the caller's. (Run otherwise, say by a test under
// `npm test`, an inherited INIT_CWD is not this command's: the working directory is.)
import { runReview } from "../src/cli/review/cli";

try {
  process.exitCode = runReview(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: (process.env.npm_lifecycle_event === "review" && process.env.INIT_CWD) || process.cwd(),
  });
} catch (error) {
  process.stderr.write(`review: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 3;
}
