import { readFileSync } from "fs";
import { join } from "path";

/*
 * Canary values for the stacks several test files plan. A plan is shared between files (terraform.ts's plan
 * cache) only when the variable values are the same too, so the files planning the default app or
 * examples/platform.ts take theirs from here. Each is a value no code path could produce: wherever it shows
 * up, a secret leaked.
 */

/** The default app's `password` (TF_VAR_password). */
export const DEFAULT_APP_SECRET = "canary-4c1e9d-correct-horse-battery-staple";

/** The prefix of examples/platform.ts's variable values (see canaryVars). */
export const PLATFORM_SECRET = "canary-platform-5e2f77-session";

/** A canary for each input variable a synthesized stack dir declares: `<canary>-<variable name>`. */
export function canaryVars(stackDir: string, canary: string): Record<string, string> {
  const declared = Object.keys(JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")).variable ?? {});
  return Object.fromEntries(declared.map((name) => [name, `${canary}-${name}`]));
}
