import { readFileSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { appToSynthesize, stacksToPlan } from "./plans/review-default-app";
import { runAppCommand } from "./support/app-command";
import { DEFAULT_APP_SECRET } from "./support/canaries";
import { PlannedStack, cleanupPlannedStacks, planStacks } from "./support/terraform";
import { runReview } from "../src/cli/review/cli";
import { loadPrices } from "../src/cli/review/cost";
import { reviewPlan } from "../src/cli/review/review";

jest.setTimeout(300_000);

// A value no code path could produce: if it shows up in a review, the review leaked the secret.
const SECRET = DEFAULT_APP_SECRET;

let outdir: string;
let planned: PlannedStack;
let dev: PlannedStack;
let text: string;
let markdown: string;

/** Runs the command on plan JSON (written beside the plan): exit code and output. */
function review(planJson: string, ...argv: string[]): { code: number; stdout: string; stderr: string } {
  const file = join(planned.dir, `review-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, planJson);
  let stdout = "";
  let stderr = "";
  const code = runReview([file, ...argv], { stdout: (out) => (stdout += out), stderr: (out) => (stderr += out) });
  return { code, stdout, stderr };
}

/** The text between two markers (the first occurrences). */
function between(text: string, from: string, to: string): string {
  const start = text.indexOf(from);
  return text.slice(start, text.indexOf(to, start));
}

/**
 * The real plan as it would be against existing state where the load balancer's name changed and the zone
 * left the configuration: aws_lb replaced (delete first), aws_route53_zone destroyed. Terraform cannot plan
 * that offline without state, so the real plan's resource_changes are edited (as fixtures/review/README.md
 * describes for the small fixture).
 */
function withReplacementAndDeletion(plan: any): any {
  const edited = JSON.parse(JSON.stringify(plan));
  const change = (address: string) => edited.resource_changes.find((entry: any) => entry.address === address);
  const lb = change("aws_lb.hello_load_balancer");
  lb.change.actions = ["delete", "create"];
  lb.change.before = { ...lb.change.after, name: "hello-v1" };
  lb.change.replace_paths = [["name"]];
  lb.action_reason = "replace_because_cannot_update";
  const zone = change("aws_route53_zone.hello_zone_hello_example_com");
  zone.change.actions = ["delete"];
  zone.change.before = zone.change.after;
  zone.change.after = null;
  zone.change.after_unknown = {};
  zone.action_reason = "delete_because_no_resource_config";
  return edited;
}

beforeAll(async () => {
  outdir = runAppCommand(appToSynthesize.env, appToSynthesize.entry);
  [planned, dev] = await planStacks(stacksToPlan(outdir));
  text = review(planned.planJsonText).stdout;
  markdown = review(planned.planJsonText, "--format", "markdown").stdout;
});

afterAll(() => {
  cleanupPlannedStacks();
  rmSync(outdir, { recursive: true, force: true });
});

describe("review of the default app's real prod plan", () => {
  test("text: the summary first, then every section", () => {
    const summary = text.split("\n").slice(2, 8);
    expect(summary.map((line) => line.trim().split(/\s{2,}/)[0])).toEqual(["Changes", "Exposure", "IAM", "Secrets", "Cost", "Policy"]);
    expect(summary[0]).toContain("79 to add, 0 to change, 0 to replace, 0 to destroy");
    expect(summary[1]).toContain("listeners on 80, 443; 1 listener rule;");
    expect(summary[4]).toMatch(/about \$\d+\.\d{2} a month: \$\d+\.\d{2} for 1 service, \$\d+\.\d{2} shared \(eu-west-1 prices/);
    expect(summary[5]).toContain("no violations");
    const headings = ["1. Changes", "2. Internet exposure", "3. IAM", "4. Secrets", "5. Estimated monthly cost", "6. Policy (--strict)"];
    const positions = headings.map((heading) => text.indexOf(`\n${heading}`));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).not.toContain("POLICY VIOLATIONS");
  });

  test("changes: counts by group, creations counted by type", () => {
    expect(text).toMatch(/ {2}group {2}add {2}change {2}replace {2}destroy\n {2}hello {3}79 {7}0 {8}0 {8}0\n/);
    expect(text).toContain("+ 79 new: aws_acm_certificate, aws_acm_certificate_validation,");
    expect(text).toContain("aws_lb_listener ×2, aws_lb_listener_rule, aws_lb_target_group,");
    expect(text).toContain("aws_vpc_security_group_ingress_rule ×5");
  });

  test("exposure: the internet-facing load balancer, its listeners, 80 and 443 open to the world, the public addresses", () => {
    expect(text).toMatch(/aws_lb\.hello_load_balancer {2}application, dualstack, 2 zones/);
    expect(text).toMatch(/aws_lb\.hello_load_balancer {2}80\/HTTP {4}redirect to HTTPS:443 \(HTTP_301\)/);
    // The environment's shape: the HTTPS listener answers 404 to what no service's rule matches.
    expect(text).toMatch(/443\/HTTPS {2}fixed response 404 +TLS policy ELBSecurityPolicy-TLS13-1-2-2021-06\n/);
    const open = between(text, "Ingress open to the world", "Public addresses").split("\n").filter((line) => /^ {4}(ok|!!) /.test(line));
    expect(open.map((line) => line.trim().split(/\s{2,}/).slice(0, 3))).toEqual([
      ["ok", "tcp 443", "0.0.0.0/0"],
      ["ok", "tcp 443", "::/0"],
      ["ok", "tcp 80", "0.0.0.0/0"],
      ["ok", "tcp 80", "::/0"],
    ]);
    expect(open[0]).toContain("→ aws_security_group.hello_load_balancer_security_group (aws_lb.hello_load_balancer)");
    expect(text).toContain("Elastic IP for aws_nat_gateway.hello_network_nat_gateway_a");
    expect(text).toContain("internet-facing load balancer: a public IPv4 per zone (2) and IPv6");
    expect(text).not.toContain("map_public_ip_on_launch");
  });

  test("exposure: the HTTPS listener's one rule, its host → the service's target group → the ECS service", () => {
    const rule = planned.plan.resource_changes.find((change: any) => change.type === "aws_lb_listener_rule");
    const priority = rule.change.after.priority;
    expect(typeof priority).toBe("number");
    expect(reviewPlan(planned.plan).exposure.listenerRules).toEqual([
      {
        address: "aws_lb_listener_rule.hello_listener_rule",
        loadBalancer: "aws_lb.hello_load_balancer",
        listener: "443/HTTPS",
        priority,
        hosts: ["hello.example.com"],
        paths: [],
        otherConditions: [],
        action: "forward",
        targets: [{ targetGroup: "aws_lb_target_group.hello_target_group", services: ["aws_ecs_service.hello_service"] }],
      },
    ]);
    expect(text).toContain(
      "  Listener rules (lowest priority first; what none matches gets the listener's default action)\n" +
        `    443/HTTPS  priority ${priority}  host hello.example.com  any path  → aws_lb_target_group.hello_target_group → aws_ecs_service.hello_service\n`,
    );
    expect(markdown).toContain(
      "| listener | priority | hosts | paths | action | target group | ECS service |\n| --- | --- | --- | --- | --- | --- | --- |\n" +
        `| 443/HTTPS | ${priority} | \`hello.example.com\` | any | forward | \`aws_lb_target_group.hello_target_group\` | \`aws_ecs_service.hello_service\` |\n`,
    );
    expect(markdown).toContain("| `aws_lb.hello_load_balancer` | 443 | HTTPS | fixed response 404 | `ELBSecurityPolicy-TLS13-1-2-2021-06` |");
  });

  test("IAM: each role's trust, the execution role's grants read from the configuration, the secret read called out", () => {
    expect(text).toMatch(/aws_iam_role\.hello_task_execution_role {2}"hello-prod-execution"\n {4}assumed by {2}Service ecs-tasks\.amazonaws\.com/);
    expect(text).toContain("aws_iam_role_policy.hello_task_execution_role_policy (inline, unknown at plan: read from the configuration)");
    expect(text).toMatch(/Allow {2}ssm:GetParameters +on {2}aws_ssm_parameter\.hello_secret_password\.arn {2}<< reads secrets/);
    expect(text).toMatch(/Allow {2}logs:CreateLogStream, logs:PutLogEvents {2}on {2}aws_cloudwatch_log_group\.hello_logs\.arn:\*\n/);
    expect(text).toMatch(/aws_iam_role\.hello_task_role {2}"hello-prod-task"\n {4}assumed by {2}Service ecs-tasks\.amazonaws\.com\n {4}no policy in this plan/);
    expect(text).toMatch(/Grants that read secrets\n {4}aws_iam_role\.hello_task_execution_role {2}ssm:GetParameters {2}on {2}aws_ssm_parameter\.hello_secret_password\.arn\n/);
  });

  test("secrets: /hello-prod/PASSWORD feeds hello-prod.PASSWORD, the execution role may read it, nothing secret in the plan", () => {
    expect(text).toMatch(/\/hello-prod\/PASSWORD → hello-prod\.PASSWORD {2}aws_iam_role\.hello_task_execution_role may read it/);
    expect(text).toMatch(/aws_ssm_parameter\.hello_secret_password {2}\/hello-prod\/PASSWORD {2}SecureString {2}value_wo \(write-only\) from var\.password, sensitive, ephemeral/);
    expect(text).toContain("ok  no sensitive variable's value in the plan (var.password: ephemeral)");
    expect(text).toContain("ok  no value the provider marks sensitive in the plan (passwords, SecureString values, sensitive outputs...)");
    expect(text).toContain("ok  no secret-looking environment variable with a plain value");
  });

  test("cost: each line, the total the price table gives, the assumptions and what is not estimated", () => {
    const prices = loadPrices();
    const p = prices.regions["eu-west-1"];
    const usEast1 = prices.regions["us-east-1"];
    const a = prices.assumptions;
    const hours = a.hoursPerMonth;
    const expected =
      2 * 0.5 * hours * p.fargate.x86VcpuHour +
      2 * 1 * hours * p.fargate.x86GbHour +
      hours * p.alb.hour +
      a.albLcuPerHour * hours * p.alb.lcuHour +
      (2 + 2) * hours * p.publicIpv4Hour + // the load balancer's two zones, the two NAT Elastic IPs
      2 * hours * p.natGateway.hour +
      2 * a.natGatewayGbPerMonth * p.natGateway.gb +
      p.route53ZoneMonth +
      // the service's, the stopped tasks' and the WAF's log groups
      3 * a.logGroupGbPerMonth * p.logsIngestGb +
      2 * p.alarmMonth +
      // production's hardening: the web ACL (4 rules) and its requests, three KMS keys, the flow logs kept 90 days,
      // the zone's query logs kept 365 days at us-east-1's prices, the access logs kept 90 days then 7 as noncurrent versions
      p.waf.webAclMonth + 4 * p.waf.ruleMonth + (a.albRequestsPerMonth / 1e6) * p.waf.millionRequests +
      3 * p.kmsKeyMonth +
      a.flowLogGbPerMonth * p.vendedLogsIngestGb + ((a.flowLogGbPerMonth * 90) / (hours / 24)) * p.logsStorageGbMonth +
      a.queryLogGbPerMonth * usEast1.vendedLogsIngestGb + ((a.queryLogGbPerMonth * 365) / (hours / 24)) * usEast1.logsStorageGbMonth +
      ((a.accessLogGbPerMonth * (90 + 7)) / (hours / 24)) * p.s3.standardGbMonth +
      ((2 * 12 * hours) / 1000) * p.s3.putThousand;
    expect(text).toContain(`5. Estimated monthly cost (eu-west-1 prices as of ${prices.asOf}, USD)`);
    expect(text).toMatch(new RegExp(`\\n {2}Total +\\$${expected.toFixed(2).replace(".", "\\.")}\\n`));
    expect(text).toMatch(/Fargate vCPU \(X86_64, aws_ecs_service\.hello_service\) +2 tasks × 0\.5 vCPU × 730 h × \$0\.04048 +\$29\.55/);
    expect(text).toMatch(/Public IPv4 addresses +4 \(2 load balancer, 2 Elastic IPs\) × 730 h × \$0\.005/);
    expect(text).toMatch(/NAT gateway hours +2 × 730 h/);
    expect(text).toMatch(/Route53 hosted zones +1 × \$0\.50 +\$0\.50/);
    // The service's own log group and its two alarms (on its target group) are its lines; the stopped-task log group is shared.
    expect(text).toMatch(/CloudWatch Logs ingestion \(aws_ecs_service\.hello_service\) +1 log group × 1 GB × \$0\.57/);
    expect(text).toMatch(/CloudWatch alarms \(aws_ecs_service\.hello_service\) +2 × \$0\.10/);
    // shared: the stopped tasks' and the WAF's
    expect(text).toMatch(/\n {2}CloudWatch Logs ingestion +2 log groups × 1 GB × \$0\.57/);
    const prose = text.replace(/\s+/g, " "); // the assumptions are wrapped
    expect(prose).toContain(
      "Assumptions: 730 hours a month, everything running all month; 1 LCU per load balancer on average; 10 GB a month through each NAT gateway; 1 GB a month ingested into each log group",
    );
    expect(prose).toContain("Not estimated: data transfer out to the internet and between zones;");
    expect(prose).toContain("Container Insights metrics (on for aws_ecs_cluster.hello_cluster).");
    expect(reviewPlan(planned.plan).cost.total).toBeCloseTo(expected, 6);
  });

  test("cost: the service's lines and the shared ones, each subtotal, adding up to the total", () => {
    const { cost } = reviewPlan(planned.plan);
    const p = loadPrices().regions["eu-west-1"];
    const service = 2 * 0.5 * 730 * p.fargate.x86VcpuHour + 2 * 1 * 730 * p.fargate.x86GbHour + p.logsIngestGb + 2 * p.alarmMonth;
    expect(cost.scopes.map((scope) => scope.scope)).toEqual(["aws_ecs_service.hello_service", "shared"]);
    expect(cost.scopes[0].monthly).toBeCloseTo(service, 9);
    expect(cost.scopes[0].items).toBe(4);
    expect(cost.scopes[1].monthly).toBeCloseTo(cost.total - service, 9);
    expect(cost.total).toBe(cost.items.reduce((sum, item) => sum + item.monthly, 0));
    // The service's lines first, then the shared ones.
    expect(cost.items.map((item) => item.scope)).toEqual([...Array(4).fill("aws_ecs_service.hello_service"), ...Array(cost.items.length - 4).fill("shared")]);
    const money = (value: number) => `\\$${value.toFixed(2).replace(".", "\\.")}`;
    expect(text).toMatch(
      new RegExp(
        "\\n {2}Per service \\(its tasks, their public addresses, its log groups and alarms\\) and shared\\n" +
          ` {4}aws_ecs_service\\.hello_service +${money(cost.scopes[0].monthly)}\\n {4}shared +${money(cost.scopes[1].monthly)}\\n {4}Total +${money(cost.total)}\\n`,
      ),
    );
    const [own, shared] = cost.scopes.map((scope) => scope.monthly.toFixed(2));
    expect(markdown).toContain(`| \`aws_ecs_service.hello_service\` | $${own} |\n| shared | $${shared} |\n| **Total** | **$${cost.total.toFixed(2)}** |`);
  });

  test("README quotes the review's own figures for the default app's prod: total, the service's, shared", () => {
    const { cost } = reviewPlan(planned.plan);
    const [own, shared] = cost.scopes.map((scope) => scope.monthly.toFixed(2));
    const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8").replace(/\s+/g, " ");
    expect(readme).toContain(`The default app's prod: $${cost.total.toFixed(2)} a month ($${own} its service, $${shared} shared)`);
    expect(readme).toContain(`| \`"nat-gateway-per-az"\` (default) | **$${cost.total.toFixed(2)}** |`);
  });

  test("markdown: headings, tables, the resource list folded, the mapping and the total", () => {
    expect(markdown).toMatch(/^## Terraform plan review: `review-\w+\.json`\n\n\*\*79 to add\*\*, 0 to change, 0 to replace, 0 to destroy · about \*\*\$\d+\.\d{2}\/month\*\* · ✅ no policy violations\n/);
    for (const heading of ["### 1. Changes", "### 2. Internet exposure", "### 3. IAM", "### 4. Secrets", "### 5. Estimated monthly cost: about $"]) {
      expect(markdown).toContain(`\n${heading}`);
    }
    expect(markdown).toContain("| `hello` | 79 | 0 | 0 | 0 |");
    expect(markdown).toContain("<details>\n<summary>All 79 changed resources</summary>\n\n|  | resource |");
    expect(markdown).toContain("| `aws_lb.hello_load_balancer` | 80 | HTTP | redirect to HTTPS:443 (HTTP_301) |  |");
    expect(markdown).toContain("| ✅ | **tcp 443** | `0.0.0.0/0` | `aws_vpc_security_group_ingress_rule.hello_load_balancer_ingress_443_ipv4` |");
    expect(markdown).toContain(
      "| Allow | `ssm:GetParameters` | `aws_ssm_parameter.hello_secret_password.arn` | 🔑 reads secrets | `aws_iam_role_policy.hello_task_execution_role_policy` ¹ |",
    );
    expect(markdown).toContain("| `/hello-prod/PASSWORD` → `hello-prod.PASSWORD` | ✅ `aws_iam_role.hello_task_execution_role` |");
    expect(markdown).toMatch(/\| \*\*Total\*\* \| {2}\| \*\*\$\d+\.\d{2}\*\* \|/);
    expect(markdown).toContain("**Assumptions:** 730 hours a month");
    // Every table row has as many cells as its header.
    const tables = markdown.split("\n\n").filter((block) => block.startsWith("| "));
    for (const block of tables) {
      const cells = block.split("\n").map((row) => row.replace(/\\\|/g, "").split("|").length);
      expect(new Set(cells).size).toBe(1);
    }
  });

  test("--strict: exit 0, the default app breaks no rule; the secret's value is in no output", () => {
    expect(review(planned.planJsonText, "--strict").code).toBe(0);
    expect(review(planned.planJsonText, "--strict", "--format", "markdown").code).toBe(0);
    expect(text).not.toContain(SECRET);
    expect(markdown).not.toContain(SECRET);
  });

  test("the same plan with the load balancer replaced and the zone destroyed: flagged loudly, --strict exits 1", () => {
    const edited = JSON.stringify(withReplacementAndDeletion(planned.plan));
    const lenient = review(edited);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain("77 to add, 0 to change, 1 to replace, 1 to destroy — DESTROYS aws_route53_zone.hello_zone_hello_example_com, REPLACES aws_lb.hello_load_balancer");
    expect(lenient.stdout).toMatch(/!! REPLACE {2}aws_lb\.hello_load_balancer\n +why: an argument that cannot be updated in place changed\n +forced by: name/);
    expect(lenient.stdout).toMatch(/!! DESTROY {2}aws_route53_zone\.hello_zone_hello_example_com\n +why: its block was removed from the configuration/);
    expect(lenient.stdout).toMatch(/ {2}hello {3}77 {7}0 {8}1 {8}1\n/);
    expect(lenient.stdout).not.toContain("Route53 hosted zones");
    const strict = review(edited, "--strict");
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/POLICY VIOLATIONS \(2\): exit 1 with --strict/);
    const markdownStrict = review(edited, "--strict", "--format", "markdown");
    expect(markdownStrict.code).toBe(1);
    expect(markdownStrict.stdout).toContain(
      "> ⚠️ **REPLACE** `aws_lb.hello_load_balancer` — why: an argument that cannot be updated in place changed; forced by `name`; deleted before its replacement is created",
    );
    expect(markdownStrict.stdout).toContain("> ⚠️ **DESTROY** `aws_route53_zone.hello_zone_hello_example_com`");
    expect(markdownStrict.stdout).toContain("| `hello` | 77 | 0 | **1** | **1** |");
  });
});

describe("review of the default app's real dev plan", () => {
  test("the smaller environment: 52 resources, one task of 0.25 vCPU, one NAT gateway, and no violation", () => {
    const devText = review(dev.planJsonText).stdout;
    expect(devText).toMatch(/Changes +52 to add, 0 to change, 0 to replace, 0 to destroy/);
    expect(devText).toMatch(/Fargate vCPU \(X86_64, aws_ecs_service\.hello_service\) +1 tasks? × 0\.25 vCPU × 730 h/);
    expect(devText).toMatch(/NAT gateway hours +1 × 730 h/);
    expect(devText).toMatch(/\/hello-dev\/PASSWORD → hello-dev\.PASSWORD/);
    expect(devText).toMatch(/Policy +no violations/);
    expect(reviewPlan(dev.plan).cost.total).toBeLessThan(reviewPlan(planned.plan).cost.total);
    expect(review(dev.planJsonText, "--strict").code).toBe(0);
  });
});
