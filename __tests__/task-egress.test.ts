import {
  BackendService,
  Environment,
  EnvironmentProps,
  FargateStack,
  FargateWebApp,
  FileSystem,
  Network,
  OneOffTask,
  ScheduledTask,
  WebService,
  WorkerService,
} from "../src";
import { TerraformJson, resourcesOf, synthErrors, synthesize } from "./support/synth";

/*
 * The environment's `taskEgress`: what its tasks may call. "all" is one rule to anywhere; "https-and-dns"
 * is HTTPS to anywhere, DNS in the VPC, and the rules each workload needs for what it reaches itself (the
 * backends it calls, the file systems it mounts). Asserted on the synthesized JSON of the environment
 * "platform" (named platform-prod).
 */

const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";
const VPC_CIDR = "${aws_vpc.platform_network.cidr_block}";

/** A shop calling the orders backend, a worker mounting a file system, a scheduled and a one-off task. */
const synthPlatform = (environmentProps: Partial<EnvironmentProps>): TerraformJson =>
  synthesize((stack: FargateStack) => {
    const environment = new Environment(stack, "platform", { name: "platform-prod", zones: ["example.com"], ...environmentProps });
    const uploads = new FileSystem(environment, "uploads", { name: "platform-prod-uploads", network: environment.network });
    const orders = new BackendService(environment, "orders", { image: IMAGE, port: 8080 });
    new WebService(environment, "shop", { image: IMAGE, hosts: ["shop.example.com"], calls: [orders] });
    new WorkerService(environment, "worker", { image: IMAGE, fileSystems: [{ fileSystem: uploads, containerPath: "/data" }] });
    new ScheduledTask(environment, "report", { image: IMAGE, schedule: "cron(0 3 * * ? *)" });
    new OneOffTask(environment, "migrate", { image: IMAGE });
  });
const egressRules = (json: TerraformJson) => resourcesOf(json, "aws_vpc_security_group_egress_rule");
const rulesOf = (json: TerraformJson, prefix: string) =>
  Object.keys(egressRules(json))
    .filter((name) => name.startsWith(prefix))
    .sort();
const groupId = (group: string) => `\${aws_security_group.${group}.id}`;

describe('taskEgress "https-and-dns"', () => {
  const json = synthPlatform({ taskEgress: "https-and-dns" });
  const rules = egressRules(json);

  test("no task security group keeps the all-traffic rule", () => {
    expect(Object.keys(rules).filter((name) => name.endsWith("egress_all"))).toEqual([]);
  });

  test("HTTPS to anywhere, over IPv4 and IPv6 (the environment's network has IPv6)", () => {
    const https = { security_group_id: groupId("platform_shop_service_security_group"), ip_protocol: "tcp", from_port: 443, to_port: 443 };
    expect(rules.platform_shop_service_egress_https).toEqual({ ...https, description: "HTTPS to anywhere", cidr_ipv4: "0.0.0.0/0" });
    expect(rules.platform_shop_service_egress_https_ipv6).toEqual({ ...https, description: "HTTPS to anywhere over IPv6", cidr_ipv6: "::/0" });
  });

  test("DNS over UDP and TCP to the VPC's range, for resolvers in the VPC", () => {
    const dns = { security_group_id: groupId("platform_shop_service_security_group"), from_port: 53, to_port: 53, cidr_ipv4: VPC_CIDR };
    expect(rules.platform_shop_service_egress_dns_udp).toEqual({ ...dns, description: "DNS over UDP in the VPC", ip_protocol: "udp" });
    expect(rules.platform_shop_service_egress_dns_tcp).toEqual({ ...dns, description: "DNS over TCP in the VPC", ip_protocol: "tcp" });
  });

  test("every kind of workload's tasks get the same four rules: a worker, a scheduled task, a one-off task", () => {
    const four = (prefix: string) => ["dns_tcp", "dns_udp", "https", "https_ipv6"].map((rule) => `${prefix}_egress_${rule}`);
    expect(rulesOf(json, "platform_worker_service_egress")).toEqual(four("platform_worker_service"));
    expect(rulesOf(json, "platform_report_egress")).toEqual(four("platform_report"));
    expect(rulesOf(json, "platform_migrate_egress")).toEqual(four("platform_migrate"));
  });

  test("a Service Connect call: the caller's tasks may reach the backend's on its port", () => {
    expect(rules.platform_shop_calls_orders_egress).toEqual({
      security_group_id: groupId("platform_shop_service_security_group"),
      description: "Port 8080 to the platform-prod-orders tasks (Service Connect)",
      ip_protocol: "tcp",
      from_port: 8080,
      to_port: 8080,
      referenced_security_group_id: groupId("platform_orders_service_security_group"),
    });
  });

  test("a mounted file system: NFS from the worker's tasks to the mount targets", () => {
    expect(rules.platform_worker_file_system_access_1_egress).toEqual({
      security_group_id: groupId("platform_worker_service_security_group"),
      description: "NFS to the mount targets",
      ip_protocol: "tcp",
      from_port: 2049,
      to_port: 2049,
      referenced_security_group_id: groupId("platform_uploads_security_group"),
    });
  });
});

test('"all", the default: the one all-traffic rule at its address, and no rule of its own for calls or mounts', () => {
  const json = synthPlatform({});
  expect(rulesOf(json, "platform_shop_service_egress")).toEqual(["platform_shop_service_egress_all"]);
  expect(egressRules(json).platform_shop_service_egress_all).toMatchObject({ ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" });
  expect(egressRules(json).platform_shop_calls_orders_egress).toBeUndefined();
  expect(egressRules(json).platform_worker_file_system_access_1_egress).toBeUndefined();
});

test("a network without IPv6: HTTPS over IPv4 only", () => {
  const json = synthPlatform({ taskEgress: "https-and-dns", networkOptions: { ipv6: false } });
  expect(rulesOf(json, "platform_migrate_egress")).toEqual(["platform_migrate_egress_dns_tcp", "platform_migrate_egress_dns_udp", "platform_migrate_egress_https"]);
});

test("an existing network, whose range is not known without a lookup: HTTPS only (the Amazon DNS server is never filtered)", () => {
  const json = synthesize((stack) => {
    const network = Network.fromExisting({
      vpcId: "vpc-0123456789abcdef0",
      publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
      privateSubnetIds: ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"],
    });
    const environment = new Environment(stack, "platform", { name: "platform-prod", network, taskEgress: "https-and-dns" });
    new OneOffTask(environment, "migrate", { image: IMAGE });
  });
  expect(rulesOf(json, "platform_migrate_egress")).toEqual(["platform_migrate_egress_https"]);
});

test("a taskEgress that is not a choice is refused; the nearest, \"https-and-dns\", synthesizes", () => {
  const errors = (taskEgress: string) =>
    synthErrors((stack) => {
      const environment = new Environment(stack, "platform", { name: "platform-prod", taskEgress: taskEgress as EnvironmentProps["taskEgress"] });
      new OneOffTask(environment, "migrate", { image: IMAGE });
    });
  expect(errors("https")).toEqual([
    '[test/platform] taskEgress is "https": one of "all", "https-and-dns". ' +
      'Fix: use "https-and-dns" to let the tasks call HTTPS only, or leave it unset for all outbound traffic',
  ]);
  expect(errors("https-and-dns")).toEqual([]);
});

describe("FargateWebApp passes taskEgress to its environment", () => {
  const build = (taskEgress?: string) => (stack: FargateStack) =>
    new FargateWebApp(stack, "hello", {
      name: "hello",
      image: IMAGE,
      domain: "hello.example.com",
      taskEgress: taskEgress as EnvironmentProps["taskEgress"],
    });

  test('"https-and-dns": the service\'s tasks call HTTPS and DNS only', () => {
    expect(rulesOf(synthesize(build("https-and-dns")), "hello_service_egress")).toEqual([
      "hello_service_egress_dns_tcp",
      "hello_service_egress_dns_udp",
      "hello_service_egress_https",
      "hello_service_egress_https_ipv6",
    ]);
  });

  test("a bad value is reported once, by the environment", () => {
    expect(synthErrors(build("none"))).toEqual([
      '[test/hello] taskEgress is "none": one of "all", "https-and-dns". ' +
        'Fix: use "https-and-dns" to let the tasks call HTTPS only, or leave it unset for all outbound traffic',
    ]);
  });
});
