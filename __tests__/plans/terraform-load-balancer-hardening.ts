// The stack terraform-load-balancer-hardening.test.ts plans: a production environment with one web service.
import { Testing } from "cdktf";
import { Certificate, Environment, WebService } from "../../src";
import { StackToPlan } from "../support/terraform";
import { tierStack } from "../support/tier-stack";

const CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

export function stacksToPlan(): StackToPlan[] {
  const stack = tierStack();
  const environment = new Environment(stack, "prod", { name: "shop-prod", certificate: Certificate.fromArn(CERTIFICATE) });
  new WebService(environment, "web", { image: "public.ecr.aws/nginx/nginx:1.27-alpine", paths: ["/*"] });
  return [{ stack: Testing.synth(stack, true), name: "load-balancer-hardening" }];
}
