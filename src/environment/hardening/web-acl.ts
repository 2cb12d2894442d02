import { Construct } from "constructs";
import { Wafv2WebAcl, Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { LogGroup } from "../../task/log-group";
import { MAIN_RESOURCE_ID } from "../../app/naming";
import { reportInvalid } from "../../checks/validation";

export interface WebAclProps {
  /** The environment's name: names the web ACL and its CloudWatch metric. */
  readonly name: string;
  /** The Application Load Balancer the web ACL protects. */
  readonly loadBalancerArn: string;
  /** Requests one client IP may make in any 5 minutes before the rate-based rule blocks it. */
  readonly requestsPerFiveMinutes: number;
  /**
   * Rules of AWS's core rule set that count matching requests instead of blocking them, by rule name:
   * `SizeRestrictions_BODY` lets bodies over 8 KB (uploads) through.
   * @default [] (every rule blocks)
   */
  readonly countOnly?: string[];
  /**
   * Days to keep the log of blocked and counted requests.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * KMS key ARN of that log's group.
   * @default CloudWatch Logs' own encryption
   */
  readonly logKmsKeyArn?: string;
}

// Web ACL names: 1 to 128 letters, digits, underscores and hyphens; the name is also the web ACL's metric name
// (https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html).
const WEB_ACL_NAME = /^[\w-]{1,128}$/;
// "The lowest limit setting allowed is 10"
// (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html);
// at most 2,000,000,000 (https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html).
const MIN_RATE_LIMIT = 10;
const MAX_RATE_LIMIT = 2_000_000_000;
const FIVE_MINUTES = 300;
const RATE_RULE = "rate-limit-per-ip";
// Rule names of the core rule set, as AWS writes them
// (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html).
const RULE_NAME = /^[A-Za-z0-9_]{1,128}$/;
// AWS WAF writes to a CloudWatch Logs group only if its name starts so
// (https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html).
const LOG_GROUP_PREFIX = "aws-waf-logs-";
const CORE_RULE_SET = "AWSManagedRulesCommonRuleSet";

/**
 * AWS's managed rule groups, in the order they run: known bad IPs first, so that they are blocked before
 * they are counted or inspected. The rate-based rule runs between the first and the others.
 */
const IP_REPUTATION = "AWSManagedRulesAmazonIpReputationList";
const INSPECTING_GROUPS = [CORE_RULE_SET, "AWSManagedRulesKnownBadInputsRuleSet"];

/**
 * An AWS WAF web ACL on an Application Load Balancer: requests pass unless AWS's IP reputation list, a
 * per-IP rate limit, the core rule set (OWASP-style) or the known bad inputs (Log4j, exploits) block them.
 * Every rule's matches are CloudWatch metrics and sampled requests. The managed groups and the rate rule
 * use about 930 of the 1,500 capacity units a web ACL has at the base price.
 */
export class WebAcl extends Construct {
  public readonly webAcl: Wafv2WebAcl;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    this.validate(props);
    // The provider types a rule's `statement` loosely: it takes Terraform's own (snake_case) block names.
    const rules: Wafv2WebAclRule[] = [
      managedRuleGroup(IP_REPUTATION, 0),
      {
        name: RATE_RULE,
        priority: 1,
        action: { block: {} },
        statement: {
          rate_based_statement: { limit: props.requestsPerFiveMinutes, aggregate_key_type: "IP", evaluation_window_sec: FIVE_MINUTES },
        },
        visibilityConfig: visibility(RATE_RULE),
      },
      ...INSPECTING_GROUPS.map((group, index) => managedRuleGroup(group, 2 + index, group === CORE_RULE_SET ? props.countOnly : undefined)),
    ];
    this.webAcl = new Wafv2WebAcl(this, MAIN_RESOURCE_ID, {
      name: props.name,
      description: `In front of the ${props.name} load balancer`,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(props.name),
    });
    this.arn = this.webAcl.arn;
    new Wafv2WebAclAssociation(this, "association", { resourceArn: props.loadBalancerArn, webAclArn: this.webAcl.arn });
    this.logRequests(props);
  }

  /**
   * Logs the requests a rule blocked or counted, not the others (they are in the load balancer's access
   * logs, and logging them all would cost as much again), without their Authorization and Cookie headers.
   */
  private logRequests(props: WebAclProps): void {
    const logGroup = new LogGroup(this, "log_group", {
      name: `${LOG_GROUP_PREFIX}${props.name}`,
      retentionDays: props.logRetentionDays,
      kmsKeyArn: props.logKmsKeyArn,
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [logGroup.arn],
      redactedFields: ["authorization", "cookie"].map((name) => ({ singleHeader: { name } })),
      loggingFilter: {
        defaultBehavior: "DROP",
        filter: [
          {
            behavior: "KEEP",
            requirement: "MEETS_ANY",
            condition: ["BLOCK", "COUNT"].map((action) => ({ actionCondition: { action } })),
          },
        ],
      },
    });
  }

  private validate(props: WebAclProps): void {
    if (!WEB_ACL_NAME.test(props.name)) {
      reportInvalid(this, {
        field: "name",
        value: props.name,
        allowed: "1 to 128 letters, digits, underscores and hyphens (AWS WAF web ACL names)",
        fix: "choose an environment name such as \"hello-web\"",
      });
    }
    const badNames = (props.countOnly ?? []).filter((name) => !RULE_NAME.test(name));
    if (badNames.length) {
      reportInvalid(this, {
        field: "countOnly",
        value: badNames,
        allowed: `rule names of ${CORE_RULE_SET}, such as "SizeRestrictions_BODY": letters, digits and underscores`,
        fix: "copy the rule's name from the AWS WAF console's rule group page or AWS's list of the core rule set's rules",
      });
    }
    const limit = props.requestsPerFiveMinutes;
    if (!Number.isInteger(limit) || limit < MIN_RATE_LIMIT || limit > MAX_RATE_LIMIT) {
      reportInvalid(this, {
        field: "requestsPerFiveMinutes",
        value: limit,
        allowed: `a whole number from ${MIN_RATE_LIMIT} to ${MAX_RATE_LIMIT.toLocaleString("en-US")} (AWS WAF rate-based rule limit)`,
        fix: "set hardening.webAcl.requestsPerFiveMinutes to the most requests one client IP should send in 5 minutes, such as 2000, or leave it unset",
      });
    }
  }
}

/** One of AWS's managed rule groups, its own actions kept (override_action none) but for the rules that only count. */
function managedRuleGroup(group: string, priority: number, countOnly: string[] = []): Wafv2WebAclRule {
  const overrides = countOnly.map((name) => ({ name, action_to_use: { count: {} } }));
  return {
    name: group,
    priority,
    overrideAction: { none: {} },
    statement: {
      managed_rule_group_statement: { vendor_name: "AWS", name: group, ...(overrides.length ? { rule_action_override: overrides } : {}) },
    },
    visibilityConfig: visibility(group),
  };
}

function visibility(metricName: string) {
  return { cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}
