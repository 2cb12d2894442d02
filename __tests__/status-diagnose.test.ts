import { Cluster, Network, SecretParameter } from "../src";
import type { StatusRecording } from "./fixtures/status/common";
import { latestTaskDefinition } from "./fixtures/status/common";
import * as secretsAccessDenied from "./fixtures/status/secrets-access-denied";
import * as secretsNetworkTimeout from "./fixtures/status/secrets-network-timeout";
import * as imageNotFound from "./fixtures/status/image-not-found";
import * as imagePullTimeout from "./fixtures/status/image-pull-timeout";
import * as execFormatError from "./fixtures/status/exec-format-error";
import * as elbHealthChecks from "./fixtures/status/elb-health-checks";
import * as outOfMemory from "./fixtures/status/out-of-memory";
import * as essentialContainerExited from "./fixtures/status/essential-container-exited";
import * as healthy from "./fixtures/status/healthy";
import * as rolloutInProgress from "./fixtures/status/rollout-in-progress";
import * as rolledBack from "./fixtures/status/rolled-back";
import { awsError } from "./fixtures/status/fake-aws";
import { runJson, runRecorded, synthDefaultApp, synthVariant } from "./fixtures/status/run";

jest.setTimeout(120_000);

/*
 * `npm run status` on recorded ECS responses, one recording per reason it maps: what it diagnoses, the fix
 * line it prints, the JSON it gives, and its exit code.
 */

let defaultApp: string;
beforeAll(() => {
  defaultApp = synthDefaultApp();
});

interface Scenario {
  readonly name: string;
  readonly recording: StatusRecording;
  /** The cdktf.out to read: the default app unless a variant is given. */
  readonly stack?: () => string;
  readonly state: string;
  readonly kind: string;
  /** Fragments the cause must hold: the role, parameter, container, image, path… */
  readonly cause: string[];
  /** Fragments the fix must hold. */
  readonly fix: string[];
  readonly exitCode: number;
}

const scenarios: Scenario[] = [
  {
    name: "secrets: the execution role is denied ssm:GetParameters on the parameter",
    recording: secretsAccessDenied.recording,
    state: "rolling-out",
    kind: "secrets-access-denied",
    cause: ["execution role hello-execution lacks ssm:GetParameters on parameter /hello/PASSWORD", "secret PASSWORD of container hello", "hello:6"],
    fix: [
      "this project grants its execution role hello-execution ssm:GetParameters on every secret its containers reference",
      "executionRoleArn only through app.taskDefinition.executionRole.grantSecretRead(app.secrets.PASSWORD)",
      "aws_iam_role_policy.hello_task_execution_role_policy",
      "npx cdktf deploy",
    ],
    exitCode: 1,
  },
  {
    name: "secrets: an existing role (executionRoleArn) is denied kms:Decrypt on a key the stack was not given",
    recording: secretsAccessDenied.kmsRecording,
    stack: () =>
      synthVariant(
        {
          executionRoleArn: "arn:aws:iam::123456789012:role/legacy-ecs-execution",
          secrets: { DB_PASSWORD: SecretParameter.fromArn("arn:aws:ssm:eu-west-1:123456789012:parameter/shared/DB_PASSWORD") },
        },
        (app) => app.taskDefinition.executionRole.grantSecretRead(app.secrets.DB_PASSWORD),
      ),
    state: "rolling-out",
    kind: "secrets-access-denied",
    cause: [
      `execution role legacy-ecs-execution lacks kms:Decrypt on key ${secretsAccessDenied.KMS_KEY}`,
      "parameter /shared/DB_PASSWORD, secret DB_PASSWORD of container hello",
    ],
    fix: [
      "the execution role was given as executionRoleArn",
      "app.taskDefinition.executionRole.grantSecretRead(app.secrets.DB_PASSWORD)",
      `SecretParameter.fromArn(arn, { kmsKeyArn: "${secretsAccessDenied.KMS_KEY}" })`,
    ],
    exitCode: 1,
  },
  {
    name: "secrets: no route to SSM from the private subnets of an existing VPC",
    recording: secretsNetworkTimeout.recording,
    stack: () => synthVariant({ network: Network.fromExisting(secretsNetworkTimeout.EXISTING_VPC) }),
    state: "rolling-out",
    kind: "secrets-network",
    cause: ["could not reach ssm.eu-west-1.amazonaws.com to read its secrets: i/o timeout"],
    fix: [
      "existing VPC's private subnets (Network.fromExisting) with no public IP",
      "NAT gateway",
      "VPC endpoints for com.amazonaws.eu-west-1.ssm, com.amazonaws.eu-west-1.ecr.api, com.amazonaws.eu-west-1.ecr.dkr, com.amazonaws.eu-west-1.logs",
    ],
    exitCode: 1,
  },
  {
    name: "CannotPullContainerError: the image's tag does not exist (the deployment is rolling back)",
    recording: imageNotFound.recording,
    stack: () => synthVariant({ image: imageNotFound.IMAGE }),
    state: "rolled-back",
    kind: "image-not-found",
    cause: [`image ${imageNotFound.IMAGE} (container hello) does not exist`, "no tag 1.99-alpine in repository public.ecr.aws/nginx/nginx"],
    fix: ["set the app's `image` to a name and tag that exist", `docker push ${imageNotFound.IMAGE}`],
    exitCode: 1,
  },
  {
    name: "CannotPullContainerError: i/o timeout reaching the registry",
    recording: imagePullTimeout.recording,
    state: "not-steady",
    kind: "image-pull-network",
    cause: ["could not reach the registry public.ecr.aws to pull public.ecr.aws/nginx/nginx:1.27-alpine (container hello): i/o timeout"],
    fix: [
      "the stack's NAT gateways (aws_nat_gateway.hello_network_nat_gateway_a, aws_nat_gateway.hello_network_nat_gateway_b)",
      "every private route table sends 0.0.0.0/0 to one",
      "a public registry is reachable only through a NAT gateway",
    ],
    exitCode: 1,
  },
  {
    name: "exec format error: an arm64 image on an X86_64 task, found in the container's log",
    recording: execFormatError.recording,
    stack: () => synthVariant({ image: execFormatError.IMAGE }),
    state: "rolling-out",
    kind: "exec-format-error",
    cause: [`image ${execFormatError.IMAGE} (container hello)`, "runtime platform (X86_64)", "exec /usr/local/bin/docker-entrypoint.sh: exec format error"],
    fix: ["build and push the image for linux/amd64 (docker buildx build --platform linux/amd64", 'set cpuArchitecture: "ARM64" on the app'],
    exitCode: 1,
  },
  {
    name: "Task failed ELB health checks: the health check path answers 404",
    recording: elbHealthChecks.recording,
    stack: () => synthVariant({ healthCheck: { path: "/health" } }),
    state: "not-steady",
    kind: "elb-health-check",
    cause: ["GET /health on port 80 of container hello, expecting 200-399", "Health checks failed with these codes: [404]"],
    fix: ['container hello does not serve /health (404): set the app\'s healthCheck: { path: "<a path it answers with 200-399>" }', "target group hello checks /health", "30 s (health_check_grace_period_seconds)"],
    exitCode: 1,
  },
  {
    name: "OutOfMemoryError: the container outgrew the task's memory",
    recording: outOfMemory.recording,
    state: "not-steady",
    kind: "out-of-memory",
    cause: ["container hello used more than the task's 512 MiB and was killed (exit code 137)"],
    fix: ["raise memory to the next Fargate size: memory: 1024 (cpu 256 allows it)"],
    exitCode: 1,
  },
  {
    name: "Essential container in task exited with code 1: read its log stream",
    recording: essentialContainerExited.recording,
    state: "not-steady",
    kind: "essential-container-exited",
    cause: ["essential container hello exited with code 1", 'its last log line: nginx: [emerg] host not found in upstream "api:8080"'],
    fix: [`log group /ecs/hello, stream hello/hello/${essentialContainerExited.TASK_IDS[0]}`, `aws logs tail /ecs/hello --log-stream-names hello/hello/${essentialContainerExited.TASK_IDS[0]}`],
    exitCode: 1,
  },
  {
    name: "a rolled-back deployment: back on hello:5 while the stack's task definition is hello:6",
    recording: rolledBack.recording,
    state: "rolled-back",
    kind: "essential-container-exited",
    cause: ["essential container hello exited with code 127", "not found in the image", "gunicorn: not found"],
    fix: [`stream hello/hello/${rolledBack.TASK_IDS[0]}`],
    exitCode: 1,
  },
];

describe.each(scenarios)("$name", (scenario) => {
  let outdir: string;
  beforeAll(() => {
    outdir = scenario.stack ? scenario.stack() : defaultApp;
  });

  test("--json holds the diagnosis naming the right things, and the exit code", async () => {
    const { code, report } = await runJson(outdir, scenario.recording);
    expect(code).toBe(scenario.exitCode);
    expect(report).toMatchObject({ stack: "hello-fargate", region: "eu-west-1", healthy: false, exitCode: scenario.exitCode });
    const [service] = report.services;
    expect(service).toMatchObject({ name: "hello", cluster: "hello", healthy: false, state: scenario.state });
    expect(service.diagnosis?.kind).toBe(scenario.kind);
    for (const fragment of scenario.cause) expect(service.diagnosis?.cause).toContain(fragment);
    for (const fragment of scenario.fix) expect(service.diagnosis?.fix).toContain(fragment);
    // The headline is the newest failed task's own diagnosis.
    const failed = service.stoppedTasks.filter((task) => task.failure);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].diagnosis).toEqual(service.diagnosis);
    expect(failed[0].reason).toBeTruthy();
  });

  test("the terminal output prints the cause and the fix line", async () => {
    const run = await runRecorded(outdir, scenario.recording);
    expect(run.code).toBe(scenario.exitCode);
    expect(run.stderr).toBe("");
    const { report } = await runJson(outdir, scenario.recording);
    const diagnosis = report.services[0].diagnosis!;
    expect(run.stdout).toContain(`      fix:    ${diagnosis.fix}\n`);
    expect(run.stdout).toContain(`      cause:  ${diagnosis.cause}\n`);
    expect(run.stdout).toContain("Stopped tasks");
    expect(run.stdout).toContain("Not healthy: hello (exit 1)");
  });
});

describe("service states", () => {
  test("a healthy service: steady on the stack's task definition, exit 0; a task replaced by the deployment is not a failure", async () => {
    const { code, report } = await runJson(defaultApp, healthy.recording);
    expect(code).toBe(0);
    expect(report).toMatchObject({ healthy: true, exitCode: 0 });
    const [service] = report.services;
    expect(service).toMatchObject({
      healthy: true,
      state: "steady",
      diagnosis: null,
      findings: [],
      taskDefinition: { family: "hello", declared: "hello:5", running: "hello:5" },
      desiredCount: 2,
      runningCount: 2,
    });
    expect(service.deployments).toEqual([
      expect.objectContaining({ status: "PRIMARY", rolloutState: "COMPLETED", taskDefinition: "hello:5", revision: 5, runningCount: 2, desiredCount: 2 }),
    ]);
    expect(service.stoppedTasks).toEqual([
      expect.objectContaining({ taskId: healthy.REPLACED_TASK_ID, failure: false, diagnosis: expect.objectContaining({ kind: "replaced", fix: null }) }),
    ]);
    const text = (await runRecorded(defaultApp, healthy.recording)).stdout;
    expect(text).toContain("✓ Service hello (cluster hello): STEADY");
    expect(text).toContain("1 task(s) stopped on purpose");
    expect(text).toContain("All 1 service(s) at steady state on the stack's task definition (exit 0)");
  });

  test("a rollout in progress: exit 1, the new revision's progress and the one still serving", async () => {
    const { code, report } = await runJson(defaultApp, rolloutInProgress.recording);
    expect(code).toBe(1);
    const [service] = report.services;
    expect(service).toMatchObject({ healthy: false, state: "rolling-out", stoppedTasks: [] });
    expect(service.diagnosis).toEqual({
      kind: "rollout",
      cause: "rolling out hello:6: 1 of 2 tasks running, 1 pending; hello:5 still runs 2",
      fix: expect.stringContaining("wait for it to finish and run this again"),
    });
    const text = (await runRecorded(defaultApp, rolloutInProgress.recording)).stdout;
    expect(text).toContain("ROLLING OUT");
    expect(text).toContain(`fix:   ${service.diagnosis!.fix}`);
  });

  test("a completed rollback: the revision the service is back on and the one that failed", async () => {
    const { report } = await runJson(defaultApp, rolledBack.recording);
    const [service] = report.services;
    expect(service.taskDefinition).toEqual({ family: "hello", declared: "hello:6", running: "hello:5" });
    expect(service.findings[0]).toEqual({
      kind: "rollback",
      cause: "the deployment of hello:6 failed and the circuit breaker rolled the service back to hello:5",
      fix: "fix what stopped the tasks of hello:6 (below), then deploy again: npx cdktf deploy",
    });
    expect(service.summary).toContain("rolled back: the deployment of hello:6 failed");
    const text = (await runRecorded(defaultApp, rolledBack.recording)).stdout;
    expect(text).toContain("✗ Service hello (cluster hello): ROLLED BACK");
    expect(text).toContain("Task definition: the stack's is hello:6, the service runs hello:5");
  });

  test("a rollback in progress names the failed deployment's reason and the revision it goes back to", async () => {
    const { report } = await runJson(synthVariant({ image: imageNotFound.IMAGE }), imageNotFound.recording);
    expect(report.services[0].findings[0]).toMatchObject({
      kind: "rollback",
      cause:
        "the deployment of hello:6 failed (ECS deployment circuit breaker: tasks failed to start) and the circuit breaker is rolling the service back to hello:5",
    });
  });

  test("steady on another task definition than the stack's latest revision: exit 1", async () => {
    const recording: StatusRecording = { ...healthy.recording, describeTaskDefinition: latestTaskDefinition(6) };
    const { code, report } = await runJson(defaultApp, recording);
    expect(code).toBe(1);
    expect(report.services[0]).toMatchObject({
      state: "other-task-definition",
      diagnosis: {
        kind: "other-task-definition",
        cause: "the service runs hello:5, but the stack's task definition is hello:6 (the latest revision of family hello)",
        fix: expect.stringContaining("npx cdktf deploy"),
      },
    });
  });

  test("a stack not deployed (the cluster does not exist): not found, exit 1", async () => {
    const run = await runRecorded(defaultApp, undefined, ["--json"], awsError("ClusterNotFoundException", "Cluster not found."));
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).services[0]).toMatchObject({
      state: "not-found",
      healthy: false,
      diagnosis: { kind: "not-found", cause: "cluster hello not found (region eu-west-1)", fix: expect.stringContaining("npx cdktf deploy hello-fargate") },
    });
  });

  test("a service ECS does not know (MISSING): not found, exit 1", async () => {
    const recording: StatusRecording = {
      ...rolloutInProgress.recording,
      describeServices: {
        $metadata: rolloutInProgress.recording.describeServices.$metadata,
        services: [],
        failures: [{ arn: "arn:aws:ecs:eu-west-1:123456789012:service/hello/hello", reason: "MISSING" }],
      },
    };
    const run = await runRecorded(defaultApp, recording);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("NOT FOUND");
    expect(run.stdout).toContain("service hello not found in cluster hello");
    expect(run.ecs.calls.map((call) => call.command)).toEqual(["DescribeServicesCommand"]);
  });
});

describe("the calls it makes", () => {
  test("DescribeServices, ListTasks (STOPPED), DescribeTasks, DescribeTaskDefinition of the family, and the log of exited containers only", async () => {
    const run = await runRecorded(defaultApp, essentialContainerExited.recording);
    expect(run.ecs.calls).toEqual([
      { command: "DescribeServicesCommand", input: { cluster: "hello", services: ["hello"] } },
      { command: "ListTasksCommand", input: { cluster: "hello", serviceName: "hello", desiredStatus: "STOPPED", maxResults: 100 } },
      { command: "DescribeTasksCommand", input: { cluster: "hello", tasks: essentialContainerExited.recording.listTasks.taskArns } },
      { command: "DescribeTaskDefinitionCommand", input: { taskDefinition: "hello" } },
    ]);
    expect(run.logs?.streams).toEqual(essentialContainerExited.TASK_IDS.map((id) => `/ecs/hello hello/hello/${id}`));
    // The second task's stream does not exist: said, not fatal.
    const { report } = await runJson(defaultApp, essentialContainerExited.recording);
    expect(report.services[0].stoppedTasks[1]).toMatchObject({ logTail: [], logError: "no such log stream: the container wrote nothing" });
    expect(report.services[0].stoppedTasks[0].logTail).toContain('nginx: [emerg] host not found in upstream "api:8080" in /etc/nginx/conf.d/default.conf:14');
  });

  test("no DescribeTasks when nothing stopped, and no log read for tasks that never started", async () => {
    const rollout = await runRecorded(defaultApp, rolloutInProgress.recording);
    expect(rollout.ecs.calls.map((call) => call.command)).toEqual(["DescribeServicesCommand", "ListTasksCommand", "DescribeTaskDefinitionCommand"]);
    const secrets = await runRecorded(defaultApp, secretsAccessDenied.recording);
    expect(secrets.logs?.streams).toEqual([]);
    const { report } = await runJson(defaultApp, secretsAccessDenied.recording);
    expect(report.services[0].stoppedTasks.map((task) => task.logStream)).toEqual([null, null]);
  });

  test("an existing cluster is called by its ARN", async () => {
    const outdir = synthVariant({
      cluster: Cluster.fromExisting({ clusterName: "shared", clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/shared" }),
    });
    const run = await runRecorded(outdir, healthy.recording);
    expect(run.ecs.calls[0]).toEqual({
      command: "DescribeServicesCommand",
      input: { cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/shared", services: ["hello"] },
    });
    expect(run.stdout).toContain("Service hello (cluster shared)");
  });
});

describe("AWS errors", () => {
  const credentialsError = () =>
    awsError("CredentialsProviderError", "Could not load credentials from any providers", { tryNextLink: false });

  test("missing credentials: exit 3 with the SDK's message, nothing on stdout", async () => {
    const run = await runRecorded(defaultApp, undefined, [], credentialsError());
    expect(run.code).toBe(3);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("AWS call failed: ecs:DescribeServices failed: CredentialsProviderError: Could not load credentials from any providers");
    expect(run.stderr).toContain("AWS_PROFILE");
  });

  test("with --json the error is a JSON object too", async () => {
    const run = await runRecorded(defaultApp, undefined, ["--json"], credentialsError());
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toEqual({
      error: { kind: "aws", message: "AWS call failed: ecs:DescribeServices failed: CredentialsProviderError: Could not load credentials from any providers" },
      exitCode: 3,
    });
  });

  test("denied permission on ECS: exit 3 naming the calls the caller needs", async () => {
    const run = await runRecorded(
      defaultApp,
      undefined,
      [],
      awsError(
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:DescribeServices on resource: arn:aws:ecs:eu-west-1:123456789012:service/hello/hello because no identity-based policy allows the ecs:DescribeServices action",
      ),
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:DescribeServices");
    expect(run.stderr).toContain("ecs:ListTasks");
  });
});
