import type { Container, ServiceEvent, Task } from "@aws-sdk/client-ecs";
import { diagnoseTask, nextFargateSize } from "../src/cli/status/reasons";
import { DeclaredStack, readStack } from "../src/cli/status/stack";
import { container, stoppedTask, taskDefinitionArn, TARGET_GROUP_ARN } from "./fixtures/status/common";
import * as outOfMemory from "./fixtures/status/out-of-memory";
import { runJson, runRecorded, synthDefaultApp, synthVariant } from "./fixtures/status/run";

jest.setTimeout(120_000);

/* Stop reasons in their other known wordings, mapped to the fix; a reason no rule knows, shown as it is. */

const TASK_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
let defaultApp: DeclaredStack;
beforeAll(() => {
  defaultApp = readStack(synthDefaultApp());
});

function task(stopCode: Task["stopCode"], stoppedReason: string, containerFields: Partial<Container> = {}): Task {
  return stoppedTask(TASK_ID, {
    taskDefinitionArn: taskDefinitionArn(7),
    stopCode,
    stoppedReason,
    stoppedAt: new Date("2025-11-24T19:00:00.000Z"),
    containers: [container(TASK_ID, { lastStatus: "STOPPED", ...containerFields })],
  });
}

function diagnose(subject: Task, stack = defaultApp, events: ServiceEvent[] = [], lines?: string[]) {
  return diagnoseTask(subject, { stack, service: stack.services[0], events, logTail: lines && { lines } });
}

const SECRETS_PREFIX =
  "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): ";

describe("secrets and registry authentication", () => {
  test("KMS refusing the ciphertext: kms:Decrypt on the parameter's key, and how to give the key", () => {
    const diagnosis = diagnose(
      task(
        "TaskFailedToStart",
        SECRETS_PREFIX +
          "AccessDeniedException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. status code: 400, request id: 3c5e7a9b-1d2f-4a6c-8e0b-2d4f6a8c0e1f",
      ),
    );
    expect(diagnosis.kind).toBe("secrets-access-denied");
    expect(diagnosis.cause).toContain("execution role hello-execution lacks kms:Decrypt on key (the parameter's KMS key)");
    expect(diagnosis.fix).toContain("this project grants its execution role kms:Decrypt only on the keys it is told about");
    expect(diagnosis.fix).toContain('secrets: { NAME: { kmsKeyArn: "<key ARN>" } }');
  });

  test("a parameter that is none of the stack's secrets: the failing revision was not registered by this stack", () => {
    const diagnosis = diagnose(
      task(
        "TaskFailedToStart",
        SECRETS_PREFIX +
          "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/hello-execution/0f1e is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:eu-west-1:123456789012:parameter/hello/API_KEY because no identity-based policy allows the ssm:GetParameters action status code: 400, request id: 1",
      ),
    );
    expect(diagnosis.cause).toBe(
      "execution role hello-execution lacks ssm:GetParameters on parameter /hello/API_KEY, so ECS could not read the secret and the task (hello:7) never started",
    );
    expect(diagnosis.fix).toContain("/hello/API_KEY is not a secret of this stack's containers, so the failing revision hello:7 was not registered by this stack");
  });

  test("another role than the stack's: the revision is not the stack's", () => {
    const diagnosis = diagnose(
      task(
        "TaskFailedToStart",
        SECRETS_PREFIX +
          "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/0f1e is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:eu-west-1:123456789012:parameter/hello/PASSWORD because no identity-based policy allows the ssm:GetParameters action",
      ),
    );
    expect(diagnosis.cause).toContain("execution role ecsTaskExecutionRole lacks ssm:GetParameters on parameter /hello/PASSWORD");
    expect(diagnosis.fix).toContain("ECS used role ecsTaskExecutionRole, but the stack's task definition uses hello-execution");
  });

  test("executionRoleArn with a secret the stack does not grant it: grantSecretRead", () => {
    const stack = readStack(synthVariant({ executionRoleArn: "arn:aws:iam::123456789012:role/legacy-ecs-execution", secrets: {} }));
    const diagnosis = diagnose(
      task(
        "TaskFailedToStart",
        SECRETS_PREFIX +
          "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/legacy-ecs-execution/0f1e is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:eu-west-1:123456789012:parameter/hello/PASSWORD because no identity-based policy allows the ssm:GetParameters action",
      ),
      stack,
    );
    expect(diagnosis.fix).toBe(
      "the execution role was given as executionRoleArn (legacy-ecs-execution), so this project grants it nothing on its own: " +
        "call app.taskDefinition.executionRole.grantSecretRead(app.secrets.NAME) (ssm:GetParameters on /hello/PASSWORD, and kms:Decrypt on its key), then npx cdktf deploy",
    );
  });

  test("a parameter that does not exist", () => {
    const diagnosis = diagnose(task("TaskFailedToStart", SECRETS_PREFIX + "invalid ssm parameters: /hello/PASSWORD"));
    expect(diagnosis).toMatchObject({ kind: "secret-not-found", cause: "SSM has no parameter /hello/PASSWORD in eu-west-1" });
    expect(diagnosis.fix).toContain("npx cdktf deploy (with each TF_VAR_… set)");
  });

  test("ECR registry auth denied: the execution role's pull rights", () => {
    const diagnosis = diagnose(
      task(
        "TaskFailedToStart",
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/hello-execution/0f1e is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action",
      ),
    );
    expect(diagnosis).toMatchObject({ kind: "registry-access-denied", cause: expect.stringContaining("execution role hello-execution lacks ecr:GetAuthorizationToken on *") });
  });
});

describe("image pulls", () => {
  test("Docker Hub: repository missing or private", () => {
    const diagnosis = diagnose(
      task(
        "TaskFailedToStart",
        "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref docker.io/acme/hello:1.0: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed",
        { image: "acme/hello:1.0" },
      ),
    );
    expect(diagnosis.kind).toBe("image-access-denied");
    expect(diagnosis.cause).toContain("the registry refused acme/hello:1.0 (container hello): the repository does not exist or it is private");
    expect(diagnosis.fix).toContain("copy the image into an ECR repository of the account");
  });

  test("Docker Hub's pull rate limit", () => {
    const diagnosis = diagnose(
      task(
        "TaskFailedToStart",
        "CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:0a1b: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.",
        { image: "nginx:1.27" },
      ),
    );
    expect(diagnosis).toMatchObject({ kind: "image-pull-rate-limit", cause: expect.stringContaining("docker.io (Docker Hub)") });
    expect(diagnosis.fix).toContain("public.ecr.aws");
  });
});

describe("architecture, memory, exits, health checks", () => {
  test("exec format error in the container's reason, on an ARM64 task", () => {
    const stack = readStack(synthVariant({ cpuArchitecture: "ARM64" }));
    const diagnosis = diagnose(
      task(
        "TaskFailedToStart",
        "CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"/docker-entrypoint.sh\": exec format error: unknown",
      ),
      stack,
    );
    expect(diagnosis.kind).toBe("exec-format-error");
    expect(diagnosis.cause).toContain("runtime platform (ARM64)");
    expect(diagnosis.fix).toBe(
      'build and push the image for linux/arm64 (docker buildx build --platform linux/arm64 …), or run on x86: remove cpuArchitecture: "ARM64" from the app (X86_64 is the default)',
    );
  });

  test("exit code 137 with no memory reason: killed, read the log", () => {
    const diagnosis = diagnose(task("EssentialContainerExited", "Essential container in task exited", { exitCode: 137 }));
    expect(diagnosis).toMatchObject({
      kind: "essential-container-exited",
      cause: "essential container hello exited with code 137: killed by SIGKILL (out of memory, or it did not stop within the stop timeout)",
      fix: expect.stringContaining(`log group /ecs/hello, stream hello/hello/${TASK_ID}`),
    });
  });

  test("exit code 0: the main process ended", () => {
    expect(diagnose(task("EssentialContainerExited", "Essential container in task exited", { exitCode: 0 })).cause).toContain(
      "a web app's process must keep running in the foreground",
    );
  });

  test("ELB health checks timing out: listen on the port, the grace period", () => {
    const events: ServiceEvent[] = [
      { createdAt: new Date(), message: `(service hello) (port 80) is unhealthy in (target-group ${TARGET_GROUP_ARN}) due to (reason Request timed out).` },
    ];
    const diagnosis = diagnose(task("ServiceSchedulerInitiated", `Task failed ELB health checks in (target-group ${TARGET_GROUP_ARN})`, { exitCode: 0 }), defaultApp, events);
    expect(diagnosis.cause).toBe(
      "the load balancer's health check (GET / on port 80 of container hello, expecting 200-399) failed: Request timed out, so ECS replaced the task",
    );
    expect(diagnosis.fix).toContain("make the app listen on 0.0.0.0:80");
    expect(diagnosis.fix).toContain("raise the grace period (healthCheckGracePeriodSeconds, now 30 s)");
  });

  test("ELB health checks answered 502", () => {
    const events: ServiceEvent[] = [
      { message: `(service hello) (port 80) is unhealthy in (target-group ${TARGET_GROUP_ARN}) due to (reason Health checks failed with these codes: [502]).` },
    ];
    const diagnosis = diagnose(task("ServiceSchedulerInitiated", `Task failed ELB health checks in (target-group ${TARGET_GROUP_ARN})`), defaultApp, events);
    expect(diagnosis.fix).toContain("container hello answers / with 502: read its log");
  });

  test("the container's own health check", () => {
    const diagnosis = diagnose(task("ServiceSchedulerInitiated", "Task failed container health checks", { healthStatus: "UNHEALTHY" }));
    expect(diagnosis).toMatchObject({ kind: "container-health-check", cause: "container hello's own health check (its healthCheck command) failed, so ECS replaced the task" });
  });

  test("a log group that does not exist", () => {
    const diagnosis = diagnose(
      task(
        "TaskFailedToStart",
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1",
      ),
    );
    expect(diagnosis).toMatchObject({ kind: "log-configuration", cause: expect.stringContaining("for log group /ecs/hello") });
  });

  test("the next Fargate size: more memory at the same cpu when it allows it, else the next cpu", () => {
    expect(nextFargateSize({ cpu: 256, memory: 512 })).toEqual({ cpu: 256, memory: 1024 });
    expect(nextFargateSize({ cpu: 256, memory: 2048 })).toEqual({ cpu: 512, memory: 3072 });
    expect(nextFargateSize({ cpu: 1024, memory: 8192 })).toEqual({ cpu: 2048, memory: 9216 });
    expect(nextFargateSize({ cpu: 16384, memory: 122880 })).toBeUndefined();
  });
});

describe("what no rule knows", () => {
  const REASON = "Timeout waiting for network interface provisioning to complete.";

  test("is shown as it is, with no fix", () => {
    expect(diagnose(task("TaskFailedToStart", REASON))).toEqual({ kind: "unknown", cause: REASON, fix: null, failure: true });
  });

  test("in the report: the reason as ECS gives it, exit 1", async () => {
    const outdir = synthVariant({});
    const tasks = outOfMemory.recording.describeTasks!.tasks!.map((recorded) => ({
      ...recorded,
      stopCode: "TaskFailedToStart" as const,
      stoppedReason: REASON,
      containers: [container(recorded.taskArn!.split("/").pop()!, { lastStatus: "STOPPED" })],
    }));
    const recording = { ...outOfMemory.recording, describeTasks: { ...outOfMemory.recording.describeTasks!, tasks } };
    const { code, report } = await runJson(outdir, recording);
    expect(code).toBe(1);
    expect(report.services[0].diagnosis).toEqual({ kind: "unknown", cause: REASON, fix: null });
    const text = (await runRecorded(outdir, recording)).stdout;
    expect(text).toContain(`      cause:  ${REASON}\n`);
    expect(text).toContain("      fix:    no known fix for this reason; it is shown as ECS gives it\n");
  });

  test("tasks stopped on purpose are no failure", () => {
    expect(diagnose(task("UserInitiated", "Task stopped by user"))).toMatchObject({ kind: "stopped-by-user", failure: false, fix: null });
  });
});
