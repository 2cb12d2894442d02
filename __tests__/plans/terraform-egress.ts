// The stacks terraform-egress.test.ts plans: the default app's prod environment with each egress choice, the
// default one being main.ts itself as the default app's tests plan it (one plan for the run). The other
// choices leave off the web ACL, which has no input the network changes, and costs Terraform about 5 s of
// CPU to plan: the test adds back what it adds to main.ts's review, measured against main.ts's prod planned
// without it.
import { Testing } from "cdktf";
import { HardeningOptions, NetworkProps, declareEnvironments } from "../../src";
import { DEFAULT_APP_SECRET } from "../support/canaries";
import { StackToPlan } from "../support/terraform";
import { stacksToPlan as defaultAppStacks } from "./terraform-default-app";

export { appToSynthesize } from "./terraform-default-app";

const AMI = "ami-0123456789abcdef0";

/** main.ts's declaration, with the prod environment's networkOptions (and hardening, when given) as given. */
export function defaultAppProd(networkOptions: Omit<NetworkProps, "name">, hardening?: HardeningOptions): string {
  const app = Testing.app({ stackTraces: false });
  const declared = declareEnvironments(app, {
    name: "hello",
    region: "eu-west-1",
    tags: { Application: "hello" },
    app: {
      image: "public.ecr.aws/nginx/nginx:1.27-alpine",
      port: 80,
      environment: { USER: "hello" },
      secrets: { PASSWORD: {} },
      writablePaths: ["/var/cache/nginx", "/var/run"],
    },
    environments: {
      prod: {
        domain: "hello.example.com",
        cpu: 512,
        memory: 1024,
        desiredCount: 2,
        networkOptions,
        ...(hardening ? { hardening } : {}),
        deletionProtection: true,
        logRetentionDays: 90,
      },
    },
  });
  return Testing.synth(declared.prod.stack, true);
}

/** The choices, each with the README table's name for it; the first is the default app as it is. */
export const CHOICES: Record<string, Omit<NetworkProps, "name"> | "main.ts"> = {
  '"nat-gateway-per-az"': "main.ts",
  '"nat-gateway"': { egress: "nat-gateway" },
  '"nat-instance-per-az"': { egress: "nat-instance-per-az", natInstance: { imageId: AMI } },
  '"nat-instance"': { egress: "nat-instance", natInstance: { imageId: AMI } },
  '"none"': { egress: "none" },
  '"none"` + `taskSubnets: "private"` + `interfaceEndpoints: true': { egress: "none", taskSubnets: "private", interfaceEndpoints: true },
  '"nat-gateway-per-az"` + `interfaceEndpoints: true': { interfaceEndpoints: true },
};

/** The choices other than main.ts's own, in CHOICES' order. */
export const VARIANTS = Object.keys(CHOICES).filter((name) => CHOICES[name] !== "main.ts");

/**
 * main.ts's prod stack from the app command's output folder, the same without the web ACL, then the other
 * choices in VARIANTS' order.
 */
export function stacksToPlan(outdir: string): StackToPlan[] {
  const [mainProd] = defaultAppStacks(outdir);
  return [
    mainProd,
    { stack: defaultAppProd({ natGateways: "one-per-az" }, { webAcl: false }), vars: { password: DEFAULT_APP_SECRET }, name: "egress-main-without-web-acl" },
    ...VARIANTS.map((name, index) => ({
      stack: defaultAppProd(CHOICES[name] as Omit<NetworkProps, "name">, { webAcl: false }),
      vars: { password: DEFAULT_APP_SECRET },
      name: `egress-${index}`,
    })),
  ];
}
