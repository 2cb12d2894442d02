import { Certificate, Environment, EnvironmentProps, FargateStack, WebService } from "../src";
import { WebAcl, WebAclProps } from "../src/environment/hardening/web-acl";
import { onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

const LB_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/hello/0123456789abcdef";
const build = (props: Partial<WebAclProps> = {}) => (stack: FargateStack) => {
  new WebAcl(stack, "web_acl", { name: "hello", loadBalancerArn: LB_ARN, requestsPerFiveMinutes: 2000, ...props });
};
const synthAcl = (props: Partial<WebAclProps> = {}) => onlyResource(synthesize(build(props)), "aws_wafv2_web_acl");
const ruleNamed = (acl: any, name: string) => acl.rule.find((rule: any) => rule.name === name);

describe("WebAcl", () => {
  const json = synthesize(build());
  const acl = onlyResource(json, "aws_wafv2_web_acl");

  test("a regional web ACL named after the environment, allowing what no rule blocks", () => {
    expect(acl.name).toBe("hello");
    expect(acl.scope).toBe("REGIONAL");
    expect(acl.default_action).toEqual({ allow: {} });
    expect(acl.visibility_config).toEqual({ cloudwatch_metrics_enabled: true, metric_name: "hello", sampled_requests_enabled: true });
  });

  test("the rules in order: IP reputation, the per-IP rate limit, the common rule set, known bad inputs", () => {
    expect(acl.rule.map((rule: any) => [rule.priority, rule.name])).toEqual([
      [0, "AWSManagedRulesAmazonIpReputationList"],
      [1, "rate-limit-per-ip"],
      [2, "AWSManagedRulesCommonRuleSet"],
      [3, "AWSManagedRulesKnownBadInputsRuleSet"],
    ]);
  });

  test("each managed rule group is AWS's, its own actions kept (override none), with metrics and sampled requests", () => {
    expect(ruleNamed(acl, "AWSManagedRulesCommonRuleSet")).toEqual({
      name: "AWSManagedRulesCommonRuleSet",
      priority: 2,
      override_action: { none: {} },
      statement: { managed_rule_group_statement: { vendor_name: "AWS", name: "AWSManagedRulesCommonRuleSet" } },
      visibility_config: { cloudwatch_metrics_enabled: true, metric_name: "AWSManagedRulesCommonRuleSet", sampled_requests_enabled: true },
    });
    for (const group of ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesKnownBadInputsRuleSet"]) {
      const rule = ruleNamed(acl, group);
      expect(rule.statement.managed_rule_group_statement).toEqual({ vendor_name: "AWS", name: group });
      expect(rule.override_action).toEqual({ none: {} });
      expect(rule.visibility_config.sampled_requests_enabled).toBe(true);
    }
  });

  test("the rate-based rule blocks an IP over requestsPerFiveMinutes, counted over 5 minutes", () => {
    const rule = ruleNamed(synthAcl({ requestsPerFiveMinutes: 500 }), "rate-limit-per-ip");
    expect(rule.action).toEqual({ block: {} });
    expect(rule.statement).toEqual({ rate_based_statement: { limit: 500, aggregate_key_type: "IP", evaluation_window_sec: 300 } });
    expect(rule.visibility_config.cloudwatch_metrics_enabled).toBe(true);
  });

  test("associated with the load balancer", () => {
    expect(onlyResource(json, "aws_wafv2_web_acl_association")).toEqual({
      resource_arn: LB_ARN,
      web_acl_arn: "${aws_wafv2_web_acl.web_acl.arn}",
    });
  });
});

describe("WebAcl's log and rule overrides", () => {
  const json = synthesize(build({ logKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d" }));

  test("blocked and counted requests only are logged, to a group WAF accepts (aws-waf-logs-), without Authorization and Cookie", () => {
    const logging = onlyResource(json, "aws_wafv2_web_acl_logging_configuration");
    expect(logging.resource_arn).toBe("${aws_wafv2_web_acl.web_acl.arn}");
    expect(logging.log_destination_configs).toEqual(["${aws_cloudwatch_log_group.web_acl_log_group.arn}"]);
    expect(logging.redacted_fields).toEqual([{ single_header: { name: "authorization" } }, { single_header: { name: "cookie" } }]);
    expect(logging.logging_filter).toEqual({
      default_behavior: "DROP",
      filter: [
        {
          behavior: "KEEP",
          requirement: "MEETS_ANY",
          condition: [{ action_condition: { action: "BLOCK" } }, { action_condition: { action: "COUNT" } }],
        },
      ],
    });
    expect(onlyResource(json, "aws_cloudwatch_log_group")).toMatchObject({
      name: "aws-waf-logs-hello",
      kms_key_id: "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
    });
  });

  test("countOnly: those rules of the core rule set count instead of block; the other groups are untouched", () => {
    const acl = synthAcl({ countOnly: ["SizeRestrictions_BODY"] });
    expect(ruleNamed(acl, "AWSManagedRulesCommonRuleSet").statement.managed_rule_group_statement.rule_action_override).toEqual([
      { name: "SizeRestrictions_BODY", action_to_use: { count: {} } },
    ]);
    expect(ruleNamed(acl, "AWSManagedRulesKnownBadInputsRuleSet").statement.managed_rule_group_statement.rule_action_override).toBeUndefined();
  });

  test("a countOnly name WAF would not know (a space) is reported; the nearest good one synthesizes", () => {
    expect(synthErrors(build({ countOnly: ["SizeRestrictions BODY"] }))).toEqual([
      expect.stringContaining('countOnly is ["SizeRestrictions BODY"]: rule names of AWSManagedRulesCommonRuleSet'),
    ]);
    expect(synthErrors(build({ countOnly: ["SizeRestrictions_BODY"] }))).toEqual([]);
  });
});

describe("WebAcl input checks", () => {
  test("a rate limit under 10 is reported, citing WAF's range; 10 synthesizes", () => {
    expect(synthErrors(build({ requestsPerFiveMinutes: 9 }))).toEqual([
      expect.stringContaining("requestsPerFiveMinutes is 9: a whole number from 10 to 2,000,000,000"),
    ]);
    expect(synthErrors(build({ requestsPerFiveMinutes: 10 }))).toEqual([]);
  });

  test("a rate limit over 2,000,000,000 or not whole is reported; 2,000,000,000 synthesizes", () => {
    expect(synthErrors(build({ requestsPerFiveMinutes: 2_000_000_001 }))).toHaveLength(1);
    expect(synthErrors(build({ requestsPerFiveMinutes: 100.5 }))).toHaveLength(1);
    expect(synthErrors(build({ requestsPerFiveMinutes: 2_000_000_000 }))).toEqual([]);
  });

  test("a name WAF refuses (a dot) is reported; the nearest good name synthesizes", () => {
    expect(synthErrors(build({ name: "hello.web" }))).toEqual([expect.stringContaining('name is "hello.web"')]);
    expect(synthErrors(build({ name: "hello-web" }))).toEqual([]);
  });
});

describe("an Environment's web ACL", () => {
  const CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
  const synthEnvironment = (props: Partial<EnvironmentProps>) =>
    synthesize((stack) => {
      const environment = new Environment(stack, "platform", { name: "platform-prod", certificate: Certificate.fromArn(CERTIFICATE), ...props });
      new WebService(environment, "web", { image: "public.ecr.aws/nginx/nginx:1.27-alpine", paths: ["/*"] });
    });

  test("production (the default stage): a web ACL named after the environment, associated with its load balancer", () => {
    const json = synthEnvironment({});
    expect(Object.keys(resourcesOf(json, "aws_wafv2_web_acl"))).toEqual(["platform_load_balancer_web_acl"]);
    expect(onlyResource(json, "aws_wafv2_web_acl").name).toBe("platform-prod");
    expect(resourcesOf(json, "aws_wafv2_web_acl_association")).toEqual({
      platform_load_balancer_web_acl_association: {
        resource_arn: "${aws_lb.platform_load_balancer.arn}",
        web_acl_arn: "${aws_wafv2_web_acl.platform_load_balancer_web_acl.arn}",
      },
    });
    expect(ruleNamed(onlyResource(json, "aws_wafv2_web_acl"), "rate-limit-per-ip").statement.rate_based_statement.limit).toBe(2000);
  });

  test("development: no web ACL", () => {
    const json = synthEnvironment({ stage: "development" });
    expect(resourcesOf(json, "aws_wafv2_web_acl")).toEqual({});
    expect(resourcesOf(json, "aws_wafv2_web_acl_association")).toEqual({});
  });

  test("hardening: { webAcl: false } turns it off in production, and leaves the access logs on", () => {
    const json = synthEnvironment({ hardening: { webAcl: false } });
    expect(resourcesOf(json, "aws_wafv2_web_acl")).toEqual({});
    expect(Object.keys(resourcesOf(json, "aws_s3_bucket"))).toEqual(["platform_load_balancer_access_logs"]);
  });

  test("hardening.webAcl options turn it on in development, with their rate limit and rules that only count", () => {
    const json = synthEnvironment({ stage: "development", hardening: { webAcl: { requestsPerFiveMinutes: 300, countOnly: ["SizeRestrictions_BODY"] } } });
    const acl = onlyResource(json, "aws_wafv2_web_acl");
    expect(ruleNamed(acl, "rate-limit-per-ip").statement.rate_based_statement.limit).toBe(300);
    expect(ruleNamed(acl, "AWSManagedRulesCommonRuleSet").statement.managed_rule_group_statement.rule_action_override).toEqual([
      { name: "SizeRestrictions_BODY", action_to_use: { count: {} } },
    ]);
    // development has no environment key: the WAF log keeps CloudWatch's own encryption
    expect(resourcesOf(json, "aws_cloudwatch_log_group").platform_load_balancer_web_acl_log_group.kms_key_id).toBeUndefined();
  });

  test("production: the WAF log is encrypted with the environment's key", () => {
    expect(resourcesOf(synthEnvironment({}), "aws_cloudwatch_log_group").platform_load_balancer_web_acl_log_group.kms_key_id).toBe(
      "${aws_kms_key.platform_encryption_key.arn}",
    );
  });
});
