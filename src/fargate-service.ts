import { Construct } from "constructs";
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

    const container = props.taskDefinition.defaultContainer;
    const port = container?.containerPort;
    const target = props.loadBalancer && container && port !== undefined
      ? { loadBalancer: props.loadBalancer, containerName: container.containerName, port }
      : undefined;
    if (props.loadBalancer && !target) {
      reportInvalid(this, {
        field: "taskDefinition",
        allowed: "a service behind a load balancer needs its first container to map a port",
        fix: "give the first container `portMappings: [{ containerPort: <port> }]`",
      });
    }
    if (target) {
      new VpcSecurityGroupIngressRule(this, "ingress_from_load_balancer", {
        securityGroupId: this.securityGroup.id,
        description: `Port ${target.port} from the load balancer`,
        ipProtocol: "tcp",
        fromPort: target.port,
        toPort: target.port,
        referencedSecurityGroupId: target.loadBalancer.securityGroup.id,
      });
      new VpcSecurityGroupEgressRule(target.loadBalancer, `egress_to_${id}`, {
        securityGroupId: target.loadBalancer.securityGroup.id,
        description: `Port ${target.port} to the ${props.name} tasks`,
        ipProtocol: "tcp",
        fromPort: target.port,
        toPort: target.port,
        referencedSecurityGroupId: this.securityGroup.id,
      });
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
      loadBalancer: target && [
        {
          targetGroupArn: target.loadBalancer.targetGroup.arn,
          containerName: target.containerName,
          containerPort: target.port,
        },
      ],
      healthCheckGracePeriodSeconds: target && (props.healthCheckGracePeriodSeconds ?? 30),
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      // A target group joins a load balancer through a listener; ECS refuses one that is not attached yet.
      dependsOn: target && [target.loadBalancer.httpsListener, target.loadBalancer.httpListener],
    });
    this.serviceName = this.service.name;
  }
}
