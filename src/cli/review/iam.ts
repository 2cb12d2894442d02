/**
 * Section 3, IAM: for each role, who may assume it and what its policies allow on what, with the grants
 * that read secrets (SSM parameters, KMS decryption, Secrets Manager) called out; then policies that are
 * not a role's (users, groups, unattached) and resource policies.
 *
 * A policy that references resources to create is unknown at plan time: it is read from the configuration
 * instead (cdktf's `${jsonencode(...)}`, or an `aws_iam_policy_document` data source), its references shown
 * by address (`aws_ssm_parameter.hello_secret_password.arn`).
 */
import { Json, Plan, PlanResource, referenceBase } from "./plan";
import { readDocument, showValue } from "../hcl";
import { iamMatches } from "../../checks/iam-wildcard";
import { ADMIN_MANAGED_POLICIES, SECRET_READ_ACTIONS, STAR_RESOURCE_ALLOWED_ACTIONS, Violation } from "./rules";
import { asArray, compareText, stringOr } from "./exposure";

export interface Statement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: string[];
  /** `NotAction`: everything except `actions`. */
  readonly notAction: boolean;
  readonly resources: string[];
  /** `NotResource`: everything except `resources`. */
  readonly notResource: boolean;
  /** `Service ecs-tasks.amazonaws.com`, `AWS arn:aws:iam::123456789012:root`, `anyone (*)`. */
  readonly principals: string[];
  /** `StringEquals aws:SourceAccount`, summarized. */
  readonly conditions: string[];
  /** The secret-reading actions it allows (ssm:GetParameters...), for an Allow. */
  readonly secretReads: string[];
  /** Whether it applies to every resource (`*`, `arn:...:*`, or NotResource). */
  readonly allResources: boolean;
}

export interface PolicyView {
  /** The resource holding the policy (`aws_iam_role_policy.x`), or the managed policy ARN. */
  readonly address: string;
  /** `inline`, `attached aws_iam_policy.x`, `AWS managed ReadOnlyAccess`, `inline_policy "name"`. */
  readonly label: string;
  readonly statements?: Statement[];
  /** Why the statements cannot be shown (an AWS managed policy, a document known only at apply). */
  readonly unreadable?: string;
  /** Read from the configuration because Terraform does not know it yet. */
  readonly fromConfiguration: boolean;
}

export interface RoleView {
  /** The role's address, or `role "name"` for a role outside this plan that a policy is attached to. */
  readonly address: string;
  readonly name?: string;
  readonly inPlan: boolean;
  readonly trust: Statement[];
  readonly trustUnreadable?: string;
  readonly policies: PolicyView[];
}

export interface SecretRead {
  readonly subject: string;
  readonly policy: string;
  readonly actions: string[];
  readonly resources: string[];
}

export interface IamSection {
  readonly roles: RoleView[];
  /** Policies of users and groups, and customer managed policies no role in this plan has. */
  readonly otherPolicies: Array<PolicyView & { subject: string }>;
  /** Resource policies (log groups, topics, queues, buckets, keys...), with their principals. */
  readonly resourcePolicies: PolicyView[];
  readonly secretReads: SecretRead[];
  readonly violations: Violation[];
}

/** Resource policy types and the argument holding the document. */
const RESOURCE_POLICIES: Record<string, string> = {
  aws_cloudwatch_log_resource_policy: "policy_document",
  aws_sns_topic_policy: "policy",
  aws_sqs_queue_policy: "policy",
  aws_s3_bucket_policy: "policy",
  aws_ecr_repository_policy: "policy",
  aws_secretsmanager_secret_policy: "policy",
  aws_kms_key: "policy",
};

export function reviewIam(plan: Plan): IamSection {
  const violations: Violation[] = [];
  const roles = new Map<string, RoleView>();
  const roleKeyByName = new Map<string, string>();
  for (const role of plan.present("aws_iam_role")) {
    const trustDocument = documentOf(plan, role, "assume_role_policy");
    const name = stringOr(plan.value(role, "name"));
    const view: RoleView = {
      address: role.address,
      name,
      inPlan: true,
      trust: trustDocument.statements ?? [],
      trustUnreadable: trustDocument.unreadable,
      policies: [],
    };
    roles.set(role.address, view);
    if (name) roleKeyByName.set(name, role.address);
    asArray(plan.value(role, "inline_policy")).forEach((inline: Json) => {
      if (!inline?.policy) return;
      const document = readPolicy(plan, role, inline.policy);
      view.policies.push({ address: role.address, label: `inline_policy "${inline.name ?? ""}"`, ...document });
    });
    for (const arn of asArray(plan.value(role, "managed_policy_arns"))) view.policies.push(managedPolicy(plan, role, String(arn), violations));
  }

  /** The role a policy or attachment names: in the plan by reference or by name, else outside it. */
  const roleFor = (resource: PlanResource, argument: string): RoleView => {
    const referenced = plan.referencedResources(resource, argument).find((target) => target.type === "aws_iam_role");
    if (referenced && roles.has(referenced.address)) return roles.get(referenced.address) as RoleView;
    const name = stringOr(plan.value(resource, argument)) ?? "(unknown)";
    const key = roleKeyByName.get(name) ?? `role "${showValue(name)}"`;
    if (!roles.has(key)) roles.set(key, { address: key, name, inPlan: false, trust: [], policies: [] });
    return roles.get(key) as RoleView;
  };

  const attachedPolicies = new Set<string>();
  for (const policy of plan.present("aws_iam_role_policy")) {
    roleFor(policy, "role").policies.push({ address: policy.address, label: "inline", ...documentOf(plan, policy, "policy") });
  }
  for (const attachment of plan.present("aws_iam_role_policy_attachment")) {
    const role = roleFor(attachment, "role");
    const target = plan.referencedResources(attachment, "policy_arn").find((resource) => resource.type === "aws_iam_policy");
    if (target) {
      attachedPolicies.add(target.address);
      role.policies.push({ address: target.address, label: `attached by ${attachment.address}`, ...documentOf(plan, target, "policy") });
    } else {
      role.policies.push(managedPolicy(plan, attachment, String(plan.value(attachment, "policy_arn") ?? "(unknown ARN)"), violations));
    }
  }

  const otherPolicies: Array<PolicyView & { subject: string }> = [];
  for (const policy of plan.present("aws_iam_user_policy", "aws_iam_group_policy")) {
    const argument = policy.type === "aws_iam_user_policy" ? "user" : "group";
    const subject = `${argument} ${showValue(plan.value(policy, argument) ?? "(unknown)")}`;
    otherPolicies.push({ address: policy.address, label: "inline", subject, ...documentOf(plan, policy, "policy") });
  }
  for (const policy of plan.present("aws_iam_policy")) {
    if (attachedPolicies.has(policy.address)) continue;
    const users = plan.referrersOf(policy);
    const subject = users.length ? `attached by ${users.join(", ")}` : "not attached in this plan";
    otherPolicies.push({ address: policy.address, label: "customer managed", subject, ...documentOf(plan, policy, "policy") });
  }

  const resourcePolicies: PolicyView[] = [];
  for (const [type, argument] of Object.entries(RESOURCE_POLICIES)) {
    for (const resource of plan.present(type)) {
      const document = documentOf(plan, resource, argument);
      if (document.statements || (type !== "aws_kms_key" && document.unreadable)) {
        resourcePolicies.push({ address: resource.address, label: "resource policy", ...document });
      }
    }
  }

  const secretReads: SecretRead[] = [];
  const check = (subject: string, policy: PolicyView) => {
    for (const statement of policy.statements ?? []) {
      if (statement.effect !== "Allow") continue;
      if (statement.secretReads.length) {
        secretReads.push({ subject, policy: policy.address, actions: statement.actions, resources: statement.resources });
      }
      const broad = statement.notAction
        ? ["NotAction " + statement.actions.join(", ")]
        : statement.actions.filter((action) => !STAR_RESOURCE_ALLOWED_ACTIONS.some((allowed) => allowed.toLowerCase() === action.toLowerCase()));
      if (statement.allResources && broad.length) {
        violations.push({
          rule: "iam-wildcard-resource",
          address: policy.address,
          message: `${subject} is allowed ${broad.join(", ")} on ${statement.notResource ? "all resources but " + statement.resources.join(", ") : statement.resources.join(", ")}`,
        });
      }
    }
  };
  for (const role of roles.values()) {
    for (const policy of role.policies) {
      check(role.address, policy);
      // AWS managed policies that allow everything read every secret too.
      const managed = /^AWS managed (AdministratorAccess|PowerUserAccess)$/.exec(policy.label);
      if (managed) secretReads.push({ subject: role.address, policy: policy.address, actions: [`everything (${managed[1]})`], resources: ["*"] });
    }
  }
  for (const policy of otherPolicies) check(policy.subject === "not attached in this plan" ? policy.address : policy.subject, policy);

  return {
    roles: [...roles.values()].sort((a, b) => Number(b.inPlan) - Number(a.inPlan) || compareText(a.address, b.address)),
    otherPolicies,
    resourcePolicies,
    secretReads,
    violations,
  };
}

function managedPolicy(plan: Plan, resource: PlanResource, arn: string, violations: Violation[]): PolicyView {
  const awsManaged = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  const name = awsManaged?.[1];
  if (name && ADMIN_MANAGED_POLICIES.includes(name)) {
    violations.push({ rule: "iam-admin-policy", address: resource.address, message: `attaches the AWS managed policy ${name}` });
  }
  const references = plan.referencedResources(resource, "policy_arn").map((target) => target.address);
  return {
    address: awsManaged ? arn : resource.address,
    label: awsManaged ? `AWS managed ${name}` : `managed ${references.join(", ") || showValue(arn)}`,
    unreadable: awsManaged ? "an AWS managed policy: its statements are not in the plan" : "a policy outside this plan",
    fromConfiguration: false,
  };
}

interface ReadDocument {
  statements?: Statement[];
  unreadable?: string;
  fromConfiguration: boolean;
}

/** The statements of a resource's policy argument: planned, else configured, else its data source. */
function documentOf(plan: Plan, resource: PlanResource, argument: string): ReadDocument {
  const known = plan.knownValue(resource, argument);
  if (known !== undefined) return { ...readPolicy(plan, resource, known), fromConfiguration: false };
  const configured = plan.configuredValue(resource, argument);
  if (configured === undefined) {
    const references = plan.expression(resource, argument)?.references ?? [];
    return { unreadable: `known only at apply${references.length ? ` (from ${references[0]})` : ""}`, fromConfiguration: true };
  }
  return { ...readPolicy(plan, resource, configured), fromConfiguration: true };
}

function readPolicy(plan: Plan, resource: PlanResource, source: Json): ReadDocument {
  let document = readDocument(source);
  if (document === undefined && typeof source === "string") {
    // `${data.aws_iam_policy_document.x.json}`: the data source's document.
    const base = referenceBase(source);
    if (base?.startsWith("data.aws_iam_policy_document.")) {
      const prefix = resource.moduleAddress ? resource.moduleAddress.replace(/\[[^\]]*\]/g, "") + "." : "";
      document = dataSourceDocument(plan, prefix + base);
    }
    if (document === undefined) return { unreadable: `cannot read ${showValue(source)}`, fromConfiguration: false };
  }
  const statements = parseStatements(document);
  return statements ? { statements, fromConfiguration: false } : { unreadable: "not a policy document", fromConfiguration: false };
}

/** An `aws_iam_policy_document` data source's JSON (read at plan time), else its statement blocks. */
function dataSourceDocument(plan: Plan, base: string): Json {
  const read = findStateResource(plan.raw.prior_state?.values?.root_module, base);
  if (typeof read?.values?.json === "string") return readDocument(read.values.json);
  const inPlan = plan.byBaseAddress(base)[0];
  if (inPlan && typeof plan.knownValue(inPlan, "json") === "string") return readDocument(plan.knownValue(inPlan, "json"));
  const config = findConfigResource(plan.raw.configuration?.root_module, base);
  if (!config) return undefined;
  const constant = (expression: Json) => expression?.constant_value;
  return {
    Statement: asArray(config.expressions?.statement).map((block: Json) => ({
      Sid: constant(block.sid),
      Effect: constant(block.effect) ?? "Allow",
      ...(block.not_actions ? { NotAction: constant(block.not_actions) } : { Action: constant(block.actions) ?? [] }),
      ...(block.not_resources
        ? { NotResource: constant(block.not_resources) }
        : { Resource: constant(block.resources) ?? (block.resources?.references ?? []).map((ref: string) => `\${${ref}}`) }),
      ...(block.principals
        ? {
            Principal: Object.fromEntries(
              asArray(block.principals).map((principal: Json) => [constant(principal.type), constant(principal.identifiers)]),
            ),
          }
        : {}),
      ...(block.condition
        ? {
            Condition: Object.fromEntries(
              asArray(block.condition).map((condition: Json) => [constant(condition.test), { [constant(condition.variable)]: true }]),
            ),
          }
        : {}),
    })),
  };
}

function findStateResource(module: Json, base: string): Json {
  if (!module) return undefined;
  const found = (module.resources ?? []).find((resource: Json) => String(resource.address).replace(/\[[^\]]*\]$/, "") === base);
  if (found) return found;
  for (const child of module.child_modules ?? []) {
    const inChild = findStateResource(child, base);
    if (inChild) return inChild;
  }
  return undefined;
}

function findConfigResource(module: Json, base: string, prefix = ""): Json {
  if (!module) return undefined;
  const found = (module.resources ?? []).find((resource: Json) => prefix + resource.address === base);
  if (found) return found;
  for (const [name, call] of Object.entries<Json>(module.module_calls ?? {})) {
    const inChild = findConfigResource(call?.module, base, `${prefix}module.${name}.`);
    if (inChild) return inChild;
  }
  return undefined;
}

/** The statements of an IAM policy document, undefined when it is not one. */
export function parseStatements(document: Json): Statement[] | undefined {
  if (!document || typeof document !== "object" || !("Statement" in document)) return undefined;
  const raw = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return raw.filter((statement: Json) => statement && typeof statement === "object").map(toStatement);
}

function toStatement(raw: Json): Statement {
  const list = (value: Json): string[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]).map((item: Json) => showValue(item));
  const effect = raw.Effect === "Deny" ? "Deny" : "Allow";
  const notAction = "NotAction" in raw;
  const actions = list(notAction ? raw.NotAction : raw.Action);
  const notResource = "NotResource" in raw;
  const resources = list(notResource ? raw.NotResource : raw.Resource);
  const secretReads =
    effect === "Allow"
      ? SECRET_READ_ACTIONS.filter((action) =>
          notAction ? !actions.some((pattern) => iamMatches(pattern, action)) : actions.some((pattern) => iamMatches(pattern, action)),
        )
      : [];
  return {
    sid: stringOr(raw.Sid),
    effect,
    actions,
    notAction,
    resources,
    notResource,
    principals: principals(raw.Principal ?? raw.NotPrincipal, "NotPrincipal" in raw),
    conditions: Object.entries<Json>(raw.Condition && typeof raw.Condition === "object" ? raw.Condition : {}).flatMap(([operator, keys]) =>
      Object.keys(keys && typeof keys === "object" ? keys : {}).map((key) => `${operator} ${key}`),
    ),
    secretReads,
    allResources: notResource || resources.some((resource) => resource === "*" || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(resource)),
  };
}

function principals(principal: Json, not: boolean): string[] {
  if (principal === undefined || principal === null) return [];
  const prefix = not ? "anyone but " : "";
  if (principal === "*") return [`${prefix}anyone (*)`];
  if (typeof principal !== "object") return [prefix + showValue(principal)];
  return Object.entries<Json>(principal).flatMap(([kind, ids]) =>
    (Array.isArray(ids) ? ids : [ids]).map((id: Json) => `${prefix}${kind} ${id === "*" ? "anyone (*)" : showValue(id)}`),
  );
}
