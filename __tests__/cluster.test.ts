import { TerraformOutput } from "cdktf";
import { Cluster, ClusterProps } from "../src";
import { onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

function synthCluster(props: Partial<ClusterProps> = {}) {
  return synthesize((stack) => {
    new Cluster(stack, "cluster", { name: "hello", ...props });
  });
}

describe("Cluster defaults", () => {
  const json = synthCluster();

  test("an ECS cluster named as given, at the construct's address", () => {
    expect(Object.keys(resourcesOf(json, "aws_ecs_cluster"))).toEqual(["cluster"]);
    expect(onlyResource(json, "aws_ecs_cluster").name).toBe("hello");
  });

  test("Container Insights is enabled", () => {
    expect(onlyResource(json, "aws_ecs_cluster").setting).toEqual([{ name: "containerInsights", value: "enabled" }]);
  });

  test("the Fargate capacity providers are attached to the cluster, Fargate by default", () => {
    expect(resourcesOf(json, "aws_ecs_cluster_capacity_providers")).toEqual({
      cluster_capacity_providers: {
        cluster_name: "${aws_ecs_cluster.cluster.name}",
        capacity_providers: ["FARGATE", "FARGATE_SPOT"],
        default_capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1 }],
      },
    });
  });

  test("makes nothing else", () => {
    expect(Object.keys(json.resource).sort()).toEqual(["aws_ecs_cluster", "aws_ecs_cluster_capacity_providers"]);
    expect(synthErrors((stack) => new Cluster(stack, "cluster", { name: "hello" }))).toEqual([]);
  });

  test("exposes the cluster's ARN and name as references", () => {
    const outputs = synthesize((stack) => {
      const cluster = new Cluster(stack, "cluster", { name: "hello" });
      new TerraformOutput(stack, "arn", { value: cluster.clusterArn });
      new TerraformOutput(stack, "name", { value: cluster.clusterName });
    }).output!;
    expect(outputs.arn.value).toBe("${aws_ecs_cluster.cluster.arn}");
    expect(outputs.name.value).toBe("${aws_ecs_cluster.cluster.name}");
  });
});

describe("Cluster options", () => {
  test("containerInsights: false disables Container Insights", () => {
    expect(onlyResource(synthCluster({ containerInsights: false }), "aws_ecs_cluster").setting).toEqual([
      { name: "containerInsights", value: "disabled" },
    ]);
  });

  test("containerInsights: true keeps it enabled", () => {
    expect(onlyResource(synthCluster({ containerInsights: true }), "aws_ecs_cluster").setting).toEqual([
      { name: "containerInsights", value: "enabled" },
    ]);
  });

  test("the construct id sets the Terraform names, the name prop the AWS name", () => {
    const json = synthesize((stack) => {
      new Cluster(stack, "appCluster", { name: "shop-prod" });
    });
    expect(resourcesOf(json, "aws_ecs_cluster").app_cluster.name).toBe("shop-prod");
    expect(resourcesOf(json, "aws_ecs_cluster_capacity_providers").app_cluster_capacity_providers.cluster_name).toBe(
      "${aws_ecs_cluster.app_cluster.name}",
    );
  });
});

describe("Cluster.fromExisting", () => {
  test("keeps only the ARN and name, and creates no resources", () => {
    const given = { clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/shared", clusterName: "shared", extra: 1 };
    const cluster = Cluster.fromExisting(given);
    expect(cluster).toEqual({ clusterArn: given.clusterArn, clusterName: "shared" });
    const json = synthesize((stack) => {
      new TerraformOutput(stack, "arn", { value: Cluster.fromExisting(given).clusterArn });
    });
    expect(json.resource ?? {}).toEqual({});
    expect(json.output?.arn.value).toBe(given.clusterArn);
  });
});
