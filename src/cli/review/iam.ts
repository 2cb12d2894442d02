/**
 * Section 3, IAM: for each role, who may assume it and what its policies allow on what, with the grants
 * that read secrets (SSM parameters, KMS decryption, Secrets Manager) called out; then policies that are
 * not a role's (users, groups, unattached) and resource policies.
 *
 * Every form a plan holds IAM in is read: inline role, user and group policies (`aws_iam_role_policy`, the
 * role's `inline_policy` blocks), customer managed policies (`aws_iam_policy`) wherever they are attached
 * (`aws_iam_role_policy_attachment`, `aws_iam_policy_attachment`, `aws_iam_user_policy_attachment`,
 * `aws_iam_group_policy_attachment`, the role's `managed_policy_arns`), and `aws_iam_policy_document` data
 * sources, whether Terraform read them at plan (`prior_state`) or will read them at apply (their planned
 * arguments, with Terraform's unknown marks, else their configuration).
 *
 * A policy that references resources to create is unknown at plan time: it is read from the configuration
 * instead (cdktf's `${jsonencode(...)}`, or an `aws_iam_policy_document` data source), its references shown
 * by address (`aws_ssm_parameter.hello_secret_password.arn`). What cannot be read at all (an HCL
 * `jsonencode({...})` that refers to a resource to create, an action list from a data source) is said to be
 * `unknown at plan`, listed in `unknownAtPlan`, and never judged as passing.
 */
import { Json, Plan, PlanResource, referenceBase } from "./plan";
import { interpolatedReferences, readDocument, showValue } from "../hcl";
import { iamMatches } from "../../checks/iam-wildcard";
import { ADMIN_MANAGED_POLICIES, SECRET_READ_ACTIONS, STAR_RESOURCE_ALLOWED_ACTIONS, Violation } from "./rules";
import { UNKNOWN_AT_PLAN, asArray, compareText, stringOr } from "./exposure";

export interface Statement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  /** Known actions, and `… (unknown at plan)` for those Terraform knows only at apply (see isUnknownElement). */
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
  /** The parts Terraform knows only at apply (`Effect`, `Action`, `Resource`...): shown, never judged. */
  readonly unknownAtPlan: string[];
  /** The references (`aws_ssm_parameter.x.arn`) the resources unknown at plan are made from. */
  readonly resourceReferences: string[];
}

export interface PolicyView {
  /** The resource holding the policy (`aws_iam_role_policy.x`), or the managed policy ARN. */
  readonly address: string;
  /** `inline`, `attached aws_iam_policy.x`, `AWS managed ReadOnlyAccess`, `inline_policy "name"`. */
  readonly label: string;
  readonly statements?: Statement[];
  /** Why the statements cannot be shown (an AWS managed policy, a document unknown at plan). */
  readonly unreadable?: string;
  /** Read from the configuration because Terraform does not know it yet. */
  readonly fromConfiguration: boolean;
  /** The document (or the policy attached) is unknown at plan: nothing of it could be judged. */
  readonly unknownAtPlan?: boolean;
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

/** A policy, or a part of a statement, that Terraform knows only at apply. */
export interface UnknownAtPlan {
  readonly subject: string;
  readonly policy: string;
  readonly what: string;
}

export interface IamSection {
  readonly roles: RoleView[];
  /** Policies of users and groups, and customer managed policies no role in this plan has. */
  readonly otherPolicies: Array<PolicyView & { subject: string }>;
  /** Resource policies (log groups, topics, queues, buckets, keys...), with their principals. */
  readonly resourcePolicies: PolicyView[];
  readonly secretReads: SecretRead[];
  /** What could not be judged because it is unknown at plan (never counted as passing). */
  readonly unknownAtPlan: UnknownAtPlan[];
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

/** Whether an action or resource of a Statement is one Terraform knows only at apply. */
export function isUnknownElement(text: string): boolean {
  return text === UNKNOWN_AT_PLAN || text.endsWith(` (${UNKNOWN_AT_PLAN})`);
}

export function reviewIam(plan: Plan): IamSection {
  const violations: Violation[] = [];
  const roles = new Map<string, RoleView>();
  const roleKeyByName = new Map<string, string>();
  const attachedPolicies = new Set<string>();
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
  }
  for (const role of plan.present("aws_iam_role")) {
    const view = roles.get(role.address) as RoleView;
    asArray(plan.value(role, "inline_policy")).forEach((inline: Json, index: number) => {
      if (!inline?.policy && !plan.isUnknown(role, `inline_policy.${index}.policy`)) return;
      const document = inline?.policy ? readPolicy(plan, role, inline.policy) : documentOf(plan, role, `inline_policy.${index}.policy`);
      view.policies.push({ address: role.address, label: `inline_policy "${inline?.name ?? ""}"`, ...document });
    });
    for (const policy of attachedPolicyViews(plan, role, "managed_policy_arns", `attached by ${role.address} (managed_policy_arns)`, violations)) {
      if (policy.attached) attachedPolicies.add(policy.attached);
      view.policies.push(policy.view);
    }
  }

  /** The roles a policy or attachment names: in the plan by reference or by name, else outside it. */
  const rolesFor = (resource: PlanResource, argument: string): RoleView[] => {
    const found = new Map<string, RoleView>();
    for (const target of plan.referencedResources(resource, argument)) {
      if (target.type === "aws_iam_role" && roles.has(target.address)) found.set(target.address, roles.get(target.address) as RoleView);
    }
    const value = plan.value(resource, argument);
    const names = (Array.isArray(value) ? value : [value]).filter((name): name is string => typeof name === "string" && !name.includes("${"));
    for (const name of names) {
      const key = roleKeyByName.get(name) ?? `role "${showValue(name)}"`;
      if (!roles.has(key)) roles.set(key, { address: key, name, inPlan: false, trust: [], policies: [] });
      found.set(key, roles.get(key) as RoleView);
    }
    if (found.size === 0 && (value !== undefined || plan.isUnknown(resource, argument))) {
      const key = `role ${UNKNOWN_AT_PLAN}${describeReferences(plan, resource, argument)}`;
      if (!roles.has(key)) roles.set(key, { address: key, inPlan: false, trust: [], policies: [] });
      found.set(key, roles.get(key) as RoleView);
    }
    return [...found.values()];
  };

  /** `user "deploy"`, `group aws_iam_group.admins`: who a user or group policy or attachment is for. */
  const principalsFor = (resource: PlanResource, argument: string, kind: "user" | "group"): string[] => {
    const found = new Set<string>();
    for (const target of plan.referencedResources(resource, argument)) {
      if (target.type === `aws_iam_${kind}`) found.add(`${kind} ${target.address}`);
    }
    const value = plan.value(resource, argument);
    if (found.size === 0) {
      for (const name of Array.isArray(value) ? value : [value]) {
        if (typeof name === "string" && !name.includes("${")) found.add(`${kind} "${name}"`);
      }
    }
    if (found.size === 0 && plan.isUnknown(resource, argument)) found.add(`${kind} ${UNKNOWN_AT_PLAN}${describeReferences(plan, resource, argument)}`);
    return [...found];
  };

  const otherPolicies: Array<PolicyView & { subject: string }> = [];
  for (const policy of plan.present("aws_iam_role_policy")) {
    const view: PolicyView = { address: policy.address, label: "inline", ...documentOf(plan, policy, "policy") };
    for (const role of rolesFor(policy, "role")) role.policies.push(view);
  }
  for (const policy of plan.present("aws_iam_user_policy", "aws_iam_group_policy")) {
    const kind = policy.type === "aws_iam_user_policy" ? "user" : "group";
    const document = documentOf(plan, policy, "policy");
    for (const subject of principalsFor(policy, kind, kind)) otherPolicies.push({ address: policy.address, label: "inline", subject, ...document });
  }
  for (const attachment of plan.present("aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment")) {
    const views = attachedPolicyViews(plan, attachment, "policy_arn", `attached by ${attachment.address}`, violations);
    const targets: { roles: RoleView[]; others: string[] } = { roles: [], others: [] };
    if (attachment.type === "aws_iam_role_policy_attachment") targets.roles = rolesFor(attachment, "role");
    else if (attachment.type === "aws_iam_user_policy_attachment") targets.others = principalsFor(attachment, "user", "user");
    else if (attachment.type === "aws_iam_group_policy_attachment") targets.others = principalsFor(attachment, "group", "group");
    else {
      const listed = (argument: string) => plan.value(attachment, argument) !== undefined || plan.isUnknown(attachment, argument) || plan.referencedResources(attachment, argument).length > 0;
      targets.roles = listed("roles") ? rolesFor(attachment, "roles") : [];
      targets.others = [...(listed("users") ? principalsFor(attachment, "users", "user") : []), ...(listed("groups") ? principalsFor(attachment, "groups", "group") : [])];
    }
    for (const { view, attached } of views) {
      if (attached && targets.roles.length) attachedPolicies.add(attached);
      for (const role of targets.roles) role.policies.push(view);
      for (const subject of targets.others) {
        if (attached) attachedPolicies.add(attached);
        otherPolicies.push({ ...view, subject });
      }
    }
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
      const read = documentOf(plan, resource, argument);
      // A key policy's Resource "*" is the key itself, not every resource
      // (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).
      const document =
        type === "aws_kms_key" && read.statements ? { ...read, statements: read.statements.map((statement) => ({ ...statement, allResources: false })) } : read;
      if (document.statements || (type !== "aws_kms_key" && document.unreadable)) {
        resourcePolicies.push({ address: resource.address, label: "resource policy", ...document });
      }
    }
  }

  const secretReads: SecretRead[] = [];
  const unknownAtPlan: UnknownAtPlan[] = [];
  const seenUnknown = new Set<string>();
  const noteUnknown = (subject: string, policy: PolicyView) => {
    const add = (what: string) => {
      const key = `${subject}|${policy.address}|${what}`;
      if (!seenUnknown.has(key)) unknownAtPlan.push({ subject, policy: policy.address, what });
      seenUnknown.add(key);
    };
    if (policy.unknownAtPlan) add(policy.unreadable ?? UNKNOWN_AT_PLAN);
    (policy.statements ?? []).forEach((statement, index) => {
      if (statement.unknownAtPlan.length) add(`${statement.unknownAtPlan.join(", ")} of statement ${statement.sid ? `"${statement.sid}"` : index + 1}`);
    });
  };
  const check = (subject: string, policy: PolicyView, identity = true) => {
    noteUnknown(subject, policy);
    for (const statement of policy.statements ?? []) {
      if (statement.effect !== "Allow" || statement.unknownAtPlan.includes("Effect")) continue;
      if (identity && statement.secretReads.length) {
        secretReads.push({
          subject,
          policy: policy.address,
          actions: statement.notAction ? [`every action but ${statement.actions.join(", ")}`] : statement.actions,
          resources: statement.notResource ? [`every resource but ${statement.resources.join(", ")}`] : statement.resources,
        });
      }
      const on = statement.notResource ? "all resources but " + statement.resources.join(", ") : statement.resources.join(", ");
      if (statement.notAction) {
        violations.push({
          rule: "iam-not-action",
          address: policy.address,
          message: `${subject} is allowed every action but ${statement.actions.join(", ")} on ${on} (NotAction with Allow: actions AWS adds later are granted too)`,
        });
        continue;
      }
      if (!identity) continue;
      const broad = statement.actions.filter(
        (action) => !isUnknownElement(action) && !STAR_RESOURCE_ALLOWED_ACTIONS.some((allowed) => allowed.toLowerCase() === action.toLowerCase()),
      );
      if (statement.allResources && broad.length) {
        violations.push({ rule: "iam-wildcard-resource", address: policy.address, message: `${subject} is allowed ${broad.join(", ")} on ${on}` });
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
  for (const policy of resourcePolicies) check(policy.address, policy, false);

  return {
    roles: [...roles.values()].sort((a, b) => Number(b.inPlan) - Number(a.inPlan) || compareText(a.address, b.address)),
    otherPolicies,
    resourcePolicies,
    secretReads,
    unknownAtPlan,
    violations,
  };
}

/**
 * The policies an argument holding policy ARNs attaches (`policy_arn`, `managed_policy_arns`): a customer
 * managed policy of this plan (by reference, or by the name its literal ARN ends in) with its document; an
 * AWS managed policy by name (the administrator ones are violations); another policy outside the plan; or
 * an ARN unknown at plan.
 */
function attachedPolicyViews(
  plan: Plan,
  resource: PlanResource,
  argument: string,
  label: string,
  violations: Violation[],
): Array<{ view: PolicyView; attached?: string }> {
  const found: Array<{ view: PolicyView; attached?: string }> = [];
  const seen = new Set<string>();
  const inPlan = (policy: PlanResource) => {
    if (seen.has(policy.address)) return;
    seen.add(policy.address);
    found.push({ view: { address: policy.address, label, ...documentOf(plan, policy, "policy") }, attached: policy.address });
  };
  for (const target of plan.referencedResources(resource, argument)) if (target.type === "aws_iam_policy") inPlan(target);
  const value = plan.value(resource, argument);
  const policies = plan.present("aws_iam_policy");
  for (const arn of (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === "string")) {
    if (interpolatedReferences(arn).length) {
      if (!plan.referencedResources(resource, argument).some((target) => target.type === "aws_iam_policy")) {
        found.push({ view: managedPolicy(plan, resource, arn, violations, argument) });
      }
      continue;
    }
    const customer = /^arn:aws[a-z-]*:iam::\d{12}:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
    const match = customer && policies.find((policy) => plan.value(policy, "name") === customer[1]);
    if (match) inPlan(match);
    else found.push({ view: managedPolicy(plan, resource, arn, violations, argument) });
  }
  const configured = plan.expression(resource, argument) !== undefined;
  if (found.length === 0 && configured && (plan.isUnknown(resource, argument) || value === undefined)) {
    found.push({
      view: {
        address: resource.address,
        label: `a policy ${UNKNOWN_AT_PLAN}`,
        unreadable: `the policy ARN is ${UNKNOWN_AT_PLAN}${describeReferences(plan, resource, argument)}`,
        fromConfiguration: false,
        unknownAtPlan: true,
      },
    });
  }
  return found;
}

function managedPolicy(plan: Plan, resource: PlanResource, arn: string, violations: Violation[], argument = "policy_arn"): PolicyView {
  const awsManaged = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  const name = awsManaged?.[1];
  if (name && ADMIN_MANAGED_POLICIES.includes(name)) {
    violations.push({ rule: "iam-admin-policy", address: resource.address, message: `attaches the AWS managed policy ${name}` });
  }
  const references = plan.referencedResources(resource, argument).map((target) => target.address);
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
  unknownAtPlan?: boolean;
}

/** ` (from aws_s3_bucket.data.arn, var.prefix)`: what a value unknown at plan is made of; "" without references. */
function describeReferences(plan: Plan, resource: PlanResource, path: string): string {
  const references = specificReferences(plan.expression(resource, path)?.references);
  return references.length ? ` (from ${references.join(", ")})` : "";
}

/** `["aws_x.y.arn", "aws_x.y"]` → `["aws_x.y.arn"]`: Terraform lists each reference with its prefixes. */
function specificReferences(references: Json): string[] {
  const all: string[] = asArray(references).map(String);
  return all.filter((reference) => !all.some((other) => other !== reference && (other.startsWith(`${reference}.`) || other.startsWith(`${reference}[`))));
}

/** The statements of a resource's policy argument: planned, else configured, else its data source. */
function documentOf(plan: Plan, resource: PlanResource, argument: string): ReadDocument {
  const known = plan.knownValue(resource, argument);
  if (known !== undefined) return { ...readPolicy(plan, resource, known), fromConfiguration: false };
  const configured = plan.configuredValue(resource, argument);
  if (configured !== undefined) return { ...readPolicy(plan, resource, configured), fromConfiguration: true };
  const references: string[] = asArray(plan.expression(resource, argument)?.references).map(String);
  // `policy = data.aws_iam_policy_document.x.json`, a document Terraform reads at apply.
  const document = references.find((reference) => /^data\.aws_iam_policy_document\.[^.]+\.(json|minified_json)$/.test(reference.replace(/\[[^\]]*\]/g, "")));
  if (document) {
    const read = dataSourceDocument(plan, moduleBase(resource) + referenceBase(document), 0);
    return { ...read, fromConfiguration: true };
  }
  if (!plan.isUnknown(resource, argument) && references.length === 0) return { unreadable: "no policy", fromConfiguration: false };
  return { unreadable: `${UNKNOWN_AT_PLAN}${describeReferences(plan, resource, argument)}`, fromConfiguration: true, unknownAtPlan: true };
}

function moduleBase(resource: PlanResource): string {
  return resource.moduleAddress ? resource.moduleAddress.replace(/\[[^\]]*\]/g, "") + "." : "";
}

function readPolicy(plan: Plan, resource: PlanResource, source: Json): ReadDocument {
  const document = readDocument(source);
  if (document === undefined && typeof source === "string") {
    // `${data.aws_iam_policy_document.x.json}`: the data source's document.
    const base = referenceBase(source);
    if (base?.startsWith("data.aws_iam_policy_document.")) return dataSourceDocument(plan, moduleBase(resource) + base, 0);
    return { unreadable: `cannot read ${showValue(source)}`, fromConfiguration: false };
  }
  const statements = parseStatements(document);
  return statements ? { statements, fromConfiguration: false } : { unreadable: "not a policy document", fromConfiguration: false };
}

/**
 * An `aws_iam_policy_document` data source's statements: its JSON when Terraform read it at plan (in
 * `prior_state`, or known in the plan); else, for one read at apply, its planned arguments (what is known
 * of each statement, Terraform marking the rest unknown) with the documents it merges
 * (`source_policy_documents`, `override_policy_documents`); else its configuration's statement blocks.
 */
function dataSourceDocument(plan: Plan, base: string, depth: number): ReadDocument {
  const read = findStateResource(plan.raw.prior_state?.values?.root_module, base);
  if (typeof read?.values?.json === "string") return fromJson(read.values.json);
  const change = plan.byBaseAddress(base)[0];
  const json = change && plan.knownValue(change, "json");
  if (typeof json === "string") return fromJson(json);
  if (change?.after && typeof change.after === "object" && depth < 5) return plannedDocument(plan, change, depth);
  const config = findConfigResource(plan.raw.configuration?.root_module, base);
  if (!config) return { unreadable: `${UNKNOWN_AT_PLAN}: ${base} is not in the plan`, fromConfiguration: true, unknownAtPlan: true };
  return configuredDocument(config);
}

function fromJson(json: string): ReadDocument {
  const statements = parseStatements(readDocument(json));
  return statements ? { statements, fromConfiguration: false } : { unreadable: "not a policy document", fromConfiguration: false };
}

/** A policy document data source read at apply, from its planned arguments. */
function plannedDocument(plan: Plan, change: PlanResource, depth: number): ReadDocument {
  const merged = (argument: string): { statements: Statement[]; unknown: boolean } => {
    const statements: Statement[] = [];
    let unknown = false;
    if (plan.isUnknown(change, argument)) {
      const documents = plan.referencedResources(change, argument).filter((target) => target.type === "aws_iam_policy_document");
      for (const document of documents) {
        const read = dataSourceDocument(plan, document.baseAddress, depth + 1);
        statements.push(...(read.statements ?? []));
        unknown ||= Boolean(read.unknownAtPlan);
      }
      if (documents.length === 0) unknown = true;
      return { statements, unknown };
    }
    asArray(plan.knownValue(change, argument)).forEach((text: Json, index: number) => {
      if (plan.isUnknown(change, `${argument}.${index}`) || typeof text !== "string") unknown = true;
      else statements.push(...(parseStatements(readDocument(text)) ?? []));
    });
    return { statements, unknown };
  };
  const source = merged("source_policy_documents");
  const override = merged("override_policy_documents");
  const own: Statement[] = [];
  const configured = asArray(plan.expression(change, "statement"));
  const blocks = asArray(plan.knownValue(change, "statement"));
  const aligned = configured.length === blocks.length;
  const unknownBlocks = plan.isUnknown(change, "statement");
  blocks.forEach((_block: Json, index: number) => {
    const at = `statement.${index}`;
    const config = aligned ? configured[index] : undefined;
    const unknownParts: string[] = [];
    const references: string[] = [];
    /** A list argument: its known elements, and each unknown one as `<references> (unknown at plan)`. */
    const list = (name: string, label: string): string[] | undefined => {
      const refs = specificReferences(config?.[name]?.references);
      const unknownText = refs.length ? `${refs.join(", ")} (${UNKNOWN_AT_PLAN})` : UNKNOWN_AT_PLAN;
      if (plan.isUnknown(change, `${at}.${name}`)) {
        unknownParts.push(label);
        if (name === "resources" || name === "not_resources") references.push(...refs);
        return [unknownText];
      }
      const value = plan.knownValue(change, `${at}.${name}`);
      if (value === undefined || value === null) return undefined;
      return asArray(value).map((item: Json, position: number) => {
        if (!plan.isUnknown(change, `${at}.${name}.${position}`) && typeof item === "string") return item;
        if (!unknownParts.includes(label)) unknownParts.push(label);
        if (name === "resources" || name === "not_resources") references.push(...refs);
        return unknownText;
      });
    };
    const text = (name: string, label: string): string | undefined => {
      if (plan.isUnknown(change, `${at}.${name}`)) {
        unknownParts.push(label);
        return undefined;
      }
      return stringOr(plan.knownValue(change, `${at}.${name}`));
    };
    const effect = text("effect", "Effect") ?? "Allow";
    const notActions = list("not_actions", "NotAction");
    const actions = notActions && notActions.length ? notActions : (list("actions", "Action") ?? []);
    const notResources = list("not_resources", "NotResource");
    const resources = notResources && notResources.length ? notResources : (list("resources", "Resource") ?? []);
    const principalsOf = (name: string, not: boolean): string[] => {
      if (plan.isUnknown(change, `${at}.${name}`)) {
        unknownParts.push(not ? "NotPrincipal" : "Principal");
        return [UNKNOWN_AT_PLAN];
      }
      return asArray(plan.knownValue(change, `${at}.${name}`)).flatMap((principal: Json, position: number) => {
        const path = `${at}.${name}.${position}`;
        if (plan.isUnknown(change, `${path}.type`) || plan.isUnknown(change, `${path}.identifiers`)) {
          if (!unknownParts.includes("Principal")) unknownParts.push("Principal");
          return [`${not ? "anyone but " : ""}${UNKNOWN_AT_PLAN}`];
        }
        return principals({ [String(principal?.type)]: asArray(principal?.identifiers) }, not);
      });
    };
    const conditions = asArray(plan.knownValue(change, `${at}.condition`)).map((condition: Json) => `${condition?.test ?? UNKNOWN_AT_PLAN} ${condition?.variable ?? UNKNOWN_AT_PLAN}`);
    if (plan.isUnknown(change, `${at}.condition`)) unknownParts.push("Condition");
    own.push(
      makeStatement({
        sid: text("sid", "Sid"),
        effect: effect === "Deny" ? "Deny" : "Allow",
        actions,
        notAction: Boolean(notActions && notActions.length),
        resources,
        notResource: Boolean(notResources && notResources.length),
        principals: [...principalsOf("principals", false), ...principalsOf("not_principals", true)],
        conditions,
        unknownAtPlan: unknownParts,
        resourceReferences: references,
      }),
    );
  });
  // Override statements replace the same Sid; the others are added (what the provider does).
  const overridden = new Set(override.statements.map((statement) => statement.sid).filter(Boolean));
  const statements = [...source.statements, ...own].filter((statement) => !statement.sid || !overridden.has(statement.sid)).concat(override.statements);
  const unknown = source.unknown || override.unknown || unknownBlocks;
  if (unknown && statements.length === 0) {
    return { unreadable: `${UNKNOWN_AT_PLAN}${describeReferences(plan, change, "statement")}`, fromConfiguration: true, unknownAtPlan: true };
  }
  if (unknown) {
    // Some of the document (a merged document, dynamic statements) is unknown: say so on a statement of its own.
    statements.push(
      makeStatement({ effect: "Allow", actions: [UNKNOWN_AT_PLAN], notAction: false, resources: [UNKNOWN_AT_PLAN], notResource: false, principals: [], conditions: [], unknownAtPlan: ["Statement"], resourceReferences: [] }),
    );
  }
  return { statements, fromConfiguration: true };
}

/** A policy document data source from its configuration's statement blocks (no planned values). */
function configuredDocument(config: Json): ReadDocument {
  const statements = asArray(config.expressions?.statement).map((block: Json) => {
    const unknownParts: string[] = [];
    const references: string[] = [];
    const list = (name: string, label: string): string[] | undefined => {
      const expression = block?.[name];
      if (!expression) return undefined;
      if ("constant_value" in expression) return asArray(expression.constant_value).map(String);
      const refs = specificReferences(expression.references);
      unknownParts.push(label);
      if (name.endsWith("resources")) references.push(...refs);
      return [refs.length ? `${refs.join(", ")} (${UNKNOWN_AT_PLAN})` : UNKNOWN_AT_PLAN];
    };
    const notActions = list("not_actions", "NotAction");
    const notResources = list("not_resources", "NotResource");
    const effectKnown = !block?.effect || "constant_value" in block.effect;
    if (!effectKnown) unknownParts.push("Effect");
    const effect = effectKnown ? (block?.effect?.constant_value ?? "Allow") : "Allow";
    return makeStatement({
      sid: stringOr(block?.sid?.constant_value),
      effect: effect === "Deny" ? "Deny" : "Allow",
      actions: notActions ?? list("actions", "Action") ?? [],
      notAction: Boolean(notActions),
      resources: notResources ?? list("resources", "Resource") ?? [],
      notResource: Boolean(notResources),
      principals: asArray(block?.principals).flatMap((principal: Json) => {
        if ("constant_value" in (principal?.identifiers ?? {})) {
          return principals({ [String(principal?.type?.constant_value)]: principal.identifiers.constant_value }, false);
        }
        if (!unknownParts.includes("Principal")) unknownParts.push("Principal");
        return [UNKNOWN_AT_PLAN];
      }),
      conditions: asArray(block?.condition).map((condition: Json) => `${condition?.test?.constant_value ?? UNKNOWN_AT_PLAN} ${condition?.variable?.constant_value ?? UNKNOWN_AT_PLAN}`),
      unknownAtPlan: unknownParts,
      resourceReferences: references,
    });
  });
  return { statements, fromConfiguration: true };
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
  const notAction = "NotAction" in raw;
  const notResource = "NotResource" in raw;
  return makeStatement({
    sid: stringOr(raw.Sid),
    effect: raw.Effect === "Deny" ? "Deny" : "Allow",
    actions: list(notAction ? raw.NotAction : raw.Action),
    notAction,
    resources: list(notResource ? raw.NotResource : raw.Resource),
    notResource,
    principals: principals(raw.Principal ?? raw.NotPrincipal, "NotPrincipal" in raw),
    conditions: Object.entries<Json>(raw.Condition && typeof raw.Condition === "object" ? raw.Condition : {}).flatMap(([operator, keys]) =>
      Object.keys(keys && typeof keys === "object" ? keys : {}).map((key) => `${operator} ${key}`),
    ),
    unknownAtPlan: [],
    resourceReferences: [],
  });
}

/** A statement with what follows from its parts: the secret reads it allows and whether it covers every resource. */
function makeStatement(parts: Omit<Statement, "secretReads" | "allResources">): Statement {
  const actions = parts.actions.filter((action) => !isUnknownElement(action));
  const secretReads =
    parts.effect === "Allow"
      ? SECRET_READ_ACTIONS.filter((action) =>
          parts.notAction
            ? actions.length === parts.actions.length && !actions.some((pattern) => iamMatches(pattern, action))
            : actions.some((pattern) => iamMatches(pattern, action)),
        )
      : [];
  const allResources =
    (parts.notResource && !parts.resources.some(isUnknownElement)) ||
    (!parts.notResource && parts.resources.some((resource) => resource === "*" || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(resource)));
  return { ...parts, secretReads, allResources };
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
