/**
 * Section 4, secrets: which parameter feeds which container variable (`secrets[].valueFrom` of every task
 * definition, read from the configuration when Terraform does not know the definitions yet), whether the
 * task's execution role may read it, how each SSM parameter gets its value, and the checks that no secret
 * value is in the plan (the values themselves are never printed).
 *
 * What is a secret is the provider's word, not a list of resource types: every argument the provider's
 * schema marks sensitive (`after_sensitive` in the plan: a database password, an SSM parameter's value, an
 * OIDC client secret...) and every value Terraform marks sensitive because it comes from a sensitive
 * variable, with a value known at plan, is a secret value in the plan, as are sensitive outputs and data
 * sources read at plan. One exception, by the resource's own word: an SSM parameter of type String or
 * StringList holds no secret (unless a sensitive variable feeds it).
 */
import { Json, Plan, PlanResource } from "./plan";
import { interpolatedReferences, readDocument, showValue } from "../hcl";
import { IamSection } from "./iam";
import { iamMatches } from "../../checks/iam-wildcard";
import { looksSecret } from "../../checks/secret-names";
import { Violation } from "./rules";
import { asArray, stringOr } from "./exposure";
import { isUnknownElement } from "./iam";

export interface SecretMapping {
  /** `/hello/PASSWORD`, a Secrets Manager secret name, or the reference when the name is unknown. */
  readonly parameter: string;
  /** The parameter's resource in this plan, if it is one. */
  readonly parameterAddress?: string;
  readonly container: string;
  readonly variable: string;
  readonly taskDefinition: string;
  readonly executionRole?: string;
  /** Whether the execution role's policies in this plan allow reading it; undefined when they cannot be seen. */
  readonly readable?: boolean;
}

export interface ParameterView {
  readonly address: string;
  readonly name?: string;
  readonly type?: string;
  /** How the value is given: `value_wo (write-only) from var.password, ephemeral`. */
  readonly valueSource: string;
  /** Whether the value itself is in the plan. */
  readonly valueInPlan: boolean;
}

export interface SensitiveVariable {
  readonly name: string;
  /** The value is in the plan's `variables` (a sensitive variable that is not ephemeral). */
  readonly valueInPlan: boolean;
  /** Resources whose planned values contain that value. */
  readonly alsoIn: string[];
}

/** A value the provider (or Terraform, for what a sensitive variable feeds) marks sensitive, known at plan. */
export interface SensitiveValue {
  /** The resource (`aws_db_instance.db`), data source, or `output.<name>`. */
  readonly address: string;
  /** The attribute path: `password`, `default_action[0].authenticate_oidc[0].client_secret`; "" for an output. */
  readonly attribute: string;
  /** Where the value comes from: `a literal in the configuration`, `var.db_password (sensitive)`, `data.x.y`... */
  readonly source: string;
}

export interface SecretsOptions {
  /** Variable names that look like secrets and are not (`PASSWORD_MIN_LENGTH`); `*` matches any run of characters. */
  readonly allowNames?: readonly string[];
}

export interface SecretsSection {
  readonly mappings: SecretMapping[];
  readonly parameters: ParameterView[];
  readonly sensitiveVariables: SensitiveVariable[];
  /** Non-sensitive variables with a secret-looking name whose value is in the plan: worth a look. */
  readonly suspiciousVariables: string[];
  readonly plainSecretEnvironment: Array<{ taskDefinition: string; container: string; variable: string }>;
  /** Values marked sensitive whose value is in the plan (never printed). */
  readonly sensitiveValues: SensitiveValue[];
  /** Secret-looking names that were allowed (--allow-name), with where they were seen. */
  readonly allowedNames: string[];
  readonly violations: Violation[];
}

export function reviewSecrets(plan: Plan, iam: IamSection, options: SecretsOptions = {}): SecretsSection {
  const violations: Violation[] = [];
  const allowed = allowList(options.allowNames ?? []);
  const allowedNames = new Set<string>();
  /** A secret-looking name, unless allowed (then remembered, to say so). */
  const secretName = (name: string, where: string): boolean => {
    if (!looksSecret(name)) return false;
    if (!allowed(name)) return true;
    allowedNames.add(`${name} (${where})`);
    return false;
  };
  const mappings: SecretMapping[] = [];
  const plainSecretEnvironment: SecretsSection["plainSecretEnvironment"] = [];
  for (const task of plan.present("aws_ecs_task_definition")) {
    const containers = asArray(readDocument(plan.value(task, "container_definitions")));
    const executionRole = executionRoleOf(plan, task, iam);
    for (const container of containers) {
      const containerName = String(container?.name ?? "?");
      for (const secret of asArray(container?.secrets)) {
        const valueFrom = String(secret?.valueFrom ?? "");
        const target = plan.resolve(valueFrom, task.moduleAddress)[0];
        mappings.push({
          parameter: parameterName(plan, target, valueFrom),
          parameterAddress: target?.address,
          container: containerName,
          variable: String(secret?.name ?? "?"),
          taskDefinition: task.address,
          executionRole,
          readable: executionRole ? canRead(iam, executionRole, valueFrom) : undefined,
        });
      }
      for (const variable of asArray(container?.environment)) {
        const name = String(variable?.name ?? "");
        if (typeof variable?.value === "string" && variable.value !== "" && secretName(name, `${containerName} in ${task.address}`)) {
          plainSecretEnvironment.push({ taskDefinition: task.address, container: containerName, variable: name });
          violations.push({
            rule: "secret-in-plan",
            address: task.address,
            message: `container ${containerName} has ${name} as a plain environment variable: its name says it is a secret; give it through secrets (valueFrom) instead`,
          });
        }
      }
    }
  }

  const declared = plan.declaredVariables();
  const values = plan.variableValues();
  const parameters: ParameterView[] = plan.present("aws_ssm_parameter").map((parameter) => {
    const type = stringOr(plan.value(parameter, "type"));
    const value = plan.knownValue(parameter, "value");
    const valueInPlan = typeof value === "string";
    return { address: parameter.address, name: stringOr(plan.value(parameter, "name")), type, valueSource: valueSource(plan, parameter, declared, values), valueInPlan };
  });

  const sensitiveVariables: SensitiveVariable[] = [];
  const suspiciousVariables: string[] = [];
  for (const [name, variable] of Object.entries<Json>(declared)) {
    const held = values[name];
    const valueInPlan = held !== undefined && held !== null && held.value !== undefined && held.value !== null;
    if (variable?.sensitive) {
      const alsoIn = valueInPlan ? whereValueAppears(plan, held.value) : [];
      sensitiveVariables.push({ name, valueInPlan, alsoIn });
      if (valueInPlan) {
        violations.push({
          rule: "secret-in-plan",
          address: `var.${name}`,
          message: `sensitive variable ${name} is not ephemeral: its value is in the plan's variables${alsoIn.length ? ` and in ${alsoIn.join(", ")}` : ""}; declare it ephemeral and feed a write-only argument`,
        });
      }
    } else if (valueInPlan && typeof held.value === "string" && held.value !== "" && secretName(name, `var.${name}`)) {
      suspiciousVariables.push(name);
    }
  }

  const sensitiveValues = findSensitiveValues(plan, declared);
  for (const found of sensitiveValues) {
    violations.push({ rule: "secret-in-plan", address: found.address, message: sensitiveMessage(plan, found) });
  }

  return {
    mappings,
    parameters,
    sensitiveVariables,
    suspiciousVariables,
    plainSecretEnvironment,
    sensitiveValues,
    allowedNames: [...allowedNames].sort(),
    violations,
  };
}

/** `--allow-name` patterns as a test: exact names, `*` for any run of characters. */
function allowList(patterns: readonly string[]): (name: string) => boolean {
  const regexes = patterns.map((pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`));
  return (name) => regexes.some((regex) => regex.test(name));
}

/**
 * Every value marked sensitive that the plan holds: in the planned values of resources and data sources
 * read at apply (`after_sensitive`), data sources read at plan (`prior_state`'s `sensitive_values`), and
 * outputs (`output_changes`). A value unknown at plan, null or empty is not there; nothing is printed.
 */
function findSensitiveValues(plan: Plan, declared: Record<string, Json>): SensitiveValue[] {
  const found: SensitiveValue[] = [];
  for (const resource of plan.resources) {
    if (resource.kind === "delete" || resource.kind === "forget" || resource.after === null || resource.after === undefined) continue;
    for (const path of sensitivePaths(resource.afterSensitive, resource.after, resource.afterUnknown)) {
      const source = sourceOf(plan, resource, path, declared);
      if (resource.type === "aws_ssm_parameter" && path.length === 1 && path[0] === "value") {
        // A String or StringList parameter is not a secret by its own type, unless a sensitive variable feeds it.
        const type = stringOr(plan.value(resource, "type"));
        if ((type === "String" || type === "StringList") && !/\(sensitive\)/.test(source)) continue;
      }
      found.push({ address: resource.address, attribute: showPath(path), source });
    }
  }
  const walkState = (module: Json) => {
    for (const resource of module?.resources ?? []) {
      if (resource?.mode !== "data") continue;
      for (const path of sensitivePaths(resource.sensitive_values, resource.values, undefined)) {
        found.push({ address: String(resource.address), attribute: showPath(path), source: "read at plan by the data source" });
      }
    }
    for (const child of module?.child_modules ?? []) walkState(child);
  };
  walkState(plan.raw.prior_state?.values?.root_module);
  const configuredOutputs = plan.raw.configuration?.root_module?.outputs ?? {};
  for (const [name, change] of Object.entries<Json>(plan.raw.output_changes ?? {})) {
    if (!change || (Array.isArray(change.actions) && change.actions.includes("delete") && !change.actions.includes("create"))) continue;
    for (const path of sensitivePaths(change.after_sensitive, change.after, change.after_unknown)) {
      const references = specific(configuredOutputs[name]?.expression?.references);
      found.push({ address: `output.${name}`, attribute: showPath(path), source: references.length ? `from ${references.join(", ")}` : "a literal in the configuration" });
    }
  }
  return found;
}

/** Paths (as steps) under which `sensitive` is true and `value` holds something known. */
function sensitivePaths(sensitive: Json, value: Json, unknown: Json, path: Array<string | number> = []): Array<Array<string | number>> {
  if (unknown === true || value === null || value === undefined) return [];
  if (sensitive === true) {
    const empty = value === "" || (Array.isArray(value) && value.length === 0) || (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0);
    return empty ? [] : [path];
  }
  if (!sensitive || typeof sensitive !== "object" || typeof value !== "object") return [];
  const found: Array<Array<string | number>> = [];
  for (const key of Object.keys(sensitive)) {
    const step = Array.isArray(sensitive) ? Number(key) : key;
    found.push(...sensitivePaths(sensitive[key], (value as Json)[key], unknown && typeof unknown === "object" ? unknown[key] : undefined, [...path, step]));
  }
  return found;
}

/** `["default_action", 0, "client_secret"]` → `default_action[0].client_secret`; a map key as `["key"]`. */
function showPath(path: Array<string | number>): string {
  return path
    .map((step, index) =>
      typeof step === "number" ? `[${step}]` : /^[A-Za-z_][\w-]*$/.test(step) ? `${index ? "." : ""}${step}` : `[${JSON.stringify(step)}]`,
    )
    .join("");
}

/** Where a resource's sensitive value comes from, by its configuration (never the value). */
function sourceOf(plan: Plan, resource: PlanResource, path: Array<string | number>, declared: Record<string, Json>): string {
  let expression: Json = undefined;
  for (let length = path.length; length > 0 && !expression; length--) {
    const candidate = plan.expression(resource, path.slice(0, length).join("."));
    if (candidate && typeof candidate === "object" && ("constant_value" in candidate || "references" in candidate)) expression = candidate;
  }
  if (!expression) return resource.mode === "data" ? "read by the data source" : "not in the configuration (set by the provider)";
  // cdktf writes `"${var.x}"` in JSON, which Terraform reports as a constant holding the template (and its references).
  const references = [...new Set([...specific(expression.references), ...interpolatedReferences(expression.constant_value)])];
  if (references.length === 0) return "a literal in the configuration";
  return `from ${references.map((reference) => (reference.startsWith("var.") && declared[reference.slice(4)]?.sensitive ? `${reference} (sensitive)` : reference)).join(", ")}`;
}

function specific(references: Json): string[] {
  const all: string[] = asArray(references).map(String);
  return all.filter((reference) => !all.some((other) => other !== reference && (other.startsWith(`${reference}.`) || other.startsWith(`${reference}[`))));
}

function sensitiveMessage(plan: Plan, found: SensitiveValue): string {
  if (found.address.startsWith("output.")) {
    return `output ${found.address.slice(7)} is sensitive and its value (${found.source}) is in the plan and the state; leave the secret out of outputs`;
  }
  const resource = plan.resources.find((candidate) => candidate.address === found.address);
  const top = found.attribute.split(/[.[]/)[0];
  const writeOnly = `${top}_wo`;
  const hasWriteOnly =
    resource !== undefined && [resource.after, resource.afterSensitive, resource.afterUnknown].some((node) => node && typeof node === "object" && writeOnly in node);
  const fix = hasWriteOnly
    ? `write it through ${writeOnly} (write-only, never stored) from an ephemeral variable`
    : "keep it out of the configuration: let AWS generate and keep it (Secrets Manager, RDS manage_master_user_password), or set it outside Terraform";
  return `${found.attribute} is marked sensitive by the provider and its value (${found.source}) is in the plan, and will be in the state: ${fix}`;
}

/**
 * The address under which the IAM section shows a task's execution role: the role resource it references,
 * or, for a role given by ARN, the `role "name"` a policy in this plan is attached to.
 */
function executionRoleOf(plan: Plan, task: PlanResource, iam: IamSection): string | undefined {
  const resource = plan.referencedResources(task, "execution_role_arn").find((role) => role.type === "aws_iam_role");
  if (resource) return resource.address;
  const arn = stringOr(plan.value(task, "execution_role_arn"));
  const name = arn && /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
  return name ? iam.roles.find((role) => !role.inPlan && role.name === name)?.address : undefined;
}

/** A parameter's name: from the resource in the plan, else from its ARN, else the reference as written. */
function parameterName(plan: Plan, target: PlanResource | undefined, valueFrom: string): string {
  if (target) {
    const name = stringOr(plan.value(target, "name"));
    if (name && !name.includes("${")) return name;
    return showValue(valueFrom);
  }
  const ssm = /^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(valueFrom);
  if (ssm) return ssm[1].indexOf("/", 1) > 0 ? ssm[1] : ssm[1].slice(1);
  const secretsManager = /^arn:aws[a-z-]*:secretsmanager:[^:]*:[^:]*:secret:([^:]+)/.exec(valueFrom);
  if (secretsManager) return `secret ${secretsManager[1]}`;
  return showValue(valueFrom);
}

/** Whether a role's policies (as the IAM section read them) allow reading `valueFrom`. */
function canRead(iam: IamSection, role: string, valueFrom: string): boolean | undefined {
  const view = iam.roles.find((candidate) => candidate.address === role);
  if (!view) return undefined;
  const action = /secretsmanager/.test(valueFrom) ? "secretsmanager:GetSecretValue" : "ssm:GetParameters";
  // A Secrets Manager valueFrom may end in `:json-key:version-stage:version-id`; IAM checks the secret's own ARN.
  const shown = showValue(valueFrom).replace(/^(arn:aws[a-z-]*:secretsmanager:[^:]*:[^:]*:secret:[^:]+):.*$/, "$1");
  return view.policies.some((policy) =>
    (policy.statements ?? []).some(
      (statement) =>
        statement.effect === "Allow" &&
        !statement.notAction &&
        statement.actions.some((pattern) => iamMatches(pattern, action)) &&
        (statement.notResource ||
          statement.resourceReferences.includes(shown) ||
          statement.resources.some(
            (resource) => !isUnknownElement(resource) && (resource === "*" || resource === shown || iamMatches(resource, shown, false)),
          )),
    ),
  );
}

function valueSource(plan: Plan, parameter: PlanResource, declared: Record<string, Json>, values: Record<string, Json>): string {
  const describe = (argument: string, label: string): string | undefined => {
    const expression = plan.expression(parameter, argument);
    if (!expression) return undefined;
    const variables: string[] = (expression.references ?? []).filter((reference: string) => reference.startsWith("var."));
    if (variables.length) {
      const kinds = variables.map((reference) => {
        const name = reference.slice(4);
        const ephemeral = declared[name] && (declared[name].ephemeral === true || values[name] === undefined);
        return `${reference}${declared[name]?.sensitive ? ", sensitive" : ""}${ephemeral ? ", ephemeral" : ", in the plan"}`;
      });
      return `${label} from ${kinds.join("; ")}`;
    }
    if (expression.references?.length) return `${label} from ${expression.references[0]}`;
    return `${label}: a literal in the configuration`;
  };
  return (
    describe("value_wo", "value_wo (write-only)") ??
    describe("value", "value") ??
    describe("insecure_value", "insecure_value") ??
    (typeof plan.knownValue(parameter, "value") === "string" ? "value in the plan" : "no value configured")
  );
}

/** Addresses of the resources whose planned values hold exactly this text (3 characters or more). */
function whereValueAppears(plan: Plan, value: Json): string[] {
  if (typeof value !== "string" || value.length < 3) return [];
  const holds = (node: Json): boolean =>
    typeof node === "string" ? node.includes(value) : node && typeof node === "object" ? Object.values(node).some(holds) : false;
  return plan.resources.filter((resource) => holds(resource.after)).map((resource) => resource.address);
}
