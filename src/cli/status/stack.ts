import { existsSync, readFileSync, readdirSync } from "fs";
import { join } from "path";
import { decodeJsonencode, parseReference } from "../hcl";

/*
 * Reading the synthesized stack (cdktf.out/stacks/<stack>/cdk.tf.json): what each ECS service is declared
 * to be, in the names this project gives things (role, parameter, container, log group, health check).
 */

/** A problem with the arguments or the synthesized output: the command's usage error (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface DeclaredSecret {
  /** The environment variable, e.g. `PASSWORD`. */
  readonly variable: string;
  /** The SSM parameter name, e.g. `/hello/PASSWORD`. */
  readonly parameterName: string;
  /** The parameter's ARN when the stack has it literally (an existing parameter). */
  readonly parameterArn?: string;
  /** `aws_ssm_parameter.<name>` when this stack creates the parameter. */
  readonly resource?: string;
  /** The customer managed KMS key of a parameter this stack creates. */
  readonly kmsKeyArn?: string;
}

export interface DeclaredContainer {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  readonly ports: number[];
  readonly secrets: DeclaredSecret[];
  /** awslogs group, stream prefix and region, when the container logs to CloudWatch. */
  readonly logGroup?: string;
  readonly logStreamPrefix?: string;
  readonly logRegion?: string;
}

export interface PolicyGrant {
  readonly actions: string[];
  /** Resources as written, with references to this stack's parameters replaced by their ARN-like names. */
  readonly resources: string[];
}

export interface DeclaredRole {
  readonly name: string;
  /** The role's ARN when the stack has it literally (an existing role, `executionRoleArn`). */
  readonly arn?: string;
  /** `aws_iam_role.<name>` when this stack creates the role. */
  readonly resource?: string;
  readonly createdByStack: boolean;
  /** What the stack's inline policies (`aws_iam_role_policy`) grant the role. */
  readonly grants: PolicyGrant[];
  /** `aws_iam_role_policy.<name>` holding those grants. */
  readonly policyResources: string[];
}

export interface DeclaredHealthCheck {
  readonly path: string;
  /** `traffic-port` (the container port) or a port number. */
  readonly port: string;
  readonly matcher: string;
  readonly intervalSeconds?: number;
  readonly healthyThreshold?: number;
  readonly unhealthyThreshold?: number;
}

export interface DeclaredLoadBalancer {
  readonly containerName?: string;
  readonly containerPort?: number;
  /** `aws_lb_target_group.<name>` and its name, when this stack creates it. */
  readonly targetGroupResource?: string;
  readonly targetGroupName?: string;
  readonly healthCheck?: DeclaredHealthCheck;
  /** The stack's listener rules that forward to that target group: what requests reach the service (readStack always sets it). */
  readonly listenerRules?: DeclaredListenerRule[];
}

export interface DeclaredListenerRule {
  /** `aws_lb_listener_rule.<name>` */
  readonly resource: string;
  readonly priority?: number;
  /** host_header values (literal ones); empty: any host. */
  readonly hosts: string[];
  /** path_pattern values (literal ones); empty: any path. */
  readonly paths: string[];
}

/** ECS Service Connect: the namespace a service joins, and the endpoints it offers there (none: a client only). */
export interface DeclaredServiceConnect {
  /** The Cloud Map namespace's name (a namespace this stack creates), or its ARN or name as written. */
  readonly namespace: string;
  /** `aws_service_discovery_http_namespace.<name>` when this stack creates it. */
  readonly namespaceResource?: string;
  readonly endpoints: DeclaredServiceConnectEndpoint[];
}

export interface DeclaredServiceConnectEndpoint {
  /** The task definition's named port mapping (`portMappings[].name`). */
  readonly portName: string;
  readonly discoveryName?: string;
  /** What clients in the namespace call: `dnsName:port` (`orders:8080`). */
  readonly dnsName?: string;
  readonly port?: number;
}

export interface DeclaredTaskDefinition {
  /** `aws_ecs_task_definition.<name>`, or undefined when the service names a task definition literally. */
  readonly resource?: string;
  readonly family: string;
  readonly cpu?: number;
  readonly memory?: number;
  readonly cpuArchitecture: string;
  readonly operatingSystemFamily: string;
  readonly executionRole?: DeclaredRole;
  /** The role the containers' code runs as (`task_role_arn`), when declared. */
  readonly taskRole?: DeclaredRole;
  readonly containers: DeclaredContainer[];
}

/**
 * A workload that runs outside a service: a scheduled task (an `aws_scheduler_schedule` whose target runs a
 * task definition of the stack) or a one-off task (a task definition with an output ending in `_run_task`,
 * what `npm run task` runs).
 */
export interface DeclaredTask {
  readonly kind: "scheduled" | "one-off";
  /** `aws_scheduler_schedule.<name>`, or `output.<name>_run_task` for a one-off task. */
  readonly resource: string;
  /** The schedule's name, or the one-off task's (the output's `name`, else the output's name without `_run_task`). */
  readonly name: string;
  /** What ECS calls take as the cluster: its name (a cluster this stack creates) or its ARN. */
  readonly cluster: string;
  readonly clusterName: string;
  readonly taskDefinition: DeclaredTaskDefinition;
  /** The schedule expression (`cron(0 3 * * ? *)`, `rate(1 hour)`) of a scheduled task. */
  readonly schedule?: string;
  /** The schedule's time zone (`Europe/Paris`); UTC when the schedule sets none. */
  readonly timeZone?: string;
}

export interface DeclaredService {
  /** `aws_ecs_service.<name>` */
  readonly resource: string;
  readonly name: string;
  /** What ECS calls take as the cluster: its name (a cluster this stack creates) or its ARN. */
  readonly cluster: string;
  readonly clusterName: string;
  readonly desiredCount?: number;
  readonly healthCheckGracePeriodSeconds?: number;
  readonly circuitBreakerRollback: boolean;
  readonly taskDefinition?: DeclaredTaskDefinition;
  /** The first of `loadBalancers` (a service of this project has one, or none). */
  readonly loadBalancer?: DeclaredLoadBalancer;
  /** Every `load_balancer` block (readStack always sets it): empty for a service no load balancer sends requests to, a backend. */
  readonly loadBalancers?: DeclaredLoadBalancer[];
  /** Its Service Connect configuration, when enabled. */
  readonly serviceConnect?: DeclaredServiceConnect;
}

export interface DeclaredNetwork {
  /** Whether this stack creates the VPC (`Network`), or uses an existing one (`Network.fromExisting`). */
  readonly createdByStack: boolean;
  readonly natGateways: string[];
  readonly vpcEndpoints: string[];
}

export interface DeclaredStack {
  readonly name: string;
  readonly file: string;
  /** The AWS provider's region, when it is a literal. */
  readonly region?: string;
  readonly services: DeclaredService[];
  /** Scheduled and one-off tasks (readStack always sets it). */
  readonly tasks?: DeclaredTask[];
  readonly network: DeclaredNetwork;
}

/** `cdk.tf.json`, as far as this command reads it. */
interface TerraformJson {
  provider?: { aws?: { region?: unknown; alias?: unknown }[] };
  resource?: Record<string, Record<string, Record<string, any>>>;
  output?: Record<string, { value?: unknown }>;
}

/** The stacks in a cdktf output folder, by name. */
export function listStacks(outdir: string): string[] {
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) {
    throw new UsageError(`no synthesized stacks in ${outdir}: run \`npx cdktf synth\` first`);
  }
  return readdirSync(stacksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(stacksDir, entry.name, "cdk.tf.json")))
    .map((entry) => entry.name)
    .sort();
}

/** Reads one stack of a cdktf output folder; with no name, the only stack there. */
export function readStack(outdir: string, stackName?: string): DeclaredStack {
  const stacks = listStacks(outdir);
  if (stacks.length === 0) {
    throw new UsageError(`no synthesized stacks in ${join(outdir, "stacks")}: run \`npx cdktf synth\` first`);
  }
  let name = stackName;
  if (name === undefined) {
    if (stacks.length > 1) {
      throw new UsageError(`${outdir} holds ${stacks.length} stacks; name one: ${stacks.join(", ")}`);
    }
    name = stacks[0];
  } else if (!stacks.includes(name)) {
    throw new UsageError(`no stack "${name}" in ${outdir}; the stacks there: ${stacks.join(", ")}`);
  }
  const file = join(outdir, "stacks", name, "cdk.tf.json");
  let json: TerraformJson;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}. Run \`npx cdktf synth\` again`);
  }
  const stack = parseStack(name, file, json);
  if (stack.services.length === 0 && (stack.tasks ?? []).length === 0) {
    throw new UsageError(
      `stack "${name}" declares no ECS service (aws_ecs_service), scheduled task (aws_scheduler_schedule) or one-off task (an output ending in _run_task): nothing to report on`,
    );
  }
  return stack;
}

/** The declared services of a parsed `cdk.tf.json`. */
export function parseStack(name: string, file: string, json: TerraformJson): DeclaredStack {
  const resources = new Resources(json.resource ?? {});
  const providers = json.provider?.aws ?? [];
  const defaultProvider = providers.find((provider) => provider.alias === undefined) ?? providers[0];
  const region = literal(defaultProvider?.region);
  const services = resources.ofType("aws_ecs_service").map(([resourceName, body]) =>
    readService(resources, `aws_ecs_service.${resourceName}`, body),
  );
  return {
    name,
    file,
    region,
    services,
    tasks: [...readScheduledTasks(resources), ...readOneOffTasks(resources, json.output ?? {})],
    network: {
      createdByStack: resources.ofType("aws_vpc").length > 0,
      natGateways: resources.ofType("aws_nat_gateway").map(([resourceName]) => `aws_nat_gateway.${resourceName}`),
      vpcEndpoints: resources
        .ofType("aws_vpc_endpoint")
        .map(([, body]) => literal(body.service_name) ?? "")
        .filter(Boolean),
    },
  };
}

function readService(resources: Resources, address: string, body: Record<string, any>): DeclaredService {
  const name = literal(body.name) ?? address;
  const cluster = readCluster(resources, body.cluster);
  const taskDefinitionResource = resources.referenced(body.task_definition, "aws_ecs_task_definition");
  const loadBalancers = asArray(body.load_balancer).map((block) => readLoadBalancer(resources, block));
  return {
    resource: address,
    name,
    cluster: cluster.id,
    clusterName: cluster.name,
    desiredCount: numberOf(body.desired_count),
    healthCheckGracePeriodSeconds: numberOf(body.health_check_grace_period_seconds),
    circuitBreakerRollback: first(body.deployment_circuit_breaker)?.rollback === true,
    taskDefinition: taskDefinitionResource
      ? readTaskDefinition(resources, taskDefinitionResource.address, taskDefinitionResource.body)
      : literalTaskDefinition(body.task_definition),
    loadBalancer: loadBalancers[0],
    loadBalancers,
    serviceConnect: readServiceConnect(resources, first(body.service_connect_configuration)),
  };
}

/** Every schedule whose target's ecs_parameters run a task definition of the stack. */
function readScheduledTasks(resources: Resources): DeclaredTask[] {
  const tasks: DeclaredTask[] = [];
  for (const [resourceName, body] of resources.ofType("aws_scheduler_schedule")) {
    const target = first(body.target);
    const taskDefinition = resources.referenced(first(target?.ecs_parameters)?.task_definition_arn, "aws_ecs_task_definition");
    if (!target || !taskDefinition) continue;
    const address = `aws_scheduler_schedule.${resourceName}`;
    const cluster = readCluster(resources, target.arn);
    tasks.push({
      kind: "scheduled",
      resource: address,
      name: literal(body.name) ?? address,
      cluster: cluster.id,
      clusterName: cluster.name,
      taskDefinition: readTaskDefinition(resources, taskDefinition.address, taskDefinition.body),
      schedule: literal(body.schedule_expression),
      timeZone: literal(body.schedule_expression_timezone),
    });
  }
  return tasks;
}

/** Every output ending in `_run_task` whose value names a task definition of the stack (OneOffTask's). */
function readOneOffTasks(resources: Resources, outputs: Record<string, { value?: unknown }>): DeclaredTask[] {
  const tasks: DeclaredTask[] = [];
  for (const [outputName, output] of Object.entries(outputs)) {
    if (!outputName.endsWith("_run_task")) continue;
    const value = (output?.value ?? {}) as Record<string, any>;
    const taskDefinition = resources.referenced(value.task_definition, "aws_ecs_task_definition");
    if (!taskDefinition) continue;
    const cluster = readCluster(resources, value.cluster);
    tasks.push({
      kind: "one-off",
      resource: `output.${outputName}`,
      name: literal(value.name) ?? outputName.slice(0, -"_run_task".length),
      cluster: cluster.id,
      clusterName: cluster.name,
      taskDefinition: readTaskDefinition(resources, taskDefinition.address, taskDefinition.body),
    });
  }
  return tasks;
}

/** A task as the diagnosis of a stopped task sees a service: its cluster and task definition, no load balancer. */
export function asService(task: DeclaredTask): DeclaredService {
  return {
    resource: task.resource,
    name: task.name,
    cluster: task.cluster,
    clusterName: task.clusterName,
    circuitBreakerRollback: false,
    taskDefinition: task.taskDefinition,
    loadBalancers: [],
  };
}

function readServiceConnect(resources: Resources, body: Record<string, any> | undefined): DeclaredServiceConnect | undefined {
  if (!body || (body.enabled !== true && body.enabled !== "true")) return undefined;
  const referenced = resources.referenced(body.namespace, "aws_service_discovery_http_namespace") ?? resources.referenced(body.namespace, "aws_service_discovery_private_dns_namespace");
  return {
    namespace: referenced ? (literal(referenced.body.name) ?? referenced.address) : (literal(body.namespace) ?? "the cluster's default namespace"),
    namespaceResource: referenced?.address,
    endpoints: asArray(body.service).map((service: any) => {
      const alias = first(service?.client_alias);
      return {
        portName: String(service?.port_name ?? ""),
        discoveryName: literal(service?.discovery_name),
        dnsName: literal(alias?.dns_name),
        port: numberOf(alias?.port),
      };
    }),
  };
}

/** The cluster ECS calls take (name or ARN) and its name, from a literal ARN/name or a reference. */
function readCluster(resources: Resources, value: unknown): { id: string; name: string } {
  const referenced = resources.referenced(value, "aws_ecs_cluster");
  if (referenced) {
    const name = literal(referenced.body.name) ?? referenced.address;
    return { id: name, name };
  }
  const text = literal(value);
  if (!text) return { id: "default", name: "default" };
  const arn = /^arn:[^:]+:ecs:[^:]*:[^:]*:cluster\/(.+)$/.exec(text);
  return { id: text, name: arn ? arn[1] : text };
}

function literalTaskDefinition(value: unknown): DeclaredTaskDefinition | undefined {
  const text = literal(value);
  if (!text) return undefined;
  const family = /task-definition\/([^:]+)/.exec(text)?.[1] ?? text.split(":")[0];
  return { family, cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX", containers: [] };
}

function readTaskDefinition(resources: Resources, address: string, body: Record<string, any>): DeclaredTaskDefinition {
  const platform = first(body.runtime_platform) ?? {};
  return {
    resource: address,
    family: literal(body.family) ?? address,
    cpu: numberOf(body.cpu),
    memory: numberOf(body.memory),
    cpuArchitecture: literal(platform.cpu_architecture) ?? "X86_64",
    operatingSystemFamily: literal(platform.operating_system_family) ?? "LINUX",
    executionRole: readRole(resources, body.execution_role_arn),
    taskRole: readRole(resources, body.task_role_arn),
    containers: readContainers(resources, body.container_definitions),
  };
}

function readRole(resources: Resources, value: unknown): DeclaredRole | undefined {
  const referenced = resources.referenced(value, "aws_iam_role");
  let role: Omit<DeclaredRole, "grants" | "policyResources">;
  if (referenced) {
    role = { name: literal(referenced.body.name) ?? referenced.address, resource: referenced.address, createdByStack: true };
  } else {
    const arn = literal(value);
    if (!arn) return undefined;
    role = { name: /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] ?? arn, arn, createdByStack: false };
  }
  const grants: PolicyGrant[] = [];
  const policyResources: string[] = [];
  for (const [policyName, policy] of resources.ofType("aws_iam_role_policy")) {
    const target = policy.role;
    const forThisRole =
      (role.resource !== undefined && resources.referenced(target, "aws_iam_role")?.address === role.resource) ||
      literal(target) === role.name;
    if (!forThisRole) continue;
    policyResources.push(`aws_iam_role_policy.${policyName}`);
    grants.push(...readPolicy(resources, policy.policy));
  }
  return { ...role, grants, policyResources };
}

function readPolicy(resources: Resources, value: unknown): PolicyGrant[] {
  let document: any;
  try {
    document = typeof value === "string" && value.startsWith("${jsonencode(") ? decodeJsonencode(value) : JSON.parse(String(value));
  } catch {
    return [];
  }
  const statements: any[] = asArray(document?.Statement);
  return statements
    .filter((statement) => statement?.Effect === "Allow")
    .map((statement) => ({
      actions: asArray(statement.Action).map(String),
      resources: asArray(statement.Resource).map((resource) => resources.describe(resource)),
    }));
}

function readContainers(resources: Resources, value: unknown): DeclaredContainer[] {
  let definitions: unknown;
  try {
    definitions = typeof value === "string" && value.startsWith("${jsonencode(") ? decodeJsonencode(value) : JSON.parse(String(value));
  } catch {
    return [];
  }
  return asArray(definitions).map((definition: any) => {
    const options = definition?.logConfiguration?.logDriver === "awslogs" ? definition.logConfiguration.options ?? {} : {};
    return {
      name: String(definition?.name ?? ""),
      image: String(definition?.image ?? ""),
      essential: definition?.essential !== false,
      ports: asArray(definition?.portMappings)
        .map((mapping: any) => Number(mapping?.containerPort))
        .filter((port: number) => Number.isFinite(port)),
      secrets: asArray(definition?.secrets).map((secret: any) => readSecret(resources, secret)),
      logGroup: options["awslogs-group"] === undefined ? undefined : resources.nameOf(options["awslogs-group"]),
      logStreamPrefix: literal(options["awslogs-stream-prefix"]),
      logRegion: literal(options["awslogs-region"]),
    };
  });
}

function readSecret(resources: Resources, secret: any): DeclaredSecret {
  const variable = String(secret?.name ?? "");
  const referenced = resources.referenced(secret?.valueFrom, "aws_ssm_parameter");
  if (referenced) {
    return {
      variable,
      parameterName: literal(referenced.body.name) ?? referenced.address,
      resource: referenced.address,
      kmsKeyArn: literal(referenced.body.key_id),
    };
  }
  const arn = String(secret?.valueFrom ?? "");
  return { variable, parameterName: parameterNameOf(arn), parameterArn: arn };
}

function readLoadBalancer(resources: Resources, body: Record<string, any>): DeclaredLoadBalancer {
  const targetGroup = resources.referenced(body.target_group_arn, "aws_lb_target_group");
  const check = targetGroup && first(targetGroup.body.health_check);
  return {
    listenerRules: targetGroup ? readListenerRules(resources, targetGroup.address) : [],
    containerName: literal(body.container_name),
    containerPort: numberOf(body.container_port),
    targetGroupResource: targetGroup?.address,
    targetGroupName: targetGroup && literal(targetGroup.body.name),
    healthCheck: check && {
      path: literal(check.path) ?? "/",
      port: String(check.port ?? "traffic-port"),
      matcher: literal(check.matcher) ?? "200",
      intervalSeconds: numberOf(check.interval),
      healthyThreshold: numberOf(check.healthy_threshold),
      unhealthyThreshold: numberOf(check.unhealthy_threshold),
    },
  };
}

/** The listener rules that forward to a target group of the stack, lowest priority first. */
function readListenerRules(resources: Resources, targetGroup: string): DeclaredListenerRule[] {
  const rules: DeclaredListenerRule[] = [];
  for (const [name, rule] of resources.ofType("aws_lb_listener_rule")) {
    const forwards = asArray(rule.action).some(
      (action: any) =>
        resources.referenced(action?.target_group_arn, "aws_lb_target_group")?.address === targetGroup ||
        asArray(first(action?.forward)?.target_group).some((group: any) => resources.referenced(group?.arn, "aws_lb_target_group")?.address === targetGroup),
    );
    if (!forwards) continue;
    const values = (key: string) =>
      asArray(rule.condition).flatMap((condition: any) => asArray(first(condition?.[key])?.values).map((value) => literal(value) ?? String(value)));
    rules.push({ resource: `aws_lb_listener_rule.${name}`, priority: numberOf(rule.priority), hosts: values("host_header"), paths: values("path_pattern") });
  }
  return rules.sort((a, b) => (a.priority ?? Infinity) - (b.priority ?? Infinity));
}

/** `arn:aws:ssm:eu-west-1:123456789012:parameter/shared/DB` → `/shared/DB`, as SecretParameter.fromArn names it. */
export function parameterNameOf(arnOrName: string): string {
  return arnOrName.replace(/^arn:[^:]+:ssm:[^:]*:[^:]*:parameter/, "");
}

/** The resources of a stack, and the references between them. */
class Resources {
  constructor(private readonly all: Record<string, Record<string, Record<string, any>>>) {}

  ofType(type: string): [string, Record<string, any>][] {
    return Object.entries(this.all[type] ?? {});
  }

  /** The resource a `${<type>.<name>.<attribute>}` value points at, when it is of `type`. */
  referenced(value: unknown, type: string): { address: string; body: Record<string, any> } | undefined {
    const reference = parseReference(value);
    if (!reference || reference.type !== type) return undefined;
    const body = this.all[type]?.[reference.name];
    return body ? { address: `${type}.${reference.name}`, body } : undefined;
  }

  /** A literal, or the `name` of the resource a reference points at (a log group's name, say). */
  nameOf(value: unknown): string {
    const reference = parseReference(value);
    if (reference) {
      const body = this.all[reference.type]?.[reference.name];
      return literal(body?.name) ?? String(value);
    }
    return String(value);
  }

  /** A policy resource as a reader sees it: a parameter of this stack by its name, else as written. */
  describe(value: unknown): string {
    const reference = parseReference(value);
    if (reference?.type === "aws_ssm_parameter") {
      const name = literal(this.all.aws_ssm_parameter?.[reference.name]?.name);
      if (name) return `parameter ${name}`;
    }
    return String(value);
  }
}

/** A value that is a literal string or number (no Terraform expression), as a string. */
function literal(value: unknown): string | undefined {
  if (typeof value === "number") return String(value);
  if (typeof value !== "string" || value.includes("${")) return undefined;
  return value;
}

function numberOf(value: unknown): number | undefined {
  const text = literal(value);
  const number = text === undefined ? NaN : Number(text);
  return Number.isFinite(number) ? number : undefined;
}

/** cdktf writes a nested block as an object or a one-element list. */
function first(value: unknown): Record<string, any> | undefined {
  if (Array.isArray(value)) return value[0];
  return value && typeof value === "object" ? (value as Record<string, any>) : undefined;
}

function asArray(value: unknown): any[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Where a container of a task logs: `<awslogs-stream-prefix>/<container>/<task id>` in its awslogs group
 * (this project's stream prefix is the container name); undefined for a container without awslogs.
 */
export function logStreamOf(
  service: DeclaredService,
  containerName: string,
  taskId: string,
): { group: string; stream: string } | undefined {
  const container = service.taskDefinition?.containers.find((candidate) => candidate.name === containerName);
  if (!container?.logGroup || !taskId) return undefined;
  const stream = container.logStreamPrefix ? `${container.logStreamPrefix}/${containerName}/${taskId}` : taskId;
  return { group: container.logGroup, stream };
}
