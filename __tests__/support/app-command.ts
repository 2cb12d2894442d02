import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const repoRoot = join(__dirname, "..", "..");

/**
 * Runs the `app` command of cdktf.json in the repo root, as `cdktf synth` does, writing into a fresh
 * folder; returns that folder (holding manifest.json and stacks/<stack>/cdk.tf.json).
 */
export function runAppCommand(env: Record<string, string> = {}, entry = "main.ts"): string {
  const outdir = mkdtempSync(join(tmpdir(), "fargate-app-"));
  const app: string = JSON.parse(readFileSync(join(repoRoot, "cdktf.json"), "utf8")).app;
  const [command, ...args] = app.split(" ").map((word) => (word === "main.ts" ? entry : word));
  execFileSync(command, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return outdir;
}
