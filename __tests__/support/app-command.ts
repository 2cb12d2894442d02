import { execFile, execFileSync } from "child_process";
import { createHash } from "crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { PLAN_CACHE_ENV } from "./terraform";

const repoRoot = join(__dirname, "..", "..");

/**
 * An app whose stacks a plans module (__tests__/plans/<test file>.ts) lists: its `stacksToPlan(outdir)` takes
 * the folder that the app command, run on `entry` with `env`, wrote.
 */
export interface AppToSynthesize {
  entry: string;
  env: Record<string, string>;
}

/** A run of the app command: the output folder this run already has for it, or how to make and keep one. */
type AppRun =
  | { kept: string }
  | { command: string; args: string[]; outdir: string; options: { cwd: string; env: NodeJS.ProcessEnv }; keep: () => void };

/**
 * The `app` command of cdktf.json in the repo root, run on `entry`, writing into a fresh folder.
 *
 * Within a jest run, each app is synthesized once: the run's cache (FARGATE_TF_PLAN_CACHE, made by
 * global-setup.js) keeps the first output folder of an entry with an environment, and later runs, in any
 * file or worker and in the background prefetch, get a copy of it. The project's sources do not change
 * during a run; the entry's own text is in the key, as some tests write entries of their own. Without the
 * run's cache (a script, another runner) every run runs the app command.
 */
function appRun(env: Record<string, string>, entry: string): AppRun {
  const app: string = JSON.parse(readFileSync(join(repoRoot, "cdktf.json"), "utf8")).app;
  const cacheRoot = process.env[PLAN_CACHE_ENV];
  const key = createHash("sha256")
    .update(JSON.stringify([app, entry, Object.entries(env).sort()]))
    .update(readFileSync(join(repoRoot, entry)))
    .digest("hex")
    .slice(0, 32);
  const kept = cacheRoot && join(cacheRoot, `app-${key}`);
  const outdir = mkdtempSync(join(tmpdir(), "fargate-app-"));
  if (kept && existsSync(kept)) {
    cpSync(kept, outdir, { recursive: true });
    return { kept: outdir };
  }
  const [command, ...args] = app.split(" ").map((word) => (word === "main.ts" ? entry : word));
  const keep = () => {
    if (!kept) return;
    const staging = `${kept}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    cpSync(outdir, staging, { recursive: true });
    try {
      renameSync(staging, kept);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process kept the same app first
    }
  };
  return { command, args, outdir, options: { cwd: repoRoot, env: { ...process.env, ...env, CDKTF_OUTDIR: outdir } }, keep };
}

/**
 * Runs the `app` command of cdktf.json in the repo root, as `cdktf synth` does, writing into a fresh
 * folder; returns that folder (holding manifest.json and stacks/<stack>/cdk.tf.json).
 */
export function runAppCommand(env: Record<string, string> = {}, entry = "main.ts"): string {
  const run = appRun(env, entry);
  if ("kept" in run) return run.kept;
  execFileSync(run.command, run.args, { ...run.options, stdio: ["ignore", "pipe", "pipe"] });
  run.keep();
  return run.outdir;
}

/** runAppCommand without blocking this process: several apps synthesize at once. */
export function runAppCommandAsync(env: Record<string, string> = {}, entry = "main.ts"): Promise<string> {
  const run = appRun(env, entry);
  if ("kept" in run) return Promise.resolve(run.kept);
  return new Promise((resolve, reject) =>
    execFile(run.command, run.args, run.options, (error, _stdout, stderr) => {
      if (error) return reject(new Error(`${entry}: ${error.message}\n${stderr}`));
      run.keep();
      resolve(run.outdir);
    }),
  );
}
