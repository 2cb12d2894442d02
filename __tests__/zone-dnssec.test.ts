import { Testing } from "cdktf";
import { Environment, EnvironmentProps, FargateStack, HostedZone } from "../src";
import { usEast1Provider } from "../src/app/us-east-1-provider";
import { QueryLogDelivery } from "../src/environment/hardening/query-log-delivery";
import { TerraformJson, decodeJsonencode, resourcesOf, synthErrors, synthesize } from "./support/synth";

/*
 * DNSSEC signing and query logging of the hosted zones an environment creates (hardening `dnssec` and
 * `dnsQueryLogging`): the KMS key, the log groups and the log resource policy in us-east-1 through the
 * `aws.us_east_1` provider, the rest (Route53 is global) through the stack's own.
 */

const ACCOUNT = '${element(split(":", aws_ecs_cluster.prod_cluster.arn), 4)}';
const US_EAST_1 = "aws.us_east_1";

const synthEnvironment = (props: Partial<EnvironmentProps> = {}): TerraformJson =>
  synthesize((stack) => {
    new Environment(stack, "prod", { name: "shop-prod", zones: ["example.com"], ...props });
  });
const policyOf = (resource: any, attribute = "policy") => decodeJsonencode(resource[attribute]);
const statement = (policy: any, sid: string) => policy.Statement.find((candidate: any) => candidate.Sid === sid);
const aliasesOf = (json: TerraformJson) => json.provider.aws.map((provider) => provider.alias).filter(Boolean);

describe("a production environment's new zone: DNSSEC", () => {
  const json = synthEnvironment();
  const key = resourcesOf(json, "aws_kms_key").prod_zone_example_com_dnssec_key;

  test("an asymmetric ECC_NIST_P256 sign-and-verify key in us-east-1, not rotated (KMS rotates only symmetric keys)", () => {
    expect(key).toMatchObject({
      customer_master_key_spec: "ECC_NIST_P256",
      key_usage: "SIGN_VERIFY",
      deletion_window_in_days: 30,
      provider: US_EAST_1,
    });
    expect(key).not.toHaveProperty("enable_key_rotation");
  });

  test("its policy: the account administers it, Route53 DNSSEC signs with it for this account's hosted zones and creates grants for AWS resources", () => {
    const policy = policyOf(key);
    expect(policy.Statement).toHaveLength(3);
    expect(statement(policy, "AccountAdministersTheKey")).toEqual({
      Sid: "AccountAdministersTheKey",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: "kms:*",
      Resource: "*",
    });
    expect(statement(policy, "Route53DnssecSigns")).toEqual({
      Sid: "Route53DnssecSigns",
      Effect: "Allow",
      Principal: { Service: "dnssec-route53.amazonaws.com" },
      Action: ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"],
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceAccount": ACCOUNT },
        ArnLike: { "aws:SourceArn": "arn:aws:route53:::hostedzone/*" },
      },
    });
    expect(statement(policy, "Route53DnssecCreatesGrants")).toEqual({
      Sid: "Route53DnssecCreatesGrants",
      Effect: "Allow",
      Principal: { Service: "dnssec-route53.amazonaws.com" },
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    });
  });

  test("an active key-signing key of the zone on that key, and signing that waits for it (Route53 is global: the stack's provider)", () => {
    expect(resourcesOf(json, "aws_route53_key_signing_key")).toEqual({
      prod_zone_example_com_dnssec: {
        hosted_zone_id: "${aws_route53_zone.prod_zone_example_com.zone_id}",
        key_management_service_arn: "${aws_kms_key.prod_zone_example_com_dnssec_key.arn}",
        name: "primary",
        status: "ACTIVE",
      },
    });
    expect(resourcesOf(json, "aws_route53_hosted_zone_dnssec")).toEqual({
      prod_zone_example_com_dnssec_signing: {
        hosted_zone_id: "${aws_route53_zone.prod_zone_example_com.zone_id}",
        depends_on: ["aws_route53_key_signing_key.prod_zone_example_com_dnssec"],
      },
    });
  });

  test("the dnssec_ds_records output: the DS record by zone name, and when (and when not) to give it to the registrar", () => {
    const output = json.output!.prod_dnssec_ds_records;
    expect(output.value).toEqual({ "example.com": "${aws_route53_key_signing_key.prod_zone_example_com_dnssec.ds_record}" });
    expect(output.description).toMatch(/registrar .*only once the registrar has the zone's name servers/);
    expect(output.description).toMatch(/turn DNSSEC off later, remove the DS record at the registrar first/);
  });
});

describe("a production environment's new zone: query logging", () => {
  const json = synthEnvironment();
  const policy = resourcesOf(json, "aws_cloudwatch_log_resource_policy").prod_dns_query_logs;

  test("a log group /aws/route53/<zone> in us-east-1, kept 365 days, encrypted with the environment's us-east-1 key", () => {
    expect(resourcesOf(json, "aws_cloudwatch_log_group").prod_zone_example_com_query_log_log_group).toEqual({
      name: "/aws/route53/example.com",
      retention_in_days: 365,
      kms_key_id: "${aws_kms_key.prod_dns_query_logs_key.arn}",
      provider: US_EAST_1,
    });
    const key = resourcesOf(json, "aws_kms_key").prod_dns_query_logs_key;
    expect(key.provider).toBe(US_EAST_1);
    expect(statement(policyOf(key), "CloudWatchLogsOfThisAccount").Principal).toEqual({ Service: "logs.us-east-1.amazonaws.com" });
  });

  test("a log resource policy in us-east-1 letting Route53 write to /aws/route53/* log groups, for this account's hosted zones only", () => {
    expect(policy).toMatchObject({ policy_name: "shop-prod-route53-query-logs", provider: US_EAST_1 });
    expect(policyOf(policy, "policy_document").Statement).toEqual([
      {
        Sid: "Route53WritesQueryLogs",
        Effect: "Allow",
        Principal: { Service: "route53.amazonaws.com" },
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/route53/*`,
        Condition: {
          StringEquals: { "aws:SourceAccount": ACCOUNT },
          ArnLike: { "aws:SourceArn": "arn:aws:route53:::hostedzone/*" },
        },
      },
    ]);
  });

  test("the zone's query log, to that log group, created after the policy", () => {
    expect(resourcesOf(json, "aws_route53_query_log")).toEqual({
      prod_zone_example_com_query_log: {
        zone_id: "${aws_route53_zone.prod_zone_example_com.zone_id}",
        cloudwatch_log_group_arn: "${aws_cloudwatch_log_group.prod_zone_example_com_query_log_log_group.arn}",
        depends_on: ["aws_cloudwatch_log_resource_policy.prod_dns_query_logs"],
      },
    });
  });
});

describe("what is shared, and what is not created", () => {
  test("two new zones: a key, key-signing key and log group each; one log resource policy, one log key and one us-east-1 provider for both", () => {
    const json = synthEnvironment({ zones: ["example.com", "example.org"] });
    expect(Object.keys(resourcesOf(json, "aws_route53_key_signing_key")).sort()).toEqual([
      "prod_zone_example_com_dnssec",
      "prod_zone_example_org_dnssec",
    ]);
    expect(Object.keys(resourcesOf(json, "aws_kms_key")).sort()).toEqual([
      "prod_dns_query_logs_key",
      "prod_encryption_key",
      "prod_zone_example_com_dnssec_key",
      "prod_zone_example_org_dnssec_key",
    ]);
    expect(Object.keys(resourcesOf(json, "aws_route53_query_log")).sort()).toEqual([
      "prod_zone_example_com_query_log",
      "prod_zone_example_org_query_log",
    ]);
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_log_resource_policy")).filter((name) => name.includes("dns"))).toEqual([
      "prod_dns_query_logs",
    ]);
    expect(aliasesOf(json)).toEqual(["us_east_1"]);
    expect(Object.keys(json.output!.prod_dnssec_ds_records.value)).toEqual(["example.com", "example.org"]);
  });

  test("an existing zone (HostedZone.fromExisting) is neither signed nor logged, and needs no us-east-1 provider", () => {
    const json = synthEnvironment({ zones: [HostedZone.fromExisting({ zoneId: "Z0EXISTING", zoneName: "example.org" })] });
    for (const type of ["aws_route53_key_signing_key", "aws_route53_hosted_zone_dnssec", "aws_route53_query_log", "aws_cloudwatch_log_resource_policy"]) {
      expect(Object.keys(resourcesOf(json, type)).filter((name) => !name.includes("stopped_tasks"))).toEqual([]);
    }
    expect(aliasesOf(json)).toEqual([]);
    expect(json.output).not.toHaveProperty("prod_dnssec_ds_records");
  });

  test("beside an existing zone, only the new one is signed and logged", () => {
    const json = synthEnvironment({ zones: ["example.com", HostedZone.fromExisting({ zoneId: "Z0EXISTING", zoneName: "example.org" })] });
    expect(Object.keys(resourcesOf(json, "aws_route53_key_signing_key"))).toEqual(["prod_zone_example_com_dnssec"]);
    expect(Object.keys(resourcesOf(json, "aws_route53_query_log"))).toEqual(["prod_zone_example_com_query_log"]);
    expect(json.output!.prod_dnssec_ds_records.value).toEqual({ "example.com": expect.any(String) });
  });

  test('stage "development": no DNSSEC, no query logging, no us-east-1 provider', () => {
    const json = synthEnvironment({ stage: "development" });
    expect(resourcesOf(json, "aws_route53_zone")).toHaveProperty("prod_zone_example_com");
    expect(resourcesOf(json, "aws_kms_key")).toEqual({});
    expect(resourcesOf(json, "aws_route53_key_signing_key")).toEqual({});
    expect(resourcesOf(json, "aws_route53_query_log")).toEqual({});
    expect(aliasesOf(json)).toEqual([]);
    expect(json.output).not.toHaveProperty("prod_dnssec_ds_records");
  });

  test("each measure on its own: dnssec without query logging, query logging without dnssec", () => {
    const signedOnly = synthEnvironment({ hardening: { dnsQueryLogging: false } });
    expect(Object.keys(resourcesOf(signedOnly, "aws_route53_key_signing_key"))).toEqual(["prod_zone_example_com_dnssec"]);
    expect(resourcesOf(signedOnly, "aws_route53_query_log")).toEqual({});
    expect(resourcesOf(signedOnly, "aws_kms_key")).not.toHaveProperty("prod_dns_query_logs_key");

    const loggedOnly = synthEnvironment({ hardening: { dnssec: false } });
    expect(resourcesOf(loggedOnly, "aws_route53_key_signing_key")).toEqual({});
    expect(Object.keys(resourcesOf(loggedOnly, "aws_route53_query_log"))).toEqual(["prod_zone_example_com_query_log"]);
    expect(loggedOnly.output).not.toHaveProperty("prod_dnssec_ds_records");
  });

  test("query logging turned on in development: the log group has no customer managed key, as logEncryption is off", () => {
    const json = synthEnvironment({ stage: "development", hardening: { dnsQueryLogging: true } });
    const group = resourcesOf(json, "aws_cloudwatch_log_group").prod_zone_example_com_query_log_log_group;
    expect(group).not.toHaveProperty("kms_key_id");
    expect(resourcesOf(json, "aws_kms_key")).toEqual({});
    expect(aliasesOf(json)).toEqual(["us_east_1"]);
  });
});

describe("HostedZone's dnssec and queryLogging props", () => {
  test("addresses under the zone's own, and the retention given", () => {
    const json = synthesize((stack) => {
      const delivery = new QueryLogDelivery(stack, "query_logs", { name: "shop", accountId: "123456789012" });
      new HostedZone(stack, "zone", {
        zoneName: "example.com",
        dnssec: { accountId: "123456789012" },
        queryLogging: { delivery, retentionDays: 30 },
      });
    });
    expect(Object.keys(resourcesOf(json, "aws_route53_key_signing_key"))).toEqual(["zone_dnssec"]);
    expect(Object.keys(resourcesOf(json, "aws_route53_hosted_zone_dnssec"))).toEqual(["zone_dnssec_signing"]);
    expect(Object.keys(resourcesOf(json, "aws_kms_key"))).toEqual(["zone_dnssec_key"]);
    expect(resourcesOf(json, "aws_cloudwatch_log_group").zone_query_log_log_group.retention_in_days).toBe(30);
    expect(resourcesOf(json, "aws_route53_query_log").zone_query_log.depends_on).toEqual(["aws_cloudwatch_log_resource_policy.query_logs"]);
  });

  test("a retention CloudWatch Logs does not offer is reported; the nearest one it does synthesizes", () => {
    const build = (retentionDays: number) => (stack: FargateStack) => {
      const delivery = new QueryLogDelivery(stack, "query_logs", { name: "shop", accountId: "123456789012" });
      new HostedZone(stack, "zone", { zoneName: "example.com", queryLogging: { delivery, retentionDays } });
    };
    expect(synthErrors(build(366))).toEqual([expect.stringMatching(/^\[test\/zone\/query_log\/log_group\] retentionDays is 366: /)]);
    expect(synthErrors(build(365))).toEqual([]);
  });

  test("without them, a zone is neither signed nor logged", () => {
    const json = synthesize((stack) => {
      new HostedZone(stack, "zone", { zoneName: "example.com" });
    });
    expect(Object.keys(json.resource)).toEqual(["aws_route53_zone"]);
  });
});

describe("usEast1Provider", () => {
  test("one aws.us_east_1 provider per stack, with the stack provider's default tags", () => {
    const stack = new FargateStack(Testing.app(), "tagged", { region: "eu-central-1", tags: { Team: "shop" } });
    expect(usEast1Provider(stack)).toBe(usEast1Provider(stack));
    const providers = JSON.parse(Testing.synth(stack)).provider.aws;
    expect(providers).toEqual([
      expect.objectContaining({ region: "eu-central-1" }),
      {
        alias: "us_east_1",
        region: "us-east-1",
        default_tags: [{ tags: { Team: "shop", ManagedBy: "fargate-as-code", Stack: "tagged" } }],
      },
    ]);
    expect(providers[0].default_tags).toEqual(providers[1].default_tags);
  });
});
