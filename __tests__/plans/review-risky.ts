// The stack review-risky.test.ts plans: this project's app beside raw provider resources that break every rule
// of `review --strict`.
import { TerraformVariable, Testing } from "cdktf";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { FargateWebApp } from "../../src";
import { StackToPlan } from "../support/terraform";
import { tierStack } from "../support/tier-stack";

// The value of a sensitive variable that is NOT ephemeral: Terraform puts it in the plan; no review may print it.
export const DB_PASSWORD = "canary-risky-db-5e1a-tr0ub4dor";
export const PASSWORD = "canary-risky-app-9c4b";

/**
 * The app built with this project's constructs (in us-east-1, on ARM64, 3 tasks of 0.5 vCPU / 1 GB), and
 * raw provider resources that break every rule of `review --strict`.
 */
function riskyStack(): string {
  const stack = tierStack({ region: "us-east-1" });
  const app = new FargateWebApp(stack, "hello", {
    name: "hello",
    image: "public.ecr.aws/nginx/nginx:1.27-alpine",
    domain: "hello.example.com",
    secrets: { PASSWORD: {} },
    cpuArchitecture: "ARM64",
    cpu: 512,
    memory: 1024,
    desiredCount: 3,
    // Its web ACL breaks no rule, and costs Terraform about 5 s of CPU to plan.
    hardening: { webAcl: false },
  });
  // SSH from anywhere on the service's group (a rule resource), Postgres from anywhere (an inline rule),
  // and HTTPS from anywhere (a security group rule resource: allowed).
  new VpcSecurityGroupIngressRule(stack, "risky_ssh", {
    securityGroupId: app.service.securityGroup.id,
    cidrIpv4: "0.0.0.0/0",
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
    description: "SSH from anywhere",
  });
  const database = new SecurityGroup(stack, "risky_db", {
    vpcId: app.network.vpcId,
    name: "risky-db",
    ingress: [{ fromPort: 5432, toPort: 5432, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"], description: "Postgres from anywhere" }],
  });
  new SecurityGroupRule(stack, "risky_https", { type: "ingress", securityGroupId: database.id, fromPort: 443, toPort: 443, protocol: "tcp", ipv6CidrBlocks: ["::/0"] });
  // Every SSM action on every resource for the app, and AdministratorAccess on top.
  app.taskDefinition.taskRole.addToPolicy({ sid: "Everything", actions: ["ssm:*"], resources: ["*"] });
  new IamRolePolicyAttachment(stack, "risky_admin", { role: app.taskDefinition.taskRole.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
  // A sensitive but not ephemeral variable written into a SecureString's `value`.
  const dbPassword = new TerraformVariable(stack, "db_password", { type: "string", sensitive: true, description: "not ephemeral" });
  const parameter = new SsmParameter(stack, "risky_db_password", { name: "/risky/DB_PASSWORD", type: "SecureString", value: dbPassword.stringValue });
  // A customer managed policy from an aws_iam_policy_document that references the parameter (read at apply).
  const document = new DataAwsIamPolicyDocument(stack, "risky_reader_document", {
    statement: [
      { sid: "ReadDbPassword", actions: ["ssm:GetParameter"], resources: [parameter.arn] },
      { actions: ["s3:GetObject"], resources: ["arn:aws:s3:::risky-bucket/*"], condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["true"] }] },
    ],
  });
  const reader = new IamPolicy(stack, "risky_reader", { name: "risky-reader", policy: document.json });
  new IamRolePolicyAttachment(stack, "risky_reader_attachment", { role: app.taskDefinition.executionRole.name, policyArn: reader.arn });
  // A task definition written by hand, with a token as a plain environment variable, run by a service
  // whose task gets a public IP in a subnet that gives every instance one.
  const worker = new EcsTaskDefinition(stack, "risky_worker", {
    family: "risky-worker",
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: "256",
    memory: "512",
    containerDefinitions: JSON.stringify([
      { name: "worker", image: "busybox:1.36", essential: true, environment: [{ name: "API_TOKEN", value: "plain-token" }, { name: "LOG_LEVEL", value: "info" }] },
    ]),
  });
  const publicSubnet = new Subnet(stack, "risky_public", { vpcId: app.network.vpcId, cidrBlock: "10.0.240.0/24", mapPublicIpOnLaunch: true });
  new EcsService(stack, "risky_worker_service", {
    name: "risky-worker",
    cluster: app.cluster.clusterArn,
    taskDefinition: worker.arn,
    launchType: "FARGATE",
    desiredCount: 1,
    networkConfiguration: { subnets: [publicSubnet.id], assignPublicIp: true },
  });
  return Testing.synth(stack, true);
}

export function stacksToPlan(): StackToPlan[] {
  return [{ stack: riskyStack(), vars: { password: PASSWORD, db_password: DB_PASSWORD }, name: "review-risky" }];
}
