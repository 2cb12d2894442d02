import { writeFileSync } from "fs";
import { join } from "path";
import { PlannedStack, cleanupPlannedStacks } from "./support/terraform";
import { planHcl } from "./support/plan-hcl";
import { runReview } from "../src/cli/review/cli";
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "../src/cli/review/render-markdown";
import { reviewPlan } from "../src/cli/review/review";

jest.setTimeout(300_000);

/*
 * `npm run review` on plans of plain HCL written for the test, the rest of a reviewer's Terraform rather
 * than this project's: every form Terraform plans IAM in, secrets the provider marks sensitive, world-open
 * port ranges. Two configurations, each planned once offline (support/plan-hcl.ts): one where every
 * resource is a risky pattern `--strict` must fail on, one where none is. Each risky resource has a name of
 * its own, so that the violations, by address, show each pattern failing on its own.
 */

// Values no review may print: the plan holds each of them (asserted), the review must not.
const CANARIES = {
  dbLiteral: "canary-hcl-db-literal-41f7",
  apiSecret: "canary-hcl-api-secret-8d20",
  apiKey: "canary-hcl-api-key-b3e1",
  plainToken: "canary-hcl-plain-token-77aa",
  dbVariable: "canary-hcl-var-db-c0de",
};
const EPHEMERAL_TOKEN = "canary-hcl-ephemeral-5e5e";

const COMMON = `
provider "aws" {
  region = "eu-west-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_s3_bucket" "data" {
  bucket = "review-hcl-data"
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "app" {
  name               = "review-hcl-app"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
`;

const RISKY = `${COMMON}
variable "db_password" {
  type      = string
  sensitive = true # but not ephemeral: its value is in the plan
}

# IAM 1: ssm:GetParameters on * from a policy document Terraform reads at plan, in a customer managed
# policy attached to the role.
data "aws_iam_policy_document" "star_known" {
  statement {
    sid       = "ReadEveryParameter"
    actions   = ["ssm:GetParameters"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "star_known" {
  name   = "star-known"
  policy = data.aws_iam_policy_document.star_known.json
}

resource "aws_iam_role_policy_attachment" "star_known" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.star_known.arn
}

# IAM 2: the same in a document Terraform reads only at apply (another statement names the bucket to
# create), attached by aws_iam_policy_attachment.
data "aws_iam_policy_document" "star_deferred" {
  statement {
    sid       = "ReadData"
    actions   = ["s3:GetObject"]
    resources = ["\${aws_s3_bucket.data.arn}/*"]
  }
  statement {
    sid       = "ReadEveryParameter"
    actions   = ["ssm:GetParameters"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "star_deferred" {
  name   = "star-deferred"
  policy = data.aws_iam_policy_document.star_deferred.json
}

resource "aws_iam_policy_attachment" "star_deferred" {
  name       = "star-deferred"
  roles      = [aws_iam_role.app.name]
  policy_arn = aws_iam_policy.star_deferred.arn
}

# IAM 3: the same inline, jsonencode of literals.
resource "aws_iam_role_policy" "star_inline" {
  name = "star-inline"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ssm:GetParameters"], Resource = "*" }]
  })
}

# IAM 4: kms:Decrypt on *, merged from a source document into one read at apply.
data "aws_iam_policy_document" "decrypt_everything" {
  statement {
    actions   = ["kms:Decrypt"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "merged" {
  source_policy_documents = [data.aws_iam_policy_document.decrypt_everything.json]
  statement {
    sid       = "WriteData"
    actions   = ["s3:PutObject"]
    resources = ["\${aws_s3_bucket.data.arn}/*"]
  }
}

resource "aws_iam_role_policy" "merged" {
  name   = "merged"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.merged.json
}

# IAM 5: NotAction with Allow, inline, on one bucket's objects.
resource "aws_iam_role_policy" "not_action" {
  name = "not-action"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", NotAction = ["iam:*"], Resource = "arn:aws:s3:::review-hcl-data/*" }]
  })
}

# IAM 6: NotAction from a policy document, in a policy attached to a user.
resource "aws_iam_user" "ci" {
  name = "review-hcl-ci"
}

data "aws_iam_policy_document" "all_but_iam" {
  statement {
    not_actions = ["iam:*", "organizations:*"]
    resources   = ["*"]
  }
}

resource "aws_iam_policy" "all_but_iam" {
  name   = "all-but-iam"
  policy = data.aws_iam_policy_document.all_but_iam.json
}

resource "aws_iam_user_policy_attachment" "all_but_iam" {
  user       = aws_iam_user.ci.name
  policy_arn = aws_iam_policy.all_but_iam.arn
}

# IAM 7: AdministratorAccess for a group.
resource "aws_iam_group" "ops" {
  name = "review-hcl-ops"
}

resource "aws_iam_group_policy_attachment" "admin" {
  group      = aws_iam_group.ops.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

# Exposure: world-open port ranges that merely start at 443 (inline) and 80 (a rule resource).
resource "aws_security_group" "web" {
  name   = "review-hcl-web"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "range_80_8080" {
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 8080
}

# Exposure: a world-open port Terraform knows only at apply: it cannot be shown to be 80 or 443.
resource "aws_vpc_security_group_ingress_rule" "port_at_apply" {
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = aws_vpc.main.id == "" ? 443 : 8443
  to_port           = aws_vpc.main.id == "" ? 443 : 8443
}

# Secrets: literal values of arguments the provider marks sensitive, a sensitive output, a sensitive
# variable that is not ephemeral, a token in a container's environment.
resource "aws_db_instance" "literal_password" {
  identifier          = "review-hcl"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  allocated_storage   = 20
  username            = "app"
  password            = "${CANARIES.dbLiteral}"
  skip_final_snapshot = true
}

resource "aws_secretsmanager_secret" "api" {
  name = "review-hcl-api"
}

resource "aws_secretsmanager_secret_version" "api" {
  secret_id     = aws_secretsmanager_secret.api.id
  secret_string = "${CANARIES.apiSecret}"
}

resource "aws_ssm_parameter" "secure_literal" {
  name  = "/review-hcl/API_KEY"
  type  = "SecureString"
  value = "${CANARIES.apiKey}"
}

resource "aws_ssm_parameter" "from_sensitive_var" {
  name  = "/review-hcl/DB_PASSWORD"
  type  = "SecureString"
  value = var.db_password
}

output "db_password" {
  value     = aws_db_instance.literal_password.password
  sensitive = true
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "review-hcl-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name        = "worker"
    image       = "busybox:1.36"
    essential   = true
    environment = [{ name = "API_TOKEN", value = "${CANARIES.plainToken}" }]
  }])
}
`;

const BENIGN = `${COMMON}
variable "api_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

# IAM 1: parameters of one path, from a policy document read at plan.
data "aws_iam_policy_document" "read_app_parameters" {
  statement {
    actions   = ["ssm:GetParameters"]
    resources = ["arn:aws:ssm:eu-west-1:123456789012:parameter/app/*"]
  }
}

resource "aws_iam_policy" "read_app_parameters" {
  name   = "read-app-parameters"
  policy = data.aws_iam_policy_document.read_app_parameters.json
}

resource "aws_iam_role_policy_attachment" "read_app_parameters" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.read_app_parameters.arn
}

# IAM 2: the actions IAM cannot restrict to a resource, on *.
resource "aws_iam_policy" "pull_images" {
  name = "pull-images"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ecr:GetAuthorizationToken", "logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*" }]
  })
}

resource "aws_iam_policy_attachment" "pull_images" {
  name       = "pull-images"
  roles      = [aws_iam_role.app.name]
  policy_arn = aws_iam_policy.pull_images.arn
}

# IAM 3: a guardrail: Deny with NotAction.
resource "aws_iam_role_policy" "guardrail" {
  name = "guardrail"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Deny", NotAction = ["s3:GetObject"], Resource = "arn:aws:s3:::review-hcl-data/*" }]
  })
}

# IAM 4: the bucket's objects, in a document read at apply.
data "aws_iam_policy_document" "read_data" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["\${aws_s3_bucket.data.arn}/*"]
  }
}

resource "aws_iam_role_policy" "read_data" {
  name   = "read-data"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.read_data.json
}

# IAM 5: the same inline: the whole document is unknown at plan.
resource "aws_iam_role_policy" "write_data" {
  name = "write-data"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:PutObject", Resource = "\${aws_s3_bucket.data.arn}/*" }]
  })
}

# Exposure: HTTPS and HTTP from the world, one port each.
resource "aws_security_group" "web" {
  name   = "review-hcl-web"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id = aws_security_group.web.id
  cidr_ipv6         = "::/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

# Secrets kept out of the plan: a password AWS manages, a write-only value from an ephemeral variable, a
# String parameter (not a secret by its type), and a secret-looking name that is not a secret.
resource "aws_db_instance" "managed_password" {
  identifier                  = "review-hcl"
  engine                      = "postgres"
  instance_class              = "db.t4g.micro"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  skip_final_snapshot         = true
}

resource "aws_ssm_parameter" "token" {
  name             = "/review-hcl/TOKEN"
  type             = "SecureString"
  value_wo         = var.api_token
  value_wo_version = 1
}

resource "aws_ssm_parameter" "log_level" {
  name  = "/review-hcl/LOG_LEVEL"
  type  = "String"
  value = "info"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "review-hcl-app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name        = "app"
    image       = "public.ecr.aws/nginx/nginx:1.27-alpine"
    essential   = true
    environment = [{ name = "PASSWORD_MIN_LENGTH", value = "12" }, { name = "LOG_LEVEL", value = "info" }]
  }])
}
`;

let risky: PlannedStack;
let benign: PlannedStack;

beforeAll(async () => {
  // One after the other: the machine's cores are shared.
  risky = await planHcl({ "main.tf": RISKY }, { name: "review-hcl-risky", vars: { db_password: CANARIES.dbVariable } });
  benign = await planHcl({ "main.tf": BENIGN }, { name: "review-hcl-benign", vars: { api_token: EPHEMERAL_TOKEN } });
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
