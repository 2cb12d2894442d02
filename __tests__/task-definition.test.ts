import {
  FARGATE_SIZES_PAGE,
  FargateStack,
  FargateTaskDefinition,
  FargateTaskDefinitionProps,
  SecretParameter,
  TaskExecutionRole,
  TaskRole,
} from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

const IMAGE = "public.ecr.aws/nginx/nginx:1.27";
const PARAMETER = "arn:aws:ssm:eu-west-1:123456789012:parameter/hello/PASSWORD";

/** A task definition "task" with one container, unless `withContainer` is false. */
function buildTask(stack: FargateStack, props: Partial<FargateTaskDefinitionProps> = {}, withContainer = true) {
  const task = new FargateTaskDefinition(stack, "task", { family: "hello", ...props });
  if (withContainer) task.addContainer("web", { name: "web", image: IMAGE });
  return task;
}

function synthTask(props: Partial<FargateTaskDefinitionProps> = {}) {
  return synthesize((stack) => buildTask(stack, props));
}

function taskDefinition(json: TerraformJson) {
  return onlyResource(json, "aws_ecs_task_definition");
}

describe("FargateTaskDefinition defaults", () => {
  const json = synthTask();
  const task = taskDefinition(json);

  test("is a Fargate task with awsvpc networking, in the given family, at the construct's address", () => {
    expect(Object.keys(resourcesOf(json, "aws_ecs_task_definition"))).toEqual(["task"]);
    expect(task.family).toBe("hello");
    expect(task.requires_compatibilities).toEqual(["FARGATE"]);
    expect(task.network_mode).toBe("awsvpc");
  });

  test("has the smallest size, 256 CPU units and 512 MiB, as strings", () => {
    expect(task.cpu).toBe("256");
    expect(task.memory).toBe("512");
  });

  test("runs on Linux X86_64", () => {
    expect(task.runtime_platform).toEqual({ operating_system_family: "LINUX", cpu_architecture: "X86_64" });
  });

  test("references two different roles: a new execution role and a new task role", () => {
    expect(task.execution_role_arn).toBe("${aws_iam_role.task_execution_role.arn}");
    expect(task.task_role_arn).toBe("${aws_iam_role.task_role.arn}");
    expect(task.execution_role_arn).not.toBe(task.task_role_arn);
    expect(Object.keys(resourcesOf(json, "aws_iam_role")).sort()).toEqual(["task_execution_role", "task_role"]);
  });

  test("names the roles after the family", () => {
    const roles = resourcesOf(json, "aws_iam_role");
    expect(roles.task_execution_role.name).toBe("hello-execution");
    expect(roles.task_execution_role.description).toBe("ECS starts the hello tasks with this role");
    expect(roles.task_role.name).toBe("hello-task");
    expect(roles.task_role.description).toBe("The hello application runs as this role");
  });

  test("both roles can be assumed by ECS tasks", () => {
    for (const role of Object.values(resourcesOf(json, "aws_iam_role"))) {
      expect(decodeJsonencode(role.assume_role_policy).Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    }
  });

  test("gives the task role no permission", () => {
    expect(resourcesOf(json, "aws_iam_role_policy")).toEqual({});
  });

  test("renders its containers in container_definitions", () => {
    expect(decodeJsonencode(task.container_definitions)).toEqual([
      { name: "web", image: IMAGE, essential: true, environment: [], secrets: [] },
    ]);
  });

  test("synthesizes without validation errors", () => {
    expect(synthErrors((stack) => buildTask(stack))).toEqual([]);
  });

  test("the first container added is the default container", () => {
    expect.assertions(2);
    synthesize((stack) => {
      const task = buildTask(stack, {}, false);
      expect(task.defaultContainer).toBeUndefined();
      const web = task.addContainer("web", { name: "web", image: IMAGE, portMappings: [{ containerPort: 80 }] });
      task.addContainer("sidecar", { name: "sidecar", image: IMAGE, portMappings: [{ containerPort: 9000 }] });
      expect(task.defaultContainer).toBe(web);
    });
  });
});

describe("FargateTaskDefinition options", () => {
  test("cpu and memory set the task size, as strings", () => {
    const task = taskDefinition(synthTask({ cpu: 1024, memory: 3072 }));
    expect(task.cpu).toBe("1024");
    expect(task.memory).toBe("3072");
  });

  test("cpuArchitecture ARM64 runs on Graviton", () => {
    expect(taskDefinition(synthTask({ cpuArchitecture: "ARM64" })).runtime_platform).toEqual({
      operating_system_family: "LINUX",
      cpu_architecture: "ARM64",
    });
  });

  test("a given executionRole is used instead of a new one, and containers grant to it", () => {
    const json = synthesize((stack) => {
      const executionRole = new TaskExecutionRole(stack, "shared_execution_role", { name: "shared-execution", family: "shared" });
      const task = buildTask(stack, { executionRole }, false);
      task.addContainer("web", { name: "web", image: IMAGE, secrets: { PASSWORD: SecretParameter.fromArn(PARAMETER) } });
    });
    expect(taskDefinition(json).execution_role_arn).toBe("${aws_iam_role.shared_execution_role.arn}");
    expect(taskDefinition(json).task_role_arn).toBe("${aws_iam_role.task_role.arn}");
    expect(Object.keys(resourcesOf(json, "aws_iam_role")).sort()).toEqual(["shared_execution_role", "task_role"]);
    const policies = resourcesOf(json, "aws_iam_role_policy");
    expect(Object.keys(policies)).toEqual(["shared_execution_role_policy"]);
    expect(decodeJsonencode(policies.shared_execution_role_policy.policy).Statement).toEqual([
      { Sid: "ReadSecretParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [PARAMETER] },
    ]);
  });

  test("a given taskRole is used instead of a new one", () => {
    const json = synthesize((stack) => {
      const taskRole = new TaskRole(stack, "app_role", { name: "hello-app" });
      buildTask(stack, { taskRole });
    });
    expect(taskDefinition(json).task_role_arn).toBe("${aws_iam_role.app_role.arn}");
    expect(taskDefinition(json).execution_role_arn).toBe("${aws_iam_role.task_execution_role.arn}");
    expect(Object.keys(resourcesOf(json, "aws_iam_role")).sort()).toEqual(["app_role", "task_execution_role"]);
  });

  test("a given taskRole's own statements stay on it, apart from the execution role's", () => {
    const json = synthesize((stack) => {
      const taskRole = new TaskRole(stack, "app_role", { name: "hello-app" });
      taskRole.addToPolicy({ sid: "ReadUploads", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::uploads/*"] });
      const task = buildTask(stack, { taskRole }, false);
      task.addContainer("web", { name: "web", image: IMAGE, secrets: { PASSWORD: SecretParameter.fromArn(PARAMETER) } });
    });
    const policies = resourcesOf(json, "aws_iam_role_policy");
    expect(decodeJsonencode(policies.app_role_policy.policy).Statement.map((s: any) => s.Sid)).toEqual(["ReadUploads"]);
    expect(decodeJsonencode(policies.task_execution_role_policy.policy).Statement.map((s: any) => s.Sid)).toEqual([
      "ReadSecretParameters",
    ]);
  });
});

describe("FargateTaskDefinition validation", () => {
  test("an invalid size is reported with the AWS page and the nearest valid sizes", () => {
    expect(synthErrors((stack) => buildTask(stack, { cpu: 300, memory: 700 }))).toEqual([
      '[test/task] cpu/memory is {"cpu":300,"memory":700}: Fargate runs only the task sizes listed at ' +
        `${FARGATE_SIZES_PAGE}. Fix: use one of the nearest valid sizes: ` +
        "cpu 256 / memory 512, cpu 256 / memory 1024, cpu 512 / memory 1024",
    ]);
  });

  test("memory too large for the default CPU is reported, with sizes that fit", () => {
    const [error] = synthErrors((stack) => buildTask(stack, { memory: 4096 }));
    expect(error).toContain('cpu/memory is {"cpu":256,"memory":4096}');
    expect(error).toContain("nearest valid sizes: cpu 256 / memory 2048, cpu 512 / memory 4096, cpu 512 / memory 3072");
  });

  test("a CPU value Fargate does not have is reported", () => {
    const errors = synthErrors((stack) => buildTask(stack, { cpu: 3072, memory: 8192 }));
    expect(errors).toEqual([expect.stringContaining('[test/task] cpu/memory is {"cpu":3072,"memory":8192}')]);
    expect(errors[0]).toContain("cpu 4096 / memory 8192");
  });

  test.each([
    [256, 512],
    [512, 4096],
    [2048, 5120],
    [4096, 30720],
    [16384, 122880],
  ])("cpu %d / memory %d is accepted", (cpu, memory) => {
    expect(synthErrors((stack) => buildTask(stack, { cpu, memory }))).toEqual([]);
  });

  test("a task with no container is reported", () => {
    expect(synthErrors((stack) => buildTask(stack, {}, false))).toEqual([
      "[test/task] containers: a task needs at least one container. Fix: call addContainer()",
    ]);
  });

  test("an invalid size and a missing container are both reported", () => {
    const errors = synthErrors((stack) => buildTask(stack, { cpu: 128 }, false));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^\[test\/task\] cpu\/memory is \{"cpu":128,"memory":512\}/);
    expect(errors[1]).toMatch(/^\[test\/task\] containers: a task needs at least one container/);
  });
});
