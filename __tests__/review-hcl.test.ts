import { writeFileSync } from "fs";
import { join } from "path";
import { PlannedStack, cleanupPlannedStacks, planStacks } from "./support/terraform";
import { CANARIES, EPHEMERAL_TOKEN, stacksToPlan } from "./plans/review-hcl";
import { runReview } from "../src/cli/review/cli";
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "../src/cli/review/render-markdown";
import { reviewPlan } from "../src/cli/review/review";

jest.setTimeout(300_000);

/*
 * `npm run review` on plans of plain HCL written for the test, the rest of a reviewer's Terraform rather
 * than this project's: every form Terraform plans IAM in, secrets the provider marks sensitive, world-open
 * port ranges. Two configurations (__tests__/plans/review-hcl.ts), each planned once offline: one where every
 * resource is a risky pattern `--strict` must fail on, one where none is. Each risky resource has a name of
 * its own, so that the violations, by address, show each pattern failing on its own.
 */

let risky: PlannedStack;
let benign: PlannedStack;

beforeAll(async () => {
  [risky, benign] = await planStacks(stacksToPlan());
});

afterAll(() => cleanupPlannedStacks());

/** Runs the command on plan JSON written beside the plan: exit code and output. */
function review(planned: PlannedStack, planJson: string, ...argv: string[]): { code: number; stdout: string; stderr: string } {
  const file = join(planned.dir, `review-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, planJson);
  let stdout = "";
  let stderr = "";
  const code = runReview([file, ...argv], { stdout: (out) => (stdout += out), stderr: (out) => (stderr += out) });
  return { code, stdout, stderr };
}

/** The violations the text lists, as [rule, address], sorted. */
function violationsOf(text: string): string[][] {
  const start = text.indexOf("POLICY VIOLATIONS");
  if (start < 0) return [];
  return text
    .slice(start, text.indexOf("1. Changes"))
    .split("\n")
    .filter((line) => line.startsWith("  !!"))
    .map((line) => line.trim().split(/\s{2,}/).slice(1, 3))
    .sort((a, b) => (a.join(" ") < b.join(" ") ? -1 : 1));
}

describe("review --strict of a plan of risky HCL: each pattern is a violation of its own", () => {
  let text: string;
  let markdown: string;
  beforeAll(() => {
    text = review(risky, risky.planJsonText).stdout;
    markdown = review(risky, risky.planJsonText, "--format", "markdown").stdout;
  });

  test("the violations, one per risky resource; --strict exits 1", () => {
    expect(violationsOf(text)).toEqual(
      [
        ["iam-admin-policy", "aws_iam_group_policy_attachment.admin"],
        ["iam-not-action", "aws_iam_policy.all_but_iam"],
        ["iam-not-action", "aws_iam_role_policy.not_action"],
        ["iam-wildcard-resource", "aws_iam_policy.star_deferred"],
        ["iam-wildcard-resource", "aws_iam_policy.star_known"],
        ["iam-wildcard-resource", "aws_iam_role_policy.merged"],
        ["iam-wildcard-resource", "aws_iam_role_policy.star_inline"],
        ["secret-in-plan", "aws_db_instance.literal_password"],
        ["secret-in-plan", "aws_ecs_task_definition.worker"],
        ["secret-in-plan", "aws_secretsmanager_secret_version.api"],
        ["secret-in-plan", "aws_ssm_parameter.from_sensitive_var"],
        ["secret-in-plan", "aws_ssm_parameter.secure_literal"],
        ["secret-in-plan", "output.db_password"],
        ["secret-in-plan", "var.db_password"],
        ["world-open-port", "aws_security_group.web ingress[0]"],
        ["world-open-port", "aws_vpc_security_group_ingress_rule.port_at_apply"],
        ["world-open-port", "aws_vpc_security_group_ingress_rule.range_80_8080"],
      ].sort((a, b) => (a.join(" ") < b.join(" ") ? -1 : 1)),
    );
    expect(review(risky, risky.planJsonText, "--strict").code).toBe(1);
    expect(review(risky, risky.planJsonText, "--strict", "--format", "markdown").code).toBe(1);
    expect(markdown).toContain("⛔ **17 policy violations**");
  });

  test("IAM: ssm:GetParameters on * is caught in every form it came in", () => {
    for (const policy of ["aws_iam_policy.star_known", "aws_iam_policy.star_deferred", "aws_iam_role_policy.star_inline"]) {
      expect(text).toMatch(new RegExp(`iam-wildcard-resource +${policy.replace(/\./g, "\\.")} +aws_iam_role\\.app is allowed ssm:GetParameters on \\*\\n`));
    }
    expect(text).toContain("aws_iam_role.app is allowed kms:Decrypt on *");
    // Where each came from, under the role.
    const role = text.slice(text.indexOf('  aws_iam_role.app  "review-hcl-app"'), text.indexOf("  Other policies"));
    expect(role).toContain("assumed by  Service ecs-tasks.amazonaws.com");
    expect(role).toMatch(/aws_iam_policy\.star_known \(attached by aws_iam_role_policy_attachment\.star_known\)\n {6}Allow {2}ssm:GetParameters {2}on {2}\* {2}<< reads secrets, all resources\n/);
    expect(role).toMatch(
      /aws_iam_policy\.star_deferred \(attached by aws_iam_policy_attachment\.star_deferred, unknown at plan: read from the configuration\)\n {6}Allow {2}s3:GetObject {7}on {2}aws_s3_bucket\.data\.arn \(unknown at plan\) {2}<< unknown at plan: Resource\n {6}Allow {2}ssm:GetParameters {2}on {2}\* +<< reads secrets, all resources\n/,
    );
    expect(role).toMatch(/aws_iam_role_policy\.merged \(inline, unknown at plan: read from the configuration\)\n {6}Allow {2}kms:Decrypt +on {2}\* +<< reads secrets, all resources\n {6}Allow {2}s3:PutObject +on {2}aws_s3_bucket\.data\.arn \(unknown at plan\)/);
    expect(role).toMatch(/aws_iam_role_policy\.not_action \(inline\)\n {6}Allow {2}every action but iam:\* {2}on {2}arn:aws:s3:::review-hcl-data\/\*/);
    // What is unknown at plan is listed, not judged, never "ok".
    const unknown = text.slice(text.indexOf("  Unknown at plan: not judged"), text.indexOf("  Grants that read secrets"));
    expect(unknown).toMatch(/\?\? {2}aws_iam_role\.app {2}aws_iam_policy\.star_deferred +Resource of statement "ReadData"\n/);
    expect(unknown).toMatch(/\?\? {2}aws_iam_role\.app {2}aws_iam_role_policy\.merged +Resource of statement "WriteData"\n/);
    expect(text).toContain("Policy    17 violations: --strict fails (and 2 IAM policy parts unknown at plan, not judged)");
  });

  test("IAM: NotAction with Allow, for a role and a user; an administrator policy for a group", () => {
    expect(text).toContain(
      "aws_iam_role.app is allowed every action but iam:* on arn:aws:s3:::review-hcl-data/* (NotAction with Allow: actions AWS adds later are granted too)",
    );
    // (the provider writes the document's NotAction in its own order)
    expect(text).toContain("user aws_iam_user.ci is allowed every action but organizations:*, iam:* on *");
    const grants = text.slice(text.indexOf("  Grants that read secrets"), text.indexOf("  Other policies"));
    expect(grants).toMatch(/user aws_iam_user\.ci +every action but organizations:\*, iam:\* +on {2}\*\n/);
    expect(text).toMatch(/iam-admin-policy +aws_iam_group_policy_attachment\.admin +attaches the AWS managed policy AdministratorAccess/);
    const others = text.slice(text.indexOf("  Other policies"), text.indexOf("4. Secrets"));
    expect(others).toContain("aws_iam_policy.all_but_iam (attached by aws_iam_user_policy_attachment.all_but_iam, user aws_iam_user.ci)");
    expect(others).toContain("arn:aws:iam::aws:policy/AdministratorAccess (AWS managed AdministratorAccess, group aws_iam_group.ops)");
  });

  test("exposure: port ranges that merely start at 443 and 80 are open ranges, not HTTPS and HTTP", () => {
    const open = text.slice(text.indexOf("  Ingress open to the world"), text.indexOf("  Public addresses"));
    expect(open).toMatch(/!! {2}tcp 443-8443 +0\.0\.0\.0\/0 {2}aws_security_group\.web ingress\[0\] +→ aws_security_group\.web\n/);
    expect(open).toMatch(/!! {2}tcp 80-8080 +0\.0\.0\.0\/0 {2}aws_vpc_security_group_ingress_rule\.range_80_8080 +→ aws_security_group\.web\n/);
    expect(open).toMatch(/!! {2}tcp ports unknown at plan {2}0\.0\.0\.0\/0 {2}aws_vpc_security_group_ingress_rule\.port_at_apply +→ aws_security_group\.web\n/);
    expect(open).not.toMatch(/\n {4}ok /);
    expect(text).toContain("tcp 80-8080 is open to 0.0.0.0/0 on aws_security_group.web");
  });

  test("secrets: from the provider's sensitivity marks, by attribute and source, never a value", () => {
    expect(text).toMatch(
      /secret-in-plan +aws_db_instance\.literal_password +password is marked sensitive by the provider and its value \(a literal in the configuration\) is in the plan, and will be in the state: write it through password_wo/,
    );
    expect(text).toContain("secret_string is marked sensitive by the provider and its value (a literal in the configuration) is in the plan");
    expect(text).toContain("value is marked sensitive by the provider and its value (from var.db_password (sensitive)) is in the plan");
    expect(text).toContain("output db_password is sensitive and its value (from aws_db_instance.literal_password.password) is in the plan and the state");
    expect(text).toContain(
      "!!  values the provider marks sensitive in the plan: aws_db_instance.literal_password.password (a literal in the configuration), " +
        "aws_secretsmanager_secret_version.api.secret_string (a literal in the configuration)",
    );
    expect(text).toContain("!!  secret-looking environment variables with a plain value: worker.API_TOKEN");
    expect(text).toContain("Secrets   0 container variables from a secret store; 7 secret values in the plan");
    for (const value of Object.values(CANARIES)) {
      expect(risky.planJsonText).toContain(value); // the plan holds it: the checks below mean something
      expect(text).not.toContain(value);
      expect(markdown).not.toContain(value);
    }
  });

  test("markdown: the violations and the unknown parts", () => {
    expect(markdown).toContain("| `iam-wildcard-resource` | `aws_iam_policy.star_deferred` | `aws_iam_role.app` is allowed ssm:GetParameters on * |");
    expect(markdown).toContain("| Allow | `s3:GetObject` | _aws_s3_bucket.data.arn (unknown at plan)_ | ❔ unknown at plan: Resource | `aws_iam_policy.star_deferred` ¹ |");
    expect(markdown).toContain("**Unknown at plan**: not judged by the policy rules");
    expect(markdown).toContain("- ⛔ values the provider marks sensitive in the plan: `aws_db_instance.literal_password.password` (a literal in the configuration)");
  });
});

describe("review --strict of a plan of benign HCL", () => {
  let text: string;
  beforeAll(() => {
    text = review(benign, benign.planJsonText).stdout;
  });

  test("passes once the one secret-looking name that is not a secret is allowed (--allow-name, or a file)", () => {
    const strict = review(benign, benign.planJsonText, "--strict");
    expect(strict.code).toBe(1);
    expect(violationsOf(strict.stdout)).toEqual([["secret-in-plan", "aws_ecs_task_definition.app"]]);
    expect(strict.stdout).toContain("container app has PASSWORD_MIN_LENGTH as a plain environment variable");

    const allowed = review(benign, benign.planJsonText, "--strict", "--allow-name", "PASSWORD_MIN_LENGTH");
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).not.toContain("POLICY VIOLATIONS");
    expect(allowed.stdout).toContain("note: secret-looking names allowed (--allow-name): PASSWORD_MIN_LENGTH (app in aws_ecs_task_definition.app)");
    expect(allowed.stdout).toContain("ok  no secret-looking environment variable with a plain value");

    const file = join(benign.dir, "allowed-names.txt");
    writeFileSync(file, "# names that look like secrets and are not\n*_MIN_LENGTH\n\nCACHE_TOKEN_TTL  # another\n");
    expect(review(benign, benign.planJsonText, "--strict", "--allow-names-file", file).code).toBe(0);
    expect(review(benign, benign.planJsonText, "--strict", "--allow-name=*_LENGTH", "--format", "markdown").code).toBe(0);
  });

  test("what is unknown at plan is said and not judged: never 'ok'", () => {
    const allowed = review(benign, benign.planJsonText, "--allow-name", "PASSWORD_MIN_LENGTH").stdout;
    expect(allowed).toContain("Policy    no violations in what the plan knows; 2 IAM policy parts unknown at plan, not judged: read them in section 3");
    expect(allowed).toContain("  ??  no violations in what the plan knows; 2 IAM policy parts unknown at plan, not judged (section 3)");
    expect(allowed).not.toContain("ok  no violations");
    expect(allowed).toMatch(/aws_iam_role_policy\.write_data \(inline\)\n {6}unknown at plan \(from aws_s3_bucket\.data\.arn\)\n/);
    expect(allowed).toMatch(/\?\? {2}aws_iam_role\.app {2}aws_iam_role_policy\.write_data {2}unknown at plan \(from aws_s3_bucket\.data\.arn\)\n/);
    expect(allowed).toMatch(/\?\? {2}aws_iam_role\.app {2}aws_iam_role_policy\.read_data {3}Resource of statement 1\n/);
    const markdown = review(benign, benign.planJsonText, "--allow-name", "PASSWORD_MIN_LENGTH", "--format", "markdown").stdout;
    expect(markdown).toContain("⚠️ no violations in what the plan knows (2 IAM policy parts unknown at plan)");
    expect(markdown).not.toContain("✅ no policy violations");
  });

  test("the benign patterns: a grant of one path, actions with no resource-level permissions, a Deny NotAction, HTTPS and HTTP", () => {
    expect(text).toMatch(/Allow {2}ssm:GetParameters {2}on {2}arn:aws:ssm:eu-west-1:123456789012:parameter\/app\/\* {2}<< reads secrets\n/);
    expect(text).toMatch(/Allow {2}ecr:GetAuthorizationToken, logs:CreateLogStream, logs:PutLogEvents {2}on {2}\* {2}<< all resources\n/);
    expect(text).toMatch(/Deny {2}every action but s3:GetObject {2}on {2}arn:aws:s3:::review-hcl-data\/\*\n/);
    const open = text.slice(text.indexOf("  Ingress open to the world"), text.indexOf("  Public addresses"));
    expect(open).toMatch(/ok {2}tcp 443 {2}0\.0\.0\.0\/0 {2}aws_security_group\.web ingress\[0\]/);
    expect(open).toMatch(/ok {2}tcp 80 {3}::\/0 {7}aws_vpc_security_group_ingress_rule\.http/);
  });

  test("secrets kept out of the plan: nothing sensitive in it, the write-only value from an ephemeral variable", () => {
    expect(text).toContain("ok  no value the provider marks sensitive in the plan (passwords, SecureString values, sensitive outputs...)");
    expect(text).toMatch(/aws_ssm_parameter\.token +\/review-hcl\/TOKEN +SecureString +value_wo \(write-only\) from var\.api_token, sensitive, ephemeral/);
    expect(text).toMatch(/aws_ssm_parameter\.log_level +\/review-hcl\/LOG_LEVEL +String +value: a literal in the configuration/);
    expect(benign.planJsonText).not.toContain(EPHEMERAL_TOKEN);
  });
});

describe("GitHub's 65,536-character comment limit", () => {
  /** The risky plan with `copies` more world-open rules: a violation and an exposure row each. */
  function hugePlan(copies: number): any {
    const plan = JSON.parse(risky.planJsonText);
    const address = "aws_vpc_security_group_ingress_rule.range_80_8080";
    const change = plan.resource_changes.find((entry: any) => entry.address === address);
    const config = plan.configuration.root_module.resources.find((entry: any) => entry.address === address);
    for (let index = 0; index < copies; index++) {
      const name = `range_80_8080_copy_${index}`;
      plan.resource_changes.push({ ...change, address: `aws_vpc_security_group_ingress_rule.${name}`, name });
      plan.configuration.root_module.resources.push({ ...config, address: `aws_vpc_security_group_ingress_rule.${name}`, name });
    }
    return plan;
  }

  test("a huge plan: summary first, then 50 violations, every section folded and shortened; within the limit", () => {
    const { code, stdout } = review(risky, JSON.stringify(hugePlan(3000)), "--format", "markdown", "--strict");
    expect(code).toBe(1);
    expect(stdout.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(stdout.startsWith("## Terraform plan review: ")).toBe(true);
    const lines = stdout.split("\n");
    expect(lines[2]).toContain("⛔ **3017 policy violations**");
    expect(lines.slice(4, 10).map((line) => line.replace(/:\*\*.*$/, ""))).toEqual(["- **Changes", "- **Exposure", "- **IAM", "- **Secrets", "- **Cost", "- **Policy"]);
    expect(stdout).toMatch(/The full review is [\d,]+ characters, over GitHub's 65,536-character comment limit: its details are folded, long tables shortened\./);
    expect(stdout.indexOf("### ⛔ Policy violations (3017)")).toBeLessThan(stdout.indexOf("### 1. Changes"));
    expect(stdout.match(/^\| `world-open-port` \|/gm)?.length).toBe(50);
    expect(stdout).toContain("… and 2967 more violations: `npm run review -- PLAN_JSON` lists them all.");
    // Every section is there, its tables folded and shortened to 100 rows.
    for (const heading of ["### 1. Changes", "### 2. Internet exposure", "### 3. IAM", "### 4. Secrets", "### 5. Estimated monthly cost"]) expect(stdout).toContain(heading);
    expect(stdout).toContain("<summary>3003 world-open ingress rules</summary>");
    expect(stdout).toContain("… and 2903 more rows: `npm run review -- PLAN_JSON` shows them all.");
    expect(stdout).not.toContain("Cut here");
    expect(stdout.match(/^<details>$/gm)?.length).toBe(stdout.match(/^<\/details>$/gm)?.length);
  });

  test("still too long once folded: cut at a line with a note, every <details> closed", () => {
    const markdown = renderMarkdown(reviewPlan(hugePlan(3000)), { limit: 20_000 });
    expect(markdown.length).toBeLessThanOrEqual(20_000);
    expect(markdown.startsWith("## Terraform plan review")).toBe(true);
    expect(markdown).toContain("### ⛔ Policy violations (3017)");
    expect(markdown).toMatch(/\n> ✂️ \*\*Cut here:\*\* the review is [\d,]+ characters, over the 20,000-character limit, and the rest is left out\. /);
    expect(markdown.trimEnd().endsWith("(a CI artifact).")).toBe(true);
    expect(markdown.match(/^<details>$/gm)?.length ?? 0).toBe(markdown.match(/^<\/details>$/gm)?.length ?? 0);
  });

  test("a review just over the limit is folded, not cut; one under it is whole", () => {
    const reviewed = reviewPlan(hugePlan(400));
    const full = renderMarkdown(reviewed, { limit: Number.MAX_SAFE_INTEGER });
    expect(full).not.toContain("its details are folded");
    const folded = renderMarkdown(reviewed, { limit: full.length - 1 });
    expect(folded.length).toBeLessThan(full.length);
    expect(folded).toContain("its details are folded");
    expect(folded).not.toContain("Cut here");
    expect(folded).toContain("<summary>403 world-open ingress rules</summary>");
    expect(folded).toContain("… and 303 more rows");
    expect(renderMarkdown(reviewPlan(risky.plan))).not.toContain("its details are folded");
  });
});
