/**
 * Policy-scanner rules a security reviewer runs on a Terraform plan, written out for the tests from the
 * scanners' published rule titles (Checkov's ids; Trivy/tfsec and Security Hub have the same checks under
 * their own ids), and judged here on a `terraform show -json` plan and the synthesized stack JSON (the
 * container definitions, unknown at plan time because they name log groups and parameters to be created).
 * This is the test's own reading of each rule, independent of the code under test.
 */
import { decodeJsonencode } from "./synth";
import { resourcesOfType } from "./terraform";

export interface Finding {
  readonly rule: string;
  readonly address: string;
}

interface Resource {
  readonly address: string;
  readonly values: any;
  /** The resource's configuration expressions as JSON text: what it references, by address. */
  readonly expressions: string;
  /** The resource as synthesized (cdk.tf.json): arguments that are unknown at plan time, as written. */
  readonly source: any;
}

interface Rule {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly passes: (resource: Resource, all: (type: string) => Resource[]) => boolean;
}

const WORLD = ["0.0.0.0/0", "::/0"];
const isWorld = (rule: any) => WORLD.includes(rule.cidr_ipv4) || WORLD.includes(rule.cidr_ipv6);
/** Whether some resource of `type` references `resource` in its configuration. */
const referencedBy = (type: string, resource: Resource, all: (type: string) => Resource[], also: (other: Resource) => boolean = () => true) =>
  all(type).some((other) => other.expressions.includes(`"${resource.address}`) && also(other));
const block = (value: any) => (Array.isArray(value) ? value[0] : value);
/** A rule on what a resource is connected to: it passes when a resource of `connectedType` references it (and passes `also`). */
const connected = (id: string, title: string, type: string, connectedType: string, also?: (other: Resource) => boolean): Rule => ({
  id,
  title,
  type,
  passes: (resource, all) => referencedBy(connectedType, resource, all, also),
});

const RULES: Rule[] = [
  // Load balancer
  { id: "CKV_AWS_91", title: "ELBv2 has access logging enabled", type: "aws_lb", passes: (lb) => block(lb.values.access_logs)?.enabled === true },
  connected("CKV2_AWS_28", "public facing ALB is protected by WAF", "aws_lb", "aws_wafv2_web_acl_association"),
  { id: "CKV_AWS_150", title: "load balancer has deletion protection enabled", type: "aws_lb", passes: (lb) => lb.values.enable_deletion_protection === true },
  { id: "CKV_AWS_131", title: "ALB drops invalid HTTP headers", type: "aws_lb", passes: (lb) => lb.values.drop_invalid_header_fields === true },
  {
    id: "CKV_AWS_2",
    title: "ALB protocol is HTTPS (or HTTP redirecting to HTTPS)",
    type: "aws_lb_listener",
    passes: (listener) =>
      listener.values.protocol === "HTTPS" ||
      listener.values.default_action.every((action: any) => action.type === "redirect" && block(action.redirect).protocol === "HTTPS"),
  },
  {
    id: "CKV_AWS_103",
    title: "load balancer uses TLS 1.2 or later",
    type: "aws_lb_listener",
    passes: (listener) => listener.values.protocol !== "HTTPS" || /TLS13|TLS-1-2/.test(listener.values.ssl_policy),
  },
  // WAF
  {
    id: "CKV_AWS_192",
    title: "WAF prevents message lookup in Log4j (known bad inputs rule group)",
    type: "aws_wafv2_web_acl",
    passes: (acl) => JSON.stringify(acl.values.rule).includes("AWSManagedRulesKnownBadInputsRuleSet"),
  },
  connected("CKV2_AWS_31", "WAF2 has a logging configuration", "aws_wafv2_web_acl", "aws_wafv2_web_acl_logging_configuration"),
  // Network
  connected("CKV2_AWS_11", "VPC flow logging is enabled", "aws_vpc", "aws_flow_log"),
  connected("CKV2_AWS_12", "the default security group of every VPC restricts all traffic", "aws_vpc", "aws_default_security_group", (group) =>
    !group.values.ingress?.length && !group.values.egress?.length,
  ),
  {
    id: "CKV_AWS_260",
    title: "no security group allows ingress from 0.0.0.0/0 to port 80",
    type: "aws_vpc_security_group_ingress_rule",
    passes: (rule) => !(isWorld(rule.values) && rule.values.from_port <= 80 && rule.values.to_port >= 80),
  },
  {
    id: "CKV_AWS_382",
    title: "no security group allows egress to 0.0.0.0/0 on all protocols",
    type: "aws_vpc_security_group_egress_rule",
    passes: (rule) => !(isWorld(rule.values) && rule.values.ip_protocol === "-1"),
  },
  {
    id: "CKV_AWS_23",
    title: "every security group and rule has a description",
    type: "aws_vpc_security_group_ingress_rule",
    passes: (rule) => Boolean(rule.values.description),
  },
  // Logs and keys
  {
    id: "CKV_AWS_158",
    title: "CloudWatch log group is encrypted by KMS",
    type: "aws_cloudwatch_log_group",
    passes: (group) => Boolean(group.values.kms_key_id) || group.expressions.includes('"kms_key_id"'),
  },
  { id: "CKV_AWS_66", title: "CloudWatch log group specifies retention days", type: "aws_cloudwatch_log_group", passes: (group) => group.values.retention_in_days > 0 },
  {
    id: "CKV_AWS_338",
    title: "CloudWatch log group retains logs for at least 1 year",
    type: "aws_cloudwatch_log_group",
    passes: (group) => group.values.retention_in_days >= 365,
  },
  {
    id: "CKV_AWS_7",
    title: "rotation for customer created symmetric CMKs is enabled",
    type: "aws_kms_key",
    passes: (key) => (key.values.customer_master_key_spec ?? "SYMMETRIC_DEFAULT") !== "SYMMETRIC_DEFAULT" || key.values.enable_key_rotation === true,
  },
  {
    id: "CKV_AWS_33",
    title: "KMS key policy does not allow a wildcard principal",
    type: "aws_kms_key",
    passes: (key) =>
      decodeJsonencode(key.source.policy).Statement.every((statement: any) => statement.Principal !== "*" && statement.Principal.AWS !== "*"),
  },
  {
    id: "CKV_AWS_337",
    title: "SSM parameters are encrypted with a customer managed KMS key",
    type: "aws_ssm_parameter",
    passes: (parameter) => parameter.values.type !== "SecureString" || parameter.expressions.includes('"key_id"'),
  },
  // ECS
  {
    id: "CKV_AWS_65",
    title: "container insights are enabled on the ECS cluster",
    type: "aws_ecs_cluster",
    passes: (cluster) => cluster.values.setting.some((setting: any) => setting.name === "containerInsights" && setting.value !== "disabled"),
  },
  {
    id: "CKV_AWS_336",
    title: "ECS containers are limited to read-only access to root file systems",
    type: "aws_ecs_task_definition",
    passes: (task) => decodeJsonencode(task.source.container_definitions).every((container: any) => container.readonlyRootFilesystem === true),
  },
  {
    id: "CKV_AWS_249",
    title: "the execution role and the task role of a task definition differ",
    type: "aws_ecs_task_definition",
    passes: (task) => {
      const expressions = JSON.parse(task.expressions);
      return JSON.stringify(expressions.execution_role_arn) !== JSON.stringify(expressions.task_role_arn);
    },
  },
  {
    id: "CKV_AWS_333",
    title: "ECS services do not get public IP addresses",
    type: "aws_ecs_service",
    passes: (service) => block(service.values.network_configuration)?.assign_public_ip !== true,
  },
  // Route53
  connected("CKV2_AWS_38", "DNSSEC signing is enabled for Route53 public hosted zones", "aws_route53_zone", "aws_route53_hosted_zone_dnssec"),
  connected("CKV2_AWS_39", "DNS query logging is enabled for Route53 hosted zones", "aws_route53_zone", "aws_route53_query_log"),
  // S3 (the access-log bucket)
  connected("CKV2_AWS_6", "S3 bucket has a public access block", "aws_s3_bucket", "aws_s3_bucket_public_access_block", (access) =>
    ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].every((key) => access.values[key] === true),
  ),
  connected("CKV_AWS_21", "S3 bucket has versioning enabled", "aws_s3_bucket", "aws_s3_bucket_versioning", (versioning) =>
    block(versioning.values.versioning_configuration).status === "Enabled",
  ),
  connected("CKV2_AWS_61", "S3 bucket has a lifecycle configuration", "aws_s3_bucket", "aws_s3_bucket_lifecycle_configuration"),
  connected("CKV_AWS_300", "S3 lifecycle configuration aborts failed multipart uploads", "aws_s3_bucket", "aws_s3_bucket_lifecycle_configuration", (lifecycle) =>
    lifecycle.values.rule.some((rule: any) => rule.abort_incomplete_multipart_upload?.length),
  ),
  connected("S3.5 (Security Hub)", "S3 bucket policy requires requests to use SSL", "aws_s3_bucket", "aws_s3_bucket_policy", (policy) =>
    decodeJsonencode(policy.source.policy).Statement.some(
      (statement: any) => statement.Effect === "Deny" && statement.Condition?.Bool?.["aws:SecureTransport"] === "false",
    ),
  ),
  connected("CKV_AWS_145", "S3 bucket is encrypted with KMS by default", "aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration", (encryption) =>
    JSON.stringify(encryption.values).includes("aws:kms"),
  ),
  connected("CKV_AWS_18", "S3 bucket has access logging enabled", "aws_s3_bucket", "aws_s3_bucket_logging"),
  connected("CKV_AWS_144", "S3 bucket has cross-region replication enabled", "aws_s3_bucket", "aws_s3_bucket_replication_configuration"),
  connected("CKV2_AWS_62", "S3 bucket has event notifications enabled", "aws_s3_bucket", "aws_s3_bucket_notification"),
];

/** Every rule a resource of the plan fails, as `{ rule, address }`, sorted by rule. */
export function scannerFindings(plan: any, synthesized: any): Finding[] {
  const configuration = new Map<string, any>(
    (plan.configuration?.root_module?.resources ?? []).map((resource: any) => [resource.address, resource.expressions ?? {}]),
  );
  const all = (type: string): Resource[] =>
    resourcesOfType(plan, type).map((resource) => ({
      address: resource.address,
      values: resource.values,
      expressions: JSON.stringify(configuration.get(resource.address) ?? {}),
      source: synthesized.resource[resource.type]?.[resource.name],
    }));
  return RULES.flatMap((rule) =>
    all(rule.type)
      .filter((resource) => !rule.passes(resource, all))
      .map((resource) => ({ rule: rule.id, address: resource.address })),
  ).sort((a, b) => a.rule.localeCompare(b.rule) || a.address.localeCompare(b.address));
}

/** The ids of the rules that a plan's resources are judged by (those whose resource type it has). */
export function rulesApplied(plan: any): string[] {
  return RULES.filter((rule) => resourcesOfType(plan, rule.type).length > 0).map((rule) => rule.id);
}
