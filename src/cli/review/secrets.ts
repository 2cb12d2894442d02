/**
 * Section 4, secrets: which parameter feeds which container variable (`secrets[].valueFrom` of every task
 * definition, read from the configuration when Terraform does not know the definitions yet), whether the
 * task's execution role may read it, how each SSM parameter gets its value, and the checks that no secret
 * value is in the plan (the values themselves are never printed).
 */
import { Json, Plan, PlanResource } from "./plan";
import { readDocument, showValue } from "../hcl";
import { IamSection } from "./iam";
import { iamMatches } from "../../checks/iam-wildcard";
import { looksSecret } from "../../checks/secret-names";
import { Violation } from "./rules";
import { asArray, stringOr } from "./exposure";

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

export interface SecretsSection {
  readonly mappings: SecretMapping[];
  readonly parameters: ParameterView[];
  readonly sensitiveVariables: SensitiveVariable[];
  /** Non-sensitive variables with a secret-looking name whose value is in the plan: worth a look. */
  readonly suspiciousVariables: string[];
  readonly plainSecretEnvironment: Array<{ taskDefinition: string; container: string; variable: string }>;
  readonly violations: Violation[];
}

export function reviewSecrets(plan: Plan, iam: IamSection): SecretsSection {
  const violations: Violation[] = [];
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
        if (looksSecret(name) && typeof variable?.value === "string" && variable.value !== "") {
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
    if (valueInPlan && type !== "String" && type !== "StringList") {
      violations.push({
        rule: "secret-in-plan",
        address: parameter.address,
        message: `the ${type ?? "parameter"}'s value is in the plan (and will be in the state): write it through value_wo from an ephemeral variable`,
      });
    }
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
    } else if (valueInPlan && looksSecret(name) && typeof held.value === "string" && held.value !== "") {
      suspiciousVariables.push(name);
    }
  }

  return { mappings, parameters, sensitiveVariables, suspiciousVariables, plainSecretEnvironment, violations };
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
          statement.resources.some((resource) => resource === "*" || resource === shown || iamMatches(resource, shown, false))),
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
