import { Environment, FargateStack, Network, NetworkProps, OneOffTask, ScheduledTask, WebService, WorkerService } from "../src";
import { TerraformJson, resourcesOf, synthErrors, synthesize } from "./support/synth";

/*
 * Where the tasks of every kind of workload run: the network's task subnets, with a public IP only when it
 * says so (`egress: "none"`, or an existing network's `taskSubnetIds` and `assignPublicIp`). The default,
 * private subnets and no public IP, keeps every existing stack's plan.
 */

const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";
const PUBLIC = ["${aws_subnet.platform_network_public_subnet_a.id}", "${aws_subnet.platform_network_public_subnet_b.id}"];
const PRIVATE = ["${aws_subnet.platform_network_private_subnet_a.id}", "${aws_subnet.platform_network_private_subnet_b.id}"];

function synthWorkloads(networkOptions: Omit<NetworkProps, "name"> = {}): TerraformJson {
  return synthesize((stack: FargateStack) => {
    const platform = new Environment(stack, "platform", { name: "platform-prod", zones: ["example.com"], networkOptions });
    new WebService(platform, "web", { image: IMAGE, hosts: ["www.example.com"] });
    new WorkerService(platform, "worker", { image: IMAGE });
    new ScheduledTask(platform, "report", { image: IMAGE, schedule: "rate(1 day)" });
    new OneOffTask(platform, "migrate", { image: IMAGE });
  });
}

/** Subnets and public IP of the services, the schedule and the one-off task's output, by workload. */
function placements(json: TerraformJson): Record<string, { subnets: string[]; publicIp: boolean }> {
  const services = resourcesOf(json, "aws_ecs_service");
  const schedule = resourcesOf(json, "aws_scheduler_schedule").platform_report_schedule.target.ecs_parameters.network_configuration;
  const runTask = json.output!.platform_migrate_run_task.value;
  return {
    web: { subnets: services.platform_web_service.network_configuration.subnets, publicIp: services.platform_web_service.network_configuration.assign_public_ip },
    worker: { subnets: services.platform_worker_service.network_configuration.subnets, publicIp: services.platform_worker_service.network_configuration.assign_public_ip },
    report: { subnets: schedule.subnets, publicIp: schedule.assign_public_ip },
    migrate: { subnets: runTask.subnets, publicIp: runTask.assign_public_ip },
  };
}

describe("task placement", () => {
  test("default: every workload in the private subnets, without a public IP", () => {
    const all = placements(synthWorkloads());
    for (const workload of ["web", "worker", "report", "migrate"]) expect(all[workload]).toEqual({ subnets: PRIVATE, publicIp: false });
  });

  test('egress "nat-instance": still private', () => {
    const all = placements(synthWorkloads({ egress: "nat-instance", natInstance: { imageId: "ami-0123456789abcdef0" } }));
    for (const workload of ["web", "worker", "report", "migrate"]) expect(all[workload]).toEqual({ subnets: PRIVATE, publicIp: false });
  });

  test('egress "none": every workload in the public subnets with a public IP; the web tasks still admit only the load balancer', () => {
    const json = synthWorkloads({ egress: "none" });
    const all = placements(json);
    for (const workload of ["web", "worker", "report", "migrate"]) expect(all[workload]).toEqual({ subnets: PUBLIC, publicIp: true });
    const ingress = Object.values(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).filter((rule: any) =>
      String(rule.security_group_id).includes("platform_web_service_security_group"),
    );
    expect(ingress).toEqual([
      expect.objectContaining({ from_port: 80, to_port: 80, referenced_security_group_id: "${aws_security_group.platform_load_balancer_security_group.id}" }),
    ]);
    for (const rule of Object.values(resourcesOf(json, "aws_vpc_security_group_ingress_rule")) as any[]) {
      if (!String(rule.security_group_id).includes("load_balancer")) expect(rule.cidr_ipv4 ?? rule.cidr_ipv6).toBeUndefined();
    }
  });

  test('egress "none" with taskSubnets "private" and the endpoints: private again', () => {
    const all = placements(synthWorkloads({ egress: "none", taskSubnets: "private", interfaceEndpoints: true }));
    for (const workload of ["web", "worker", "report", "migrate"]) expect(all[workload]).toEqual({ subnets: PRIVATE, publicIp: false });
  });

  test("an existing network's taskSubnetIds and assignPublicIp are used, and checked", () => {
    const network = Network.fromExisting({
      vpcId: "vpc-0123456789abcdef0",
      publicSubnetIds: ["subnet-0000000a", "subnet-0000000b"],
      privateSubnetIds: ["subnet-0000000c", "subnet-0000000d"],
      taskSubnetIds: ["subnet-0000000a", "subnet-0000000b"],
      assignPublicIp: true,
    });
    const json = synthesize((stack: FargateStack) => {
      const platform = new Environment(stack, "platform", { name: "platform-prod", network });
      new WorkerService(platform, "worker", { image: IMAGE });
    });
    expect(resourcesOf(json, "aws_ecs_service").platform_worker_service.network_configuration).toMatchObject({
      subnets: ["subnet-0000000a", "subnet-0000000b"],
      assign_public_ip: true,
    });
    const errors = synthErrors((stack: FargateStack) => {
      new Environment(stack, "platform", { name: "platform-prod", network: { ...network, taskSubnetIds: ["public-a"] } });
    });
    expect(errors).toEqual([expect.stringContaining('network.taskSubnetIds is "public-a": subnet ids')]);
  });
});
