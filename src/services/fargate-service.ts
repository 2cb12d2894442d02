import { Construct } from "constructs";
import { ITerraformDependable, Lazy, Op, ref } from "cdktf";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Cluster, ICluster } from "../environment/cluster";
import { INetwork, taskPlacement } from "../environment/network";
import { LoadBalancer } from "../environment/load-balancer";
import { FargateTaskDefinition } from "../task/task-definition";
import { TaskEgress, taskSecurityGroup } from "../task/task-security-group";
import { MAIN_RESOURCE_ID } from "../app/naming";
import { reportInvalid } from "../checks/validation";
import { StoppedTaskEvents } from "../environment/stopped-task-events";
import { TargetGroup } from "./target-group";
import { CapacityProviders, capacityProviderStrategy } from "./capacity";

/** Where a load-balanced service's tasks get their traffic from. */
export interface LoadBalancerTarget {
  readonly loadBalancer: LoadBalancer;
  readonly targetGroup: TargetGroup;
  /** What attaches the target group to the load balancer (its listener rules): ECS refuses a detached one. */
  readonly attachedBy: ITerraformDependable[];
}

/** The service's part in ECS Service Connect. */
export interface ServiceConnectOptions {
  /** ARN of the environment's Cloud Map namespace. */
  readonly namespaceArn: string;
  /**
   * Publish the service in the namespace, for the services that call it.
   * @default only a client: it reaches the services it calls
   */
  readonly server?: {
    /** Name of the container port mapping that serves (`http`). */
    readonly portName: string;
    /** Its name in the namespace, and the host name callers use. */
    readonly discoveryName: string;
    /** The port callers use. */
    readonly port: number;
  };
}

export interface FargateServiceProps {
  /** Service name, unique in the cluster. */
  readonly name: string;
  readonly cluster: ICluster;
  readonly taskDefinition: FargateTaskDefinition;
  /** Tasks run in the network's task subnets (its private ones unless it says otherwise), with a public IP only if it says so. */
  readonly network: INetwork;
  /**
   * What the tasks may call: all outbound traffic, or HTTPS and DNS only (and the backends they call).
   * @default "all"
   */
  readonly taskEgress?: TaskEgress;
  /**
   * Target group, behind the shared load balancer, that the task definition's first container joins.
   * @default none
   */
  readonly target?: LoadBalancerTarget;
  /**
   * ECS Service Connect: publish the service and/or reach the services it calls.
   * @default not in Service Connect
   */
  readonly serviceConnect?: ServiceConnectOptions;
  /**
   * Tasks to keep running; two spread over zones survive the loss of one.
   * @default 2
   */
  readonly desiredCount?: number;
  /**
   * The task count is Application Auto Scaling's: Terraform sets `desiredCount` on creation only.
   * @default false
   */
  readonly autoScaled?: boolean;
  /**
   * FARGATE and FARGATE_SPOT shares of the tasks.
   * @default on-demand Fargate only (launch type FARGATE)
   */
  readonly capacity?: CapacityProviders;
  /**
   * ECS Exec into the tasks (the task role needs the SSM channels).
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
  /**
   * During a deployment, the share of `desiredCount` that must stay running and healthy.
   * @default 100
   */
  readonly minimumHealthyPercent?: number;
  /**
   * During a deployment, how far above `desiredCount` the task count may go.
   * @default 200
   */
  readonly maximumPercent?: number;
  /**
   * Seconds after a task starts during which failed load balancer health checks are ignored.
   * @default 30
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Make `terraform apply` wait until the deployment has finished, and fail when ECS rolled it back
   * (the circuit breaker's rollback otherwise leaves apply green while the old task definition runs).
   * @default true
   */
  readonly waitForSteadyState?: boolean;
  /**
   * Minutes `terraform apply` waits for the deployment before it fails.
   * @default 20
   */
  readonly deploymentTimeoutMinutes?: number;
  /**
   * CloudWatch alarms that fail, and roll back, a deployment when they go off during it.
   * @default none: only the circuit breaker (tasks that never become healthy) rolls back
   */
  readonly deploymentAlarmNames?: string[];
  /**
   * The environment's record of stopped tasks, which then watches this service's tasks too.
   * @default none
   */
  readonly stoppedTaskEvents?: StoppedTaskEvents;
}

/** ECS service quotas: tasks per service, and the deployment and grace-period limits of its API. */
const MAX_DESIRED_COUNT = 5000;
const MAX_PERCENT = 2000;
const MAX_GRACE_PERIOD_SECONDS = 2147483647;

/**
 * The ECS service that keeps the tasks running: Fargate, private subnets, no public IP, a security group
 * that admits only the load balancer on the container port (and the services that call it, added by
 * them), and a rolling deployment that rolls back when new tasks never become healthy.
 */
export class FargateService extends Construct {
  public readonly service: EcsService;
  public readonly securityGroup: SecurityGroup;
  public readonly serviceName: string;
  /** The service's name, known at synth. */
  public readonly name: string;
  public readonly taskEgress: TaskEgress;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    this.name = props.name;
    this.taskEgress = props.taskEgress ?? "all";
    this.securityGroup = taskSecurityGroup(this, props.name, props.network, this.taskEgress);

    this.validateDeployment(props);
    props.stoppedTaskEvents?.watchService(props.name);
    const waitForSteadyState = props.waitForSteadyState ?? true;
    const timeout = `${props.deploymentTimeoutMinutes ?? 20}m`;
    const target = props.target;
    if (target) {
      this.admitLoadBalancer(target, props.name);
      this.node.addValidation({ validate: () => targetChainErrors(props.taskDefinition, target.targetGroup.port) });
    }
    const serviceConnect = props.serviceConnect;

    this.service = new EcsService(this, MAIN_RESOURCE_ID, {
      name: props.name,
      cluster: props.cluster.clusterArn,
      taskDefinition: props.taskDefinition.taskDefinition.arn,
      launchType: props.capacity ? undefined : "FARGATE",
      capacityProviderStrategy: props.capacity && capacityProviderStrategy(this, props.capacity),
      platformVersion: "LATEST",
      enableExecuteCommand: props.enableExecuteCommand,
      desiredCount: props.desiredCount ?? 2,
      deploymentMinimumHealthyPercent: props.minimumHealthyPercent ?? 100,
      deploymentMaximumPercent: props.maximumPercent ?? 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      alarms: props.deploymentAlarmNames?.length
        ? { alarmNames: props.deploymentAlarmNames, enable: true, rollback: true }
        : undefined,
      waitForSteadyState,
      timeouts: waitForSteadyState ? { create: timeout, update: timeout } : undefined,
      lifecycle:
        waitForSteadyState || props.autoScaled
          ? {
              postcondition: waitForSteadyState
                ? [rolledBackCheck(props.taskDefinition, props.name, props.stoppedTaskEvents?.logGroupName)]
                : undefined,
              // The scaler moves the count; an apply must not set it back.
              ignoreChanges: props.autoScaled ? ["desired_count"] : undefined,
            }
          : undefined,
      networkConfiguration: {
        subnets: taskPlacement(props.network).subnets,
        securityGroups: [this.securityGroup.id],
        assignPublicIp: taskPlacement(props.network).assignPublicIp,
      },
      loadBalancer: target && [
        {
          targetGroupArn: target.targetGroup.arn,
          // Containers may be added after the service; the target is the first one at synth.
          containerName: Lazy.stringValue({ produce: () => props.taskDefinition.defaultContainer?.containerName }),
          containerPort: target.targetGroup.port,
        },
      ],
      healthCheckGracePeriodSeconds: target && (props.healthCheckGracePeriodSeconds ?? 30),
      serviceConnectConfiguration: serviceConnect && {
        enabled: true,
        namespace: serviceConnect.namespaceArn,
        service: serviceConnect.server && [
          {
            portName: serviceConnect.server.portName,
            discoveryName: serviceConnect.server.discoveryName,
            clientAlias: { dnsName: serviceConnect.server.discoveryName, port: serviceConnect.server.port },
          },
        ],
      },
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      // A target group joins a load balancer through a listener rule, and a strategy names capacity providers
      // the cluster must have: ECS refuses either before they are attached.
      dependsOn: this.dependencies(props),
    });
    this.serviceName = this.service.name;
  }

  private validateDeployment(props: FargateServiceProps): void {
    const integerIn = (field: string, value: number | undefined, min: number, max: number, fix: string) => {
      if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
        reportInvalid(this, { field, value, allowed: `a whole number from ${min} to ${max}`, fix });
      }
    };
    integerIn("desiredCount", props.desiredCount, 0, MAX_DESIRED_COUNT, "2 or more keep the app up when a zone or a task fails");
    integerIn("minimumHealthyPercent", props.minimumHealthyPercent, 0, 100, "100 keeps full capacity during deployments");
    integerIn("maximumPercent", props.maximumPercent, 100, MAX_PERCENT, "200 lets a deployment start a full new set of tasks first");
    integerIn("deploymentTimeoutMinutes", props.deploymentTimeoutMinutes, 1, 180, "20 minutes covers most deployments");
    integerIn(
      "healthCheckGracePeriodSeconds",
      props.healthCheckGracePeriodSeconds,
      0,
      MAX_GRACE_PERIOD_SECONDS,
      "give it a little longer than the app takes to start answering its health check",
    );
    const minimum = props.minimumHealthyPercent ?? 100;
    const maximum = props.maximumPercent ?? 200;
    if (maximum <= minimum) {
      reportInvalid(this, {
        field: "maximumPercent",
        value: maximum,
        allowed: `a deployment replaces tasks only when maximumPercent is above minimumHealthyPercent (${minimum})`,
        fix: "keep the defaults 100 and 200, or lower minimumHealthyPercent",
      });
    }
  }

  private dependencies(props: FargateServiceProps): ITerraformDependable[] | undefined {
    const dependencies = [
      ...(props.target?.attachedBy ?? []),
      ...(props.capacity && props.cluster instanceof Cluster ? [props.cluster.capacityProviders] : []),
    ];
    return dependencies.length ? dependencies : undefined;
  }

  /**
   * Lets `caller`'s tasks reach this service's on `port` (a Service Connect call); the rules go in `scope`.
   * A caller whose outbound traffic is limited to HTTPS and DNS also gets the outbound rule.
   */
  admitCaller(scope: Construct, id: string, caller: FargateService, port: number): void {
    new VpcSecurityGroupIngressRule(scope, id, {
      securityGroupId: this.securityGroup.id,
      description: `Port ${port} from the ${caller.name} tasks (Service Connect)`,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: caller.securityGroup.id,
    });
    if (caller.taskEgress === "all") return;
    new VpcSecurityGroupEgressRule(scope, `${id}_egress`, {
      securityGroupId: caller.securityGroup.id,
      description: `Port ${port} to the ${this.name} tasks (Service Connect)`,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: this.securityGroup.id,
    });
  }

  /** Lets the load balancer reach the tasks on their target port, and nothing else in. */
  private admitLoadBalancer({ loadBalancer, targetGroup }: LoadBalancerTarget, name: string): void {
    const port = targetGroup.port;
    new VpcSecurityGroupIngressRule(this, "ingress_from_load_balancer", {
      securityGroupId: this.securityGroup.id,
      description: `Port ${port} from the load balancer`,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: loadBalancer.securityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, "load_balancer_egress", {
      securityGroupId: loadBalancer.securityGroup.id,
      description: `Port ${port} to the ${name} tasks`,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: this.securityGroup.id,
    });
  }
}

/** The target group's port, the security group rule and the container's port must be one. */
function targetChainErrors(taskDefinition: FargateTaskDefinition, targetPort: number): string[] {
  const container = taskDefinition.defaultContainer;
  if (!container) return []; // the task definition reports a task with no container
  const ports = container.portMappings.map((mapping) => mapping.containerPort);
  if (ports.includes(targetPort)) return [];
  return [
    `taskDefinition: the load balancer sends traffic to port ${targetPort}, but container ` +
      `"${container.containerName}" maps ${ports.length ? `port ${ports.join(", ")}` : "no port"}. ` +
      `Fix: add { containerPort: ${targetPort} } to its portMappings, or set the target group's port to the port it listens on`,
  ];
}

/**
 * After apply, the service must run the task definition this apply registered. When the circuit breaker
 * rolled the deployment back, ECS is on the previous one: fail loudly instead of reporting success. On a
 * first deployment there is nothing to roll back to, and the two are the same.
 */
function rolledBackCheck(taskDefinition: FargateTaskDefinition, serviceName: string, stoppedTasksLogGroup?: string) {
  const where = stoppedTasksLogGroup
    ? `the stopped tasks' reasons in the log group ${stoppedTasksLogGroup}, or the service's events in the ECS console`
    : "the service's events and stopped tasks in the ECS console";
  return {
    condition: Op.eq(ref("self.task_definition"), taskDefinition.taskDefinition.arn),
    errorMessage:
      `The deployment of service ${serviceName} was rolled back: ECS is running \${self.task_definition}, not the task ` +
      `definition this apply registered, because the new tasks never became healthy (deployment circuit breaker) ` +
      `or a deployment alarm went off. Run \`npm run status\` for the reasons and the fix, or read ${where}.`,
  };
}
