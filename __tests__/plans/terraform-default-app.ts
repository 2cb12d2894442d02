// The stacks terraform-default-app.test.ts plans: main.ts, synthesized by cdktf.json's app command with the
// secret exported, as a user runs it before `cdktf deploy`. review-default-app.test.ts and the egress test
// plan the same stacks with the same value, and get these plans from the run's cache.
import { join } from "path";
import { DEFAULT_APP_SECRET } from "../support/canaries";
import { AppToSynthesize } from "../support/app-command";
import { StackToPlan } from "../support/terraform";

export const appToSynthesize: AppToSynthesize = { entry: "main.ts", env: { TF_VAR_password: DEFAULT_APP_SECRET } };

/** hello-prod and hello-dev, from the app command's output folder. */
export function stacksToPlan(outdir: string): StackToPlan[] {
  return ["hello-prod", "hello-dev"].map((stack) => ({
    stack: join(outdir, "stacks", stack),
    vars: { password: DEFAULT_APP_SECRET },
    name: `default-app-${stack.replace("hello-", "")}`,
  }));
}
