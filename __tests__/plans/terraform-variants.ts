// The stacks terraform-variants.test.ts plans: variants of the app.
import { Testing } from "cdktf";
import { FargateWebApp, FargateWebAppProps, HostedZone, Network } from "../../src";
import { StackToPlan } from "../support/terraform";
import { tierStack } from "../support/tier-stack";

export const SECRETS = { password: "canary-pw-7d41f0", api_token: "canary-token-93be2c" };

/**
 * Production, but for the web ACL: it has no input these variants change (the default app plans it) and
 * costs Terraform about 5 s of CPU to plan.
 */
const base: FargateWebAppProps = {
  name: "hello",
  image: "public.ecr.aws/nginx/nginx:1.27-alpine",
  domain: "hello.example.com",
  hardening: { webAcl: false },
};

/** One app in its own stack, synthesized, with the variable values to plan it with. */
function app(name: string, props: Partial<FargateWebAppProps>, vars: Record<string, string> = {}): StackToPlan {
  const stack = tierStack();
  new FargateWebApp(stack, "hello", { ...base, ...props });
  return { stack: Testing.synth(stack, true), vars, name };
}

/**
 * Options that touch different parts of the app share a stack, each checked on its own part: the network
 * with the secrets, the zone with no secret.
 */
export function stacksToPlan(): StackToPlan[] {
  return [
    app(
      "existing-vpc-two-secrets",
      {
        network: Network.fromExisting({
          vpcId: "vpc-0123456789abcdef0",
          publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
          privateSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
        }),
        secrets: { PASSWORD: {}, API_TOKEN: { version: 2 } },
      },
      SECRETS,
    ),
    app("existing-zone-no-secret", {
      domain: "app.example.org",
      hostedZone: HostedZone.fromExisting({ zoneId: "Z0123456789ABCDEFGHIJ", zoneName: "example.org" }),
      secrets: {},
    }),
  ];
}
