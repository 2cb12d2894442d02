import { LogGroup, SecretParameter, TaskExecutionRole, TaskRole } from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthesize } from "./support/synth";

const PARAMETER = "arn:aws:ssm:eu-west-1:123456789012:parameter/hello/PASSWORD";
const OTHER_PARAMETER = "arn:aws:ssm:eu-west-1:123456789012:parameter/hello/API_KEY";
const KMS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const LOG_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/hello";
const REPOSITORY = "arn:aws:ecr:eu-west-1:123456789012:repository/app";
const OTHER_REPOSITORY = "arn:aws:ecr:eu-west-1:123456789012:repository/worker";

function synthRole(configure: (role: TaskExecutionRole) => void = () => undefined, family = "hello") {
  return synthesize((stack) =>
    configure(new TaskExecutionRole(stack, "execution_role", { name: `${family}-execution`, family })),
  );
}

function statements(json: TerraformJson): any[] {
  return decodeJsonencode(onlyResource(json, "aws_iam_role_policy").policy).Statement;
}

describe("TaskExecutionRole defaults", () => {
  const json = synthRole();
  const role = onlyResource(json, "aws_iam_role");

  test("can be assumed by ECS tasks, and only by them", () => {
    expect(decodeJsonencode(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
  });

  test("is named as given and described by the family it starts", () => {
    expect(Object.keys(resourcesOf(json, "aws_iam_role"))).toEqual(["execution_role"]);
    expect(role.name).toBe("hello-execution");
    expect(role.description).toBe("ECS starts the hello tasks with this role");
  });

  test("starts with no permission at all: no policy resource, no managed policy", () => {
    expect(resourcesOf(json, "aws_iam_role_policy")).toEqual({});
    expect(resourcesOf(json, "aws_iam_role_policy_attachment")).toEqual({});
    expect(role).not.toHaveProperty("managed_policy_arns");
  });

  test("is a TaskRole, so it can be given where a task role is expected", () => {
    expect.assertions(1);
    synthRole((executionRole) => expect(executionRole).toBeInstanceOf(TaskRole));
  });

  test("a name longer than 64 characters is shortened to 64", () => {
    const family = "a-family-name-so-long-that-the-execution-role-name-exceeds-iam-limits";
    const name = onlyResource(synthRole(() => undefined, family), "aws_iam_role").name;
    expect(`${family}-execution`.length).toBeGreaterThan(64);
    expect(name).toHaveLength(64);
    expect(name).toMatch(/^a-family-name-so-long.*-[0-9a-f]{6}$/);
  });
});

describe("TaskExecutionRole.grantSecretRead", () => {
  test("without a KMS key: ssm:GetParameters on exactly that parameter, nothing else", () => {
    const json = synthRole((role) => role.grantSecretRead(SecretParameter.fromArn(PARAMETER)));
    expect(statements(json)).toEqual([
      { Sid: "ReadSecretParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [PARAMETER] },
    ]);
  });

  test("with a KMS key: also kms:Decrypt on that key", () => {
    const json = synthRole((role) => role.grantSecretRead(SecretParameter.fromArn(PARAMETER, { kmsKeyArn: KMS_KEY })));
    expect(statements(json)).toEqual([
      { Sid: "ReadSecretParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [PARAMETER] },
      { Sid: "DecryptSecretParameters", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KMS_KEY] },
    ]);
  });

  test("two secrets under one key: one statement with both parameters, the key once", () => {
    const json = synthRole((role) => {
      role.grantSecretRead(SecretParameter.fromArn(PARAMETER, { kmsKeyArn: KMS_KEY }));
      role.grantSecretRead(SecretParameter.fromArn(OTHER_PARAMETER, { kmsKeyArn: KMS_KEY }));
      role.grantSecretRead(SecretParameter.fromArn(PARAMETER, { kmsKeyArn: KMS_KEY }));
    });
    expect(statements(json)).toEqual([
      { Sid: "ReadSecretParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [PARAMETER, OTHER_PARAMETER] },
      { Sid: "DecryptSecretParameters", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KMS_KEY] },
    ]);
  });

  test("a SecretParameter's ARN is granted as a reference to the parameter resource", () => {
    const json = synthesize((stack) => {
      const secret = new SecretParameter(stack, "secret", { parameterName: "/hello/PASSWORD" });
      new TaskExecutionRole(stack, "execution_role", { name: "hello-execution", family: "hello" }).grantSecretRead(
        secret,
      );
    });
    expect(statements(json)).toEqual([
      {
        Sid: "ReadSecretParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameters"],
        Resource: ["${aws_ssm_parameter.secret.arn}"],
      },
    ]);
  });
});

describe("TaskExecutionRole.grantLogWrite", () => {
  test("creates log streams and puts events in the log group's streams (<arn>:*)", () => {
    const json = synthRole((role) => role.grantLogWrite(LOG_GROUP));
    expect(statements(json)).toEqual([
      {
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`${LOG_GROUP}:*`],
      },
    ]);
  });

  test("a LogGroup's ARN stays a reference, with :* appended", () => {
    const json = synthesize((stack) => {
      const logGroup = new LogGroup(stack, "logs", { name: "/ecs/hello" });
      new TaskExecutionRole(stack, "execution_role", { name: "hello-execution", family: "hello" }).grantLogWrite(logGroup.arn);
    });
    expect(statements(json)[0].Resource).toEqual(["${aws_cloudwatch_log_group.logs.arn}:*"]);
  });
});

describe("TaskExecutionRole.grantImagePull", () => {
  test("gets an ECR token (the only * resource) and pulls from exactly that repository", () => {
    const json = synthRole((role) => role.grantImagePull(REPOSITORY));
    expect(statements(json)).toEqual([
      { Sid: "AuthenticateToEcr", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
      {
        Sid: "PullImages",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        Resource: [REPOSITORY],
      },
    ]);
  });

  test("two repositories: one token statement, both repositories in the pull statement", () => {
    const json = synthRole((role) => {
      role.grantImagePull(REPOSITORY);
      role.grantImagePull(OTHER_REPOSITORY);
    });
    const all = statements(json);
    expect(all.filter((statement) => statement.Sid === "AuthenticateToEcr")).toEqual([
      { Sid: "AuthenticateToEcr", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
    ]);
    expect(all.find((statement) => statement.Sid === "PullImages").Resource).toEqual([REPOSITORY, OTHER_REPOSITORY]);
  });
});

describe("TaskExecutionRole with every grant", () => {
  const json = synthRole((role) => {
    role.grantSecretRead(SecretParameter.fromArn(PARAMETER, { kmsKeyArn: KMS_KEY }));
    role.grantLogWrite(LOG_GROUP);
    role.grantImagePull(REPOSITORY);
  });

  test("has all of them in one inline policy on the role", () => {
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy"))).toEqual(["execution_role_policy"]);
    expect(onlyResource(json, "aws_iam_role_policy").role).toBe("${aws_iam_role.execution_role.name}");
    expect(statements(json).map((statement) => statement.Sid)).toEqual([
      "ReadSecretParameters",
      "DecryptSecretParameters",
      "WriteLogs",
      "AuthenticateToEcr",
      "PullImages",
    ]);
  });

  test("ecr:GetAuthorizationToken is the only action on *", () => {
    const onEverything = statements(json).filter((statement) => statement.Resource.includes("*"));
    expect(onEverything).toEqual([
      { Sid: "AuthenticateToEcr", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
    ]);
    expect(statements(json).every((statement) => statement.Effect === "Allow")).toBe(true);
  });
});
