import { PlannedStack, cleanupPlannedStacks, configurationResource, planDiagnostics, planStacks, plannedResource } from "./support/terraform";
import { stacksToPlan } from "./plans/terraform-load-balancer-hardening";

/*
 * A production environment with one web service, planned offline by Terraform: the provider accepts the
 * load balancer's access logs bucket (its lifecycle, encryption and policy) and the web ACL's rule blocks,
 * and orders the load balancer after the bucket policy.
 */

jest.setTimeout(300_000);

let planned: PlannedStack;

beforeAll(async () => {
  [planned] = await planStacks(stacksToPlan());
});

afterAll(() => cleanupPlannedStacks());

const values = (address: string) => plannedResource(planned.plan, address).values;

describe("the load balancer's access logs and web ACL, planned offline", () => {
  test("validates without warnings, and plans only creations", () => {
    expect(planDiagnostics(planned)).toEqual([]); // `terraform plan` validates the configuration first
    expect(new Set(planned.plan.resource_changes.map((change: any) => change.change.actions.join(",")))).toEqual(new Set(["create"]));
  });

  test("the web ACL's rules, as the provider reads them: managed groups and the rate-based rule with their priorities", () => {
    const acl = values("aws_wafv2_web_acl.prod_load_balancer_web_acl");
    expect(acl).toMatchObject({ name: "shop-prod", scope: "REGIONAL" });
    const rules = [...acl.rule].sort((a: any, b: any) => a.priority - b.priority);
    expect(rules.map((rule: any) => [rule.priority, rule.name])).toEqual([
      [0, "AWSManagedRulesAmazonIpReputationList"],
      [1, "rate-limit-per-ip"],
      [2, "AWSManagedRulesCommonRuleSet"],
      [3, "AWSManagedRulesKnownBadInputsRuleSet"],
    ]);
    expect(rules[0].statement[0].managed_rule_group_statement[0]).toMatchObject({ vendor_name: "AWS", name: "AWSManagedRulesAmazonIpReputationList" });
    expect(rules[0].override_action[0].none).toHaveLength(1);
    expect(rules[1].statement[0].rate_based_statement[0]).toMatchObject({ limit: 2000, aggregate_key_type: "IP", evaluation_window_sec: 300 });
    expect(rules[1].action[0].block).toHaveLength(1);
  });

  test("the bucket's lifecycle and encryption as planned, and the load balancer writing to it after its policy", () => {
    const lifecycle = values("aws_s3_bucket_lifecycle_configuration.prod_load_balancer_access_logs_lifecycle");
    expect(lifecycle.rule[0]).toMatchObject({
      status: "Enabled",
      expiration: [expect.objectContaining({ days: 90 })],
      noncurrent_version_expiration: [expect.objectContaining({ noncurrent_days: 7 })],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
    });
    const encryption = values("aws_s3_bucket_server_side_encryption_configuration.prod_load_balancer_access_logs_encryption");
    expect(encryption.rule[0].apply_server_side_encryption_by_default[0].sse_algorithm).toBe("AES256");
    expect(values("aws_lb.prod_load_balancer").access_logs).toEqual([expect.objectContaining({ enabled: true, prefix: "alb" })]);
    expect(configurationResource(planned.plan, "aws_lb.prod_load_balancer").depends_on).toEqual([
      "aws_s3_bucket_policy.prod_load_balancer_access_logs_policy",
    ]);
  });
});
