import { PlannedStack, cleanupPlannedStacks, configurationResource, planDiagnostics, planStacks, plannedResource } from "./support/terraform";
import { stacksToPlan } from "./plans/terraform-dns-hardening";

/*
 * A production environment with a new zone, DNSSEC and query logging on, planned offline by Terraform: the
 * `aws.us_east_1` alias is accepted (the harness overrides it with mock credentials as it does the default
 * provider) and each us-east-1 resource is configured with it.
 */

jest.setTimeout(300_000);

let planned: PlannedStack;

beforeAll(async () => {
  [planned] = await planStacks(stacksToPlan());
});

afterAll(() => cleanupPlannedStacks());

const providerOf = (address: string) => configurationResource(planned.plan, address).provider_config_key;

describe("DNSSEC and query logging, planned offline", () => {
  test("validates, and plans only creations", () => {
    expect(planDiagnostics(planned)).toEqual([]); // `terraform plan` validates the configuration first
    expect(new Set(planned.plan.resource_changes.map((change: any) => change.change.actions.join(",")))).toEqual(new Set(["create"]));
  });

  test("the us-east-1 provider is configured in us-east-1, tagging as the stack's provider does", () => {
    const config = planned.plan.configuration.provider_config;
    expect(config["aws.us_east_1"].expressions.region.constant_value).toBe("us-east-1");
    expect(config["aws.us_east_1"].expressions.default_tags).toEqual(config.aws.expressions.default_tags);
  });

  test("the KMS keys, the log group and the log resource policy are in us-east-1; Route53's own resources use the stack's provider", () => {
    for (const address of [
      "aws_kms_key.prod_zone_example_com_dnssec_key",
      "aws_kms_key.prod_dns_query_logs_key",
      "aws_cloudwatch_log_group.prod_zone_example_com_query_log_log_group",
      "aws_cloudwatch_log_resource_policy.prod_dns_query_logs",
    ]) {
      expect([address, providerOf(address)]).toEqual([address, "aws.us_east_1"]);
    }
    for (const address of [
      "aws_route53_key_signing_key.prod_zone_example_com_dnssec",
      "aws_route53_hosted_zone_dnssec.prod_zone_example_com_dnssec_signing",
      "aws_route53_query_log.prod_zone_example_com_query_log",
    ]) {
      expect([address, providerOf(address)]).toEqual([address, "aws"]);
    }
  });

  test("the provider accepts the key's spec and usage, the key-signing key's status and the log group's retention", () => {
    expect(plannedResource(planned.plan, "aws_kms_key.prod_zone_example_com_dnssec_key").values).toMatchObject({
      customer_master_key_spec: "ECC_NIST_P256",
      key_usage: "SIGN_VERIFY",
      enable_key_rotation: false,
      tags_all: { Team: "shop", ManagedBy: "fargate-as-code", Stack: "tier" },
    });
    expect(plannedResource(planned.plan, "aws_route53_key_signing_key.prod_zone_example_com_dnssec").values.status).toBe("ACTIVE");
    expect(plannedResource(planned.plan, "aws_cloudwatch_log_group.prod_zone_example_com_query_log_log_group").values).toMatchObject({
      name: "/aws/route53/example.com",
      retention_in_days: 365,
    });
  });

  test("the DS record output is planned by zone name, its value known after apply", () => {
    expect(planned.plan.output_changes.prod_dnssec_ds_records.after_unknown).toEqual({ "example.com": true });
  });
});
