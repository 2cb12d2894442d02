import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { ICluster } from "./cluster";
import { INetwork } from "./network";
import { LoadBalancer } from "./load-balancer";
import { FargateTaskDefinition } from "./task-definition";
import { MAIN_RESOURCE_ID } from "./naming";
import { reportInvalid } from "./validation";

export interface FargateServiceProps {
  /** Service name, unique in the cluster. */
  readonly name: string;
  readonly cluster: ICluster;
  readonly taskDefinition: FargateTaskDefinition;
  /** Tasks run in the network's private subnets, with no public IP. */
  readonly network: INetwork;
  /**
   * Load balancer whose target group the task definition's first container joins, on its first port.
   * @default none
   */
  readonly loadBalancer?: LoadBalancer;
  /**
   * Tasks to keep running; two spread over zones survive the loss of one.
   * @default 2
   */
  readonly desiredCount?: number;
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
}

/**
 * The ECS service that keeps the tasks running: Fargate, private subnets, no public IP, a security group
 * that admits only the load balancer on the container port, and a rolling deployment that rolls back
 * when new tasks never become healthy.
 */
/** ECS service quotas: tasks per service, and the deployment and grace-period limits of its API. */
const MAX_DESIRED_COUNT = 5000;
const MAX_PERCENT = 2000;
const MAX_GRACE_PERIOD_SECONDS = 2147483647;

export class FargateService extends Construct {
  public readonly service: EcsService;
  public readonly securityGroup: SecurityGroup;
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, "security_group", {
      name: `${props.name}-tasks`,
      description: `Tasks of ${props.name}`,
      vpcId: props.network.vpcId,
      tags: { Name: `${props.name}-tasks` },
    });
    // Outbound is open: tasks pull images and read secrets over the NAT, and apps call their own backends.
    new VpcSecurityGroupEgressRule(this, "egress_all", {
      securityGroupId: this.securityGroup.id,
      description: "All outbound traffic",
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
    });

    this.validateDeployment(props);
    const loadBalancer = props.loadBalancer;
    if (loadBalancer) {
      this.admitLoadBalancer(loadBalancer, id, props.name);
      this.node.addValidation({ validate: () => targetChainErrors(props.taskDefinition, loadBalancer) });
    }

    this.service = new EcsService(this, MAIN_RESOURCE_ID, {
      name: props.name,
      cluster: props.cluster.clusterArn,
      taskDefinition: props.taskDefinition.taskDefinition.arn,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      desiredCount: props.desiredCount ?? 2,
      deploymentMinimumHealthyPercent: props.minimumHealthyPercent ?? 100,
      deploymentMaximumPercent: props.maximumPercent ?? 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      networkConfiguration: {
        subnets: props.network.privateSubnetIds,
        securityGroups: [this.securityGroup.id],
        assignPublicIp: false,
      },
      loadBalancer: loadBalancer && [
        {
          targetGroupArn: loadBalancer.targetGroup.arn,
          // Containers may be added after the service; the target is the first one at synth.
          containerName: Lazy.stringValue({ produce: () => props.taskDefinition.defaultContainer?.containerName }),
          containerPort: loadBalancer.targetPort,
        },
      ],
      healthCheckGracePeriodSeconds: loadBalancer && (props.healthCheckGracePeriodSeconds ?? 30),
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      // A target group joins a load balancer through a listener; ECS refuses one that is not attached yet.
      dependsOn: loadBalancer && [loadBalancer.httpsListener, loadBalancer.httpListener],
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

  /** Lets the load balancer reach the tasks on its target port, and nothing else in. */
  private admitLoadBalancer(loadBalancer: LoadBalancer, id: string, name: string): void {
    const port = loadBalancer.targetPort;
    new VpcSecurityGroupIngressRule(this, "ingress_from_load_balancer", {
      securityGroupId: this.securityGroup.id,
      description: `Port ${port} from the load balancer`,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: loadBalancer.securityGroup.id,
    });
    new VpcSecurityGroupEgressRule(loadBalancer, `egress_to_${id}`, {
      securityGroupId: loadBalancer.securityGroup.id,
      description: `Port ${port} to the ${name} tasks`,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: this.securityGroup.id,
    });
  }
}

/** The load balancer's target port, the security group rule and the container's port must be one. */
function targetChainErrors(taskDefinition: FargateTaskDefinition, loadBalancer: LoadBalancer): string[] {
  const container = taskDefinition.defaultContainer;
  if (!container) return []; // the task definition reports a task with no container
  const ports = container.portMappings.map((mapping) => mapping.containerPort);
  if (ports.includes(loadBalancer.targetPort)) return [];
  return [
    `taskDefinition: the load balancer sends traffic to port ${loadBalancer.targetPort}, but container ` +
      `"${container.containerName}" maps ${ports.length ? `port ${ports.join(", ")}` : "no port"}. ` +
      `Fix: add { containerPort: ${loadBalancer.targetPort} } to its portMappings, or set the load balancer's targetPort to the port it listens on`,
  ];
}
