// The stacks terraform-variants.test.ts plans: variants of the app, each in its own stack.
import { Testing } from "cdktf";
import { FargateStack, FargateWebApp, FargateWebAppProps, HostedZone, Network } from "../../src";
import { StackToPlan } from "../support/terraform";

export const SECRETS = { password: "canary-pw-7d41f0", api_token: "canary-token-93be2c" };

const base: FargateWebAppProps = { name: "hello", image: "public.ecr.aws/nginx/nginx:1.27-alpine", domain: "hello.example.com" };

/** One app in its own stack, synthesized, with the variable values to plan it with. */
function app(name: string, props: Partial<FargateWebAppProps>, vars: Record<string, string> = {}): StackToPlan {
  const stack = new FargateStack(Testing.app({ stackTraces: false }), name, { region: "eu-west-1" });
  new FargateWebApp(stack, "hello", { ...base, ...props });
  return { stack: Testing.synth(stack, true), vars, name };
}

export function stacksToPlan(): StackToPlan[] {
  return [
    app(
      "existing-vpc",
      {
        network: Network.fromExisting({
          vpcId: "vpc-0123456789abcdef0",
          publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
          privateSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
        }),
      },
      { password: "unused" },
    ),
    app("existing-zone", {
      domain: "app.example.org",
      hostedZone: HostedZone.fromExisting({ zoneId: "Z0123456789ABCDEFGHIJ", zoneName: "example.org" }),
    }),
    app("no-secret", {}),
    app("two-secrets", { secrets: { PASSWORD: {}, API_TOKEN: { version: 2 } } }, SECRETS),
  ];
}
