// The stacks terraform-options.test.ts plans: variants that turn its options on.
import { Testing } from "cdktf";
import {
  BackendService,
  Certificate,
  Cluster,
  Environment,
  FargateWebApp,
  HostedZone,
  SecretParameter,
  WebService,
} from "../../src";
import { StackToPlan } from "../support/terraform";
import { tierStack } from "../support/tier-stack";

const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";
export const EXISTING_ROLE = "arn:aws:iam::123456789012:role/legacy-ecs-execution";
export const EXISTING_CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-0123-abcd-0123-0123456789ab";

function everythingOn(): string {
  const stack = tierStack();
  const app = new FargateWebApp(stack, "hello", {
    name: "hello",
    image: IMAGE,
    domain: "hello.example.com",
    wildcardCertificate: true,
    alertEmails: ["ops@example.com"],
    rollbackOnAlarm: true,
    networkOptions: { ipv6: false, natGateways: "single", availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] },
    cluster: Cluster.fromExisting({ clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/shared", clusterName: "shared" }),
    executionRoleArn: EXISTING_ROLE,
    secrets: { PASSWORD: SecretParameter.fromArn("arn:aws:ssm:eu-west-1:123456789012:parameter/shared/hello/PASSWORD") },
  });
  app.taskDefinition.executionRole.grantSecretRead(app.secrets.PASSWORD);
  return Testing.synth(stack, true);
}

function everythingOff(): string {
  const stack = tierStack();
  new FargateWebApp(stack, "hello", {
    name: "hello",
    image: IMAGE,
    domain: "app.example.org",
    hostedZone: HostedZone.fromExisting({ zoneId: "Z0123456789ABCDEFGHIJ", zoneName: "example.org" }),
    certificate: Certificate.fromArn(EXISTING_CERTIFICATE),
    alarms: false,
    stoppedTaskEvents: false,
    stage: "development",
  });
  return Testing.synth(stack, true);
}

function environment(): string {
  const stack = tierStack();
  const env = new Environment(stack, "env", {
    name: "shop",
    zones: ["example.com", HostedZone.fromExisting({ zoneId: "Z0EXISTINGORG", zoneName: "example.org" })],
    stage: "development",
    taskEgress: "https-and-dns",
  });
  const stock = new BackendService(env, "stock", { image: IMAGE, port: 9000 });
  const orders = new BackendService(env, "orders", { image: IMAGE, port: 8080, calls: [stock] });
  new WebService(env, "web", {
    image: IMAGE,
    hosts: ["shop.example.com", "www.example.com", "shop.example.org", "www.example.org"],
    paths: ["/", "/cart/*", "/checkout/*"],
    calls: [orders],
  });
  new WebService(env, "blog", { image: IMAGE, hosts: ["blog.example.com"], priority: 100 });
  return Testing.synth(stack, true);
}

function environmentCertificate(): string {
  const stack = tierStack();
  const env = new Environment(stack, "env", {
    name: "docs",
    zones: [HostedZone.fromExisting({ zoneId: "Z0EXISTINGCOM", zoneName: "example.com" })],
    certificate: Certificate.fromArn(EXISTING_CERTIFICATE),
    // The web ACL has no input the certificate changes (the default app plans it), and costs Terraform about 5 s of CPU to plan.
    hardening: { webAcl: false },
  });
  new WebService(env, "docs", { image: IMAGE, hosts: ["docs.example.com"], alarms: false });
  new WebService(env, "api", { image: IMAGE, paths: ["/api/*"] });
  return Testing.synth(stack, true);
}

/** Each variant by name: a function that synthesizes its stack. */
export const variants: Record<string, () => string> = {
  "everything-on": everythingOn,
  "everything-off": everythingOff,
  environment,
  "environment-certificate": environmentCertificate,
};

export function stacksToPlan(): StackToPlan[] {
  return Object.entries(variants).map(([name, synthesize]) => ({ stack: synthesize(), name }));
}
