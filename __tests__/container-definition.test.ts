import {
  ContainerDefinition,
  ContainerDefinitionProps,
  FargateStack,
  FargateTaskDefinition,
  LogGroup,
  SecretParameter,
} from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthesize } from "./support/synth";

const PUBLIC_IMAGE = "public.ecr.aws/nginx/nginx:1.27";
const PRIVATE_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1";
const REPOSITORY = "arn:aws:ecr:eu-west-1:123456789012:repository/app";
const KMS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const EXISTING_PARAMETER = "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/API_KEY";

/** A task "task" (family hello) in a fresh stack, with containers added by `build`. */
function synthTask(build: (task: FargateTaskDefinition, stack: FargateStack) => void, region?: string) {
  return synthesize((stack) => build(new FargateTaskDefinition(stack, "task", { family: "hello" }), stack), region);
}

function synthContainer(props: Partial<ContainerDefinitionProps> = {}) {
  return synthTask((task) => task.addContainer("web", { name: "web", image: PUBLIC_IMAGE, ...props }));
}

function containers(json: TerraformJson): any[] {
  return decodeJsonencode(onlyResource(json, "aws_ecs_task_definition").container_definitions);
}

/** The statements of the task's execution role; [] when it has no policy. */
function executionStatements(json: TerraformJson): any[] {
  const policy = resourcesOf(json, "aws_iam_role_policy").task_execution_role_policy;
  return policy ? decodeJsonencode(policy.policy).Statement : [];
}

function statement(json: TerraformJson, sid: string) {
  return executionStatements(json).find((candidate) => candidate.Sid === sid);
}

describe("ContainerDefinition defaults", () => {
  const json = synthContainer();

  test("renders name and image, essential, and empty environment and secrets; no ports, no logs", () => {
    expect(containers(json)).toEqual([
      { name: "web", image: PUBLIC_IMAGE, essential: true, environment: [], secrets: [] },
    ]);
  });

  test("a public image with no secrets and no log group grants the execution role nothing", () => {
    expect(resourcesOf(json, "aws_iam_role_policy")).toEqual({});
  });

  test("exposes the container name, and no port when none is mapped", () => {
    let container: ContainerDefinition | undefined;
    synthTask((task) => {
      container = task.addContainer("web", { name: "web", image: PUBLIC_IMAGE });
    });
    expect(container?.containerName).toBe("web");
    expect(container?.portMappings).toEqual([]);
  });
});

describe("ContainerDefinition rendering", () => {
  test("essential: false is kept on a sidecar", () => {
    const json = synthTask((task) => {
      task.addContainer("web", { name: "web", image: PUBLIC_IMAGE });
      task.addContainer("sidecar", { name: "sidecar", image: PUBLIC_IMAGE, essential: false });
    });
    expect(containers(json).map((container: any) => container.essential)).toEqual([true, false]);
  });

  test("environment becomes name/value pairs sorted by name", () => {
    const [container] = containers(synthContainer({ environment: { ZED: "last", ALPHA: "first", MIDDLE: "2" } }));
    expect(container.environment).toEqual([
      { name: "ALPHA", value: "first" },
      { name: "MIDDLE", value: "2" },
      { name: "ZED", value: "last" },
    ]);
  });

  test("secrets become valueFrom = the parameter's ARN, sorted by name, with no value", () => {
    const json = synthTask((task, stack) =>
      task.addContainer("web", {
        name: "web",
        image: PUBLIC_IMAGE,
        secrets: {
          PASSWORD: new SecretParameter(stack, "password", { parameterName: "/hello/PASSWORD" }),
          API_KEY: SecretParameter.fromArn(EXISTING_PARAMETER),
        },
      }),
    );
    expect(containers(json)[0].secrets).toEqual([
      { name: "API_KEY", valueFrom: EXISTING_PARAMETER },
      { name: "PASSWORD", valueFrom: "${aws_ssm_parameter.password.arn}" },
    ]);
  });

  test("port mappings: hostPort = containerPort, tcp by default, other fields kept", () => {
    let container: ContainerDefinition | undefined;
    const json = synthTask((task) => {
      container = task.addContainer("web", {
        name: "web",
        image: PUBLIC_IMAGE,
        portMappings: [
          { containerPort: 8080 },
          { containerPort: 9090, protocol: "udp", name: "metrics" },
          { containerPort: 8443, name: "https", appProtocol: "http2" },
        ],
      });
    });
    expect(containers(json)[0].portMappings).toEqual([
      { protocol: "tcp", containerPort: 8080, hostPort: 8080 },
      { protocol: "udp", containerPort: 9090, name: "metrics", hostPort: 9090 },
      { protocol: "tcp", containerPort: 8443, name: "https", appProtocol: "http2", hostPort: 8443 },
    ]);
    expect(container?.portMappings.map((mapping) => mapping.containerPort)).toEqual([8080, 9090, 8443]);
  });

  test("a hostPort equal to the container port is accepted (awsvpc)", () => {
    const mapping = { containerPort: 80, hostPort: 80 } as { containerPort: number };
    const [container] = containers(synthContainer({ portMappings: [mapping] }));
    expect(container.portMappings).toEqual([{ protocol: "tcp", containerPort: 80, hostPort: 80 }]);
  });

  test("a log group configures awslogs: group, stack region, stream prefix, non-blocking mode", () => {
    const json = synthTask((task, stack) =>
      task.addContainer("web", { name: "web", image: PUBLIC_IMAGE, logGroup: new LogGroup(stack, "logs", { name: "/ecs/hello" }) }),
    );
    expect(containers(json)[0].logConfiguration).toEqual({
      logDriver: "awslogs",
      options: {
        "awslogs-group": "${aws_cloudwatch_log_group.logs.name}",
        "awslogs-region": "eu-west-1",
        "awslogs-stream-prefix": "web",
        mode: "non-blocking",
        "max-buffer-size": "25m",
      },
    });
  });

  test("awslogs-region follows the stack's region", () => {
    const json = synthTask(
      (task) => task.addContainer("web", { name: "web", image: PUBLIC_IMAGE, logGroup: { name: "/ecs/hello", arn: "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/hello" } }),
      "us-east-1",
    );
    expect(containers(json)[0].logConfiguration.options).toMatchObject({ "awslogs-group": "/ecs/hello", "awslogs-region": "us-east-1" });
  });

  test("passes the ECS fields through as given", () => {
    const withMigrations = (props: Partial<ContainerDefinitionProps>) =>
      synthTask((task) => {
        task.addContainer("web", { name: "web", image: PUBLIC_IMAGE, ...props });
        task.addContainer("migrations", { name: "migrations", image: PUBLIC_IMAGE, essential: false });
      });
    const [container] = containers(
      withMigrations({
        command: ["npm", "start"],
        entryPoint: ["/usr/bin/tini", "--"],
        workingDirectory: "/app",
        user: "1000:1000",
        readonlyRootFilesystem: true,
        cpu: 128,
        memory: 256,
        memoryReservation: 128,
        stopTimeout: 20,
        startTimeout: 60,
        dockerLabels: { team: "web" },
        healthCheck: { command: ["CMD-SHELL", "curl -f http://localhost/health || exit 1"], interval: 10, retries: 3, startPeriod: 5, timeout: 2 },
        ulimits: [{ name: "nofile", softLimit: 65536, hardLimit: 65536 }],
        dependsOn: [{ containerName: "migrations", condition: "SUCCESS" }],
        systemControls: [{ namespace: "net.core.somaxconn", value: "1024" }],
      }),
    );
    expect(container).toEqual({
      name: "web",
      image: PUBLIC_IMAGE,
      essential: true,
      environment: [],
      secrets: [],
      command: ["npm", "start"],
      entryPoint: ["/usr/bin/tini", "--"],
      workingDirectory: "/app",
      user: "1000:1000",
      readonlyRootFilesystem: true,
      cpu: 128,
      memory: 256,
      memoryReservation: 128,
      stopTimeout: 20,
      startTimeout: 60,
      dockerLabels: { team: "web" },
      healthCheck: { command: ["CMD-SHELL", "curl -f http://localhost/health || exit 1"], interval: 10, retries: 3, startPeriod: 5, timeout: 2 },
      ulimits: [{ name: "nofile", softLimit: 65536, hardLimit: 65536 }],
      dependsOn: [{ containerName: "migrations", condition: "SUCCESS" }],
      systemControls: [{ namespace: "net.core.somaxconn", value: "1024" }],
    });
  });

  test("linuxParameters: init process and SYS_PTRACE are kept", () => {
    const [container] = containers(
      synthContainer({ linuxParameters: { initProcessEnabled: true, capabilities: { add: ["SYS_PTRACE"] } } }),
    );
    expect(container.linuxParameters).toEqual({ initProcessEnabled: true, capabilities: { add: ["SYS_PTRACE"] } });
  });

  test("containers are rendered in the order they are added", () => {
    const json = synthTask((task) => {
      task.addContainer("web", { name: "web", image: PUBLIC_IMAGE });
      task.addContainer("sidecar", { name: "sidecar", image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.41.0", essential: false });
    });
    expect(containers(json).map((container) => [container.name, container.essential])).toEqual([
      ["web", true],
      ["sidecar", false],
    ]);
  });
});

describe("ContainerDefinition grants on the execution role", () => {
  test("a secret → ssm:GetParameters on exactly that parameter's ARN, never *", () => {
    const json = synthTask((task, stack) =>
      task.addContainer("web", {
        name: "web",
        image: PUBLIC_IMAGE,
        secrets: { PASSWORD: new SecretParameter(stack, "password", { parameterName: "/hello/PASSWORD" }) },
      }),
    );
    expect(executionStatements(json)).toEqual([
      {
        Sid: "ReadSecretParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameters"],
        Resource: ["${aws_ssm_parameter.password.arn}"],
      },
    ]);
    expect(executionStatements(json).flatMap((s) => s.Resource)).not.toContain("*");
  });

  test("a secret that exists already → its ARN as given", () => {
    const json = synthContainer({ secrets: { API_KEY: SecretParameter.fromArn(EXISTING_PARAMETER) } });
    expect(statement(json, "ReadSecretParameters").Resource).toEqual([EXISTING_PARAMETER]);
  });

  test("a secret by name → its ARN built with the caller identity", () => {
    const json = synthTask((task, stack) =>
      task.addContainer("web", { name: "web", image: PUBLIC_IMAGE, secrets: { API_KEY: SecretParameter.fromName(stack, "/shared/API_KEY") } }),
    );
    const arn = "arn:aws:ssm:eu-west-1:${data.aws_caller_identity.current_account.account_id}:parameter/shared/API_KEY";
    expect(statement(json, "ReadSecretParameters").Resource).toEqual([arn]);
    expect(containers(json)[0].secrets).toEqual([{ name: "API_KEY", valueFrom: arn }]);
  });

  test("a secret encrypted with a KMS key → kms:Decrypt on that key", () => {
    const json = synthTask((task, stack) =>
      task.addContainer("web", {
        name: "web",
        image: PUBLIC_IMAGE,
        secrets: { PASSWORD: new SecretParameter(stack, "password", { parameterName: "/hello/PASSWORD", kmsKeyArn: KMS_KEY }) },
      }),
    );
    expect(statement(json, "DecryptSecretParameters")).toEqual({
      Sid: "DecryptSecretParameters",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [KMS_KEY],
    });
  });

  test("a secret under the AWS managed key → no kms statement", () => {
    const json = synthContainer({ secrets: { API_KEY: SecretParameter.fromArn(EXISTING_PARAMETER) } });
    expect(executionStatements(json).map((s) => s.Sid)).toEqual(["ReadSecretParameters"]);
  });

  test("a log group → logs:CreateLogStream and logs:PutLogEvents on its streams", () => {
    const json = synthTask((task, stack) =>
      task.addContainer("web", { name: "web", image: PUBLIC_IMAGE, logGroup: new LogGroup(stack, "logs", { name: "/ecs/hello" }) }),
    );
    expect(executionStatements(json)).toEqual([
      {
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: ["${aws_cloudwatch_log_group.logs.arn}:*"],
      },
    ]);
  });

  test("a private ECR image → ECR pull on its repository's ARN (and the token on *)", () => {
    const json = synthContainer({ image: PRIVATE_IMAGE });
    expect(executionStatements(json)).toEqual([
      { Sid: "AuthenticateToEcr", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
      {
        Sid: "PullImages",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        Resource: [REPOSITORY],
      },
    ]);
  });

  test.each([
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app@sha256:0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd", "arn:aws:ecr:eu-west-1:123456789012:repository/team/app"],
    ["210987654321.dkr.ecr.us-east-1.amazonaws.com/app", "arn:aws:ecr:us-east-1:210987654321:repository/app"],
    ["123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1", "arn:aws-cn:ecr:cn-north-1:123456789012:repository/app"],
  ])("the private image %s → pull on %s", (image, repository) => {
    expect(statement(synthContainer({ image }), "PullImages").Resource).toEqual([repository]);
  });

  // Known bug (see report): the ARN is built with partition "aws", so the pull is denied in GovCloud.
  test("a private image in GovCloud → pull on an aws-us-gov repository ARN", () => {
    const json = synthContainer({ image: "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/app:1" });
    expect(statement(json, "PullImages").Resource).toEqual(["arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/app"]);
  });

  test.each([PUBLIC_IMAGE, "nginx:1.27", "docker.io/library/nginx:1.27", "ghcr.io/acme/app:1"])(
    "the public image %s → no ECR statement",
    (image) => {
      const json = synthContainer({ image, secrets: { API_KEY: SecretParameter.fromArn(EXISTING_PARAMETER) } });
      expect(executionStatements(json).map((s) => s.Sid)).toEqual(["ReadSecretParameters"]);
      expect(JSON.stringify(executionStatements(json))).not.toContain("ecr:");
    },
  );

  test("two containers with two secrets → both ARNs in one statement, and each container reads its own", () => {
    const json = synthTask((task, stack) => {
      task.addContainer("web", {
        name: "web",
        image: PUBLIC_IMAGE,
        secrets: { PASSWORD: new SecretParameter(stack, "password", { parameterName: "/hello/PASSWORD" }) },
      });
      task.addContainer("worker", {
        name: "worker",
        image: PUBLIC_IMAGE,
        secrets: { API_KEY: SecretParameter.fromArn(EXISTING_PARAMETER) },
      });
    });
    expect(executionStatements(json)).toEqual([
      {
        Sid: "ReadSecretParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameters"],
        Resource: ["${aws_ssm_parameter.password.arn}", EXISTING_PARAMETER],
      },
    ]);
    expect(containers(json).map((container) => container.secrets)).toEqual([
      [{ name: "PASSWORD", valueFrom: "${aws_ssm_parameter.password.arn}" }],
      [{ name: "API_KEY", valueFrom: EXISTING_PARAMETER }],
    ]);
  });

  test("everything at once: only the ECR token is on *, and the task role gets nothing", () => {
    const json = synthTask((task, stack) =>
      task.addContainer("web", {
        name: "web",
        image: PRIVATE_IMAGE,
        secrets: { PASSWORD: new SecretParameter(stack, "password", { parameterName: "/hello/PASSWORD", kmsKeyArn: KMS_KEY }) },
        logGroup: new LogGroup(stack, "logs", { name: "/ecs/hello" }),
      }),
    );
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy"))).toEqual(["task_execution_role_policy"]);
    expect(executionStatements(json).map((s) => s.Sid)).toEqual([
      "ReadSecretParameters",
      "DecryptSecretParameters",
      "WriteLogs",
      "AuthenticateToEcr",
      "PullImages",
    ]);
    expect(executionStatements(json).filter((s) => s.Resource.includes("*")).map((s) => s.Action)).toEqual([
      ["ecr:GetAuthorizationToken"],
    ]);
  });
});
