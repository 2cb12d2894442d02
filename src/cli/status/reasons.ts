import type { Container, ServiceEvent, Task } from "@aws-sdk/client-ecs";
import { FARGATE_SIZES, FargateSize } from "../../task/fargate-sizes";
import type { DeclaredContainer, DeclaredRole, DeclaredService, DeclaredStack } from "./stack";
import { logStreamOf, parameterNameOf } from "./stack";
import { taskDefinitionOf, taskIdOf } from "./ecs";
import type { LogTail } from "./logs";

/*
 * Diagnosing a stopped task: its stop reason mapped to the cause and the fix, in this project's terms (the
 * execution role, the secret's parameter and key, the container, its image, port, health check path, log
 * stream). A reason no rule knows is shown as it is.
 */

export type DiagnosisKind =
  | "secrets-access-denied"
  | "registry-access-denied"
  | "secret-not-found"
  | "secrets-network"
  | "image-not-found"
  | "image-access-denied"
  | "image-pull-network"
  | "image-pull-rate-limit"
  | "exec-format-error"
  | "elb-health-check"
  | "container-health-check"
  | "out-of-memory"
  | "essential-container-exited"
  | "log-configuration"
  | "replaced"
  | "stopped-by-user"
  | "unknown";

export interface Diagnosis {
  readonly kind: DiagnosisKind;
  readonly cause: string;
  /** What to change, in this project's terms; null when no rule knows the reason. */
  readonly fix: string | null;
  /** False for tasks stopped on purpose (replaced by a deployment, scaled in, stopped by a user). */
  readonly failure: boolean;
}

export interface TaskContext {
  readonly stack: DeclaredStack;
  readonly service: DeclaredService;
  /** The service's events, newest first. */
  readonly events: ServiceEvent[];
  /** The last log lines of the task's exited essential container, when they were read. */
  readonly logTail?: LogTail;
}

const NETWORK_ERROR =
  /i\/o timeout|dial tcp|context deadline exceeded|connection (?:refused|reset|timed out)|no such host|TLS handshake timeout|network is unreachable|Client\.Timeout|send request failed/i;
const ACCESS_DENIED = /AccessDenied|is not authorized to perform|Access to KMS is not allowed|ciphertext refers to a customer master key/i;

export function diagnoseTask(task: Task, context: TaskContext): Diagnosis {
  const containers = task.containers ?? [];
  const stoppedReason = task.stoppedReason ?? "";
  const text = [stoppedReason, ...containers.map((container) => container.reason ?? "")].filter(Boolean).join("\n");
  const logLines = context.logTail?.lines ?? [];

  const execFormat = [text, ...logLines].join("\n").match(/[^\n]*exec format error[^\n]*/i);
  if (execFormat) return execFormatError(task, context, execFormat[0].trim());
  if (/OutOfMemoryError/i.test(text)) return outOfMemory(task, context);
  if (/unable to pull secrets or registry auth|unable to retrieve secrets? from|unable to retrieve ecr registry auth/i.test(text)) {
    return secretsOrRegistryAuth(text, task, context);
  }
  if (/CannotPullContainerError|pull image manifest|failed to resolve ref/i.test(text)) return cannotPull(text, task, context);
  if (/failed to (?:validate|initialize) logger|logging driver/i.test(text)) return logConfiguration(text, context);
  if (/Task failed ELB health checks/i.test(stoppedReason)) return elbHealthCheck(task, context);
  if (/Task failed container health checks/i.test(stoppedReason)) return containerHealthCheck(task, context);
  const exited = exitedContainer(task, context.service);
  if (task.stopCode === "EssentialContainerExited" || /Essential container in task exited/i.test(stoppedReason)) {
    if (exited?.exitCode === 137 && /memory/i.test(text)) return outOfMemory(task, context);
    return essentialContainerExited(task, context, exited);
  }
  if (task.stopCode === "ServiceSchedulerInitiated" || /Scaling activity initiated by|deployment/i.test(stoppedReason)) {
    return { kind: "replaced", cause: `stopped by ECS: ${stoppedReason || "service scheduler"}`, fix: null, failure: false };
  }
  if (task.stopCode === "UserInitiated") {
    return { kind: "stopped-by-user", cause: `stopped on request: ${stoppedReason || "StopTask"}`, fix: null, failure: false };
  }
  return { kind: "unknown", cause: text || `stopped (${task.stopCode ?? "no reason given"})`, fix: null, failure: true };
}

// ---- secrets and registry authentication (ResourceInitializationError) ----

function secretsOrRegistryAuth(text: string, task: Task, context: TaskContext): Diagnosis {
  const role = context.service.taskDefinition?.executionRole;
  if (ACCESS_DENIED.test(text)) return accessDenied(text, task, context, role);
  if (/invalid ssm parameters|ParameterNotFound|InvalidParameters/i.test(text)) {
    const names = /invalid ssm parameters:\s*([^\n]+)/i.exec(text)?.[1]?.trim();
    return {
      kind: "secret-not-found",
      cause: `SSM has no parameter ${names ?? "named by the task's secrets"} in ${context.stack.region ?? "the stack's region"}`,
      fix:
        `a parameter this stack creates exists once the stack is applied: npx cdktf deploy (with each TF_VAR_… set); ` +
        `for SecretParameter.fromArn or fromName, check the parameter's name, account and region`,
      failure: true,
    };
  }
  if (NETWORK_ERROR.test(text)) {
    const target = endpointOf(text) ?? (/ecr registry auth/i.test(text) ? "ECR" : /from asm/i.test(text) ? "Secrets Manager" : "SSM");
    return {
      kind: "secrets-network",
      cause: `the task could not reach ${target} to read its secrets: ${networkSymptom(text)}`,
      fix: networkFix(context.stack, ["ssm", "ecr.api", "ecr.dkr", "logs"]),
      failure: true,
    };
  }
  return {
    kind: "unknown",
    cause: text,
    fix: `check that the execution role${role ? ` ${role.name}` : ""} can read every secret (ssm:GetParameters, kms:Decrypt) and that the tasks reach SSM`,
    failure: true,
  };
}

function accessDenied(text: string, task: Task, context: TaskContext, role: DeclaredRole | undefined): Diagnosis {
  const denied = /is not authorized to perform: ([\w:*-]+) on resource: ([^\s,]+?)(?:[.,;]?(?:\s|$))/.exec(text);
  const assumedRole = /assumed-role\/([^/\s]+)\//.exec(text)?.[1];
  const kmsHint = /KMS|ciphertext|kms:/i.test(text);
  const action = denied?.[1] ?? (kmsHint ? "kms:Decrypt" : "ssm:GetParameters");
  const resource = denied?.[2];
  const roleName = assumedRole ?? role?.name ?? "the execution role";
  const revision = taskDefinitionLabel(task);

  if (action.startsWith("ecr:")) {
    return {
      kind: "registry-access-denied",
      cause: `execution role ${roleName} lacks ${action}${resource ? ` on ${resource}` : ""}, so ECS could not pull the image`,
      fix: role?.createdByStack
        ? `this project grants its execution role pull rights on a private ECR image written in \`image\`; apply the stack (npx cdktf deploy) so ${roleName} has them`
        : `the execution role was given as executionRoleArn, so this project grants it nothing on its own: call app.taskDefinition.executionRole.grantImagePull(<repository ARN>), then npx cdktf deploy`,
      failure: true,
    };
  }

  const secrets = declaredSecrets(context.service);
  const isKms = action.startsWith("kms:");
  const parameterName = !isKms && resource ? parameterNameOf(resource) : undefined;
  // A key the stack knows encrypts the secrets that name it; an unknown key, most likely an existing
  // parameter the stack was not given a kmsKeyArn for (a parameter it creates without one uses aws/ssm).
  const byKey = secrets.filter((secret) => resource !== undefined && secret.kmsKeyArn === resource);
  const matching = isKms
    ? byKey.length
      ? byKey
      : secrets.filter((secret) => secret.parameterArn !== undefined && secret.kmsKeyArn === undefined)
    : secrets.filter((secret) => secret.parameterName === parameterName);
  const key = resource ?? "<key ARN>";
  const what = isKms
    ? `key ${resource ?? "(the parameter's KMS key)"}` +
      (matching.length
        ? ` (${byKey.length ? "it encrypts" : "most likely the key of"} parameter ${matching.map((secret) => `${secret.parameterName}, secret ${secret.variable} of container ${secret.container}`).join("; ")})`
        : "")
    : `parameter ${parameterName ?? "(a secret's parameter)"}` +
      (matching.length ? ` (${matching.map((secret) => `secret ${secret.variable} of container ${secret.container}`).join(", ")})` : "");
  const cause = `execution role ${roleName} lacks ${action} on ${what}, so ECS could not read the secret and the task (${revision}) never started`;

  const variable = matching[0]?.variable ?? "NAME";
  const grant = `app.taskDefinition.executionRole.grantSecretRead(app.secrets.${variable})`;
  const policies = role?.policyResources.length ? role.policyResources.join(", ") : "its inline policy";
  const granted = role !== undefined && grants(role, action, resource, parameterName);
  const appliedFix =
    `apply the stack (npx cdktf deploy; terraform plan shows what differs) and look for a permissions boundary or SCP that denies ${action}; ` +
    "IAM changes take seconds to reach ECS, so a task started right after the grant can fail once";
  let fix: string;
  if (role && assumedRole && assumedRole !== role.name) {
    fix =
      `ECS used role ${assumedRole}, but the stack's task definition uses ${role.name}: the failing revision ${revision} was not registered by this stack. ` +
      `Apply the stack (npx cdktf deploy): its execution role is granted ${action} on what its containers reference`;
  } else if (granted && role?.createdByStack) {
    fix =
      `this project grants its execution role ${role.name} ${action} on every secret its containers reference (a role given as executionRoleArn only through ${grant}), and the stack does (${policies}), yet AWS denied it: ${appliedFix}`;
  } else if (granted && role) {
    fix =
      `the execution role was given as executionRoleArn, and the stack grants ${role.name} ${action} through grantSecretRead (${policies}), yet AWS denied it: ${appliedFix}`;
  } else if (isKms) {
    const keyFix =
      `give the secret its key so that ${role?.name ?? "the execution role"} is granted kms:Decrypt on it: SecretParameter.fromArn(arn, { kmsKeyArn: "${key}" }) ` +
      `(or secrets: { ${variable}: { kmsKeyArn: "${key}" } } for a parameter the app creates)`;
    fix = role?.createdByStack
      ? `this project grants its execution role kms:Decrypt only on the keys it is told about: ${keyFix}, then npx cdktf deploy`
      : `the execution role was given as executionRoleArn, so this project grants it only what ${grant} adds: ${keyFix}, then npx cdktf deploy`;
  } else if (role && !role.createdByStack) {
    fix =
      `the execution role was given as executionRoleArn (${role.name}), so this project grants it nothing on its own: call ${grant} ` +
      `(ssm:GetParameters on ${parameterName ?? "the parameter"}, and kms:Decrypt on its key), then npx cdktf deploy`;
  } else if (role && matching.length === 0) {
    fix =
      `${parameterName ?? "the parameter"} is not a secret of this stack's containers, so the failing revision ${revision} was not registered by this stack: ` +
      `declare it in the app's \`secrets\` (SecretParameter.fromArn or fromName), which grants ${role.name} reading it, then npx cdktf deploy`;
  } else {
    fix =
      `this project grants its execution role ${action} on every secret its containers reference (with executionRoleArn, through ${grant}): ` +
      `apply the stack (npx cdktf deploy) so that ${role?.name ?? "the role"} gets it`;
  }
  return { kind: "secrets-access-denied", cause, fix, failure: true };
}

/** Whether the stack's inline policies grant `action` on the resource (IAM wildcards honoured). */
function grants(role: DeclaredRole, action: string, resource: string | undefined, parameterName: string | undefined): boolean {
  return role.grants.some(
    (grant) =>
      grant.actions.some((pattern) => wildcard(pattern).test(action)) &&
      grant.resources.some((pattern) => {
        if (pattern === "*") return true;
        if (parameterName !== undefined && pattern === `parameter ${parameterName}`) return true;
        const literalPattern = pattern.replace(/\$\{[^}]*\}/g, "*");
        if (resource !== undefined && wildcard(literalPattern).test(resource)) return true;
        return parameterName !== undefined && /:parameter/.test(literalPattern) && wildcard(parameterNameOf(literalPattern)).test(parameterName);
      }),
  );
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
}

function declaredSecrets(service: DeclaredService) {
  return (service.taskDefinition?.containers ?? []).flatMap((container) =>
    container.secrets.map((secret) => ({ ...secret, container: container.name })),
  );
}

// ---- image pulls ----

function cannotPull(text: string, task: Task, context: TaskContext): Diagnosis {
  const failing = (task.containers ?? []).find((container) => /CannotPull|pull/i.test(container.reason ?? "")) ?? task.containers?.[0];
  const declared = declaredContainer(context.service, failing?.name);
  const image = failing?.image ?? /failed to resolve ref(?:erence)? "?([^\s":]+(?::[^\s":@]+)?(?:@sha256:[a-f0-9]+)?)/.exec(text)?.[1] ?? declared?.image ?? "the image";
  const container = failing?.name ?? declared?.name ?? "the container";
  const declaredNote = declared && declared.image !== image && declared.image ? ` (the stack now declares "${declared.image}": npx cdktf deploy)` : "";
  const privateEcr = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/.test(image);

  if (NETWORK_ERROR.test(text)) {
    const registry = endpointOf(text) ?? registryOf(image);
    return {
      kind: "image-pull-network",
      cause: `the task could not reach the registry ${registry} to pull ${image} (container ${container}): ${networkSymptom(text)}`,
      fix: networkFix(context.stack, privateEcr ? ["ecr.api", "ecr.dkr", "s3 (gateway)", "logs"] : ["ecr.api", "ecr.dkr", "logs"], !privateEcr),
      failure: true,
    };
  }
  if (/toomanyrequests|too many requests|429|rate limit/i.test(text)) {
    return {
      kind: "image-pull-rate-limit",
      cause: `the registry ${registryOf(image)} refused to serve ${image} (container ${container}): pull rate limit reached`,
      fix: `pull from a registry without that limit: the same image from public.ecr.aws (e.g. public.ecr.aws/docker/library/…) or a copy in your own ECR repository, set as \`image\``,
      failure: true,
    };
  }
  const notFound = /: not found|manifest unknown|not found:|does not exist|NotFound|name unknown/i.test(text);
  const denied = /unauthorized|pull access denied|authorization failed|denied:|403 Forbidden|no basic auth credentials|AccessDenied/i.test(text);
  if (notFound && !denied) {
    return {
      kind: "image-not-found",
      cause: `image ${image} (container ${container}) does not exist: the registry has no ${tagOf(image) ? `tag ${tagOf(image)} in repository ${repositoryOf(image)}` : `repository ${repositoryOf(image)}`}`,
      fix: `set the app's \`image\` to a name and tag that exist${declaredNote}, or push that tag first (docker push ${image}); docker manifest inspect ${image} shows whether it exists`,
      failure: true,
    };
  }
  if (denied) {
    const role = context.service.taskDefinition?.executionRole;
    return {
      kind: "image-access-denied",
      cause: `the registry refused ${image} (container ${container}): the repository does not exist${notFound ? "" : ","} or it is private and the task has no credentials for it`,
      fix: privateEcr
        ? role?.createdByStack === false
          ? `the execution role was given as executionRoleArn (${role.name}), so this project grants it nothing: call app.taskDefinition.executionRole.grantImagePull(<repository ARN>), then npx cdktf deploy`
          : `check the repository and tag exist (aws ecr describe-images --repository-name ${repositoryOf(image).split("/").slice(1).join("/")}); this project grants its execution role pull rights on it, so apply the stack (npx cdktf deploy)`
        : `check the name in \`image\`${declaredNote}; a private registry needs credentials this project's containers do not carry: copy the image into an ECR repository of the account (the execution role is then granted pulling it) or use a public image`,
      failure: true,
    };
  }
  return { kind: "unknown", cause: text, fix: `check the app's \`image\` ("${declared?.image ?? image}") exists and the tasks can reach its registry`, failure: true };
}

// ---- architecture, memory, exits, health checks ----

function execFormatError(task: Task, context: TaskContext, line: string): Diagnosis {
  const container = exitedContainer(task, context.service) ?? task.containers?.[0];
  const architecture = context.service.taskDefinition?.cpuArchitecture ?? "X86_64";
  const arm = architecture === "ARM64";
  return {
    kind: "exec-format-error",
    cause:
      `image ${container?.image ?? "of the container"} (container ${container?.name ?? "?"}) is built for another CPU architecture than the task's runtime platform (${architecture}): "${line}"`,
    fix: arm
      ? `build and push the image for linux/arm64 (docker buildx build --platform linux/arm64 …), or run on x86: remove cpuArchitecture: "ARM64" from the app (X86_64 is the default)`
      : `build and push the image for linux/amd64 (docker buildx build --platform linux/amd64 …), or run on Graviton: set cpuArchitecture: "ARM64" on the app`,
    failure: true,
  };
}

function outOfMemory(task: Task, context: TaskContext): Diagnosis {
  const container = (task.containers ?? []).find((candidate) => /OutOfMemory/i.test(candidate.reason ?? "")) ?? exitedContainer(task, context.service);
  const declared = context.service.taskDefinition;
  const cpu = Number(task.cpu) || declared?.cpu || 256;
  const memory = Number(task.memory) || declared?.memory || 512;
  const next = nextFargateSize({ cpu, memory });
  return {
    kind: "out-of-memory",
    cause: `container ${container?.name ?? "?"} used more than the task's ${memory} MiB and was killed (exit code ${container?.exitCode ?? 137})`,
    fix: next
      ? `raise memory to the next Fargate size: memory: ${next.memory}${next.cpu === cpu ? ` (cpu ${cpu} allows it)` : ` with cpu: ${next.cpu}`} on the app, then npx cdktf deploy; if usage keeps growing, look for a leak (Container Insights shows memory per task)`
      : `the task is at Fargate's largest size (cpu ${cpu}, memory ${memory}): lower the app's memory use`,
    failure: true,
  };
}

/** The next Fargate size with more memory: the same cpu when it allows it, else the smallest larger cpu. */
export function nextFargateSize(size: FargateSize): FargateSize | undefined {
  const larger = FARGATE_SIZES.filter((candidate) => candidate.memory > size.memory && candidate.cpu >= size.cpu);
  const sameCpu = larger.filter((candidate) => candidate.cpu === size.cpu).sort((a, b) => a.memory - b.memory)[0];
  return sameCpu ?? larger.sort((a, b) => a.cpu - b.cpu || a.memory - b.memory)[0];
}

const EXIT_CODES: Record<number, string> = {
  0: "its main process ended; a web app's process must keep running in the foreground",
  1: "the application failed (a general error)",
  2: "the command was misused (bad arguments)",
  126: "the command is not executable",
  127: "the command was not found in the image (check entryPoint and command)",
  137: "killed by SIGKILL (out of memory, or it did not stop within the stop timeout)",
  139: "segmentation fault (SIGSEGV)",
  143: "stopped by SIGTERM",
  255: "exit status out of range, often a failed exec",
};

function essentialContainerExited(task: Task, context: TaskContext, exited: Container | undefined): Diagnosis {
  const name = exited?.name ?? essentialName(context.service) ?? "?";
  const code = exited?.exitCode;
  const log = logStreamOf(context.service, name, taskIdOf(task.taskArn));
  const lines = context.logTail?.lines.filter((line) => line.trim()) ?? [];
  const lastLine = lines[lines.length - 1];
  const meaning = code !== undefined && EXIT_CODES[code] ? `: ${EXIT_CODES[code]}` : "";
  return {
    kind: "essential-container-exited",
    cause:
      `essential container ${name} exited with code ${code ?? "unknown"}${meaning}` +
      (lastLine ? `; its last log line: ${lastLine}` : ""),
    fix: log
      ? `read why in its log: log group ${log.group}, stream ${log.stream} (aws logs tail ${log.group} --log-stream-names ${log.stream})`
      : `container ${name} has no awslogs configuration: give it a logGroup to see why it exits`,
    failure: true,
  };
}

function elbHealthCheck(task: Task, context: TaskContext): Diagnosis {
  const { service } = context;
  const loadBalancer = service.loadBalancer;
  const check = loadBalancer?.healthCheck;
  const container = loadBalancer?.containerName ?? essentialName(service) ?? "?";
  const port = !check || check.port === "traffic-port" ? loadBalancer?.containerPort : Number(check.port);
  const path = check?.path ?? "/";
  const matcher = check?.matcher ?? "200-399";
  const grace = service.healthCheckGracePeriodSeconds;
  const reason = unhealthyReason(context.events);
  const codes = /codes:\s*\[([^\]]*)\]/.exec(reason ?? "")?.[1]?.split(/[,\s]+/).filter(Boolean) ?? [];
  const log = logStreamOf(service, container, taskIdOf(task.taskArn));
  const where = `GET ${path} on port ${port ?? "?"} of container ${container}`;
  const graceNote = grace !== undefined ? `; new tasks get ${grace} s (health_check_grace_period_seconds) before failed checks count` : "";
  let fix: string;
  if (codes.length && codes.every((code) => code === "404" || code === "405")) {
    fix = `container ${container} does not serve ${path} (${codes.join(", ")}): set the app's healthCheck: { path: "<a path it answers with ${matcher}>" }${loadBalancer?.targetGroupName ? ` (target group ${loadBalancer.targetGroupName} checks ${path})` : ""}, or serve ${path}`;
  } else if (codes.some((code) => code.startsWith("5"))) {
    fix = `container ${container} answers ${path} with ${codes.join(", ")}: read its log${log ? ` (log group ${log.group}, stream ${log.stream})` : ""}, or point healthCheck.path at a path that answers ${matcher} without calling the app's dependencies`;
  } else if (codes.length) {
    fix = `container ${container} answers ${path} with ${codes.join(", ")}, outside ${matcher}: serve a ${matcher} answer there, or set healthCheck: { path, matcher } to what it answers`;
  } else {
    fix = `nothing answered ${where} in time: make the app listen on 0.0.0.0:${port ?? "<port>"} (or set the app's \`port\` to the port it listens on); if it starts slowly, raise the grace period (healthCheckGracePeriodSeconds, now ${grace ?? "unset"} s)`;
  }
  return {
    kind: "elb-health-check",
    cause: `the load balancer's health check (${where}, expecting ${matcher}) failed${reason ? `: ${reason}` : ""}, so ECS replaced the task`,
    fix: fix + graceNote,
    failure: true,
  };
}

function containerHealthCheck(task: Task, context: TaskContext): Diagnosis {
  const unhealthy = (task.containers ?? []).find((container) => container.healthStatus === "UNHEALTHY") ?? task.containers?.[0];
  const name = unhealthy?.name ?? essentialName(context.service) ?? "?";
  const log = logStreamOf(context.service, name, taskIdOf(task.taskArn));
  return {
    kind: "container-health-check",
    cause: `container ${name}'s own health check (its healthCheck command) failed, so ECS replaced the task`,
    fix: `run the healthCheck command in the image to see it fail (the tool it calls, such as curl or wget, must exist in the image), and raise healthCheck.startPeriod if the app starts slowly${log ? `; its log: log group ${log.group}, stream ${log.stream}` : ""}`,
    failure: true,
  };
}

function logConfiguration(text: string, context: TaskContext): Diagnosis {
  const container = context.service.taskDefinition?.containers.find((candidate) => candidate.logGroup);
  const role = context.service.taskDefinition?.executionRole;
  return {
    kind: "log-configuration",
    cause: `the awslogs driver could not start${container?.logGroup ? ` for log group ${container.logGroup}` : ""}: ${text.split("\n")[0]}`,
    fix:
      `the log group must exist in ${container?.logRegion ?? context.stack.region ?? "the task's region"} and the execution role` +
      `${role ? ` ${role.name}` : ""} needs logs:CreateLogStream and logs:PutLogEvents on it (granted by this project when it creates the role; ` +
      `with executionRoleArn, call grantLogWrite): npx cdktf deploy`,
    failure: true,
  };
}

// ---- helpers ----

/** The newest "(port 80) is unhealthy in (target-group …) due to (reason …)" of the service's events. */
function unhealthyReason(events: ServiceEvent[]): string | undefined {
  for (const event of events) {
    const match = /is unhealthy in \(?target-group[^)]*\)? due to \(reason (.+?)\)\.?\s*$/.exec(event.message ?? "");
    if (match) return match[1];
  }
  return undefined;
}

/** The container that exited: a declared essential one with an exit code, else any with a non-zero one. */
function exitedContainer(task: Task, service: DeclaredService): Container | undefined {
  const containers = task.containers ?? [];
  const essential = (container: Container) =>
    declaredContainer(service, container.name)?.essential ?? true;
  return (
    containers.find((container) => essential(container) && container.exitCode !== undefined && container.exitCode !== 0) ??
    containers.find((container) => container.exitCode !== undefined && container.exitCode !== 0) ??
    containers.find((container) => essential(container) && container.exitCode !== undefined)
  );
}

function declaredContainer(service: DeclaredService, name: string | undefined): DeclaredContainer | undefined {
  return service.taskDefinition?.containers.find((container) => container.name === name);
}

function essentialName(service: DeclaredService): string | undefined {
  return service.taskDefinition?.containers.find((container) => container.essential)?.name;
}

function taskDefinitionLabel(task: Task): string {
  const parsed = taskDefinitionOf(task.taskDefinitionArn);
  return parsed ? `${parsed.family}:${parsed.revision}` : "its task definition";
}

/** `ssm.eu-west-1.amazonaws.com` from `Post "https://ssm.eu-west-1.amazonaws.com/": dial tcp …`. */
function endpointOf(text: string): string | undefined {
  return /https?:\/\/([a-z0-9.-]+)/i.exec(text)?.[1];
}

function networkSymptom(text: string): string {
  const symptom = /i\/o timeout|context deadline exceeded|connection (?:refused|reset|timed out)|no such host|TLS handshake timeout|network is unreachable/i.exec(text);
  return symptom ? symptom[0] : "the request did not get through";
}

function registryOf(image: string): string {
  const first = image.split("/")[0];
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io (Docker Hub)";
}

function repositoryOf(image: string): string {
  return image.replace(/@sha256:[a-f0-9]+$/, "").replace(/:[\w][\w.-]*$/, "");
}

function tagOf(image: string): string | undefined {
  return /:([\w][\w.-]*)$/.exec(image.replace(/@sha256:[a-f0-9]+$/, ""))?.[1];
}

/** How tasks in private subnets with no public IP reach AWS, in this stack's network terms. */
function networkFix(stack: DeclaredStack, endpoints: string[], publicRegistry = false): string {
  const region = stack.region ?? "<region>";
  const endpointNames = endpoints.map((endpoint) => `com.amazonaws.${region}.${endpoint}`).join(", ");
  const viaEndpoints = publicRegistry
    ? "a public registry is reachable only through a NAT gateway"
    : `or VPC endpoints for ${endpointNames}`;
  if (!stack.network.createdByStack) {
    return (
      `the tasks run in the existing VPC's private subnets (Network.fromExisting) with no public IP: give those subnets a route (0.0.0.0/0) to a NAT gateway, ` +
      `${publicRegistry ? `since ${viaEndpoints}` : viaEndpoints}`
    );
  }
  if (stack.network.natGateways.length === 0) {
    return `the tasks run in private subnets with no public IP and this stack's network has no NAT gateway: add one (networkOptions.natGateways), ${publicRegistry ? `since ${viaEndpoints}` : viaEndpoints}`;
  }
  return (
    `the tasks run in private subnets with no public IP and go out through the stack's NAT gateways (${stack.network.natGateways.join(", ")}): ` +
    `check they are available and every private route table sends 0.0.0.0/0 to one (npx cdktf deploy restores what the stack declares), ` +
    `${publicRegistry ? `since ${viaEndpoints}` : viaEndpoints}`
  );
}
