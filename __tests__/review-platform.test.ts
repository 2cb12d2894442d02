import { rmSync, writeFileSync } from "fs";
import { join } from "path";
import { appToSynthesize, stacksToPlan } from "./plans/review-platform";
import { runAppCommand } from "./support/app-command";
import { PLATFORM_SECRET } from "./support/canaries";
import { PlannedStack, cleanupPlannedStacks, planStacks } from "./support/terraform";
import { runReview } from "../src/cli/review/cli";
import { loadPrices, runsPerMonth, splitTasks } from "../src/cli/review/cost";
import { reviewPlan } from "../src/cli/review/review";

jest.setTimeout(300_000);

/*
 * `npm run review` on the real offline plan of examples/platform.ts: one environment, one shared load
 * balancer, two web services routed by host and path (shop on two hosts, admin on /admin/* of the first),
 * and a backend (orders) without a load balancer, reached through Service Connect.
 */

const SECRET = PLATFORM_SECRET;
const ADMIN_RULE = "aws_lb_listener_rule.platform_admin_listener_rule";
const SHOP_RULE = "aws_lb_listener_rule.platform_shop_listener_rule";
const ADMIN = "aws_ecs_service.platform_admin_service";
const ORDERS = "aws_ecs_service.platform_orders_service";
const SHOP = "aws_ecs_service.platform_shop_service";

let outdir: string;
let planned: PlannedStack;
let text: string;
let markdown: string;
let adminPriority: number;
let shopPriority: number;

function review(plan: unknown, ...argv: string[]): { code: number; stdout: string; stderr: string } {
  const file = join(planned.dir, `review-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof plan === "string" ? plan : JSON.stringify(plan));
  let stdout = "";
  let stderr = "";
  const code = runReview([file, ...argv], { stdout: (out) => (stdout += out), stderr: (out) => (stderr += out) });
  return { code, stdout, stderr };
}

/** A copy of the real plan, with `edit` applied to the change of each address given. */
function edited(edits: Record<string, (change: any) => void>, remove: string[] = []): any {
  const copy = JSON.parse(planned.planJsonText);
  copy.resource_changes = copy.resource_changes.filter((change: any) => !remove.includes(change.address));
  for (const [address, edit] of Object.entries(edits)) edit(copy.resource_changes.find((change: any) => change.address === address).change);
  return copy;
}

beforeAll(async () => {
  outdir = runAppCommand(appToSynthesize.env, appToSynthesize.entry);
  const stacks = stacksToPlan(outdir);
  // A canary value for every input variable the stack declares (its secret parameters' values).
  expect(Object.keys(stacks[0].vars ?? {}).length).toBeGreaterThan(0);
  [planned] = await planStacks(stacks);
  text = review(planned.planJsonText).stdout;
  markdown = review(planned.planJsonText, "--format", "markdown").stdout;
  const priority = (address: string) => planned.plan.resource_changes.find((change: any) => change.address === address).change.after.priority;
  adminPriority = priority(ADMIN_RULE);
  shopPriority = priority(SHOP_RULE);
});

afterAll(() => {
  cleanupPlannedStacks();
  rmSync(outdir, { recursive: true, force: true });
});

describe("review of examples/platform.ts's real plan: three services behind one load balancer", () => {
  test("exposure: the two listener rules, by priority, each host and path → its target group → its service", () => {
    expect(adminPriority).toBeLessThan(shopPriority);
    const { exposure } = reviewPlan(planned.plan);
    expect(exposure.loadBalancers.map((lb) => lb.address)).toEqual(["aws_lb.platform_load_balancer"]);
    expect(exposure.listeners.map((listener) => [listener.port, listener.action])).toEqual([
      [80, "redirect to HTTPS:443 (HTTP_301)"],
      [443, "fixed response 404"],
    ]);
    expect(exposure.listenerRules).toEqual([
      {
        address: ADMIN_RULE,
        loadBalancer: "aws_lb.platform_load_balancer",
        listener: "443/HTTPS",
        priority: adminPriority,
        hosts: ["shop.example.com"],
        paths: ["/admin/*"],
        otherConditions: [],
        action: "forward",
        targets: [{ targetGroup: "aws_lb_target_group.platform_admin_target_group", services: [ADMIN] }],
      },
      {
        address: SHOP_RULE,
        loadBalancer: "aws_lb.platform_load_balancer",
        listener: "443/HTTPS",
        priority: shopPriority,
        hosts: ["shop.example.com", "www.example.com"],
        paths: [],
        otherConditions: [],
        action: "forward",
        targets: [{ targetGroup: "aws_lb_target_group.platform_shop_target_group", services: [SHOP] }],
      },
    ]);
    // orders has no load balancer: no rule leads to it.
    expect(text).not.toMatch(/→ aws_ecs_service\.platform_orders_service/);
    expect(text).toMatch(/443\/HTTPS {2}fixed response 404 +TLS policy/);
    expect(text).toMatch(
      new RegExp(
        "Listener rules \\(lowest priority first; what none matches gets the listener's default action\\)\\n" +
          ` {4}443/HTTPS {2}priority ${adminPriority} {2}host shop\\.example\\.com +path /admin/\\* {2}→ aws_lb_target_group\\.platform_admin_target_group → aws_ecs_service\\.platform_admin_service\\n` +
          ` {4}443/HTTPS {2}priority ${shopPriority} {2}host shop\\.example\\.com, www\\.example\\.com {2}any path {7}→ aws_lb_target_group\\.platform_shop_target_group → aws_ecs_service\\.platform_shop_service\\n`,
      ),
    );
    expect(text).toMatch(/Exposure +1 internet-facing load balancer; listeners on 80, 443; 2 listener rules;/);
    expect(markdown).toContain(
      "| listener | priority | hosts | paths | action | target group | ECS service |\n| --- | --- | --- | --- | --- | --- | --- |\n" +
        `| 443/HTTPS | ${adminPriority} | \`shop.example.com\` | \`/admin/*\` | forward | \`aws_lb_target_group.platform_admin_target_group\` | \`${ADMIN}\` |\n` +
        `| 443/HTTPS | ${shopPriority} | \`shop.example.com\`, \`www.example.com\` | any | forward | \`aws_lb_target_group.platform_shop_target_group\` | \`${SHOP}\` |\n`,
    );
  });

  test("cost: each service's lines and subtotal, the shared part once, adding up to the total", () => {
    const { cost } = reviewPlan(planned.plan);
    const p = loadPrices().regions["eu-west-1"];
    const after = (address: string) => planned.plan.resource_changes.find((change: any) => change.address === address).change.after;
    const count = (type: string) => planned.plan.resource_changes.filter((change: any) => change.type === type).length;
    // A service's tasks as its task definition sizes them (x86, Fargate on-demand).
    const fargate = (service: string) => {
      const task = after(service.replace("aws_ecs_service.", "aws_ecs_task_definition.").replace(/_service$/, "_task"));
      const tasks = after(service).desired_count;
      return tasks * (Number(task.cpu) / 1024) * 730 * p.fargate.x86VcpuHour + tasks * (Number(task.memory) / 1024) * 730 * p.fargate.x86GbHour;
    };
    const expected: Record<string, number> = {
      // Its tasks, its log group, the two alarms on its target group.
      [ADMIN]: fargate(ADMIN) + p.logsIngestGb + 2 * p.alarmMonth,
      // No load balancer, so no target group alarms.
      [ORDERS]: fargate(ORDERS) + p.logsIngestGb,
      [SHOP]: fargate(SHOP) + p.logsIngestGb + 2 * p.alarmMonth,
    };
    const services = planned.plan.resource_changes.filter((change: any) => change.type === "aws_ecs_service").map((change: any) => change.address).sort();
    expect(services).toEqual(expect.arrayContaining([ADMIN, ORDERS, SHOP]));
    expect(cost.scopes.map((scope) => scope.scope)).toEqual([...services, "shared"]);
    for (const service of [ADMIN, ORDERS, SHOP]) {
      expect(cost.scopes.find((scope) => scope.scope === service)?.monthly).toBeCloseTo(expected[service], 9);
    }
    expect(cost.total).toBe(cost.items.reduce((sum, item) => sum + item.monthly, 0));
    expect(cost.scopes.reduce((sum, scope) => sum + scope.monthly, 0)).toBeCloseTo(cost.total, 9);
    // The shared part, once: one load balancer, the NAT gateways, the addresses, the zone, the stopped-task log group.
    const shared = (name: string) => cost.items.find((item) => item.scope === "shared" && item.item === name)?.monthly;
    expect(shared("Application load balancer")).toBeCloseTo(730 * p.alb.hour, 9);
    expect(shared("Load balancer capacity units")).toBeCloseTo(730 * p.alb.lcuHour, 9);
    expect(shared("Public IPv4 addresses")).toBeCloseTo((2 + count("aws_eip")) * 730 * p.publicIpv4Hour, 9);
    expect(shared("NAT gateway hours")).toBeCloseTo(count("aws_nat_gateway") * 730 * p.natGateway.hour, 9);
    expect(shared("Route53 hosted zones")).toBeCloseTo(count("aws_route53_zone") * p.route53ZoneMonth, 9);
    expect(cost.items.filter((item) => item.scope === "shared").map((item) => item.item)).toEqual(
      expect.arrayContaining(["NAT gateway data", "CloudWatch Logs ingestion"]),
    );
    expect(cost.items.filter((item) => item.item === "Application load balancer")).toHaveLength(1);
    // Each service's lines together, services in address order, the shared lines last.
    const scopes = cost.items.map((item) => item.scope);
    expect(scopes.filter((scope, index) => scope !== scopes[index - 1])).toEqual(cost.scopes.filter((scope) => scope.items > 0).map((scope) => scope.scope));

    expect(text).toMatch(/Fargate vCPU \(X86_64, aws_ecs_service\.platform_orders_service\) +\d+ tasks? × [\d.]+ vCPU × 730 h × \$0\.04048/);
    expect(text).toMatch(/CloudWatch alarms \(aws_ecs_service\.platform_shop_service\) +2 × \$0\.10/);
    expect(text).not.toMatch(/CloudWatch alarms \(aws_ecs_service\.platform_orders_service\)/);
    const money = (value: number) => `$${value.toFixed(2)}`;
    const pattern = (value: string) => value.replace(/[.$*()]/g, "\\$&");
    expect(text).toMatch(
      new RegExp(
        pattern("Per service (its tasks, their public addresses, its log groups and alarms) and shared\n") +
          cost.scopes.map((scope) => ` {4}${pattern(scope.scope)} +${pattern(money(scope.monthly))}\\n`).join("") +
          ` {4}Total +${pattern(money(cost.total))}\\n`,
      ),
    );
    const rest = cost.scopes[cost.scopes.length - 1].monthly;
    const perService = cost.scopes.slice(0, -1).reduce((sum, scope) => sum + scope.monthly, 0);
    expect(text).toContain(
      `Cost      about ${money(cost.total)} a month: ${money(perService)} for ${services.length} services, ${money(rest)} shared (eu-west-1 prices`,
    );
    expect(markdown).toContain(
      "| scope | per month |\n| --- | ---: |\n" +
        cost.scopes.map((scope) => `| ${scope.scope === "shared" ? "shared" : `\`${scope.scope}\``} | ${money(scope.monthly)} |\n`).join("") +
        `| **Total** | **${money(cost.total)}** |`,
    );
    // Service Connect's Cloud Map namespace is not priced, and says so.
    expect(cost.notEstimated).toContain(
      "AWS Cloud Map for Service Connect (aws_service_discovery_http_namespace.platform_service_connect_namespace): registered instances and discovery calls, not in the price table",
    );
    expect(markdown).toContain("- AWS Cloud Map for Service Connect (`aws_service_discovery_http_namespace.platform_service_connect_namespace`)");
  });

  test("cost: what the environment has that the price table does not price is listed as not estimated", () => {
    const { cost } = reviewPlan(planned.plan);
    const changes: any[] = planned.plan.resource_changes;
    const of = (type: string) => changes.filter((change) => change.type === type);
    // Task definitions neither a service nor a schedule runs (one-off tasks): their Fargate time depends on how often they run.
    const run = new Set(of("aws_ecs_service").map((service) => service.address.replace("aws_ecs_service.", "aws_ecs_task_definition.").replace(/_service$/, "_task")));
    for (const schedule of of("aws_scheduler_schedule")) run.add(schedule.address.replace("aws_scheduler_schedule.", "aws_ecs_task_definition.").replace(/_schedule$/, "_task"));
    const standalone = of("aws_ecs_task_definition").map((task) => task.address).filter((address) => !run.has(address));
    expect(standalone).toEqual(["aws_ecs_task_definition.platform_migrate_task"]);
    expect(cost.notEstimated).toContain(`Fargate time of tasks run outside a service (${standalone.join(", ")})`);
    if (of("aws_sqs_queue").length) expect(cost.notEstimated).toContain("SQS requests");
    if (of("aws_scheduler_schedule").length) expect(cost.notEstimated).toContain("EventBridge Scheduler invocations");
    // Fargate Spot is no longer priced at on-demand rates: no such note.
    expect(cost.notes.join("\n")).not.toContain("on-demand rates (an upper bound)");
    expect(cost.notes.join("\n")).not.toContain("priced at its desired_count");
  });

  test("cost: an autoscaled service is a range from its minimum to its maximum, counted at its minimum", () => {
    const { cost } = reviewPlan(planned.plan);
    const p = loadPrices().regions["eu-west-1"];
    const after = (address: string) => planned.plan.resource_changes.find((change: any) => change.address === address).change.after;
    const shopTarget = after("aws_appautoscaling_target.platform_shop_auto_scaling");
    expect([shopTarget.min_capacity, shopTarget.max_capacity]).toEqual([2, 10]);
    const task = after("aws_ecs_task_definition.platform_shop_task");
    const vcpu = Number(task.cpu) / 1024;
    const gb = Number(task.memory) / 1024;
    const line = (name: string) => cost.items.find((item) => item.item === name)!;
    const cpuLine = line(`Fargate vCPU (X86_64, ${SHOP})`);
    expect(cpuLine.monthly).toBeCloseTo(2 * vcpu * 730 * p.fargate.x86VcpuHour, 9);
    const money = (value: number) => `$${value.toFixed(2)}`;
    expect(cpuLine.detail).toBe(
      `2–10 tasks × ${vcpu} vCPU × 730 h × $0.04048: ${money(2 * vcpu * 730 * 0.04048)}–${money(10 * vcpu * 730 * 0.04048)} a month, counted at 2`,
    );
    expect(line(`Fargate memory (X86_64, ${SHOP})`).detail).toBe(
      `2–10 tasks × ${gb} GB × 730 h × $0.004445: ${money(2 * gb * 730 * 0.004445)}–${money(10 * gb * 730 * 0.004445)} a month, counted at 2`,
    );
    expect(cost.assumptions).toContain("autoscaled services counted at their minimum; the range is in each line");
    expect(text).toContain(`2–10 tasks × ${vcpu} vCPU × 730 h × $0.04048: $29.55–$147.75 a month, counted at 2`);
    expect(text).toContain("autoscaled services counted at their minimum; the range is in each line");
    expect(markdown).toContain("autoscaled services counted at their minimum; the range is in each line");
  });

  test("cost: the worker's tasks split as ECS does (FARGATE base 1 weight 1, FARGATE_SPOT weight 3), Spot at the assumed discount", () => {
    const { cost } = reviewPlan(planned.plan);
    const prices = loadPrices();
    expect(prices.assumptions.fargateSpotDiscount).toBe(0.7);
    expect(prices.sources.fargateSpot.join(" ")).toContain("up to 70%");
    const p = prices.regions["eu-west-1"];
    const after = (address: string) => planned.plan.resource_changes.find((change: any) => change.address === address).change.after;
    const target = after("aws_appautoscaling_target.platform_worker_auto_scaling");
    expect([target.min_capacity, target.max_capacity]).toEqual([1, 20]);
    const task = after("aws_ecs_task_definition.platform_worker_task");
    const vcpu = Number(task.cpu) / 1024;
    const gb = Number(task.memory) / 1024;
    // At 1 task: the base, on FARGATE. At 20: 1 + 19 by weight 1:3 → 1 + 5 on FARGATE (4.75 rounded), 14 on Spot.
    const perTask = (price: number, size: number) => size * 730 * price;
    const atMin = perTask(p.fargate.x86VcpuHour, vcpu);
    const atMax = (6 + 14 * 0.3) * perTask(p.fargate.x86VcpuHour, vcpu);
    const worker = "aws_ecs_service.platform_worker_service";
    const cpuLine = cost.items.find((item) => item.item === `Fargate vCPU (X86_64, ${worker})`)!;
    expect(cpuLine.monthly).toBeCloseTo(atMin, 9);
    expect(cpuLine.assumed).toBe(true);
    const money = (value: number) => `$${value.toFixed(2)}`;
    expect(cpuLine.detail).toBe(
      "1–20 tasks (1 on-demand + 0 Spot at 1, 6 on-demand + 14 Spot at 20; FARGATE base 1 weight 1, FARGATE_SPOT weight 3; Spot at 70 % off) " +
        `× ${vcpu} vCPU × 730 h × $0.04048: ${money(atMin)}–${money(atMax)} a month, counted at 1`,
    );
    const memoryLine = cost.items.find((item) => item.item === `Fargate memory (X86_64, ${worker})`)!;
    expect(memoryLine.monthly).toBeCloseTo(perTask(p.fargate.x86GbHour, gb), 9);
    expect(memoryLine.detail).toContain(`: ${money(perTask(p.fargate.x86GbHour, gb))}–${money((6 + 14 * 0.3) * perTask(p.fargate.x86GbHour, gb))} a month`);
    expect(cost.assumptions.join("\n")).toContain('Fargate Spot at 70 % below on-demand (an assumption: AWS says "up to 70%"');
    expect(text).toContain("Fargate Spot at 70 % below on-demand");
    expect(text).toMatch(/1–20 tasks \(1 on-demand \+ 0 Spot at 1, 6 on-demand \+ 14 Spot at 20;/);
  });

  test("cost: the nightly schedule is listed with its expression and time zone, ~30 runs a month, priced", () => {
    const { cost } = reviewPlan(planned.plan);
    const prices = loadPrices();
    const p = prices.regions["eu-west-1"];
    const after = (address: string) => planned.plan.resource_changes.find((change: any) => change.address === address).change.after;
    const task = after("aws_ecs_task_definition.platform_nightly_report_task");
    const vcpu = Number(task.cpu) / 1024;
    const gb = Number(task.memory) / 1024;
    const address = "aws_scheduler_schedule.platform_nightly_report_schedule";
    expect(prices.assumptions.scheduledTaskRunMinutes).toBe(10);
    // Once a day: 730 h / 24 = 30.42 runs, 10 minutes each.
    const runs = 730 / 24;
    const monthly = runs * (10 / 60) * (vcpu * p.fargate.x86VcpuHour + gb * p.fargate.x86GbHour);
    expect(cost.schedules).toEqual([
      {
        address,
        expression: "cron(0 3 * * ? *)",
        timeZone: "Europe/Paris",
        taskDefinition: "aws_ecs_task_definition.platform_nightly_report_task",
        runsPerMonth: expect.closeTo(runs, 9),
        monthly: expect.closeTo(monthly, 9),
      },
    ]);
    const line = cost.items.find((item) => item.item === `Scheduled task (X86_64, ${address})`)!;
    expect(line.scope).toBe("shared");
    expect(line.monthly).toBeCloseTo(monthly, 9);
    expect(line.detail).toBe(`cron(0 3 * * ? *) Europe/Paris: ~30.4 runs × 10 min × (${vcpu} vCPU × $0.04048 + ${gb} GB × $0.004445)`);
    expect(cost.assumptions).toContain("each scheduled task run lasts 10 minutes");
    expect(text).toContain("cron(0 3 * * ? *) Europe/Paris: ~30.4 runs × 10 min");
    expect(markdown).toContain("each scheduled task run lasts 10 minutes");
  });

  test("secrets: every container secret (a Secrets Manager secret's JSON key too) is one its execution role may read", () => {
    const { secrets } = reviewPlan(planned.plan);
    expect(secrets.mappings.length).toBeGreaterThan(0);
    expect(secrets.mappings.filter((mapping) => mapping.readable !== true)).toEqual([]);
    expect(secrets.mappings).toContainEqual(
      expect.objectContaining({ container: "platform-prod-orders", variable: "DATABASE_PASSWORD", executionRole: "aws_iam_role.platform_orders_task_execution_role", readable: true }),
    );
    expect(text).not.toContain("has no grant to read it");
  });

  test("--strict: exit 0, in both formats; the secret's value is in no output", () => {
    expect(review(planned.planJsonText, "--strict").code).toBe(0);
    expect(review(planned.planJsonText, "--strict", "--format", "markdown").code).toBe(0);
    expect(text).toMatch(/Policy +no violations/);
    expect(text).not.toContain(SECRET);
    expect(markdown).not.toContain(SECRET);
  });

  test("rule values Terraform knows only at apply say so: unknown at plan, never a guess", () => {
    const plan = edited({
      [ADMIN_RULE]: (change) => {
        delete change.after.priority;
        change.after_unknown.priority = true;
        const path = change.after.condition.findIndex((condition: any) => condition.path_pattern.length);
        change.after.condition[path].path_pattern[0].values = null;
        change.after_unknown.condition[path].path_pattern[0].values = true;
      },
      [SHOP_RULE]: (change) => {
        change.after.condition[0].host_header[0].values[0] = null;
        change.after_unknown.condition[0].host_header[0].values[0] = true;
      },
    });
    const rules = reviewPlan(plan).exposure.listenerRules;
    // A rule whose priority is unknown comes last.
    expect(rules.map((rule) => [rule.address, rule.priority, rule.hosts, rule.paths])).toEqual([
      [SHOP_RULE, shopPriority, ["unknown at plan", "www.example.com"], []],
      [ADMIN_RULE, "unknown at plan", ["shop.example.com"], ["unknown at plan"]],
    ]);
    const { stdout } = review(plan);
    expect(stdout).toMatch(/443\/HTTPS {2}priority unknown at plan {2}host shop\.example\.com +path unknown at plan {2}→ aws_lb_target_group\.platform_admin_target_group/);
    expect(stdout).toMatch(/priority \d+ +host unknown at plan, www\.example\.com +any path/);
    const md = review(plan, "--format", "markdown").stdout;
    expect(md).toContain(`| 443/HTTPS | unknown at plan | \`shop.example.com\` | _unknown at plan_ | forward |`);
    expect(md).toContain(`| 443/HTTPS | ${shopPriority} | _unknown at plan_, \`www.example.com\` | any | forward |`);
  });

  test("a certificate the HTTPS listener serves by SNI (aws_lb_listener_certificate) is counted on the listener", () => {
    // The example's hosts share one zone, so one certificate: a second one is added to the plan as Terraform would write it.
    const plan = edited({});
    const address = "aws_lb_listener_certificate.platform_second_zone";
    const listener = "aws_lb_listener.platform_load_balancer_https_listener";
    plan.resource_changes.push({
      address,
      mode: "managed",
      type: "aws_lb_listener_certificate",
      name: "platform_second_zone",
      provider_name: "registry.terraform.io/hashicorp/aws",
      change: { actions: ["create"], before: null, after: {}, after_unknown: { certificate_arn: true, id: true, listener_arn: true } },
    });
    plan.configuration.root_module.resources.push({
      address,
      mode: "managed",
      type: "aws_lb_listener_certificate",
      name: "platform_second_zone",
      expressions: {
        certificate_arn: { references: ["aws_acm_certificate_validation.x.certificate_arn", "aws_acm_certificate_validation.x"] },
        listener_arn: { references: [`${listener}.arn`, listener] },
      },
    });
    const https = reviewPlan(plan).exposure.listeners.find((entry) => entry.port === 443);
    expect(https?.sniCertificates).toEqual([address]);
    expect(reviewPlan(planned.plan).exposure.listeners.map((entry) => entry.sniCertificates)).toEqual([[], []]);
    expect(review(plan).stdout).toMatch(/443\/HTTPS {2}fixed response 404 +TLS policy ELBSecurityPolicy-TLS13-1-2-2021-06 {2}\+ 1 SNI certificate\n/);
    expect(review(plan, "--format", "markdown").stdout).toContain("| 443 | HTTPS | fixed response 404 | `ELBSecurityPolicy-TLS13-1-2-2021-06` + 1 SNI certificate |");
  });

  test("a target group no ECS service of the plan registers in says so; the cost has one service less", () => {
    const plan = edited({}, [ADMIN]);
    const { exposure, cost } = reviewPlan(plan);
    expect(exposure.listenerRules[0].targets).toEqual([{ targetGroup: "aws_lb_target_group.platform_admin_target_group", services: [] }]);
    expect(review(plan).stdout).toMatch(/→ aws_lb_target_group\.platform_admin_target_group → no ECS service in this plan\n/);
    // Its log group and alarms remain in the plan but belong to no service there: shared.
    expect(cost.scopes.map((scope) => scope.scope)).not.toContain(ADMIN);
    expect(cost.scopes.map((scope) => scope.scope)).toEqual(expect.arrayContaining([ORDERS, SHOP, "shared"]));
    expect(cost.items.filter((item) => item.scope === "shared").map((item) => item.item)).toContain("CloudWatch alarms");
  });
});

describe("runs a month of a schedule expression (a month of 730 h)", () => {
  test.each([
    ["rate(15 minutes)", 730 * 4], // 2920
    ["rate(1 minute)", 730 * 60],
    ["rate(2 hours)", 365],
    ["rate(1 day)", 730 / 24],
    ["cron(0 3 * * ? *)", 730 / 24], // ~30.4
    ["cron(0 8 ? * MON-FRI *)", (730 / 24) * (5 / 7)], // ~21.7
    ["cron(*/15 * * * ? *)", 2920],
    ["cron(0/30 9-17 ? * 2-6 *)", 2 * 9 * (730 / 24) * (5 / 7)],
    ["cron(0,30 6,18 ? * SAT,SUN *)", 4 * (730 / 24) * (2 / 7)],
    ["cron(0 12 ? JAN,JUL MON *)", (730 / 24) * (1 / 7) * (2 / 12)],
  ])("%s", (expression, expected) => {
    expect(runsPerMonth(expression, 730)).toBeCloseTo(expected, 6);
  });

  test("a day of the month: about once a month", () => {
    expect(runsPerMonth("cron(0 0 1 * ? *)", 730)).toBeCloseTo(1, 2);
    expect(runsPerMonth("cron(0 0 1,15 * ? *)", 730)).toBeCloseTo(2, 2);
  });

  test.each(["cron(0 0 L * ? *)", "cron(0 0 ? * 6#3 *)", "cron(0 0 1 * MON *)", "cron(0 0 * * ? 2027)", "at(2027-01-01T00:00:00)", "rate(0 minutes)", "cron(61 * * * ? *)"])(
    "%s: not estimated",
    (expression) => expect(runsPerMonth(expression, 730)).toBeUndefined(),
  );
});

describe("how ECS splits tasks over a capacity provider strategy", () => {
  const strategy = [
    { provider: "FARGATE", base: 1, weight: 1 },
    { provider: "FARGATE_SPOT", weight: 3 },
  ];
  test.each([
    [1, 1, 0],
    [5, 2, 3],
    [20, 6, 14],
  ])("%i tasks: %i on-demand, %i Spot", (count, onDemand, spotTasks) => expect(splitTasks(count, strategy)).toEqual({ onDemand, spotTasks }));
  test("all on Spot, or none", () => {
    expect(splitTasks(4, [{ provider: "FARGATE_SPOT", weight: 1 }])).toEqual({ onDemand: 0, spotTasks: 4 });
    expect(splitTasks(4, [{ provider: "FARGATE", weight: 1 }])).toEqual({ onDemand: 4, spotTasks: 0 });
  });
});
