/**
 * The policy `review --strict` enforces: every rule, and the lists it decides by. A violation is always
 * printed; `--strict` makes the command exit 1 when there is one.
 */

export type RuleId =
  | "world-open-port"
  | "iam-wildcard-resource"
  | "iam-not-action"
  | "iam-admin-policy"
  | "stateful-replace"
  | "secret-in-plan";

export interface Violation {
  readonly rule: RuleId;
  /** The resource (or `var.<name>`) at fault. */
  readonly address: string;
  readonly message: string;
}

/** One line per rule, for `--help` and the review's policy section. */
export const RULES: Record<RuleId, string> = {
  "world-open-port":
    "a security group ingress rule open to 0.0.0.0/0 or ::/0 on anything but TCP/UDP 80 or 443 alone (all protocols, a port range even one starting at 80 or 443, 22, 3389, ports unknown at plan...)",
  "iam-wildcard-resource":
    'an IAM Allow statement on Resource "*" (or NotResource, or an ARN ending in :*) with an action outside the short allowlist of actions that have no resource-level permissions, whatever form the policy has (inline, a customer managed policy attached to a role, user or group, an aws_iam_policy_document data source read at plan or at apply)',
  "iam-not-action":
    "an IAM Allow statement with NotAction, on any resource: it grants every action but those listed, including the ones AWS adds later",
  "iam-admin-policy":
    "an AWS managed policy that grants everything or IAM itself (AdministratorAccess, PowerUserAccess, IAMFullAccess) attached to a role, user or group",
  "stateful-replace":
    "a replacement or deletion of a resource that holds data or is addressed from outside (load balancer, DNS zone or record, certificate, SSM parameter, log group, ECS cluster or service, Elastic IP, VPC, databases, buckets...)",
  "secret-in-plan":
    "a secret value in the plan: an argument the provider marks sensitive (a password, an SSM parameter's value but a String's...) or a sensitive output with a value known at plan, a sensitive variable that is not ephemeral (its value is in `variables`), or a secret-looking container environment variable with a plain value (--allow-name for names that are not secrets)",
};

/**
 * Actions `iam-wildcard-resource` accepts on `*`: those IAM cannot restrict to a resource (ecr:GetAuthorizationToken,
 * the X-Ray and ECS Exec channel actions, cloudwatch:PutMetricData), and the log-writing actions a task or
 * Lambda commonly holds on `*` (they reach nothing but log streams). Matched exactly, case-insensitively:
 * a wildcard action (`logs:*`) on `*` is a violation.
 */
export const STAR_RESOURCE_ALLOWED_ACTIONS = [
  "ecr:GetAuthorizationToken",
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "logs:DescribeLogGroups",
  "logs:DescribeLogStreams",
  "cloudwatch:PutMetricData",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "xray:GetSamplingStatisticSummaries",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
  "sts:GetCallerIdentity",
];

/** AWS managed policies `iam-admin-policy` refuses, by name (the ARN's last part). */
export const ADMIN_MANAGED_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/** Ports a rule may open to the whole internet (TCP or UDP, the whole range being one of them). */
export const WORLD_OPEN_ALLOWED_PORTS = [80, 443];

/**
 * Resource types whose replacement or deletion `stateful-replace` refuses, with what is lost. Replacing them
 * loses data, or changes a name or address that others hold (DNS delegation, a CNAME, an allow-list).
 */
export const STATEFUL_TYPES: Record<string, string> = {
  aws_lb: "its DNS name changes and traffic stops until the new one is ready",
  aws_alb: "its DNS name changes and traffic stops until the new one is ready",
  aws_route53_zone: "its name servers change: the delegation at the registrar breaks",
  aws_route53_record: "the name stops resolving while it is recreated",
  aws_acm_certificate: "HTTPS listeners lose their certificate until a new one is validated",
  aws_ssm_parameter: "its value is lost (a write-only value must be given again)",
  aws_secretsmanager_secret: "its value is lost",
  aws_cloudwatch_log_group: "its logs are deleted",
  aws_ecs_cluster: "its services and tasks go with it",
  aws_ecs_service: "the app stops until the new service is running",
  aws_eip: "the public address changes",
  aws_vpc: "everything in it is recreated",
  aws_db_instance: "its data is lost",
  aws_rds_cluster: "its data is lost",
  aws_dynamodb_table: "its data is lost",
  aws_s3_bucket: "its objects are lost",
  aws_efs_file_system: "its files are lost",
  aws_ecr_repository: "its images are lost",
  aws_kms_key: "what it encrypted can no longer be decrypted",
};

/** Actions that read a secret's value: the review calls them out wherever they are granted. */
export const SECRET_READ_ACTIONS = [
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "ssm:GetParameterHistory",
  "kms:Decrypt",
  "secretsmanager:GetSecretValue",
  "secretsmanager:BatchGetSecretValue",
];

