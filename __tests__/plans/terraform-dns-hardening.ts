// The stack terraform-dns-hardening.test.ts plans: a production environment with a new zone.
import { Testing } from "cdktf";
import { Environment, FargateStack } from "../../src";
import { StackToPlan } from "../support/terraform";

export function stacksToPlan(): StackToPlan[] {
  const stack = new FargateStack(Testing.app({ stackTraces: false }), "dns", { region: "eu-west-1", tags: { Team: "shop" } });
  new Environment(stack, "prod", { name: "shop-prod", zones: ["example.com"] });
  return [{ stack: Testing.synth(stack, true), name: "dns-hardening" }];
}
