import { TerraformOutput } from "cdktf";
import { TaskRole, TaskRoleProps } from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthesize } from "./support/synth";

const BUCKET = "arn:aws:s3:::hello-uploads";
const OBJECTS = "arn:aws:s3:::hello-uploads/*";

function synthRole(props: Partial<TaskRoleProps> = {}, configure: (role: TaskRole) => void = () => undefined) {
  return synthesize((stack) => configure(new TaskRole(stack, "app_role", { name: "hello-task", ...props })));
}

function statements(json: TerraformJson) {
  return decodeJsonencode(onlyResource(json, "aws_iam_role_policy").policy).Statement;
}

describe("TaskRole defaults", () => {
  const json = synthRole();
  const role = onlyResource(json, "aws_iam_role");

  test("can be assumed by ECS tasks, and only by them", () => {
    expect(decodeJsonencode(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
  });

  test("is named as given, with a description naming it, at the construct's address", () => {
    expect(Object.keys(resourcesOf(json, "aws_iam_role"))).toEqual(["app_role"]);
    expect(role.name).toBe("hello-task");
    expect(role.description).toBe("Role of the hello-task ECS tasks");
  });

  test("has no inline policy and no managed policy until a statement is added", () => {
    expect(resourcesOf(json, "aws_iam_role_policy")).toEqual({});
    expect(resourcesOf(json, "aws_iam_role_policy_attachment")).toEqual({});
    expect(role).not.toHaveProperty("inline_policy");
    expect(role).not.toHaveProperty("managed_policy_arns");
  });

  test("exposes its ARN and name as references to the role", () => {
    const outputs = synthesize((stack) => {
      const taskRole = new TaskRole(stack, "app_role", { name: "hello-task" });
      new TerraformOutput(stack, "arn", { value: taskRole.arn });
      new TerraformOutput(stack, "name", { value: taskRole.name });
    }).output;
    expect(outputs?.arn.value).toBe("${aws_iam_role.app_role.arn}");
    expect(outputs?.name.value).toBe("${aws_iam_role.app_role.name}");
  });
});

describe("TaskRole options", () => {
  test("description replaces the default one", () => {
    expect(onlyResource(synthRole({ description: "Hello reads its uploads" }), "aws_iam_role").description).toBe(
      "Hello reads its uploads",
    );
  });

  test("a name of exactly 64 characters is kept", () => {
    const name = "n".repeat(64);
    expect(onlyResource(synthRole({ name }), "aws_iam_role").name).toBe(name);
  });

  test("a name longer than 64 characters is shortened to 64 with a hash suffix, stably", () => {
    const name = `${"very-long-application-name-".repeat(3)}task`;
    const shortened = onlyResource(synthRole({ name }), "aws_iam_role").name;
    expect(name.length).toBeGreaterThan(64);
    expect(shortened).toHaveLength(64);
    expect(shortened).toMatch(/-[0-9a-f]{6}$/);
    expect(name.startsWith(shortened.slice(0, 57))).toBe(true);
    expect(onlyResource(synthRole({ name }), "aws_iam_role").name).toBe(shortened);
  });

  test("two long names with the same first 64 characters stay distinct", () => {
    const prefix = "x".repeat(70);
    const first = onlyResource(synthRole({ name: `${prefix}-a` }), "aws_iam_role").name;
    const second = onlyResource(synthRole({ name: `${prefix}-b` }), "aws_iam_role").name;
    expect(first).toHaveLength(64);
    expect(second).toHaveLength(64);
    expect(first).not.toBe(second);
  });

  test("the description names the full name even when the role name is shortened", () => {
    const name = "z".repeat(80);
    expect(onlyResource(synthRole({ name }), "aws_iam_role").description).toBe(`Role of the ${name} ECS tasks`);
  });
});

describe("TaskRole.addToPolicy", () => {
  test("creates one inline policy on the role, named after the construct path, with the statement", () => {
    const json = synthRole({}, (role) => role.addToPolicy({ sid: "ReadUploads", actions: ["s3:GetObject"], resources: [OBJECTS] }));
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy"))).toEqual(["app_role_policy"]);
    const policy = onlyResource(json, "aws_iam_role_policy");
    expect(policy.role).toBe("${aws_iam_role.app_role.name}");
    expect(policy.name).toBe("test-app_role");
    expect(decodeJsonencode(policy.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "ReadUploads", Effect: "Allow", Action: ["s3:GetObject"], Resource: [OBJECTS] }],
    });
  });

  test("merges statements with the same sid, deduplicating actions (sorted) and resources", () => {
    const json = synthRole({}, (role) => {
      role.addToPolicy({ sid: "ReadUploads", actions: ["s3:ListBucket", "s3:GetObject"], resources: [BUCKET] });
      role.addToPolicy({ sid: "ReadUploads", actions: ["s3:GetObject", "s3:GetObjectVersion"], resources: [BUCKET, OBJECTS] });
      role.addToPolicy({ sid: "ReadUploads", actions: ["s3:GetObject"], resources: [OBJECTS] });
    });
    expect(statements(json)).toEqual([
      {
        Sid: "ReadUploads",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
        Resource: [BUCKET, OBJECTS],
      },
    ]);
  });

  test("keeps statements with different sids apart, in the order they were first added, in one policy", () => {
    const json = synthRole({}, (role) => {
      role.addToPolicy({ sid: "ReadUploads", actions: ["s3:GetObject"], resources: [OBJECTS] });
      role.addToPolicy({ sid: "SendMail", actions: ["ses:SendEmail"], resources: ["arn:aws:ses:eu-west-1:123456789012:identity/example.com"] });
      role.addToPolicy({ sid: "ReadUploads", actions: ["s3:ListBucket"], resources: [BUCKET] });
    });
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy"))).toHaveLength(1);
    expect(statements(json)).toEqual([
      { Sid: "ReadUploads", Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: [OBJECTS, BUCKET] },
      {
        Sid: "SendMail",
        Effect: "Allow",
        Action: ["ses:SendEmail"],
        Resource: ["arn:aws:ses:eu-west-1:123456789012:identity/example.com"],
      },
    ]);
  });

  test("policyDocument returns the same statements as the synthesized policy", () => {
    let document: object = {};
    const json = synthRole({}, (role) => {
      role.addToPolicy({ sid: "ReadUploads", actions: ["s3:GetObject"], resources: [OBJECTS] });
      document = role.policyDocument();
    });
    expect(document).toEqual(decodeJsonencode(onlyResource(json, "aws_iam_role_policy").policy));
  });

  test("keeps Terraform references in resources as references", () => {
    const json = synthesize((stack) => {
      const source = new TaskRole(stack, "other_role", { name: "other" });
      const role = new TaskRole(stack, "app_role", { name: "hello-task" });
      role.addToPolicy({ sid: "PassOtherRole", actions: ["iam:PassRole"], resources: [source.arn] });
    });
    expect(decodeJsonencode(resourcesOf(json, "aws_iam_role_policy").app_role_policy.policy).Statement).toEqual([
      { Sid: "PassOtherRole", Effect: "Allow", Action: ["iam:PassRole"], Resource: ["${aws_iam_role.other_role.arn}"] },
    ]);
  });
});
