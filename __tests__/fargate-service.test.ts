import {
  Cluster,
  FargateService,
  FargateServiceProps,
  FargateStack,
  FargateTaskDefinition,
  Network,
} from "../src";
import { TerraformJson, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";
import { newTarget } from "./support/target";

const IMAGE = "public.ecr.aws/nginx/nginx:1.27";
const network = Network.fromExisting({
  vpcId: "vpc-0123456789abcdef0",
  publicSubnetIds: ["subnet-public-a", "subnet-public-b"],
  privateSubnetIds: ["subnet-private-a", "subnet-private-b"],
});
const cluster = Cluster.fromExisting({ clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/hello", clusterName: "hello" });

interface Setup {
  /** Put the service behind a LoadBalancer "lb". @default true */
  readonly loadBalancer?: boolean;
  /** The first container's port; null maps none. @default 8080 */
  readonly containerPort?: number | null;
  /** Add a second container "sidecar" mapping port 9000. @default false */
  readonly sidecar?: boolean;
  /** The load balancer's target port. @default the first container's port, or 8080 */
  readonly targetPort?: number;
}

function buildService(stack: FargateStack, setup: Setup = {}, props: Partial<FargateServiceProps> = {}) {
  const containerPort = setup.containerPort === undefined ? 8080 : setup.containerPort;
  const taskDefinition = new FargateTaskDefinition(stack, "task", { family: "hello" });
  taskDefinition.addContainer("web", {
    name: "web",
    image: IMAGE,
    portMappings: containerPort === null ? undefined : [{ containerPort }],
  });
  if (setup.sidecar) {
    taskDefinition.addContainer("sidecar", { name: "sidecar", image: IMAGE, portMappings: [{ containerPort: 9000 }] });
  }
  const target = setup.loadBalancer === false ? undefined : newTarget(stack, network, setup.targetPort ?? containerPort ?? 8080);
  return new FargateService(stack, "service", { name: "hello", cluster, taskDefinition, network, target, ...props });
}

function synthService(setup: Setup = {}, props: Partial<FargateServiceProps> = {}) {
  return synthesize((stack) => buildService(stack, setup, props));
}

function service(json: TerraformJson) {
  return onlyResource(json, "aws_ecs_service");
}

/** Rules of one type whose security_group_id is the given group's id. */
function rulesOn(json: TerraformJson, type: string, group: string) {
  return Object.values(resourcesOf(json, type)).filter((rule) => rule.security_group_id === `\${aws_security_group.${group}.id}`);
}

describe("FargateService defaults, behind a load balancer", () => {
  const json = synthService();
  const ecsService = service(json);

  test("runs on FARGATE, latest platform, in the cluster, with the task definition", () => {
    expect(Object.keys(resourcesOf(json, "aws_ecs_service"))).toEqual(["service"]);
    expect(ecsService).toMatchObject({
      name: "hello",
      launch_type: "FARGATE",
      platform_version: "LATEST",
      cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/hello",
      task_definition: "${aws_ecs_task_definition.task.arn}",
    });
    expect(ecsService).not.toHaveProperty("capacity_provider_strategy");
  });

  test("runs the tasks in the private subnets, in its security group, with no public IP", () => {
    expect(ecsService.network_configuration).toEqual({
      subnets: ["subnet-private-a", "subnet-private-b"],
      security_groups: ["${aws_security_group.service_security_group.id}"],
      assign_public_ip: false,
    });
  });

  test("keeps 2 tasks, with at least 100% healthy and at most 200% during a deployment", () => {
    expect(ecsService.desired_count).toBe(2);
    expect(ecsService.deployment_minimum_healthy_percent).toBe(100);
    expect(ecsService.deployment_maximum_percent).toBe(200);
  });

  test("rolls back a deployment whose tasks never become healthy", () => {
    expect(ecsService.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
  });

  test("tags the tasks from the service", () => {
    expect(ecsService.propagate_tags).toBe("SERVICE");
    expect(ecsService.enable_ecs_managed_tags).toBe(true);
  });

  test("joins the target group with the first container, on its port", () => {
    expect(ecsService.load_balancer).toEqual([
      { target_group_arn: "${aws_lb_target_group.tg.arn}", container_name: "web", container_port: 8080 },
    ]);
  });

  test("waits for what attaches the target group to the load balancer", () => {
    expect(ecsService.depends_on).toEqual(["aws_lb_listener.lb_https_listener"]);
  });

  test("ignores failed health checks for the first 30 seconds of a task", () => {
    expect(ecsService.health_check_grace_period_seconds).toBe(30);
  });

  test("has its own security group in the VPC", () => {
    expect(resourcesOf(json, "aws_security_group").service_security_group).toEqual({
      name: "hello-tasks",
      description: "Tasks of hello",
      vpc_id: "vpc-0123456789abcdef0",
      tags: { Name: "hello-tasks" },
    });
  });

  test("admits only the load balancer's security group, only on the container port", () => {
    expect(rulesOn(json, "aws_vpc_security_group_ingress_rule", "service_security_group")).toEqual([
      {
        security_group_id: "${aws_security_group.service_security_group.id}",
        description: "Port 8080 from the load balancer",
        ip_protocol: "tcp",
        from_port: 8080,
        to_port: 8080,
        referenced_security_group_id: "${aws_security_group.lb_security_group.id}",
      },
    ]);
    expect(resourcesOf(json, "aws_security_group").service_security_group).not.toHaveProperty("ingress");
  });

  test("lets the load balancer out to the service's security group on the container port", () => {
    expect(resourcesOf(json, "aws_vpc_security_group_egress_rule").service_load_balancer_egress).toEqual({
      security_group_id: "${aws_security_group.lb_security_group.id}",
      description: "Port 8080 to the hello tasks",
      ip_protocol: "tcp",
      from_port: 8080,
      to_port: 8080,
      referenced_security_group_id: "${aws_security_group.service_security_group.id}",
    });
  });

  test("lets the tasks out anywhere (images, secrets and backends go over the NAT)", () => {
    expect(rulesOn(json, "aws_vpc_security_group_egress_rule", "service_security_group")).toEqual([
      {
        security_group_id: "${aws_security_group.service_security_group.id}",
        description: "All outbound traffic",
        ip_protocol: "-1",
        cidr_ipv4: "0.0.0.0/0",
      },
    ]);
  });

  test("synthesizes without validation errors", () => {
    expect(synthErrors((stack) => buildService(stack))).toEqual([]);
  });
});

describe("FargateService options", () => {
  test("desiredCount sets the number of tasks", () => {
    expect(service(synthService({}, { desiredCount: 4 })).desired_count).toBe(4);
  });

  test("desiredCount 0 is kept (a stopped service), not replaced by the default", () => {
    expect(service(synthService({}, { desiredCount: 0 })).desired_count).toBe(0);
  });

  test("minimumHealthyPercent and maximumPercent set the deployment bounds", () => {
    const ecsService = service(synthService({}, { minimumHealthyPercent: 50, maximumPercent: 150 }));
    expect(ecsService.deployment_minimum_healthy_percent).toBe(50);
    expect(ecsService.deployment_maximum_percent).toBe(150);
  });

  test("healthCheckGracePeriodSeconds sets the grace period behind a load balancer", () => {
    expect(service(synthService({}, { healthCheckGracePeriodSeconds: 120 })).health_check_grace_period_seconds).toBe(120);
  });

  test("the target port drives the load balancer block and both security group rules", () => {
    const json = synthService({ containerPort: 3000 });
    expect(service(json).load_balancer).toEqual([
      { target_group_arn: "${aws_lb_target_group.tg.arn}", container_name: "web", container_port: 3000 },
    ]);
    const ingress = rulesOn(json, "aws_vpc_security_group_ingress_rule", "service_security_group");
    expect(ingress.map((rule) => [rule.from_port, rule.to_port])).toEqual([[3000, 3000]]);
    const egress = resourcesOf(json, "aws_vpc_security_group_egress_rule").service_load_balancer_egress;
    expect([egress.from_port, egress.to_port]).toEqual([3000, 3000]);
  });

  test("with two containers, only the first one joins the target group and is admitted", () => {
    const json = synthService({ sidecar: true });
    expect(service(json).load_balancer).toEqual([
      { target_group_arn: "${aws_lb_target_group.tg.arn}", container_name: "web", container_port: 8080 },
    ]);
    expect(rulesOn(json, "aws_vpc_security_group_ingress_rule", "service_security_group").map((rule) => rule.from_port)).toEqual([
      8080,
    ]);
  });
});

describe("FargateService without a load balancer", () => {
  const json = synthService({ loadBalancer: false }, { healthCheckGracePeriodSeconds: 120 });
  const ecsService = service(json);

  test("has no load_balancer block, no listener dependency and no health check grace period", () => {
    expect(ecsService).not.toHaveProperty("load_balancer");
    expect(ecsService).not.toHaveProperty("depends_on");
    expect(ecsService).not.toHaveProperty("health_check_grace_period_seconds");
  });

  test("still runs privately, on Fargate, with the deployment defaults", () => {
    expect(ecsService).toMatchObject({
      launch_type: "FARGATE",
      desired_count: 2,
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      deployment_circuit_breaker: { enable: true, rollback: true },
      network_configuration: {
        subnets: ["subnet-private-a", "subnet-private-b"],
        security_groups: ["${aws_security_group.service_security_group.id}"],
        assign_public_ip: false,
      },
    });
  });

  test("admits nothing in: no ingress rule, only the outbound rule", () => {
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).toEqual({});
    expect(Object.keys(resourcesOf(json, "aws_vpc_security_group_egress_rule"))).toEqual(["service_egress_all"]);
    expect(resourcesOf(json, "aws_lb")).toEqual({});
  });

  test("needs no port mapping", () => {
    expect(synthErrors((stack) => buildService(stack, { loadBalancer: false, containerPort: null }))).toEqual([]);
  });
});

describe("FargateService validation", () => {
  test("behind a load balancer, a first container that maps no port is reported", () => {
    expect(synthErrors((stack) => buildService(stack, { containerPort: null }))).toEqual([
      '[test/service] taskDefinition: the load balancer sends traffic to port 8080, but container "web" maps no port. ' +
        "Fix: add { containerPort: 8080 } to its portMappings, or set the target group's port to the port it listens on",
    ]);
  });

  test("a port on a second container does not make up for the first one", () => {
    expect(synthErrors((stack) => buildService(stack, { containerPort: null, sidecar: true }))).toEqual([
      expect.stringContaining('the load balancer sends traffic to port 8080, but container "web" maps no port'),
    ]);
  });

  test("a target port the first container does not listen on is reported with both ports", () => {
    expect(synthErrors((stack) => buildService(stack, { containerPort: 3000, targetPort: 8080 }))).toEqual([
      expect.stringContaining('the load balancer sends traffic to port 8080, but container "web" maps port 3000. Fix: add { containerPort: 8080 }'),
    ]);
  });

  test("a container added to the task after the service is created is still the one the load balancer targets", () => {
    const errors = synthErrors((stack) => {
      const taskDefinition = new FargateTaskDefinition(stack, "task", { family: "hello" });
      new FargateService(stack, "service", { name: "hello", cluster, taskDefinition, network, target: newTarget(stack, network) });
      taskDefinition.addContainer("web", { name: "web", image: IMAGE, portMappings: [{ containerPort: 8080 }] });
    });
    expect(errors).toEqual([]);
  });
});
