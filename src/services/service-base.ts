import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { Environment, RESOURCE_NAME } from "../environment/environment";
import { ContainerDefinition } from "../task/container-definition";
import { TaskExecutionRole } from "../task/execution-role";
import { LogGroup } from "../task/log-group";
import { ISecret, SecretParameter, SecretParameterProps } from "../task/secret-parameter";
import { CpuArchitecture, FargateTaskDefinition } from "../task/task-definition";
import { reportInvalid } from "../checks/validation";
import { FargateService, LoadBalancerTarget } from "./fargate-service";

/** A secret to create: an SSM parameter whose value is given through `TF_VAR_<variableName>`. */
export type NewSecretOptions = Partial<SecretParameterProps>;

/** What every kind of service takes: its container, its task's size and roles, its deployment. */
export interface ServiceProps {
  /**
   * The service's name in the environment: its Service Connect name, and the end of its resources' names.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Name of the service's AWS resources: ECS service, task family, roles, log group, target group, alarms,
   * parameters. Set it to keep the names of resources an earlier declaration created.
   * @default "<environment name>-<name>"
   */
  readonly resourceName?: string;
  /** Container image, e.g. `public.ecr.aws/nginx/nginx:1.27`. */
  readonly image: string;
  /**
   * Port the container listens on for HTTP.
   * @default 80
   */
  readonly port?: number;
  /**
   * Plain environment variables of the container.
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /**
   * Secret environment variables of the container: `{}` (or options) creates an SSM SecureString
   * `/<resourceName>/<VARIABLE>` whose value comes from `TF_VAR_<variable in snake case>`; an existing
   * parameter (`SecretParameter.fromArn`, `fromName`) is read as it is. Either way the execution role
   * is granted reading exactly that parameter.
   * @default {}
   */
  readonly secrets?: Record<string, NewSecretOptions | ISecret>;
  /**
   * Environment variables whose names look secret (`…PASSWORD…`, `…TOKEN…`) but whose values are not,
   * such as `PASSWORD_MIN_LENGTH`. Any other such name with a plain value stops synth.
   * @default []
   */
  readonly notSecret?: string[];
  /**
   * Task CPU units (1024 = 1 vCPU); with `memory`, one of Fargate's task sizes.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB.
   * @default 512
   */
  readonly memory?: number;
  /**
   * CPU architecture of the image.
   * @default "X86_64"
   */
  readonly cpuArchitecture?: CpuArchitecture;
  /**
   * An existing task execution role, by ARN. This project grants it nothing on its own: grant it each
   * secret with `service.taskDefinition.executionRole.grantSecretRead(service.secrets.NAME)`, or synth
   * refuses the secrets it cannot read.
   * @default a new role that is granted exactly what the container references
   */
  readonly executionRoleArn?: string;
  /**
   * Tasks to keep running.
   * @default 2
   */
  readonly desiredCount?: number;
  /**
   * Days to keep the container logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Make `terraform apply` wait for each deployment, and fail when ECS rolled it back.
   * @default true
   */
  readonly waitForSteadyState?: boolean;
  /**
   * Minutes `terraform apply` waits for a deployment.
   * @default 20
   */
  readonly deploymentTimeoutMinutes?: number;
  /**
   * Backend services this one calls through Service Connect (at `http://<name>:<port>`): each admits this
   * service's tasks on its port, and nothing else does.
   * @default none
   */
  readonly calls?: BackendServiceRef[];
}

/** What a caller needs of a backend service; `BackendService` is one. */
export interface BackendServiceRef {
  readonly environment: Environment;
  readonly name: string;
  readonly port: number;
  readonly service: FargateService;
}

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
/** ECS's container port range: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html */
const MAX_PORT = 65535;

/**
 * What every kind of service of an environment has: a log group, its secrets, a task definition with one
 * container (and its roles), and the ECS service that runs it. The kinds add how the service is reached.
 */
export abstract class ServiceBase extends Construct {
  public readonly environment: Environment;
  /** The service's name in the environment. */
  public readonly name: string;
  /** The name of its AWS resources. */
  public readonly resourceName: string;
  public readonly port: number;
  public readonly logGroup: LogGroup;
  public readonly secrets: Record<string, ISecret>;
  public readonly taskDefinition: FargateTaskDefinition;
  public readonly container: ContainerDefinition;
  /** Set by the kind's constructor, once it knows how the service is reached. */
  public service!: FargateService;
  private readonly props: ServiceProps;

  constructor(environment: Environment, id: string, props: ServiceProps) {
    super(environment, id);
    this.props = props;
    this.environment = environment;
    const name = props.name ?? id;
    if (!SERVICE_NAME.test(name)) {
      reportInvalid(this, {
        field: "name",
        value: name,
        allowed: "2 to 32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen",
        fix: "choose a short name such as \"web\" or \"orders-api\"",
      });
    }
    // An invalid name is reported once, here; what is derived from it gets a valid stand-in.
    this.name = SERVICE_NAME.test(name) ? name : "invalid-name";
    const resourceName = props.resourceName ?? `${environment.name}-${this.name}`;
    if (!RESOURCE_NAME.test(resourceName)) {
      reportInvalid(this, {
        field: props.resourceName ? "resourceName" : "name",
        value: resourceName,
        allowed: "resource names are 2 to 32 lowercase letters, digits and hyphens (<environment>-<service> by default)",
        fix: "shorten the service's or the environment's name",
      });
    }
    this.resourceName = RESOURCE_NAME.test(resourceName) ? resourceName : "invalid-name";
    this.port = props.port ?? 80;
    if (!(Number.isInteger(this.port) && this.port >= 1 && this.port <= MAX_PORT)) {
      reportInvalid(this, { field: "port", value: this.port, allowed: `a port from 1 to ${MAX_PORT}`, fix: "use the port the container listens on, e.g. 8080" });
    }

    this.logGroup = new LogGroup(this, "logs", { name: `/ecs/${this.resourceName}`, retentionDays: props.logRetentionDays });
    this.secrets = Object.fromEntries(
      Object.entries(props.secrets ?? {}).map(([variable, secret]) => [
        variable,
        isNewSecret(secret)
          ? new SecretParameter(this, `secret_${variable}`, { parameterName: `/${this.resourceName}/${variable}`, ...secret })
          : secret,
      ]),
    );
    this.taskDefinition = new FargateTaskDefinition(this, "task", {
      family: this.resourceName,
      cpu: props.cpu,
      memory: props.memory,
      cpuArchitecture: props.cpuArchitecture,
      executionRole:
        props.executionRoleArn === undefined
          ? undefined
          : new TaskExecutionRole(this, "execution_role", { roleArn: props.executionRoleArn }),
    });
    this.container = this.taskDefinition.addContainer("container", {
      name: this.resourceName,
      image: props.image,
      portMappings: [{ containerPort: this.port, protocol: "tcp", name: "http", appProtocol: "http" }],
      environment: props.environment,
      secrets: this.secrets,
      notSecret: props.notSecret,
      logGroup: this.logGroup,
      linuxParameters: { initProcessEnabled: true },
    });
  }

  /**
   * Creates the ECS service, reached through `target` and/or published in Service Connect; it joins Service
   * Connect as a client when it calls backends.
   */
  protected runService(options: {
    target?: LoadBalancerTarget;
    publish?: boolean;
    healthCheckGracePeriodSeconds?: number;
    deploymentAlarmNames?: string[];
  }): FargateService {
    const environment = this.environment;
    const calls = this.props.calls ?? [];
    for (const backend of calls) {
      if (backend.environment !== environment) {
        reportInvalid(this, {
          field: "calls",
          value: backend.name,
          allowed: `Service Connect reaches services of the same environment, and it is in ${backend.environment.name}, this service in ${environment.name}`,
          fix: "declare the backend in this service's environment",
        });
      }
    }
    const inServiceConnect = options.publish || calls.length > 0;
    this.service = new FargateService(this, "service", {
      name: this.resourceName,
      cluster: environment.cluster,
      taskDefinition: this.taskDefinition,
      network: environment.network,
      target: options.target,
      desiredCount: this.props.desiredCount,
      waitForSteadyState: this.props.waitForSteadyState,
      deploymentTimeoutMinutes: this.props.deploymentTimeoutMinutes,
      healthCheckGracePeriodSeconds: options.healthCheckGracePeriodSeconds,
      deploymentAlarmNames: options.deploymentAlarmNames,
      stoppedTaskEvents: environment.stoppedTaskEvents,
      serviceConnect: inServiceConnect
        ? {
            namespaceArn: environment.serviceConnectNamespaceArn,
            server: options.publish ? { portName: "http", discoveryName: this.name, port: this.port } : undefined,
          }
        : undefined,
    });
    for (const backend of calls) backend.service.admitCaller(this, `calls_${backend.name}`, this.service, backend.port);

    const output = (outputId: string, description: string, value: unknown) => new TerraformOutput(this, outputId, { description, value });
    output("service_name", "ECS service running the app", this.service.serviceName);
    output("log_group_name", "CloudWatch log group of the containers", this.logGroup.name);
    output(
      "secret_parameter_names",
      "SSM parameters read as secret environment variables",
      Object.fromEntries(Object.entries(this.secrets).map(([variable, secret]) => [variable, secret.parameterName])),
    );
    return this.service;
  }
}

/** Options for a parameter to create, as opposed to an existing one (or a literal, which the container refuses). */
function isNewSecret(secret: NewSecretOptions | ISecret): secret is NewSecretOptions {
  return typeof secret === "object" && secret !== null && !("parameterArn" in secret);
}
