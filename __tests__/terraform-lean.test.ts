/**
 * examples/lean.ts, planned offline by Terraform and reviewed: the article's app in production shape (two
 * tasks in two zones behind HTTPS, with its secret) at the lowest cost the project offers, and its dev twin.
 * Done means: the production stack's fixed monthly cost, counted from the plan with the review's list prices,
 * is at most $60.
 */
import { readFileSync, rmSync } from "fs";
import { join } from "path";
import { reviewPlan } from "../src/cli/review/review";
import { LEAN_SECRET, appToSynthesize, stacksToPlan } from "./plans/terraform-lean";
import { runAppCommand } from "./support/app-command";
import { decodeJsonencode } from "./support/synth";
import { PlannedStack, cleanupPlannedStacks, configurationResource, planDiagnostics, planStacks, plannedResource, resourcesOfType, whereTextAppears } from "./support/terraform";

jest.setTimeout(300_000);

const SECRET = LEAN_SECRET;
const FIXED_COST_LIMIT = 60;

let outdir: string;
let prod: PlannedStack;
let dev: PlannedStack;

beforeAll(async () => {
  outdir = runAppCommand(appToSynthesize.env, appToSynthesize.entry);
  [prod, dev] = await planStacks(stacksToPlan(outdir));
});

afterAll(() => {
  cleanupPlannedStacks();
  rmSync(outdir, { recursive: true, force: true });
});

/** The review's lines that cost the same whatever the traffic: usage-based ones (LCUs, data, log ingestion) are `assumed`. */
const fixedItems = (planned: PlannedStack) => reviewPlan(planned.plan).cost.items.filter((item) => !item.assumed);
const fixedCost = (planned: PlannedStack) => fixedItems(planned).reduce((sum, item) => sum + item.monthly, 0);
/** The subnets (their planned values) an argument of a resource refers to. */
const subnetsOf = (planned: PlannedStack, address: string, argument: string) =>
  [...new Set(JSON.stringify(configurationResource(planned.plan, address).expressions[argument]).match(/aws_subnet\.[a-z0-9_]+/g) ?? [])].map(
    (subnet) => plannedResource(planned.plan, subnet).values,
  );

describe("examples/lean.ts: lean-prod", () => {
  test("validates, and plans only creations", () => {
    expect(planDiagnostics(prod)).toEqual([]); // `terraform plan` validates the configuration first
    expect(new Set(prod.plan.resource_changes.map((change: any) => change.change.actions.join(",")))).toEqual(new Set(["create"]));
  });

  test("production shape: two tasks in two zones, behind an HTTPS listener with a validated certificate, the secret from SSM", () => {
    const service = plannedResource(prod.plan, "aws_ecs_service.lean_service").values;
    expect(service.desired_count).toBeGreaterThanOrEqual(2);
    const zones = subnetsOf(prod, "aws_ecs_service.lean_service", "network_configuration").map((subnet) => subnet.availability_zone);
    expect(new Set(zones)).toEqual(new Set(["eu-west-1a", "eu-west-1b"]));
    const https = resourcesOfType(prod.plan, "aws_lb_listener").find((listener) => listener.values.port === 443)!;
    expect(https.values.protocol).toBe("HTTPS");
    expect(resourcesOfType(prod.plan, "aws_acm_certificate_validation")).toHaveLength(1);
    expect(plannedResource(prod.plan, "aws_ssm_parameter.lean_secret_password").values).toMatchObject({ name: "/lean-prod/PASSWORD", type: "SecureString" });
    const [container] = decodeJsonencode(configurationResource(prod.plan, "aws_ecs_task_definition.lean_task").expressions.container_definitions.constant_value);
    expect(container.environment).toEqual([{ name: "USER", value: "lean" }]);
    expect(container.secrets.map((secret: any) => secret.name)).toEqual(["PASSWORD"]);
    expect(whereTextAppears(prod, SECRET)).toEqual([]);
  });

  test("lean: ARM64 at 0.25 vCPU, no NAT, the tasks public but admitting only the load balancer", () => {
    expect(plannedResource(prod.plan, "aws_ecs_task_definition.lean_task").values).toMatchObject({
      cpu: "256",
      memory: "512",
      runtime_platform: [{ cpu_architecture: "ARM64", operating_system_family: "LINUX" }],
    });
    for (const type of ["aws_nat_gateway", "aws_eip", "aws_instance"]) expect(resourcesOfType(prod.plan, type)).toEqual([]);
    expect(plannedResource(prod.plan, "aws_ecs_service.lean_service").values.network_configuration[0].assign_public_ip).toBe(true);
    const review = reviewPlan(prod.plan);
    expect(review.violations).toEqual([]);
    const ingress = resourcesOfType(prod.plan, "aws_vpc_security_group_ingress_rule").filter((rule) =>
      JSON.stringify(configurationResource(prod.plan, rule.address).expressions.security_group_id).includes("lean_service_security_group"),
    );
    expect(ingress.map((rule) => rule.address)).toEqual(["aws_vpc_security_group_ingress_rule.lean_service_ingress_from_load_balancer"]);
  });

  test(`its fixed monthly cost, counted from the plan with the review's list prices, is at most $${FIXED_COST_LIMIT}`, () => {
    const items = fixedItems(prod);
    // What is fixed: the load balancer's hours and addresses, the tasks at their desired count and their addresses, the zone, the alarms,
    // and production's KMS keys (the environment's, the us-east-1 one of the DNS query logs, the zone's DNSSEC key).
    expect(items.map((item) => item.item).sort()).toEqual([
      "Application load balancer",
      "CloudWatch alarms (aws_ecs_service.lean_service)",
      "Fargate memory (ARM64, aws_ecs_service.lean_service)",
      "Fargate vCPU (ARM64, aws_ecs_service.lean_service)",
      "KMS key (aws_kms_key.lean_dns_query_logs_key)",
      "KMS key (aws_kms_key.lean_encryption_key)",
      "KMS key (aws_kms_key.lean_zone_lean_example_com_dnssec_key)",
      "Public IPv4 addresses",
      "Public IPv4 addresses (aws_ecs_service.lean_service)",
      "Route53 hosted zones",
    ]);
    expect(items.find((item) => item.item === "Fargate vCPU (ARM64, aws_ecs_service.lean_service)")!.detail).toMatch(/^2 tasks × 0\.25 vCPU × 730 h/);
    expect(items.find((item) => item.item === "Public IPv4 addresses")!.detail).toMatch(/^2 \(2 load balancer\)/);
    expect(fixedCost(prod)).toBeLessThanOrEqual(FIXED_COST_LIMIT);
    // The usage-based lines left out are the assumed ones: LCUs, log ingestion, and production's flow, query and access logs.
    const usage = reviewPlan(prod.plan).cost.items.filter((item) => item.assumed).map((item) => item.item);
    expect(usage.sort()).toEqual([
      "CloudWatch Logs ingestion",
      "CloudWatch Logs ingestion (aws_ecs_service.lean_service)",
      "Load balancer capacity units",
      "Route53 query logs (aws_route53_query_log.lean_zone_lean_example_com_query_log)",
      "Route53 query logs storage (aws_cloudwatch_log_group.lean_zone_lean_example_com_query_log_log_group)",
      "S3 access-log PUT requests (aws_s3_bucket.lean_load_balancer_access_logs)",
      "S3 access-log storage (aws_s3_bucket.lean_load_balancer_access_logs)",
      "VPC flow logs (aws_flow_log.lean_network_flow_logs)",
      "VPC flow logs storage (aws_cloudwatch_log_group.lean_network_flow_logs_log_group)",
    ]);
  });

  test("the example's header and README quote the review's figures", () => {
    const { total } = reviewPlan(prod.plan).cost;
    const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
    expect(readme).toContain(`$${fixedCost(prod).toFixed(2)} of fixed cost`);
    expect(readme).toContain(`$${total.toFixed(2)} a month in all`);
    const header = readFileSync(join(__dirname, "..", "examples", "lean.ts"), "utf8");
    expect(header).toContain(`the fixed $${Math.round(fixedCost(prod))} a month`);
  });
});

describe("examples/lean.ts: lean-dev, the twin", () => {
  test("validates, plans only creations, one task scaled to zero at night and at weekends", () => {
    expect(planDiagnostics(dev)).toEqual([]); // `terraform plan` validates the configuration first
    expect(new Set(dev.plan.resource_changes.map((change: any) => change.change.actions.join(",")))).toEqual(new Set(["create"]));
    expect(plannedResource(dev.plan, "aws_ecs_service.lean_service").values.desired_count).toBe(1);
    const actions = resourcesOfType(dev.plan, "aws_appautoscaling_scheduled_action").map((action) => [
      action.values.name,
      action.values.schedule,
      action.values.scalable_target_action[0].min_capacity,
      action.values.scalable_target_action[0].max_capacity,
    ]);
    expect(actions.sort()).toEqual([
      ["lean-dev-morning", "cron(0 7 ? * MON-FRI *)", "1", "1"],
      ["lean-dev-night", "cron(0 20 ? * MON-FRI *)", "0", "0"],
    ]);
  });

  test("costs less than prod", () => {
    expect(reviewPlan(dev.plan).cost.total).toBeLessThan(reviewPlan(prod.plan).cost.total);
    expect(plannedResource(dev.plan, "aws_lb.lean_load_balancer").values.enable_deletion_protection).toBe(false);
  });
});
