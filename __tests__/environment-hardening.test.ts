import { Environment, EnvironmentProps, FargateStack, Network, WebService } from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

/*
 * The hardening an environment's `stage` turns on, on the synthesized JSON: the customer managed key of its
 * log groups (and, when asked, its parameters), the network's flow logs and its default security group
 * without rules. The load balancer's access logs and web ACL, and the zones' DNSSEC and query logging, have
 * their own test files.
 */

const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";
const BASE: EnvironmentProps = { name: "shop-prod", zones: ["example.com"] };

const build = (props: Partial<EnvironmentProps> = {}) => (stack: FargateStack) => {
  const environment = new Environment(stack, "shop", { ...BASE, ...props });
  new WebService(environment, "web", { image: IMAGE, hosts: ["www.example.com"], secrets: { API_TOKEN: {} } });
};
const synthEnvironment = (props: Partial<EnvironmentProps> = {}): TerraformJson => synthesize(build(props));

const KEY_ARN = "${aws_kms_key.shop_encryption_key.arn}";
/** The environment's own key (a production zone's DNSSEC and query-log keys are in us-east-1, tested apart). */
const environmentKey = (json: TerraformJson) => resourcesOf(json, "aws_kms_key").shop_encryption_key;

describe("a production environment (the default stage)", () => {
  const json = synthEnvironment();

  test("one customer managed key, rotated, administered by the account and usable by this region's CloudWatch Logs for the account's log groups", () => {
    const key = environmentKey(json);
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    const statements = decodeJsonencode(key.policy).Statement;
    const account = "${element(split(\":\", aws_ecs_cluster.shop_cluster.arn), 4)}";
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*" }),
    );
    const logs = statements.find((statement: any) => statement.Principal.Service === "logs.eu-west-1.amazonaws.com");
    expect(logs.Action).toEqual(expect.arrayContaining(["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"]));
    expect(logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toBe(`arn:aws:logs:eu-west-1:${account}:log-group:*`);
    expect(resourcesOf(json, "aws_kms_alias").shop_encryption_key_alias).toMatchObject({ name: "alias/shop-prod", target_key_id: "${aws_kms_key.shop_encryption_key.key_id}" });
  });

  test("every log group of the environment is encrypted with it: the service's, the stopped tasks', the flow logs'", () => {
    const logGroups = resourcesOf(json, "aws_cloudwatch_log_group");
    expect(Object.keys(logGroups).sort()).toEqual(
      expect.arrayContaining(["shop_network_flow_logs_log_group", "shop_stopped_tasks_log_group", "shop_web_logs"]),
    );
    for (const [address, group] of Object.entries(logGroups)) {
      // the zone's query logs are in us-east-1, with a key of that region
      if ((group as any).provider) continue;
      expect(`${address}: ${(group as any).kms_key_id}`).toBe(`${address}: ${KEY_ARN}`);
    }
  });

  test("flow logs of all the VPC's traffic, delivered by a role that may write only to their log group", () => {
    const flowLog = onlyResource(json, "aws_flow_log");
    expect(flowLog).toMatchObject({
      vpc_id: "${aws_vpc.shop_network.id}",
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: "${aws_cloudwatch_log_group.shop_network_flow_logs_log_group.arn}",
      iam_role_arn: "${aws_iam_role.shop_network_flow_logs_role.arn}",
    });
    const role = resourcesOf(json, "aws_iam_role").shop_network_flow_logs_role;
    expect(decodeJsonencode(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    const policy = decodeJsonencode(resourcesOf(json, "aws_iam_role_policy").shop_network_flow_logs_role_policy.policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Resource: ["${aws_cloudwatch_log_group.shop_network_flow_logs_log_group.arn}:*"],
        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
      }),
    ]);
    expect(resourcesOf(json, "aws_cloudwatch_log_group").shop_network_flow_logs_log_group.name).toBe("/aws/vpc/shop-prod/flow-logs");
  });

  test("the VPC's default security group is taken over with no rule at all", () => {
    const group = onlyResource(json, "aws_default_security_group");
    expect(group.vpc_id).toBe("${aws_vpc.shop_network.id}");
    expect(group.ingress).toEqual([]);
    expect(group.egress).toEqual([]);
  });

  test("the secret parameters are encrypted with the same key, which the execution role may decrypt with", () => {
    expect(onlyResource(json, "aws_ssm_parameter").key_id).toBe(KEY_ARN);
    const policy = decodeJsonencode(resourcesOf(json, "aws_iam_role_policy").shop_web_task_execution_role_policy.policy);
    expect(policy.Statement).toContainEqual(expect.objectContaining({ Action: ["kms:Decrypt"], Resource: [KEY_ARN] }));
    expect(environmentKey(json).description).toBe("Encrypts the shop-prod environment's log groups and secret parameters");
  });
});

describe("a development environment", () => {
  const json = synthEnvironment({ stage: "development" });

  test("leaves off what costs money: no KMS key, no flow logs, log groups and parameters with AWS's own keys", () => {
    expect(resourcesOf(json, "aws_kms_key")).toEqual({});
    expect(onlyResource(json, "aws_ssm_parameter").key_id).toBeUndefined();
    expect(resourcesOf(json, "aws_flow_log")).toEqual({});
    for (const group of Object.values(resourcesOf(json, "aws_cloudwatch_log_group"))) expect((group as any).kms_key_id).toBeUndefined();
  });

  test("keeps what is free: the default security group without rules", () => {
    expect(Object.keys(resourcesOf(json, "aws_default_security_group"))).toEqual(["shop_network_default_security_group"]);
  });
});

describe("hardening options override the stage, measure by measure", () => {
  test("production without flow logs: the key stays, the flow log goes", () => {
    const json = synthEnvironment({ hardening: { flowLogs: false } });
    expect(resourcesOf(json, "aws_flow_log")).toEqual({});
    expect(environmentKey(json)).toBeDefined();
  });

  test("development with logEncryption: a key for the log groups, still no flow logs", () => {
    const json = synthEnvironment({ stage: "development", hardening: { logEncryption: true } });
    expect(resourcesOf(json, "aws_cloudwatch_log_group").shop_web_logs.kms_key_id).toBe(KEY_ARN);
    expect(resourcesOf(json, "aws_flow_log")).toEqual({});
  });

  test("lockDefaultSecurityGroup: false leaves the default security group to AWS", () => {
    expect(resourcesOf(synthEnvironment({ hardening: { lockDefaultSecurityGroup: false } }), "aws_default_security_group")).toEqual({});
  });

  test("development with parameterEncryption only: a key for the parameters that CloudWatch Logs is not let in", () => {
    const json = synthEnvironment({ stage: "development", hardening: { parameterEncryption: true } });
    expect(onlyResource(json, "aws_ssm_parameter").key_id).toBe(KEY_ARN);
    const key = onlyResource(json, "aws_kms_key");
    expect(decodeJsonencode(key.policy).Statement.map((statement: any) => statement.Sid)).toEqual(["AccountAdministersTheKey"]);
    expect(resourcesOf(json, "aws_cloudwatch_log_group").shop_web_logs.kms_key_id).toBeUndefined();
  });

  test("production with parameterEncryption: false keeps AWS's aws/ssm key for the parameters", () => {
    expect(onlyResource(synthEnvironment({ hardening: { parameterEncryption: false } }), "aws_ssm_parameter").key_id).toBeUndefined();
  });
});

test("a network given to the environment is left as it is: no flow logs, no default security group", () => {
  const json = synthesize((stack) => {
    const network = new Network(stack, "shared_network", { name: "shared" });
    const environment = new Environment(stack, "shop", { ...BASE, network });
    new WebService(environment, "web", { image: IMAGE, hosts: ["www.example.com"] });
  });
  expect(resourcesOf(json, "aws_flow_log")).toEqual({});
  expect(resourcesOf(json, "aws_default_security_group")).toEqual({});
});

describe("bad input", () => {
  test("an unknown stage names the choices; the nearest good one synthesizes", () => {
    expect(synthErrors(build({ stage: "prod" as any }))).toEqual([
      expect.stringContaining('stage is "prod": one of "production", "development". Fix:'),
    ]);
    expect(synthErrors(build({ stage: "production" }))).toEqual([]);
  });

  test("a misspelled hardening option is refused with the closest one", () => {
    expect(synthErrors(build({ hardening: { flowLog: false } as any }))).toEqual([
      expect.stringContaining('HardeningOptions has no prop "flowLog", so its value would be ignored. Fix: did you mean "flowLogs"?'),
    ]);
  });
});

test("DNSSEC and query logging outside the aws partition are refused (their key and logs must be in us-east-1); turned off, the zone synthesizes", () => {
  // once, however many zones the environment creates
  const errors = synthErrors(build({ zones: ["example.com", "example.org"] }), "us-gov-west-1");
  expect(errors.filter((error) => error.includes("Route53 keeps"))).toHaveLength(1);
  expect(errors).toContainEqual(expect.stringContaining("hardening is {\"dnssec\":true,\"dnsQueryLogging\":true}: Route53 keeps a public zone's DNSSEC key and query logs in us-east-1, which is not in us-gov-west-1's partition (aws-us-gov)"));
  expect(synthErrors(build({ hardening: { dnssec: false, dnsQueryLogging: false } }), "us-gov-west-1").filter((error) => error.includes("us-east-1"))).toEqual([]);
});
