import { Construct } from "constructs";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { MAIN_RESOURCE_ID } from "../app/naming";

export interface ICluster {
  readonly clusterArn: string;
  readonly clusterName: string;
}

export interface ClusterProps {
  /** Cluster name. */
  readonly name: string;
  /**
   * Container Insights: per-task CPU, memory and network metrics in CloudWatch.
   * @default true
   */
  readonly containerInsights?: boolean;
}

/**
 * The ECS cluster, with Container Insights on and the Fargate capacity providers enabled. Fargate has no
 * machines to manage, but ECS still groups services in a cluster; this is all the article's module made.
 */
export class Cluster extends Construct implements ICluster {
  /** A cluster that already exists, by name and ARN. */
  static fromExisting(cluster: ICluster): ICluster {
    return { clusterArn: cluster.clusterArn, clusterName: cluster.clusterName };
  }

  public readonly cluster: EcsCluster;
  /** Attaches FARGATE and FARGATE_SPOT: a service with a capacity strategy must wait for it. */
  public readonly capacityProviders: EcsClusterCapacityProviders;
  public readonly clusterArn: string;
  public readonly clusterName: string;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    this.cluster = new EcsCluster(this, MAIN_RESOURCE_ID, {
      name: props.name,
      setting: [{ name: "containerInsights", value: props.containerInsights === false ? "disabled" : "enabled" }],
    });
    this.capacityProviders = new EcsClusterCapacityProviders(this, "capacity_providers", {
      clusterName: this.cluster.name,
      capacityProviders: ["FARGATE", "FARGATE_SPOT"],
      defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
    });
    this.clusterArn = this.cluster.arn;
    this.clusterName = this.cluster.name;
  }
}
