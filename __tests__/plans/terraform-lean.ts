// The stacks terraform-lean.test.ts plans: examples/lean.ts, synthesized by cdktf.json's app command.
import { join } from "path";
import { AppToSynthesize } from "../support/app-command";
import { StackToPlan } from "../support/terraform";

export const LEAN_SECRET = "canary-lean-91c4-horse";

export const appToSynthesize: AppToSynthesize = { entry: "examples/lean.ts", env: { TF_VAR_password: LEAN_SECRET } };

/** lean-prod and lean-dev, from the app command's output folder. */
export function stacksToPlan(outdir: string): StackToPlan[] {
  return ["lean-prod", "lean-dev"].map((stack) => ({ stack: join(outdir, "stacks", stack), vars: { password: LEAN_SECRET }, name: stack }));
}
