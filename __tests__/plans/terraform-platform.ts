// The stacks terraform-platform.test.ts plans: examples/platform.ts, synthesized by cdktf.json's app command
// (review-platform.test.ts plans the same stack with the same values, and gets this plan from the run's
// cache), and an environment of 1 and of 20 web services, to compare.
import { join } from "path";
import { Testing } from "cdktf";
import { Environment, WebService } from "../../src";
import { PLATFORM_SECRET, canaryVars } from "../support/canaries";
import { AppToSynthesize } from "../support/app-command";
import { StackToPlan } from "../support/terraform";
import { tierStack } from "../support/tier-stack";

export const appToSynthesize: AppToSynthesize = { entry: "examples/platform.ts", env: {} };

/**
 * An environment of web services, synthesized; production, but for the web ACL, which has no input the
 * number of services changes (the platform plans one) and costs Terraform about 5 s of CPU to plan.
 */
function environmentOf(services: number): string {
  const stack = tierStack();
  const environment = new Environment(stack, "env", { name: "many", zones: ["example.com"], hardening: { webAcl: false } });
  for (let index = 1; index <= services; index++) {
    new WebService(environment, `web${index}`, { image: "public.ecr.aws/nginx/nginx:1.27-alpine", hosts: [`web${index}.example.com`] });
  }
  return Testing.synth(stack, true);
}

/** platform-prod from the app command's output folder, with a canary for each of its variables. */
export function platformProd(outdir: string): StackToPlan {
  const stackDir = join(outdir, "stacks", "platform-prod");
  return { stack: stackDir, vars: canaryVars(stackDir, PLATFORM_SECRET), name: "platform" };
}

export function stacksToPlan(outdir: string): StackToPlan[] {
  return [platformProd(outdir), { stack: environmentOf(1), name: "web-1" }, { stack: environmentOf(20), name: "web-20" }];
}
