/**
 * Every option that adds, removes or re-keys resources is planned at least once by real Terraform, in a
 * variant that turns it on: a first plan with no state must succeed (a documented option that no first
 * deployment can use is a bug, as `wildcardCertificate` once was). The table `PLANNED_BY` says which variant
 * plans each option; the other variants are in terraform-default-app, terraform-variants and
 * terraform-platform. Several options share one variant, and the variants are planned concurrently, to keep
 * the tier fast.
 */
import { PlannedStack, cleanupPlannedStacks, planStacks, plannedResource, resourcesOfType } from "./support/terraform";
import { EXISTING_CERTIFICATE, EXISTING_ROLE, stacksToPlan, variants } from "./plans/terraform-options";

jest.setTimeout(300_000);

/** Option → the variant (here, or in another file of the tier) whose plan turns it on. */
export const PLANNED_BY: Record<string, string> = {
  "FargateWebApp.secrets": "terraform-variants: two secrets, no secret",
  "FargateWebApp.hostedZone": "terraform-variants: existing zone; everything-off",
  "FargateWebApp.network": "terraform-variants: existing VPC",
  "FargateWebApp.networkOptions.natGateways": "terraform-default-app: dev (single); everything-on (single, three zones)",
  "FargateWebApp.networkOptions.ipv6": "everything-on (false)",
  "FargateWebApp.networkOptions.egress": "terraform-egress: every choice on the default app's prod",
  "FargateWebApp.networkOptions.natInstance": "terraform-egress: nat-instance, nat-instance-per-az",
  "FargateWebApp.networkOptions.taskSubnets": "terraform-egress: none with private task subnets",
  "FargateWebApp.networkOptions.interfaceEndpoints": "terraform-egress: with no NAT, and beside NAT gateways",
  "FargateWebApp.networkOptions.availabilityZones": "everything-on (three zones)",
  "FargateWebApp.cluster": "everything-on (existing cluster)",
  "FargateWebApp.executionRoleArn": "everything-on (existing role, granted its secret)",
  "FargateWebApp.wildcardCertificate": "everything-on",
  "FargateWebApp.alertEmails": "everything-on",
  "FargateWebApp.rollbackOnAlarm": "everything-on",
  "FargateWebApp.certificate": "everything-off (existing certificate)",
  "FargateWebApp.alarms": "everything-off (false)",
  "FargateWebApp.stoppedTaskEvents": "everything-off (false)",
  "FargateWebApp.stage": "everything-off (development)",
  "FargateWebApp.hardening": "terraform-variants: existing VPC, existing zone (webAcl: false)",
  "Environment.zones": "environment (a new zone and an existing one); terraform-platform",
  "Environment.certificate": "environment-certificate",
  "WebService.hosts": "environment (four hosts in two zones: SANs, SNI certificate); terraform-platform",
  "WebService.paths": "environment (three paths: rules chunked); terraform-platform",
  "WebService.priority": "environment",
  "WebService.calls": "environment (a backend calling a backend); terraform-platform",
  "WebService.alarms": "environment-certificate (false)",
  "BackendService": "environment; terraform-platform",
  "Environment.stage": "terraform-default-app: prod (production), dev (development); environment (development)",
  "Environment.hardening": "terraform-load-balancer-hardening (accessLogs, webAcl); terraform-dns-hardening (dnssec, dnsQueryLogging); terraform-default-app: prod (every measure); environment-certificate (webAcl: false)",
  "Environment.taskEgress": "environment (https-and-dns: HTTPS, DNS, and each call to a backend)",
};

const planned: Record<string, PlannedStack> = {};

beforeAll(async () => {
  const stacks = stacksToPlan();
  const plans = await planStacks(stacks);
  stacks.forEach(({ name }, index) => (planned[name!] = plans[index]));
});

afterAll(() => cleanupPlannedStacks());

const types = (plan: any) => new Set(plan.resource_changes.map((change: any) => change.type));

describe("every option that changes resources plans on a first deployment", () => {
  test("the table names a variant for each option, each named variant of this file exists, each variant plans only creations", () => {
    const namedHere = Object.values(PLANNED_BY)
      .flatMap((where) => where.split(";").map((part) => part.trim()))
      .filter((part) => !part.startsWith("terraform-"))
      .map((part) => part.replace(/ \(.*\)$/, ""));
    expect(namedHere.filter((name) => !(name in variants))).toEqual([]);
    expect(Object.keys(variants).filter((name) => !namedHere.includes(name))).toEqual([]);
    for (const { plan } of Object.values(planned)) {
      expect(new Set(plan.resource_changes.map((change: any) => change.change.actions.join(",")))).toEqual(new Set(["create"]));
    }
  });

  test("everything-on: a wildcard certificate validated through one record, a topic, deployment alarms, three zones without IPv6", () => {
    const { plan } = planned["everything-on"];
    expect(plannedResource(plan, "aws_acm_certificate.hello_certificate").values.subject_alternative_names.sort()).toEqual([
      "*.hello.example.com",
      "hello.example.com",
    ]);
    const validation = resourcesOfType(plan, "aws_route53_record").filter((record) => record.address.includes("certificate_validation"));
    expect(validation.map((record) => record.index)).toEqual(["hello.example.com"]);
    expect(resourcesOfType(plan, "aws_acm_certificate_validation")).toHaveLength(1);
    expect(resourcesOfType(plan, "aws_sns_topic_subscription")).toHaveLength(1);
    expect(plannedResource(plan, "aws_ecs_service.hello_service").values.alarms[0]).toMatchObject({ enable: true, rollback: true });
    expect(resourcesOfType(plan, "aws_subnet")).toHaveLength(6);
    expect(resourcesOfType(plan, "aws_nat_gateway")).toHaveLength(1);
    expect(plannedResource(plan, "aws_lb.hello_load_balancer").values.ip_address_type).toBe("ipv4");
    expect(types(plan).has("aws_ecs_cluster")).toBe(false);
    expect(plannedResource(plan, "aws_ecs_task_definition.hello_task").values.execution_role_arn).toBe(EXISTING_ROLE);
  });

  test("everything-off: no zone, certificate, alarms, stopped-task record or hardening that costs money; the listener serves the given certificate", () => {
    const { plan } = planned["everything-off"];
    const absent = ["aws_route53_zone", "aws_acm_certificate", "aws_cloudwatch_metric_alarm", "aws_cloudwatch_event_rule", "aws_cloudwatch_log_resource_policy"];
    for (const type of [...absent, "aws_wafv2_web_acl", "aws_kms_key", "aws_flow_log", "aws_s3_bucket"]) {
      expect(types(plan).has(type)).toBe(false);
    }
    expect(plannedResource(plan, "aws_lb_listener.hello_load_balancer_https_listener").values.certificate_arn).toBe(EXISTING_CERTIFICATE);
  });

  test("environment: SANs over two zones, rules chunked per AWS's limits, an SNI certificate for the second service, backends calling backends", () => {
    const { plan } = planned.environment;
    expect(plannedResource(plan, "aws_acm_certificate.env_web_certificate").values.subject_alternative_names).toHaveLength(4);
    const validationZones = resourcesOfType(plan, "aws_route53_record")
      .filter((record) => record.address.startsWith("aws_route53_record.env_web_certificate_validation"))
      .map((record) => record.index)
      .sort();
    expect(validationZones).toEqual(["shop.example.com", "shop.example.org", "www.example.com", "www.example.org"]);
    const webRules = resourcesOfType(plan, "aws_lb_listener_rule").filter((rule) => rule.address.includes("env_web_listener_rule"));
    expect(webRules).toHaveLength(4); // 2 chunks of hosts (3 + 1) × 2 chunks of paths (2 + 1)
    for (const rule of webRules) {
      const host = rule.values.condition.find((condition: any) => condition.host_header?.length)?.host_header[0].values ?? [];
      const path = rule.values.condition.find((condition: any) => condition.path_pattern?.length)?.path_pattern[0].values ?? [];
      expect(host.length + path.length).toBeLessThanOrEqual(5);
    }
    expect(plannedResource(plan, "aws_lb_listener_rule.env_blog_listener_rule").values.priority).toBe(100);
    expect(resourcesOfType(plan, "aws_lb_listener_certificate")).toHaveLength(1);
    expect(resourcesOfType(plan, "aws_vpc_security_group_ingress_rule").map((rule) => rule.address).filter((address) => address.includes("_calls_")).sort()).toEqual([
      "aws_vpc_security_group_ingress_rule.env_orders_calls_stock",
      "aws_vpc_security_group_ingress_rule.env_web_calls_orders",
    ]);
    // taskEgress "https-and-dns": each service's tasks call out on HTTPS and DNS, and on the port of each backend they call
    const egress = resourcesOfType(plan, "aws_vpc_security_group_egress_rule").filter((rule) => !rule.address.includes("load_balancer"));
    expect(egress.filter((rule) => rule.address.endsWith("_egress_all"))).toEqual([]);
    expect(egress.filter((rule) => rule.address.startsWith("aws_vpc_security_group_egress_rule.env_web_")).map((rule) => [rule.values.ip_protocol, rule.values.from_port, rule.values.cidr_ipv4 ?? rule.values.cidr_ipv6 ?? "group"]).sort()).toEqual([
      ["tcp", 443, "0.0.0.0/0"],
      ["tcp", 443, "::/0"],
      ["tcp", 53, "10.0.0.0/16"],
      ["tcp", 8080, "group"],
      ["udp", 53, "10.0.0.0/16"],
    ]);
    expect(plannedResource(plan, "aws_vpc_security_group_egress_rule.env_web_calls_orders_egress").values).toMatchObject({ ip_protocol: "tcp", from_port: 8080, to_port: 8080 });
    // development: none of the hardening that costs money
    for (const type of ["aws_wafv2_web_acl", "aws_kms_key", "aws_flow_log", "aws_s3_bucket"]) expect(resourcesOfType(plan, type)).toEqual([]);
  });

  test("environment-certificate: the environment's certificate serves every host; a path-only service needs none", () => {
    const { plan } = planned["environment-certificate"];
    expect(types(plan).has("aws_acm_certificate")).toBe(false);
    expect(plannedResource(plan, "aws_lb_listener.env_load_balancer_https_listener").values.certificate_arn).toBe(EXISTING_CERTIFICATE);
    expect(resourcesOfType(plan, "aws_cloudwatch_metric_alarm").map((alarm) => alarm.values.alarm_name).sort()).toEqual([
      "docs-api-target-5xx",
      "docs-api-unhealthy-targets",
    ]);
    expect(plannedResource(plan, "aws_lb_listener_rule.env_api_listener_rule").values.condition).toEqual([
      expect.objectContaining({ path_pattern: [{ values: ["/api/*"] }] }),
    ]);
  });
});
