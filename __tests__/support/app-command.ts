import { execFile, execFileSync } from "child_process";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const repoRoot = join(__dirname, "..", "..");

/**
 * An app whose stacks a plans module (__tests__/plans/<test file>.ts) lists: its `stacksToPlan(outdir)` takes
 * the folder that the app command, run on `entry` with `env`, wrote.
 */
export interface AppToSynthesize {
  entry: string;
  env: Record<string, string>;
}

/** The `app` command of cdktf.json in the repo root, run on `entry`, writing into a fresh folder. */
function appCommand(env: Record<string, string>, entry: string) {
  const outdir = mkdtempSync(join(tmpdir(), "fargate-app-"));
  const app: string = JSON.parse(readFileSync(join(repoRoot, "cdktf.json"), "utf8")).app;
  const [command, ...args] = app.split(" ").map((word) => (word === "main.ts" ? entry : word));
  return { command, args, outdir, options: { cwd: repoRoot, env: { ...process.env, ...env, CDKTF_OUTDIR: outdir } } };
}

/**
 * Runs the `app` command of cdktf.json in the repo root, as `cdktf synth` does, writing into a fresh
 * folder; returns that folder (holding manifest.json and stacks/<stack>/cdk.tf.json).
 */
export function runAppCommand(env: Record<string, string> = {}, entry = "main.ts"): string {
  const { command, args, outdir, options } = appCommand(env, entry);
  execFileSync(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  return outdir;
}

/** runAppCommand without blocking this process: several apps synthesize at once. */
export function runAppCommandAsync(env: Record<string, string> = {}, entry = "main.ts"): Promise<string> {
  const { command, args, outdir, options } = appCommand(env, entry);
  return new Promise((resolve, reject) =>
    execFile(command, args, options, (error, _stdout, stderr) => (error ? reject(new Error(`${entry}: ${error.message}\n${stderr}`)) : resolve(outdir))),
  );
}
