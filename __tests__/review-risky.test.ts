import { writeFileSync } from "fs";
import { join } from "path";
import { DB_PASSWORD, PASSWORD, stacksToPlan } from "./plans/review-risky";
import { PlannedStack, cleanupPlannedStacks, planStacks } from "./support/terraform";
import { runReview } from "../src/cli/review/cli";
import { loadPrices } from "../src/cli/review/cost";

jest.setTimeout(300_000);

let planned: PlannedStack;
let text: string;
let markdown: string;

function review(...argv: string[]): { code: number; stdout: string } {
  const file = join(planned.dir, "plan.json");
  writeFileSync(file, planned.planJsonText);
  let stdout = "";
  const code = runReview([file, ...argv], { stdout: (out) => (stdout += out), stderr: (out) => (stdout += out) });
  return { code, stdout };
}

beforeAll(async () => {
  [planned] = await planStacks(stacksToPlan());
  text = review().stdout;
  markdown = review("--format", "markdown").stdout;
});

afterAll(() => cleanupPlannedStacks());

describe("review of a risky variant, planned offline by Terraform", () => {
  test("every violation listed right after the summary; --strict exits 1, without it 0", () => {
    const violations = text.slice(text.indexOf("POLICY VIOLATIONS (7)"), text.indexOf("1. Changes"));
    const rows = violations.split("\n").filter((line) => line.startsWith("  !!")).map((line) => line.trim().split(/\s{2,}/).slice(1, 3));
    expect(rows).toEqual([
      ["world-open-port", "aws_security_group.risky_db ingress[0]"],
      ["world-open-port", "aws_vpc_security_group_ingress_rule.risky_ssh"],
      ["iam-admin-policy", "aws_iam_role_policy_attachment.risky_admin"],
      ["iam-wildcard-resource", "aws_iam_role_policy.hello_task_role_policy"],
      ["secret-in-plan", "aws_ecs_task_definition.risky_worker"],
      ["secret-in-plan", "var.db_password"],
      ["secret-in-plan", "aws_ssm_parameter.risky_db_password"],
    ]);
    expect(text).toContain("Policy    7 violations: --strict fails");
    expect(review("--strict").code).toBe(1);
    expect(review("--strict", "--format", "markdown").code).toBe(1);
    expect(review().code).toBe(0);
  });

  test("exposure: port 22 and 5432 open to the world flagged with their group and what uses it; 443 allowed", () => {
    expect(text).toMatch(
      /!! {2}tcp 22 {4}0\.0\.0\.0\/0 {2}aws_vpc_security_group_ingress_rule\.risky_ssh +→ aws_security_group\.hello_service_security_group \(aws_ecs_service\.hello_service\)/,
    );
    expect(text).toMatch(/!! {2}tcp 5432 {2}0\.0\.0\.0\/0 {2}aws_security_group\.risky_db ingress\[0\] +→ aws_security_group\.risky_db/);
    expect(text).toMatch(/ok {2}tcp 443 {3}::\/0 {7}aws_security_group_rule\.risky_https +→ aws_security_group\.risky_db/);
    expect(text).toContain("tcp 22 is open to 0.0.0.0/0 on aws_security_group.hello_service_security_group (used by aws_ecs_service.hello_service)");
    const addresses = text.slice(text.indexOf("  Public addresses"), text.indexOf("3. IAM"));
    expect(addresses).toMatch(/aws_subnet\.risky_public +subnet gives every instance launched in it a public IPv4 \(map_public_ip_on_launch\)\n/);
    expect(addresses).toMatch(/aws_ecs_service\.risky_worker_service +ECS tasks get a public IPv4 each \(assign_public_ip, 1 task\)\n/);
    expect(addresses).toMatch(/aws_eip\.hello_network_nat_eip_a +Elastic IP for aws_nat_gateway\.hello_network_nat_gateway_a\n/);
    expect(markdown).toContain("| ⛔ | **tcp 22** | `0.0.0.0/0` | `aws_vpc_security_group_ingress_rule.risky_ssh` |");
  });

  test("IAM: ssm:* on * flagged, AdministratorAccess refused, a policy document read at apply shown from its configuration", () => {
    expect(text).toMatch(/aws_iam_role_policy\.hello_task_role_policy \(inline\)\n {6}Allow {2}ssm:\* {2}on {2}\* {2}<< reads secrets, all resources/);
    expect(text).toContain("iam-wildcard-resource  aws_iam_role_policy.hello_task_role_policy     aws_iam_role.hello_task_role is allowed ssm:* on *");
    expect(text).toContain("attaches the AWS managed policy AdministratorAccess");
    expect(text).toContain("aws_iam_policy.risky_reader (attached by aws_iam_role_policy_attachment.risky_reader_attachment, unknown at plan: read from the configuration)");
    expect(text).toMatch(/Allow {2}ssm:GetParameter {2}on {2}aws_ssm_parameter\.risky_db_password\.arn \(unknown at plan\) +<< reads secrets, unknown at plan: Resource/);
    expect(text).toContain("on  arn:aws:s3:::risky-bucket/* (if Bool aws:SecureTransport)");
    const grants = text.slice(text.indexOf("Grants that read secrets"), text.indexOf("Resource policies"));
    expect(grants).toMatch(/aws_iam_role\.hello_task_role +ssm:\* +on {2}\*\n/);
    expect(grants).toMatch(/aws_iam_role\.hello_task_role +everything \(AdministratorAccess\) +on {2}\*\n/);
    expect(grants).toMatch(/aws_iam_role\.hello_task_execution_role +ssm:GetParameter +on {2}aws_ssm_parameter\.risky_db_password\.arn \(unknown at plan\)\n/);
    expect(markdown).toContain("| `iam-wildcard-resource` | `aws_iam_role_policy.hello_task_role_policy` |");
    expect(markdown).toContain("| Allow | `ssm:*` | `*` | 🔑 reads secrets, ⚠️ all resources | `aws_iam_role_policy.hello_task_role_policy` |");
  });

  test("secrets: the non-ephemeral variable, the SecureString value and the plain token flagged; no value printed", () => {
    expect(planned.planJsonText).toContain(DB_PASSWORD); // the plan does hold it: the check below means something
    expect(text).toContain(
      "sensitive variable db_password is not ephemeral: its value is in the plan's variables and in aws_ssm_parameter.risky_db_password",
    );
    expect(text).toMatch(/aws_ssm_parameter\.risky_db_password {6}\/risky\/DB_PASSWORD {2}SecureString {2}value from var\.db_password, sensitive, in the plan/);
    expect(text).toContain("!!  values the provider marks sensitive in the plan: aws_ssm_parameter.risky_db_password.value (from var.db_password (sensitive))");
    expect(text).toContain("value is marked sensitive by the provider and its value (from var.db_password (sensitive)) is in the plan, and will be in the state: write it through value_wo");
    expect(text).toContain("!!  secret-looking environment variables with a plain value: worker.API_TOKEN");
    expect(text).not.toContain("LOG_LEVEL");
    expect(text).toContain("/hello/PASSWORD → hello.PASSWORD  aws_iam_role.hello_task_execution_role may read it");
    for (const output of [text, markdown]) {
      expect(output).not.toContain(DB_PASSWORD);
      expect(output).not.toContain(PASSWORD);
      expect(output).not.toContain("plain-token");
    }
  });

  test("changes: the app's group and the raw resources' group, the data source read at apply counted", () => {
    expect(text).toContain("86 to add, 0 to change, 0 to replace, 0 to destroy, 1 to read");
    expect(text).toMatch(/ {2}hello {3}76 {7}0 {8}0 {8}0\n {2}risky {3}10 {7}0 {8}0 {8}0\n/);
    expect(text).toContain("<=  data.aws_iam_policy_document.risky_reader_document");
  });

  test("cost: us-east-1 prices from the provider, ARM64 (Graviton) Fargate rates for 3 tasks of 0.5 vCPU and 1 GB", () => {
    const prices = loadPrices();
    const p = prices.regions["us-east-1"];
    expect(text).toContain(`5. Estimated monthly cost (us-east-1 prices as of ${prices.asOf}, USD)`);
    const vcpu = 3 * 0.5 * 730 * p.fargate.armVcpuHour;
    const memory = 3 * 1 * 730 * p.fargate.armGbHour;
    expect(text).toMatch(new RegExp(`Fargate vCPU \\(ARM64, aws_ecs_service\\.hello_service\\) +3 tasks × 0\\.5 vCPU × 730 h × \\$${p.fargate.armVcpuHour} +\\$${vcpu.toFixed(2)}`));
    expect(text).toMatch(new RegExp(`Fargate memory \\(ARM64, aws_ecs_service\\.hello_service\\) +3 tasks × 1 GB × 730 h × \\$${p.fargate.armGbHour} +\\$${memory.toFixed(2)}`));
    expect(p.fargate.armVcpuHour).toBeLessThan(p.fargate.x86VcpuHour);
    // The hand-written service: one x86 task of 0.25 vCPU, and its public IP counted as its own, apart from the shared ones.
    expect(text).toMatch(new RegExp(`Fargate vCPU \\(X86_64, aws_ecs_service\\.risky_worker_service\\) +1 task × 0\\.25 vCPU × 730 h × \\$${p.fargate.x86VcpuHour}`));
    expect(text).toMatch(/Public IPv4 addresses \(aws_ecs_service\.risky_worker_service\) +1 task \(assign_public_ip\) × 730 h × \$0\.005 +\$3\.65\n/);
    expect(text).toMatch(/\n {2}Public IPv4 addresses +4 \(2 load balancer, 2 Elastic IPs\) × 730 h × \$0\.005/);
    expect(text).toMatch(/\n {4}aws_ecs_service\.hello_service +\$\d+\.\d{2}\n {4}aws_ecs_service\.risky_worker_service +\$\d+\.\d{2}\n {4}shared +\$\d+\.\d{2}\n/);
    expect(text).not.toContain("†"); // every us-east-1 price is confirmed by a source
    const ireland = review("--region", "eu-west-1").stdout;
    expect(ireland).toContain("(eu-west-1 prices as of");
    expect(ireland).toContain("† price not confirmed by a retrieved source");
  });
});
