// The configurations review-hcl.test.ts plans: plain HCL, the rest of a reviewer's Terraform rather than
// this project's. RISKY has every pattern `review --strict` must fail on, BENIGN none.
import { hclStack } from "../support/plan-hcl";
import { StackToPlan } from "../support/terraform";

// Values no review may print: the plan holds each of them (asserted), the review must not.
export const CANARIES = {
  dbLiteral: "canary-hcl-db-literal-41f7",
  apiSecret: "canary-hcl-api-secret-8d20",
  apiKey: "canary-hcl-api-key-b3e1",
  plainToken: "canary-hcl-plain-token-77aa",
  dbVariable: "canary-hcl-var-db-c0de",
};
export const EPHEMERAL_TOKEN = "canary-hcl-ephemeral-5e5e";

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

/** RISKY, then BENIGN, with their variables' values. */
export function stacksToPlan(): StackToPlan[] {
  return [
    { stack: hclStack({ "main.tf": RISKY }), name: "review-hcl-risky", vars: { db_password: CANARIES.dbVariable } },
    { stack: hclStack({ "main.tf": BENIGN }), name: "review-hcl-benign", vars: { api_token: EPHEMERAL_TOKEN } },
  ];
}
