import { Annotations, TerraformOutput } from "cdktf";
import { Environment } from "../environment/environment";
import { reportInvalid } from "../checks/validation";
import { CapacityProviders } from "./capacity";
import { FargateService, LoadBalancerTarget } from "./fargate-service";
import { AutoScalingOptions, ServiceAutoScaling } from "./service-auto-scaling";
import { WORKLOAD_PROP_KEYS, WorkloadBase, WorkloadProps } from "./workload-base";

/** What every kind of long-running service takes, beside its container: its count, capacity and deployment. */
export interface ServiceProps extends WorkloadProps {
  /**
   * Port the container listens on for HTTP.
   * @default 80
   */
  readonly port?: number;
  /**
   * Tasks to keep running; with `autoScaling`, the count the first deployment starts with.
   * @default 2, or autoScaling.minTasks
   */
  readonly desiredCount?: number;
  /**
   * Scale the task count between a minimum and a maximum on CPU, memory, requests or queue backlog, and on a
   * schedule. Terraform then leaves the count to the scaler.
   * @default a fixed `desiredCount`
   */
  readonly autoScaling?: AutoScalingOptions;
  /**
   * FARGATE and FARGATE_SPOT shares of the tasks, e.g. `{ fargate: { base: 1, weight: 1 }, fargateSpot: { weight: 3 } }`.
   * @default on-demand Fargate only (launch type FARGATE)
   */
  readonly capacity?: CapacityProviders;
  /**
   * ECS Exec: `aws ecs execute-command` opens a shell in the tasks. The task role is granted the SSM
   * channels it needs; every session is logged by CloudTrail. Its agent writes in the container, so it
   * needs `readonlyRootFilesystem: false`.
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
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

/** Every prop of `ServiceProps`, for JavaScript apps' unknown-prop check. */
export const SERVICE_PROP_KEYS: Record<keyof ServiceProps, true> = {
  ...WORKLOAD_PROP_KEYS,
  port: true, desiredCount: true, autoScaling: true, capacity: true, enableExecuteCommand: true,
  waitForSteadyState: true, deploymentTimeoutMinutes: true, calls: true,
};

/** ECS's container port range: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html */
const MAX_PORT = 65535;

/**
 * What every kind of long-running service has beside its workload: the ECS service that keeps its tasks
 * running, on the capacity it asks for, scaled as it asks. The kinds add how the service is reached.
 */
export abstract class ServiceBase extends WorkloadBase {
  /** The port the main container listens on, when it listens. */
  public readonly port: number;
  /** Set by the kind's constructor, once it knows how the service is reached. */
  public service!: FargateService;
  public autoScaling?: ServiceAutoScaling;
  private readonly props: ServiceProps;

  constructor(environment: Environment, id: string, props: ServiceProps, listens = true) {
    const port = props.port ?? 80;
    super(environment, id, props, listens || props.port !== undefined ? port : undefined);
    this.props = props;
    this.port = port;
    if (!(Number.isInteger(port) && port >= 1 && port <= MAX_PORT)) {
      reportInvalid(this, { field: "port", value: port, allowed: `a port from 1 to ${MAX_PORT}`, fix: "use the port the container listens on, e.g. 8080" });
    }
    if (props.enableExecuteCommand) {
      // These Session Manager channels have no resource-level permissions: IAM only accepts "*" for them.
      this.taskDefinition.taskRole.addToPolicy({
        sid: "ExecuteCommand",
        actions: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
        resources: ["*"],
      });
      // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html, "Considerations".
      if (this.readonlyRootFilesystem) {
        Annotations.of(this).addWarning(
          "enableExecuteCommand is true and the main container's root file system is read-only: ECS Exec's agent " +
            "writes its files in the container, and AWS does not support it on a read-only root file system, so " +
            "sessions would fail. Fix: set readonlyRootFilesystem: false while you need ECS Exec",
        );
      }
    }
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
    /** What `autoScaling.requestsPerTarget` and `messagesPerTask` count on. */
    scaling?: { requestCountResourceLabel?: string; queueName?: string };
  }): FargateService {
    const environment = this.environment;
    const props = this.props;
    const calls = props.calls ?? [];
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
      taskEgress: environment.taskEgress,
      target: options.target,
      desiredCount: props.desiredCount ?? props.autoScaling?.minTasks,
      autoScaled: props.autoScaling !== undefined,
      capacity: props.capacity,
      enableExecuteCommand: props.enableExecuteCommand,
      waitForSteadyState: props.waitForSteadyState,
      deploymentTimeoutMinutes: props.deploymentTimeoutMinutes,
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
    this.admitToFileSystems(this.service.securityGroup.id);
    if (props.autoScaling) {
      this.autoScaling = new ServiceAutoScaling(this, "auto_scaling", {
        ...props.autoScaling,
        ...options.scaling,
        name: this.resourceName,
        clusterName: environment.cluster.clusterName,
        serviceName: this.service.serviceName,
      });
    }

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
