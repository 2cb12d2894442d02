import { rmSync } from "fs";
import { join } from "path";
import { Testing } from "cdktf";
import { Environment, FargateStack, WebService } from "../src";
import { reviewPlan } from "../src/cli/review/review";
import { runAppCommand } from "./support/app-command";
import {
  PlannedStack,
  cleanupPlannedStacks,
  configurationResource,
  planStack,
  planSynthesized,
  plannedResource,
  resourcesOfType,
  whereTextAppears,
} from "./support/terraform";

jest.setTimeout(300_000);

const SECRET = "canary-platform-5e2f77-orders-db";

let outdir: string;
let planned: PlannedStack;
let plan: any;

beforeAll(async () => {
  outdir = runAppCommand({}, "examples/platform.ts");
  planned = await planStack(join(outdir, "stacks", "platform-prod"), { vars: { database_password: SECRET }, name: "platform" });
  plan = planned.plan;
});

afterAll(() => {
  cleanupPlannedStacks();
  rmSync(outdir, { recursive: true, force: true });
});

const values = (address: string) => plannedResource(plan, address).values;

describe("examples/platform.ts, planned offline by Terraform: one environment, three services", () => {
  test("validates, and plans only creations", () => {
    expect(planned.validateOutput).toContain("The configuration is valid");
    expect(new Set(plan.resource_changes.map((change: any) => change.change.actions.join(",")))).toEqual(new Set(["create"]));
  });

  test("exactly one internet-facing load balancer, shared by the web services", () => {
    const balancers = resourcesOfType(plan, "aws_lb");
    expect(balancers).toHaveLength(1);
    expect(balancers[0].values.internal).toBe(false);
    expect(resourcesOfType(plan, "aws_lb_listener")).toHaveLength(2);
  });

  test("three ECS services, each with its own task definition and security group", () => {
    expect(resourcesOfType(plan, "aws_ecs_service").map((service) => service.values.name).sort()).toEqual([
      "platform-prod-admin",
      "platform-prod-orders",
      "platform-prod-shop",
    ]);
    expect(resourcesOfType(plan, "aws_ecs_task_definition")).toHaveLength(3);
  });

  test("host-header and path-pattern listener rules with unique priorities, each forwarding to its service's target group", () => {
    const rules = resourcesOfType(plan, "aws_lb_listener_rule");
    expect(rules).toHaveLength(2);
    const priorities = rules.map((rule) => rule.values.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    const shop = values("aws_lb_listener_rule.platform_shop_listener_rule");
    const admin = values("aws_lb_listener_rule.platform_admin_listener_rule");
    expect(shop.condition).toEqual([expect.objectContaining({ host_header: [{ values: ["shop.example.com", "www.example.com"] }] })]);
    expect(admin.condition).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ host_header: [{ values: ["shop.example.com"] }] }),
        expect.objectContaining({ path_pattern: [{ values: ["/admin/*"] }] }),
      ]),
    );
    // The admin path on the shop's host is evaluated before the shop's catch-all for that host.
    expect(admin.priority).toBeLessThan(shop.priority);
    const forwardsTo = (address: string) => configurationResource(plan, address).expressions.action[0].target_group_arn.references;
    expect(forwardsTo("aws_lb_listener_rule.platform_shop_listener_rule")).toContain("aws_lb_target_group.platform_shop_target_group");
    expect(forwardsTo("aws_lb_listener_rule.platform_admin_listener_rule")).toContain("aws_lb_target_group.platform_admin_target_group");
  });

  test("the HTTPS listener answers 404 to what no rule matches", () => {
    expect(values("aws_lb_listener.platform_load_balancer_https_listener").default_action).toEqual([
      expect.objectContaining({ type: "fixed-response", fixed_response: [expect.objectContaining({ status_code: "404" })] }),
    ]);
  });

  test("Service Connect: a namespace, the orders API published as orders:8080, the shop a client of it", () => {
    expect(resourcesOfType(plan, "aws_service_discovery_http_namespace").map((namespace) => namespace.values.name)).toEqual(["platform-prod"]);
    const connected = resourcesOfType(plan, "aws_ecs_service").filter((service) => service.values.service_connect_configuration?.[0]?.enabled);
    expect(connected.map((service) => service.values.name).sort()).toEqual(["platform-prod-orders", "platform-prod-shop"]);
    expect(values("aws_ecs_service.platform_orders_service").service_connect_configuration[0].service).toEqual([
      expect.objectContaining({ port_name: "http", discovery_name: "orders", client_alias: [expect.objectContaining({ dns_name: "orders", port: 8080 })] }),
    ]);
    expect(values("aws_ecs_service.platform_orders_service").load_balancer).toEqual([]);
  });

  test("only the shop's tasks may reach the orders API, on its port", () => {
    const ordersGroup = "aws_security_group.platform_orders_service_security_group";
    const ingress = resourcesOfType(plan, "aws_vpc_security_group_ingress_rule").filter((rule) =>
      configurationResource(plan, rule.address).expressions.security_group_id.references.includes(ordersGroup),
    );
    expect(ingress.map((rule) => rule.address)).toEqual(["aws_vpc_security_group_ingress_rule.platform_shop_calls_orders"]);
    expect(ingress[0].values).toMatchObject({ from_port: 8080, to_port: 8080, ip_protocol: "tcp" });
    expect(configurationResource(plan, ingress[0].address).expressions.referenced_security_group_id.references).toContain(
      "aws_security_group.platform_shop_service_security_group",
    );
  });

  test("one certificate for the shop's two host names, its DNS records, none of its own for the admin path", () => {
    expect(resourcesOfType(plan, "aws_acm_certificate").map((certificate) => certificate.values.domain_name)).toEqual(["shop.example.com"]);
    expect(values("aws_acm_certificate.platform_shop_certificate").subject_alternative_names.sort()).toEqual([
      "shop.example.com",
      "www.example.com",
    ]);
    expect(resourcesOfType(plan, "aws_route53_record").filter((record) => record.values.alias?.length).map((record) => `${record.values.name} ${record.values.type}`).sort()).toEqual([
      "shop.example.com A",
      "shop.example.com AAAA",
      "www.example.com A",
      "www.example.com AAAA",
    ]);
    expect(resourcesOfType(plan, "aws_lb_listener_certificate")).toEqual([]);
  });

  test("one CloudWatch Logs resource policy and one stopped-task rule for the whole environment, watching every service", () => {
    expect(resourcesOfType(plan, "aws_cloudwatch_log_resource_policy")).toHaveLength(1);
    expect(resourcesOfType(plan, "aws_cloudwatch_event_rule")).toHaveLength(1);
  });

  test("the orders secret's value is nowhere in the plan or its files", () => {
    expect(whereTextAppears(planned, SECRET)).toEqual([]);
  });
});

describe("an environment of 20 web services, planned offline: the shared parts are paid once", () => {
  const environmentOf = (services: number) => {
    const stack = new FargateStack(Testing.app({ stackTraces: false }), `web-${services}`, { region: "eu-west-1" });
    const environment = new Environment(stack, "env", { name: "many", zones: ["example.com"] });
    for (let index = 1; index <= services; index++) {
      new WebService(environment, `web${index}`, { image: "public.ecr.aws/nginx/nginx:1.27-alpine", hosts: [`web${index}.example.com`] });
    }
    return Testing.synth(stack, true);
  };
  /** What the review prices apart from the tasks themselves. */
  const fixedCost = (planJson: any) =>
    reviewPlan(planJson)
      .cost.items.filter((item) => !item.item.startsWith("Fargate"))
      .reduce((sum, item) => sum + item.monthly, 0);

  test("plans one load balancer, 20 target groups and rules with unique priorities; each extra service adds under $1 a month of fixed cost", async () => {
    const [one, twenty] = await Promise.all([
      planSynthesized(environmentOf(1), { name: "web-1" }),
      planSynthesized(environmentOf(20), { name: "web-20" }),
    ]);
    expect(resourcesOfType(twenty.plan, "aws_lb")).toHaveLength(1);
    expect(resourcesOfType(twenty.plan, "aws_lb_target_group")).toHaveLength(20);
    const priorities = resourcesOfType(twenty.plan, "aws_lb_listener_rule").map((rule) => rule.values.priority);
    expect(new Set(priorities).size).toBe(20);
    expect(resourcesOfType(twenty.plan, "aws_lb_listener_certificate")).toHaveLength(19);
    expect(resourcesOfType(twenty.plan, "aws_cloudwatch_log_resource_policy")).toHaveLength(1);
    const perExtraService = (fixedCost(twenty.plan) - fixedCost(one.plan)) / 19;
    expect(perExtraService).toBeGreaterThan(0);
    expect(perExtraService).toBeLessThan(1);
  });
});
