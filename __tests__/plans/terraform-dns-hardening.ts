// The stack terraform-dns-hardening.test.ts plans: a production environment with a new zone.
import { Testing } from "cdktf";
import { Environment } from "../../src";
import { StackToPlan } from "../support/terraform";
import { tierStack } from "../support/tier-stack";

export function stacksToPlan(): StackToPlan[] {
  const stack = tierStack({ tags: { Team: "shop" } });
  new Environment(stack, "prod", { name: "shop-prod", zones: ["example.com"] });
  return [{ stack: Testing.synth(stack, true), name: "dns-hardening" }];
}
