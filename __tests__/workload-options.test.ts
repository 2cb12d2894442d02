import {
  Environment,
  FargateStack,
  FileSystem,
  FileSystemProps,
  Network,
  OneOffTask,
  Queue,
  QueueProps,
  ScheduledTask,
  SecretParameter,
  SecretsManagerSecret,
  WebService,
  WebServiceProps,
  WorkerService,
  WorkerServiceProps,
} from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

/*
 * What every kind of workload takes beside its image: container options, sidecars, a read-only root with
 * scratch paths, EFS mounts, ephemeral storage, task permissions, ECS Exec and Secrets Manager secrets; then
 * the queues and file systems workloads use. Asserted on the synthesized JSON of workloads in the
 * environment "platform" (named platform-prod, zone example.com).
 */

const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";
const COLLECTOR = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1";
const ACCOUNT = "123456789012";
const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:platform-prod/orders-db-AbCdEf`;
const PARTIAL_SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:platform-prod/orders-db`;
const PARAMETER_ARN = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/shared/db/password`;
const KMS_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const LEGACY_ROLE = `arn:aws:iam::${ACCOUNT}:role/legacy-ecs-execution`;
const WORKER = "[test/platform/worker]";
const WORKER_TASK = "[test/platform/worker/task]";
const WORKER_CONTAINER = "[test/platform/worker/task/container]";
const LOGS = {
  logDriver: "awslogs",
  options: {
    "awslogs-group": "${aws_cloudwatch_log_group.platform_shop_logs.name}",
    "awslogs-region": "eu-west-1",
    "awslogs-stream-prefix": "platform-prod-shop",
    mode: "non-blocking",
    "max-buffer-size": "25m",
  },
};

const newEnvironment = (stack: FargateStack) => new Environment(stack, "platform", { name: "platform-prod", zones: ["example.com"] });
const buildWorker = (props: Partial<WorkerServiceProps>, after?: (worker: WorkerService) => void) => (stack: FargateStack) => {
  const worker = new WorkerService(newEnvironment(stack), "worker", { image: IMAGE, ...props });
  after?.(worker);
};
const synthWorker = (props: Partial<WorkerServiceProps>): TerraformJson => synthesize(buildWorker(props));
const workerErrors = (props: Partial<WorkerServiceProps>, after?: (worker: WorkerService) => void): string[] =>
  synthErrors(buildWorker(props, after));
const synthWeb = (props: Partial<WebServiceProps>): TerraformJson =>
  synthesize((stack) => new WebService(newEnvironment(stack), "shop", { image: IMAGE, hosts: ["shop.example.com"], ...props }));

const containersOf = (json: TerraformJson, task: string) =>
  decodeJsonencode(resourcesOf(json, "aws_ecs_task_definition")[task].container_definitions);
const statementsOf = (json: TerraformJson, policy: string) =>
  decodeJsonencode(resourcesOf(json, "aws_iam_role_policy")[policy].policy).Statement;
const executionStatements = (json: TerraformJson) => statementsOf(json, "platform_worker_task_execution_role_policy");
const taskRoleStatements = (json: TerraformJson) => statementsOf(json, "platform_worker_task_role_policy");
const workerSecrets = (json: TerraformJson) => containersOf(json, "platform_worker_task")[0].secrets;

describe("the main container's options: shop with a command, an entry point and a health check of its own", () => {
  const json = synthWeb({
    command: ["node", "server.js"],
    entryPoint: ["/usr/bin/dumb-init", "--"],
    containerHealthCheck: { command: ["CMD-SHELL", "wget -qO- http://localhost/health || exit 1"], interval: 30, timeout: 5, retries: 3, startPeriod: 10 },
  });

  test("rendered in the main container, beside its port and logs", () => {
    const [container] = containersOf(json, "platform_shop_task");
    expect(container).toMatchObject({
      name: "platform-prod-shop",
      command: ["node", "server.js"],
      entryPoint: ["/usr/bin/dumb-init", "--"],
      healthCheck: { command: ["CMD-SHELL", "wget -qO- http://localhost/health || exit 1"], interval: 30, timeout: 5, retries: 3, startPeriod: 10 },
      essential: true,
      logConfiguration: LOGS,
    });
  });
});

test("without them, the main container keeps the image's command and entry point, and has no health check, dependency or mount", () => {
  const json = synthWorker({});
  const [container] = containersOf(json, "platform_worker_task");
  for (const field of ["command", "entryPoint", "healthCheck", "dependsOn", "mountPoints"]) {
    expect(container[field]).toBeUndefined();
  }
  expect(container.readonlyRootFilesystem).toBe(true);
  expect(resourcesOf(json, "aws_ecs_task_definition").platform_worker_task.volume).toBeUndefined();
});

describe("sidecars: shop with an OpenTelemetry collector it waits for", () => {
  const json = synthWeb({
    sidecars: [{ name: "otel-collector", image: COLLECTOR, memoryReservation: 128, healthCheck: { command: ["/healthcheck"] } }],
    dependsOn: [{ containerName: "otel-collector", condition: "HEALTHY" }],
  });
  const [main, sidecar] = containersOf(json, "platform_shop_task");

  test("the sidecar follows the main container: not essential by default, read-only root, logging to the workload's log group under its own prefix", () => {
    expect(sidecar).toEqual({
      name: "otel-collector",
      image: COLLECTOR,
      memoryReservation: 128,
      healthCheck: { command: ["/healthcheck"] },
      essential: false,
      readonlyRootFilesystem: true,
      environment: [],
      secrets: [],
      logConfiguration: { ...LOGS, options: { ...LOGS.options, "awslogs-stream-prefix": "otel-collector" } },
    });
  });

  test("the main container's dependsOn is rendered, and the load balancer still targets the main container", () => {
    expect(main.name).toBe("platform-prod-shop");
    expect(main.dependsOn).toEqual([{ containerName: "otel-collector", condition: "HEALTHY" }]);
    expect(onlyResource(json, "aws_ecs_service").load_balancer[0].container_name).toBe("platform-prod-shop");
  });

  test("the execution role may write to the one log group both containers share", () => {
    const statements = statementsOf(json, "platform_shop_task_execution_role_policy");
    expect(statements).toEqual([
      { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: ["${aws_cloudwatch_log_group.platform_shop_logs.arn}:*"] },
    ]);
  });
});

test("a sidecar declared essential stays essential", () => {
  const [, sidecar] = containersOf(synthWorker({ sidecars: [{ name: "proxy", image: IMAGE, essential: true }] }), "platform_worker_task");
  expect(sidecar.essential).toBe(true);
});

describe("container dependency checks", () => {
  const collector = { name: "otel-collector", image: COLLECTOR };

  test("dependsOn naming a container the task does not have is refused, naming the ones it has; the right name synthesizes", () => {
    expect(workerErrors({ sidecars: [collector], dependsOn: [{ containerName: "otel-colector", condition: "START" }] })).toEqual([
      `${WORKER_TASK} containers: "platform-prod-worker" depends on "otel-colector", which is not a container of this task. Fix: name one of "otel-collector"`,
    ]);
    expect(workerErrors({ sidecars: [collector], dependsOn: [{ containerName: "otel-collector", condition: "START" }] })).toEqual([]);
  });

  test("waiting for HEALTHY on a container without a health check is refused; with one it synthesizes", () => {
    expect(workerErrors({ sidecars: [collector], dependsOn: [{ containerName: "otel-collector", condition: "HEALTHY" }] })).toEqual([
      `${WORKER_TASK} containers: "platform-prod-worker" waits for "otel-collector" to be HEALTHY, and it has no healthCheck. Fix: give "otel-collector" a healthCheck, or wait for START`,
    ]);
    const checked = { ...collector, healthCheck: { command: ["/healthcheck"] } };
    expect(workerErrors({ sidecars: [checked], dependsOn: [{ containerName: "otel-collector", condition: "HEALTHY" }] })).toEqual([]);
  });

  test("waiting for an essential container to COMPLETE is refused; a sidecar left non-essential synthesizes", () => {
    const init = { name: "init", image: IMAGE, command: ["sh", "-c", "cp -r /seed /data"] };
    expect(workerErrors({ sidecars: [{ ...init, essential: true }], dependsOn: [{ containerName: "init", condition: "COMPLETE" }] })).toEqual([
      `${WORKER_TASK} containers: "platform-prod-worker" waits for "init" to complete, and an essential container cannot be waited for so. Fix: make "init" essential: false, or wait for START or HEALTHY`,
    ]);
    expect(workerErrors({ sidecars: [init], dependsOn: [{ containerName: "init", condition: "COMPLETE" }] })).toEqual([]);
  });

  test("two sidecars of one name are refused by the task's container check, not a crash; distinct names synthesize", () => {
    expect(workerErrors({ sidecars: [{ name: "proxy", image: IMAGE }, { name: "proxy", image: IMAGE }] })).toEqual([
      `${WORKER_TASK} containers: the name "proxy" is used twice. Fix: give each container its own name`,
    ]);
    expect(workerErrors({ sidecars: [{ name: "proxy", image: IMAGE }, { name: "proxy-2", image: IMAGE }] })).toEqual([]);
  });
});

describe("read-only root file system (the default) with writable scratch paths", () => {
  const json = synthWorker({ writablePaths: ["/var/cache/nginx", "/var/run"] });

  test("one scratch volume per path, mounted writable at it, on a read-only root", () => {
    expect(resourcesOf(json, "aws_ecs_task_definition").platform_worker_task.volume).toEqual([{ name: "scratch-1" }, { name: "scratch-2" }]);
    const [container] = containersOf(json, "platform_worker_task");
    expect(container.readonlyRootFilesystem).toBe(true);
    expect(container.mountPoints).toEqual([
      { sourceVolume: "scratch-1", containerPath: "/var/cache/nginx", readOnly: false },
      { sourceVolume: "scratch-2", containerPath: "/var/run", readOnly: false },
    ]);
  });

  test("writablePaths with readonlyRootFilesystem: false is refused; on the default read-only root, or an explicit one, it synthesizes", () => {
    expect(workerErrors({ readonlyRootFilesystem: false, writablePaths: ["/var/run"] })).toEqual([
      `${WORKER} writablePaths is ["/var/run"]: scratch paths are for a read-only root file system, and \`readonlyRootFilesystem\` is false. ` +
        "Fix: remove readonlyRootFilesystem: false (read-only is the default), or drop writablePaths: the whole root file system is writable",
    ]);
    expect(workerErrors({ writablePaths: ["/var/run"] })).toEqual([]);
    expect(workerErrors({ readonlyRootFilesystem: true, writablePaths: ["/var/run"] })).toEqual([]);
  });

  test("a relative writable path is refused; the absolute one synthesizes", () => {
    expect(workerErrors({ writablePaths: ["var/run"] })).toEqual([
      `${WORKER} writablePaths[0] is "var/run": an absolute path in the container. Fix: e.g. "/var/cache/nginx"`,
    ]);
    expect(workerErrors({ writablePaths: ["/var/run"] })).toEqual([]);
  });
});

describe("EFS: the uploads file system, written by the worker, read by the report and mounted by the migration", () => {
  const json = synthesize((stack) => {
    const environment = newEnvironment(stack);
    const uploads = new FileSystem(environment, "uploads", { name: "platform-prod-uploads", network: environment.network });
    new WorkerService(environment, "worker", { image: IMAGE, fileSystems: [{ fileSystem: uploads, containerPath: "/data" }] });
    new ScheduledTask(environment, "report", {
      image: IMAGE,
      schedule: "cron(0 3 * * ? *)",
      fileSystems: [{ fileSystem: uploads, containerPath: "/data", readOnly: true }],
    });
    new OneOffTask(environment, "migrate", { image: IMAGE, fileSystems: [{ fileSystem: uploads, containerPath: "/srv/data" }] });
  });

  test("a task volume on the file system: encrypted in transit, authorized by IAM, through its access point", () => {
    expect(resourcesOf(json, "aws_ecs_task_definition").platform_worker_task.volume).toEqual([
      {
        name: "efs-1",
        efs_volume_configuration: {
          file_system_id: "${aws_efs_file_system.platform_uploads.id}",
          transit_encryption: "ENABLED",
          authorization_config: { access_point_id: "${aws_efs_access_point.platform_uploads_access_point.id}", iam: "ENABLED" },
        },
      },
    ]);
  });

  test("mounted at the container path, read-only only when asked", () => {
    expect(containersOf(json, "platform_worker_task")[0].mountPoints).toEqual([{ sourceVolume: "efs-1", containerPath: "/data", readOnly: false }]);
    expect(containersOf(json, "platform_report_task")[0].mountPoints).toEqual([{ sourceVolume: "efs-1", containerPath: "/data", readOnly: true }]);
    expect(containersOf(json, "platform_migrate_task")[0].mountPoints).toEqual([{ sourceVolume: "efs-1", containerPath: "/srv/data", readOnly: false }]);
  });

  test("the task role may mount it, and write to it unless read-only", () => {
    expect(taskRoleStatements(json)).toEqual([
      {
        Sid: "MountFileSystems",
        Effect: "Allow",
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: ["${aws_efs_file_system.platform_uploads.arn}"],
      },
    ]);
    expect(statementsOf(json, "platform_report_task_role_policy")).toEqual([
      { Sid: "MountFileSystems", Effect: "Allow", Action: ["elasticfilesystem:ClientMount"], Resource: ["${aws_efs_file_system.platform_uploads.arn}"] },
    ]);
  });

  test("the file system's security group admits NFS from each workload's tasks, and nothing else", () => {
    const nfsFrom = (securityGroup: string, workload: string) => ({
      security_group_id: "${aws_security_group.platform_uploads_security_group.id}",
      referenced_security_group_id: `\${aws_security_group.${securityGroup}.id}`,
      ip_protocol: "tcp",
      from_port: 2049,
      to_port: 2049,
      description: `NFS from the platform-prod-${workload} tasks`,
    });
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).toEqual({
      platform_worker_file_system_access_1: nfsFrom("platform_worker_service_security_group", "worker"),
      platform_report_file_system_access_1: nfsFrom("platform_report_security_group", "report"),
      platform_migrate_file_system_access_1: nfsFrom("platform_migrate_security_group", "migrate"),
    });
  });
});

test("scratch paths and a file system together: scratch volumes first, then the file system's", () => {
  const json = synthesize((stack) => {
    const environment = newEnvironment(stack);
    const uploads = new FileSystem(environment, "uploads", { name: "platform-prod-uploads", network: environment.network });
    new WorkerService(environment, "worker", {
      image: IMAGE,
      readonlyRootFilesystem: true,
      writablePaths: ["/tmp"],
      fileSystems: [{ fileSystem: uploads, containerPath: "/data", readOnly: true }],
    });
  });
  expect(resourcesOf(json, "aws_ecs_task_definition").platform_worker_task.volume.map((volume: any) => volume.name)).toEqual(["scratch-1", "efs-1"]);
  expect(containersOf(json, "platform_worker_task")[0].mountPoints).toEqual([
    { sourceVolume: "scratch-1", containerPath: "/tmp", readOnly: false },
    { sourceVolume: "efs-1", containerPath: "/data", readOnly: true },
  ]);
});

test("a relative file system container path is refused; the absolute one synthesizes", () => {
  const errors = (containerPath: string) =>
    synthErrors((stack) => {
      const environment = newEnvironment(stack);
      const uploads = new FileSystem(environment, "uploads", { name: "platform-prod-uploads", network: environment.network });
      new WorkerService(environment, "worker", { image: IMAGE, fileSystems: [{ fileSystem: uploads, containerPath }] });
    });
  expect(errors("data")).toEqual([`${WORKER} fileSystems[0].containerPath is "data": an absolute path in the container. Fix: e.g. "/data"`]);
  expect(errors("/data")).toEqual([]);
});

describe("ephemeral storage", () => {
  const message = (size: number) =>
    `${WORKER_TASK} ephemeralStorageGiB is ${size}: whole GiB from 21 to 200 (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html). ` +
    "Fix: leave it unset for Fargate's 20 GiB, or give 21 or more";

  test("20 GiB (Fargate's own) is refused; 21 synthesizes and is rendered", () => {
    expect(workerErrors({ ephemeralStorageGiB: 20 })).toEqual([message(20)]);
    expect(workerErrors({ ephemeralStorageGiB: 21 })).toEqual([]);
    expect(onlyResource(synthWorker({ ephemeralStorageGiB: 21 }), "aws_ecs_task_definition").ephemeral_storage).toEqual({ size_in_gib: 21 });
  });

  test("201 GiB is refused; 200 synthesizes and is rendered", () => {
    expect(workerErrors({ ephemeralStorageGiB: 201 })).toEqual([message(201)]);
    expect(workerErrors({ ephemeralStorageGiB: 200 })).toEqual([]);
    expect(onlyResource(synthWorker({ ephemeralStorageGiB: 200 }), "aws_ecs_task_definition").ephemeral_storage).toEqual({ size_in_gib: 200 });
  });

  test("unset, the task definition has no ephemeral_storage", () => {
    expect(onlyResource(synthWorker({}), "aws_ecs_task_definition").ephemeral_storage).toBeUndefined();
  });
});

describe("task permissions", () => {
  const objects = "arn:aws:s3:::platform-prod-uploads/*";

  test("each is a statement of the task role, with exactly its actions and resources; the execution role gets none", () => {
    const json = synthWorker({
      permissions: [
        { actions: ["s3:PutObject", "s3:GetObject"], resources: [objects] },
        { actions: ["dynamodb:GetItem"], resources: [`arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`] },
      ],
    });
    expect(taskRoleStatements(json)).toEqual([
      { Sid: "Permission1", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [objects] },
      { Sid: "Permission2", Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: [`arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`] },
    ]);
    expect(resourcesOf(json, "aws_iam_role_policy").platform_worker_task_role_policy.role).toBe("${aws_iam_role.platform_worker_task_role.name}");
    expect(executionStatements(json).map((statement: any) => statement.Sid)).toEqual(["WriteLogs"]);
  });

  test("the resource * is refused; the bucket's objects synthesize", () => {
    expect(workerErrors({ permissions: [{ actions: ["s3:GetObject"], resources: ["*"] }] })).toEqual([
      `${WORKER} permissions[0].resources is ["*"]: the ARNs the actions apply to; \`*\` would let the code act on every such resource in the account. ` +
        "Fix: name the queue, bucket or table ARNs (a bucket's objects: arn:aws:s3:::bucket/*)",
    ]);
    expect(workerErrors({ permissions: [{ actions: ["s3:GetObject"], resources: [objects] }] })).toEqual([]);
  });

  test("an action not written service:Action is refused; s3:GetObject synthesizes", () => {
    expect(workerErrors({ permissions: [{ actions: ["s3.GetObject"], resources: [objects] }] })).toEqual([
      `${WORKER} permissions[0].actions is ["s3.GetObject"]: one or more IAM actions written service:Action, e.g. "s3:GetObject". Fix: name each action the code calls`,
    ]);
    expect(workerErrors({ permissions: [{ actions: ["s3:GetObject"], resources: [objects] }] })).toEqual([]);
  });
});

describe("ECS Exec", () => {
  test("enableExecuteCommand: the service's flag, and the task role's SSM channels on * (they have no resource-level permission)", () => {
    const json = synthWorker({ enableExecuteCommand: true });
    expect(onlyResource(json, "aws_ecs_service").enable_execute_command).toBe(true);
    expect(taskRoleStatements(json)).toEqual([
      {
        Sid: "ExecuteCommand",
        Effect: "Allow",
        Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
        Resource: ["*"],
      },
    ]);
  });

  test("without it: no flag, and the task role has no policy", () => {
    const json = synthWorker({});
    expect(onlyResource(json, "aws_ecs_service").enable_execute_command).toBeUndefined();
    expect(resourcesOf(json, "aws_iam_role_policy").platform_worker_task_role_policy).toBeUndefined();
  });
});

describe("Secrets Manager secrets", () => {
  const readSecrets = (resource: string) => ({ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [resource] });
  const writeLogs = {
    Sid: "WriteLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: ["${aws_cloudwatch_log_group.platform_worker_logs.arn}:*"],
  };

  test("a whole secret: valueFrom is its ARN; the execution role may get exactly that secret's value, and no SSM parameter", () => {
    const json = synthWorker({ secrets: { DATABASE_PASSWORD: SecretsManagerSecret.fromArn(SECRET_ARN) } });
    expect(workerSecrets(json)).toEqual([{ name: "DATABASE_PASSWORD", valueFrom: SECRET_ARN }]);
    expect(executionStatements(json)).toEqual([readSecrets(SECRET_ARN), writeLogs]);
  });

  test("one key of a JSON secret: valueFrom <arn>:<key>::, the grant still on the secret's ARN", () => {
    const json = synthWorker({ secrets: { DATABASE_PASSWORD: SecretsManagerSecret.fromArn(SECRET_ARN, { jsonKey: "password" }) } });
    expect(workerSecrets(json)).toEqual([{ name: "DATABASE_PASSWORD", valueFrom: `${SECRET_ARN}:password::` }]);
    expect(executionStatements(json)).toEqual([readSecrets(SECRET_ARN), writeLogs]);
  });

  test("an ARN without the six-character suffix: the grant covers <arn>-??????", () => {
    const json = synthWorker({ secrets: { DATABASE_PASSWORD: SecretsManagerSecret.fromArn(PARTIAL_SECRET_ARN) } });
    expect(workerSecrets(json)).toEqual([{ name: "DATABASE_PASSWORD", valueFrom: PARTIAL_SECRET_ARN }]);
    expect(executionStatements(json)).toEqual([readSecrets(`${PARTIAL_SECRET_ARN}-??????`), writeLogs]);
  });

  test("with its customer managed key: kms:Decrypt on that key", () => {
    const json = synthWorker({ secrets: { DATABASE_PASSWORD: SecretsManagerSecret.fromArn(SECRET_ARN, { kmsKeyArn: KMS_KEY }) } });
    expect(executionStatements(json)).toEqual([
      readSecrets(SECRET_ARN),
      { Sid: "DecryptSecretParameters", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KMS_KEY] },
      writeLogs,
    ]);
  });

  test("SecretParameter.fromArn given a Secrets Manager ARN: the secretsmanager grant, not ssm:GetParameters", () => {
    const json = synthWorker({ secrets: { DATABASE_PASSWORD: SecretParameter.fromArn(SECRET_ARN) } });
    expect(workerSecrets(json)).toEqual([{ name: "DATABASE_PASSWORD", valueFrom: SECRET_ARN }]);
    expect(executionStatements(json)).toEqual([readSecrets(SECRET_ARN), writeLogs]);
  });

  test("SecretParameter.fromArn given an SSM parameter ARN keeps ssm:GetParameters", () => {
    const json = synthWorker({ secrets: { DATABASE_PASSWORD: SecretParameter.fromArn(PARAMETER_ARN) } });
    expect(executionStatements(json)[0]).toEqual({ Sid: "ReadSecretParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [PARAMETER_ARN] });
  });

  test("an existing execution role without the grant: the unreadable-secret error; grantSecretRead fixes it, on that role", () => {
    const props = { executionRoleArn: LEGACY_ROLE, secrets: { DATABASE_PASSWORD: SecretsManagerSecret.fromArn(SECRET_ARN, { jsonKey: "password" }) } };
    expect(workerErrors(props)).toEqual([
      `${WORKER_CONTAINER} secrets.DATABASE_PASSWORD: execution role "legacy-ecs-execution" cannot read secret platform-prod/orders-db-AbCdEf (key password): ` +
        "it lacks secretsmanager:GetSecretValue on secret platform-prod/orders-db-AbCdEf (key password), so ECS would fail to start the task " +
        '("unable to pull secrets"). Fix: call executionRole.grantSecretRead(...) with this secret, or leave the task\'s executionRole unset so this project creates one',
    ]);

    const grant = (worker: WorkerService) => worker.taskDefinition.executionRole.grantSecretRead(worker.secrets.DATABASE_PASSWORD);
    expect(workerErrors(props, grant)).toEqual([]);
    const json = synthesize(buildWorker(props, grant));
    const policy = resourcesOf(json, "aws_iam_role_policy").platform_worker_execution_role_policy;
    expect(policy.role).toBe("legacy-ecs-execution");
    expect(decodeJsonencode(policy.policy).Statement).toEqual([readSecrets(SECRET_ARN)]);
  });

  describe("a literal secret reference must be an SSM parameter ARN or a Secrets Manager ARN", () => {
    const arnError = (value: string) =>
      `${WORKER_CONTAINER} secrets.DATABASE_PASSWORD is "${value}": an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>) or a Secrets Manager secret ARN ` +
      "(arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json key>::]); an IAM grant on anything else reads nothing. " +
      "Fix: give the full ARN, or SecretParameter.fromName(scope, name) for a parameter of this stack's account and region";

    test("a parameter path is refused; the parameter's ARN synthesizes", () => {
      expect(workerErrors({ secrets: { DATABASE_PASSWORD: SecretParameter.fromArn("/shared/db/password") } })).toEqual([arnError("/shared/db/password")]);
      expect(workerErrors({ secrets: { DATABASE_PASSWORD: SecretParameter.fromArn(PARAMETER_ARN) } })).toEqual([]);
    });

    test("an S3 object ARN is refused; a Secrets Manager ARN synthesizes", () => {
      const s3 = "arn:aws:s3:::platform-prod-config/db-password";
      expect(workerErrors({ secrets: { DATABASE_PASSWORD: SecretParameter.fromArn(s3) } })).toEqual([arnError(s3)]);
      expect(workerErrors({ secrets: { DATABASE_PASSWORD: SecretParameter.fromArn(SECRET_ARN) } })).toEqual([]);
    });
  });
});

describe("Queue", () => {
  const synthQueue = (props: Partial<QueueProps> = {}) => synthesize((stack) => new Queue(stack, "jobs", { name: "platform-prod-jobs", ...props }));
  const queueErrors = (props: Partial<QueueProps>) => synthErrors((stack) => new Queue(stack, "jobs", { name: "platform-prod-jobs", ...props }));

  test("the queue and its dead-letter queue <name>-dead-letter, both encrypted; failing messages move after 5 receives and stay 14 days", () => {
    const json = synthQueue();
    const queues = resourcesOf(json, "aws_sqs_queue");
    expect(Object.keys(queues).sort()).toEqual(["jobs", "jobs_dead_letter"]);
    expect(queues.jobs_dead_letter).toEqual({ name: "platform-prod-jobs-dead-letter", sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
    const { redrive_policy: redrivePolicy, ...queue } = queues.jobs;
    expect(queue).toEqual({ name: "platform-prod-jobs", sqs_managed_sse_enabled: true, visibility_timeout_seconds: 30 });
    expect(JSON.parse(redrivePolicy)).toEqual({ deadLetterTargetArn: "${aws_sqs_queue.jobs_dead_letter.arn}", maxReceiveCount: 5 });
  });

  test("visibilityTimeoutSeconds and maxReceiveCount are rendered", () => {
    const queue = resourcesOf(synthQueue({ visibilityTimeoutSeconds: 120, maxReceiveCount: 3 }), "aws_sqs_queue").jobs;
    expect(queue.visibility_timeout_seconds).toBe(120);
    expect(JSON.parse(queue.redrive_policy).maxReceiveCount).toBe(3);
  });

  test("a name SQS refuses (a FIFO suffix) is refused; the same without the dot synthesizes", () => {
    expect(queueErrors({ name: "jobs.fifo" })).toEqual([
      '[test/jobs] name is "jobs.fifo": 1 to 68 letters, digits, hyphens and underscores. Fix: use a name such as "shop-prod-jobs"',
    ]);
    expect(queueErrors({ name: "jobs-fifo" })).toEqual([]);
  });

  test("a 69-character name is refused (its dead-letter queue's would pass 80); 68 synthesizes", () => {
    const long = "j".repeat(69);
    expect(queueErrors({ name: long })).toEqual([
      `[test/jobs] name is "${long}": 1 to 68 letters, digits, hyphens and underscores. Fix: use a name such as "shop-prod-jobs"`,
    ]);
    expect(queueErrors({ name: "j".repeat(68) })).toEqual([]);
  });

  test("a visibility timeout above 12 hours is refused; 43200 synthesizes", () => {
    expect(queueErrors({ visibilityTimeoutSeconds: 43201 })).toEqual([
      "[test/jobs] visibilityTimeoutSeconds is 43201: whole seconds from 0 to 43200 (12 hours). Fix: use a little more than the longest job takes",
    ]);
    expect(queueErrors({ visibilityTimeoutSeconds: 43200 })).toEqual([]);
  });

  test("maxReceiveCount 0 is refused; 1 synthesizes", () => {
    expect(queueErrors({ maxReceiveCount: 0 })).toEqual(["[test/jobs] maxReceiveCount is 0: a whole number from 1 to 1000. Fix: use 3 to 5"]);
    expect(queueErrors({ maxReceiveCount: 1 })).toEqual([]);
  });

  test("maxReceiveCount 1001 is refused; 1000 synthesizes", () => {
    expect(queueErrors({ maxReceiveCount: 1001 })).toEqual(["[test/jobs] maxReceiveCount is 1001: a whole number from 1 to 1000. Fix: use 3 to 5"]);
    expect(queueErrors({ maxReceiveCount: 1000 })).toEqual([]);
  });
});

describe("FileSystem", () => {
  const network = Network.fromExisting({
    vpcId: "vpc-0123456789abcdef0",
    publicSubnetIds: ["subnet-public-a", "subnet-public-b"],
    privateSubnetIds: ["subnet-private-a", "subnet-private-b", "subnet-private-c"],
  });
  const synthFileSystem = (props: Partial<FileSystemProps> = {}) =>
    synthesize((stack) => new FileSystem(stack, "uploads", { name: "platform-prod-uploads", network, ...props }));
  const fileSystemErrors = (props: Partial<FileSystemProps>) =>
    synthErrors((stack) => new FileSystem(stack, "uploads", { name: "platform-prod-uploads", network, ...props }));

  describe("defaults: platform-prod-uploads in a VPC with three private subnets", () => {
    const json = synthFileSystem();

    test("an encrypted file system, named by its creation token and tag", () => {
      expect(resourcesOf(json, "aws_efs_file_system")).toEqual({
        uploads: { encrypted: true, creation_token: "platform-prod-uploads", tags: { Name: "platform-prod-uploads" } },
      });
    });

    test("its own security group in the VPC, with no rule until a workload mounts it", () => {
      expect(resourcesOf(json, "aws_security_group")).toEqual({
        uploads_security_group: {
          name: "platform-prod-uploads-efs",
          description: "Mount targets of platform-prod-uploads: NFS from the tasks that mount it",
          vpc_id: "vpc-0123456789abcdef0",
          tags: { Name: "platform-prod-uploads-efs" },
        },
      });
      expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).toEqual({});
    });

    test("one mount target per private subnet, in that security group", () => {
      const target = (subnet: string) => ({
        file_system_id: "${aws_efs_file_system.uploads.id}",
        subnet_id: subnet,
        security_groups: ["${aws_security_group.uploads_security_group.id}"],
      });
      expect(resourcesOf(json, "aws_efs_mount_target")).toEqual({
        uploads_mount_target_1: target("subnet-private-a"),
        uploads_mount_target_2: target("subnet-private-b"),
        uploads_mount_target_3: target("subnet-private-c"),
      });
    });

    test("an access point: tasks act as 1000:1000 in /data, created 750 for that user", () => {
      expect(resourcesOf(json, "aws_efs_access_point")).toEqual({
        uploads_access_point: {
          file_system_id: "${aws_efs_file_system.uploads.id}",
          posix_user: { uid: 1000, gid: 1000 },
          root_directory: { path: "/data", creation_info: { owner_uid: 1000, owner_gid: 1000, permissions: "750" } },
          tags: { Name: "platform-prod-uploads" },
        },
      });
    });
  });

  test("rootDirectory sets the access point's directory and POSIX user", () => {
    const accessPoint = onlyResource(synthFileSystem({ rootDirectory: { path: "/srv/uploads", uid: 33, gid: 34 } }), "aws_efs_access_point");
    expect(accessPoint.posix_user).toEqual({ uid: 33, gid: 34 });
    expect(accessPoint.root_directory).toEqual({ path: "/srv/uploads", creation_info: { owner_uid: 33, owner_gid: 34, permissions: "750" } });
  });

  test("a relative root directory is refused; the absolute one synthesizes", () => {
    expect(fileSystemErrors({ rootDirectory: { path: "data", uid: 1000, gid: 1000 } })).toEqual([
      '[test/uploads] rootDirectory.path is "data": an absolute path of up to 100 characters. Fix: e.g. "/data"',
    ]);
    expect(fileSystemErrors({ rootDirectory: { path: "/data", uid: 1000, gid: 1000 } })).toEqual([]);
  });

  test("a root directory of 101 characters is refused; 100 synthesizes", () => {
    const long = `/${"d".repeat(100)}`;
    expect(fileSystemErrors({ rootDirectory: { path: long, uid: 1000, gid: 1000 } })).toEqual([
      `[test/uploads] rootDirectory.path is "${long}": an absolute path of up to 100 characters. Fix: e.g. "/data"`,
    ]);
    expect(fileSystemErrors({ rootDirectory: { path: `/${"d".repeat(99)}`, uid: 1000, gid: 1000 } })).toEqual([]);
  });

  test("a uid of -1 and a gid of 2^32 are refused; 0 and 2^32-1 synthesize", () => {
    expect(fileSystemErrors({ rootDirectory: { path: "/data", uid: -1, gid: 4294967296 } })).toEqual([
      "[test/uploads] rootDirectory.uid is -1: a POSIX id from 0 to 4294967295. Fix: use the id the image's user runs as, e.g. 1000",
      "[test/uploads] rootDirectory.gid is 4294967296: a POSIX id from 0 to 4294967295. Fix: use the id the image's user runs as, e.g. 1000",
    ]);
    expect(fileSystemErrors({ rootDirectory: { path: "/data", uid: 0, gid: 4294967295 } })).toEqual([]);
  });
});
