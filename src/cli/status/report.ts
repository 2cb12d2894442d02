import type { Deployment, Task } from "@aws-sdk/client-ecs";
import type { DeclaredService, DeclaredStack, DeclaredTask } from "./stack";
import { asService, logStreamOf } from "./stack";
import type { ServiceSnapshot, TaskRunsSnapshot } from "./ecs";
import { taskDefinitionOf, taskIdOf } from "./ecs";
import type { LogStream, LogTail } from "./logs";
import type { DiagnosisKind } from "./reasons";
import { diagnoseTask } from "./reasons";

/*
 * Diagnosing a service: its deployments against the task definition the stack declares (steady, rolling out,
 * rolled back, elsewhere), with each stopped task's diagnosis. The report is what `--json` prints.
 */

export type ServiceState =
  | "steady"
  | "rolling-out"
  | "rolled-back"
  | "deployment-failed"
  | "not-steady"
  | "other-task-definition"
  | "not-found";

export interface DiagnosisReport {
  readonly kind: DiagnosisKind | "rollback" | "rollout" | "not-steady" | "other-task-definition" | "not-found" | "deployment-failed";
  readonly cause: string;
  readonly fix: string | null;
}

export interface DeploymentReport {
  readonly id: string | null;
  readonly status: string | null;
  readonly rolloutState: string | null;
  readonly rolloutStateReason: string | null;
  /** `family:revision` */
  readonly taskDefinition: string | null;
  readonly revision: number | null;
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly pendingCount: number;
  readonly failedTasks: number;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

export interface ContainerReport {
  readonly name: string | null;
  readonly image: string | null;
  readonly lastStatus: string | null;
  readonly exitCode: number | null;
  readonly reason: string | null;
}

export interface StoppedTaskReport {
  readonly taskId: string;
  readonly taskArn: string | null;
  readonly taskDefinition: string | null;
  readonly revision: number | null;
  readonly startedAt: string | null;
  readonly stoppedAt: string | null;
  readonly stopCode: string | null;
  readonly stoppedReason: string | null;
  /** The stop reason as ECS gives it, with the container reasons and exit codes that say more. */
  readonly reason: string;
  readonly containers: ContainerReport[];
  readonly logStream: LogStream | null;
  readonly logTail: string[] | null;
  readonly logError: string | null;
  /** Whether the task failed (as opposed to being replaced or stopped on purpose). */
  readonly failure: boolean;
  readonly diagnosis: DiagnosisReport;
}

export interface ServiceReport {
  readonly name: string;
  readonly cluster: string;
  readonly resource: string;
  /**
   * How requests reach it, as the stack declares: its load balancer target groups (with the hosts and paths
   * of the listener rules that forward to them) and its Service Connect endpoints; empty for neither.
   */
  readonly routes: string[];
  readonly healthy: boolean;
  readonly state: ServiceState;
  readonly summary: string;
  readonly desiredCount: number | null;
  readonly runningCount: number | null;
  readonly pendingCount: number | null;
  readonly taskDefinition: {
    readonly family: string | null;
    /** The latest ACTIVE revision of the stack's family: the one the stack's last apply registered. */
    readonly declared: string | null;
    /** What the PRIMARY deployment runs. */
    readonly running: string | null;
  };
  readonly deployments: DeploymentReport[];
  /** The latest events, newest first. */
  readonly events: { readonly createdAt: string | null; readonly message: string }[];
  readonly stoppedTasks: StoppedTaskReport[];
  /** Service-level findings: a rollback, a rollout in progress, another task definition. */
  readonly findings: DiagnosisReport[];
  /** The one thing to look at first; null when the service is healthy. */
  readonly diagnosis: DiagnosisReport | null;
  /** Notes that do not change the verdict, such as an image that differs from the stack's. */
  readonly notes: string[];
}

/**
 * How a run of a scheduled or one-off task went: running; succeeded (every essential container exited 0);
 * failed (an essential container exited non-zero, or the task stopped before its containers ran); stopped
 * on purpose (by a user, say).
 */
export type RunOutcome = "running" | "succeeded" | "failed" | "stopped";

export interface TaskRunReport extends StoppedTaskReport {
  readonly outcome: RunOutcome;
  readonly lastStatus: string | null;
  /** The exit code of the essential container (the first that exited non-zero), null when none exited. */
  readonly exitCode: number | null;
}

export interface TaskReport {
  readonly kind: "scheduled" | "one-off";
  readonly name: string;
  readonly cluster: string;
  /** `aws_scheduler_schedule.<name>` or `output.<name>_run_task`. */
  readonly resource: string;
  readonly family: string;
  readonly schedule: string | null;
  readonly timeZone: string | null;
  readonly executionRole: string | null;
  readonly taskRole: string | null;
  readonly containers: { readonly name: string; readonly image: string; readonly logGroup: string | null; readonly secrets: string[] }[];
  /** Recent runs, newest first (ECS keeps stopped tasks about an hour). */
  readonly runs: TaskRunReport[];
  /** Why no run could be listed (the cluster not found), else null. */
  readonly missing: string | null;
  /** The outcome of the newest run that is not running, null when there is none. */
  readonly lastOutcome: RunOutcome | null;
  /**
   * False only for a scheduled task whose last finished run failed: that makes the exit code 1. A one-off
   * task's runs are informative only (its healthy is always true).
   */
  readonly healthy: boolean;
}

export interface StatusReport {
  readonly stack: string;
  readonly region: string | null;
  readonly healthy: boolean;
  readonly exitCode: 0 | 1;
  readonly services: ServiceReport[];
  /** Scheduled and one-off tasks with their recent runs. */
  readonly tasks: TaskReport[];
}

/** Events kept in the report. */
export const EVENT_COUNT = 10;

export interface LogRead {
  readonly stream: LogStream;
  readonly tail: LogTail;
}

export function buildReport(stack: DeclaredStack, region: string | undefined, services: ServiceReport[], tasks: TaskReport[] = []): StatusReport {
  const healthy = services.every((service) => service.healthy) && tasks.every((task) => task.healthy);
  return { stack: stack.name, region: region ?? null, healthy, exitCode: healthy ? 0 : 1, services, tasks };
}

/** A scheduled or one-off task with its recent runs, each stopped one diagnosed as a service's stopped task is. */
export function buildTaskReport(
  stack: DeclaredStack,
  declared: DeclaredTask,
  snapshot: TaskRunsSnapshot,
  logs: Map<string, LogRead> = new Map(),
): TaskReport {
  const service = asService(declared);
  const essential = new Set(declared.taskDefinition.containers.filter((container) => container.essential).map((container) => container.name));
  const runs = snapshot.runs.map((task): TaskRunReport => {
    const report = stoppedTaskReport(task, stack, service, [], task.taskArn ? logs.get(task.taskArn) : undefined);
    const containers = (task.containers ?? []).filter((container) => essential.size === 0 || essential.has(container.name ?? ""));
    const exited = containers.find((container) => container.exitCode !== undefined && container.exitCode !== 0) ?? containers.find((container) => container.exitCode !== undefined);
    const exitCode = exited?.exitCode ?? null;
    let outcome: RunOutcome;
    if (task.lastStatus !== "STOPPED" && task.desiredStatus !== "STOPPED") outcome = "running";
    else if (containers.length > 0 && containers.every((container) => container.exitCode === 0)) outcome = "succeeded";
    else if (report.failure || (exitCode !== null && exitCode !== 0)) outcome = "failed";
    else outcome = "stopped";
    const diagnosis: DiagnosisReport =
      outcome === "running"
        ? { kind: "unknown", cause: `running (${task.lastStatus ?? "?"})`, fix: null }
        : outcome === "succeeded"
          ? { kind: "unknown", cause: "exited 0", fix: null }
          : report.diagnosis;
    return { ...report, outcome, failure: outcome === "failed", lastStatus: task.lastStatus ?? null, exitCode, diagnosis };
  });
  const last = runs.find((run) => run.outcome !== "running");
  const definition = declared.taskDefinition;
  return {
    kind: declared.kind,
    name: declared.name,
    cluster: declared.clusterName,
    resource: declared.resource,
    family: definition.family,
    schedule: declared.schedule ?? null,
    timeZone: declared.kind === "scheduled" ? (declared.timeZone ?? "UTC") : null,
    executionRole: definition.executionRole?.name ?? null,
    taskRole: definition.taskRole?.name ?? null,
    containers: definition.containers.map((container) => ({
      name: container.name,
      image: container.image,
      logGroup: container.logGroup ?? null,
      secrets: container.secrets.map((secret) => `${secret.variable} (${secret.parameterName})`),
    })),
    runs,
    missing: snapshot.missing ?? null,
    lastOutcome: last?.outcome ?? null,
    healthy: declared.kind !== "scheduled" || last?.outcome !== "failed",
  };
}

export function buildServiceReport(
  stack: DeclaredStack,
  declared: DeclaredService,
  snapshot: ServiceSnapshot,
  logs: Map<string, LogRead> = new Map(),
): ServiceReport {
  const family = declared.taskDefinition?.family ?? null;
  const base = { name: declared.name, cluster: declared.clusterName, resource: declared.resource, routes: routesOf(declared) };
  const service = snapshot.service;
  if (!service) {
    const cause = snapshot.missing ?? `service ${declared.name} not found`;
    const diagnosis: DiagnosisReport = {
      kind: "not-found",
      cause: `${cause} (region ${stack.region ?? "from the AWS configuration"})`,
      fix: `deploy the stack (npx cdktf deploy ${stack.name}), or use the AWS account it was deployed to (AWS_PROFILE)`,
    };
    return {
      ...base,
      healthy: false,
      state: "not-found",
      summary: `not found: ${cause}`,
      desiredCount: null,
      runningCount: null,
      pendingCount: null,
      taskDefinition: { family, declared: null, running: null },
      deployments: [],
      events: [],
      stoppedTasks: [],
      findings: [diagnosis],
      diagnosis,
      notes: [],
    };
  }

  const events = service.events ?? [];
  const deployments = (service.deployments ?? []).map(deploymentReport);
  const primary = deployments.find((deployment) => deployment.status === "PRIMARY") ?? deployments[0];
  const latest = snapshot.latestTaskDefinition;
  const declaredLabel = latest?.family && latest.revision !== undefined ? `${latest.family}:${latest.revision}` : null;
  const running = primary?.taskDefinition ?? null;
  const onDeclared = declaredLabel !== null && running === declaredLabel;

  const stoppedTasks = snapshot.stoppedTasks.map((task) =>
    stoppedTaskReport(task, stack, declared, events, task.taskArn ? logs.get(task.taskArn) : undefined),
  );

  const failed = deployments.find((deployment) => deployment.rolloutState === "FAILED");
  const rollingBack = deployments.some((deployment) => /rolling back/i.test(deployment.rolloutStateReason ?? ""));
  const rollbackEvent = events.find((event) => /rolling back to deployment/i.test(event.message ?? ""));
  const failedEvent = events.find((event) => /deployment failed/i.test(event.message ?? ""));
  const steady =
    deployments.length === 1 &&
    primary?.status === "PRIMARY" &&
    (primary.rolloutState === null || primary.rolloutState === "COMPLETED") &&
    service.runningCount === service.desiredCount &&
    primary.runningCount === primary.desiredCount;
  // Behind the stack's revision after a circuit breaker rollback that has completed: the failed deployment is gone.
  const rolledBackEarlier =
    !onDeclared && declaredLabel !== null && (rollbackEvent !== undefined || failedEvent !== undefined) && primary !== undefined;

  let state: ServiceState;
  const findings: DiagnosisReport[] = [];
  const failedRevision = failed?.taskDefinition ?? (rolledBackEarlier ? declaredLabel : null);
  if ((failed && (rollingBack || failed !== primary)) || rollingBack || rolledBackEarlier) {
    state = "rolled-back";
    const done = steady && !failed;
    findings.push({
      kind: "rollback",
      cause:
        `the deployment of ${failedRevision ?? "the new task definition"} failed` +
        (failed?.rolloutStateReason ? ` (${failed.rolloutStateReason.replace(/\.$/, "")})` : "") +
        ` and the circuit breaker ${done ? "rolled the service back" : "is rolling the service back"} to ${running ?? "the previous revision"}`,
      fix: `fix what stopped the tasks of ${failedRevision ?? "the failed revision"} (below), then deploy again: npx cdktf deploy`,
    });
  } else if (primary?.rolloutState === "FAILED") {
    state = "deployment-failed";
    findings.push({
      kind: "deployment-failed",
      cause: `the deployment of ${running ?? "the task definition"} failed${primary.rolloutStateReason ? ` (${primary.rolloutStateReason.replace(/\.$/, "")})` : ""}`,
      fix: `fix what stopped its tasks (below), then deploy again: npx cdktf deploy`,
    });
  } else if (deployments.length > 1 || primary?.rolloutState === "IN_PROGRESS") {
    state = "rolling-out";
    const previous = deployments.filter((deployment) => deployment !== primary);
    const failedTasks = Math.max(
      primary?.failedTasks ?? 0,
      stoppedTasks.filter((task) => task.failure && task.taskDefinition === running).length,
    );
    findings.push({
      kind: "rollout",
      cause:
        `rolling out ${running ?? "a new task definition"}: ${primary?.runningCount ?? 0} of ${primary?.desiredCount ?? 0} tasks running, ${primary?.pendingCount ?? 0} pending` +
        (failedTasks ? `, ${failedTasks} failed` : "") +
        (previous.length
          ? `; ${previous.map((deployment) => `${deployment.taskDefinition ?? "?"} still runs ${deployment.runningCount}`).join(", ")}`
          : ""),
      fix: failedTasks
        ? `its tasks are failing: fix the cause below and deploy again (npx cdktf deploy); if they keep failing, the circuit breaker rolls the service back`
        : `wait for it to finish and run this again; if tasks keep stopping, the circuit breaker rolls back and the stopped tasks say why`,
    });
  } else if (!steady) {
    state = "not-steady";
    findings.push({
      kind: "not-steady",
      cause: `${service.runningCount ?? 0} of ${service.desiredCount ?? 0} tasks running (${service.pendingCount ?? 0} pending) on ${running ?? "?"}`,
      fix: `ECS is replacing tasks that stop: the stopped tasks below say why`,
    });
  } else if (!onDeclared) {
    state = "other-task-definition";
    findings.push({
      kind: "other-task-definition",
      cause: declaredLabel
        ? `the service runs ${running ?? "?"}, but the stack's task definition is ${declaredLabel} (the latest revision of family ${family})`
        : `family ${family} has no ACTIVE task definition revision, yet the service runs ${running ?? "?"}`,
      fix: `apply the stack (npx cdktf deploy) so the service runs the task definition it declares; if it was changed outside Terraform, terraform plan shows how`,
    });
  } else {
    state = "steady";
  }

  const healthy = state === "steady";
  const failing = stoppedTasks.filter((task) => task.failure);
  const ofFailedRevision = failedRevision ? failing.filter((task) => task.taskDefinition === failedRevision) : [];
  const headlineTask = ofFailedRevision[0] ?? failing[0];
  let diagnosis: DiagnosisReport | null = null;
  if (!healthy) {
    diagnosis = headlineTask && state !== "other-task-definition" ? headlineTask.diagnosis : findings[0] ?? null;
  }

  return {
    ...base,
    healthy,
    state,
    summary: summaryOf(state, running, service, findings),
    desiredCount: service.desiredCount ?? null,
    runningCount: service.runningCount ?? null,
    pendingCount: service.pendingCount ?? null,
    taskDefinition: { family, declared: declaredLabel, running },
    deployments,
    events: events.slice(0, EVENT_COUNT).map((event) => ({ createdAt: iso(event.createdAt), message: event.message ?? "" })),
    stoppedTasks,
    findings,
    diagnosis,
    notes: imageNotes(declared, snapshot),
  };
}

function summaryOf(
  state: ServiceState,
  running: string | null,
  service: NonNullable<ServiceSnapshot["service"]>,
  findings: DiagnosisReport[],
): string {
  const counts = `${service.runningCount ?? 0}/${service.desiredCount ?? 0} tasks running`;
  switch (state) {
    case "steady":
      return `steady: ${counts} ${running}, the stack's task definition`;
    case "rolled-back":
      return `rolled back: ${findings[0].cause}; ${counts}`;
    case "deployment-failed":
      return `deployment failed: ${findings[0].cause}; ${counts}`;
    case "rolling-out":
      return findings[0].cause;
    case "not-steady":
      return `not steady: ${findings[0].cause}`;
    case "other-task-definition":
      return `on another task definition: ${findings[0].cause}`;
    default:
      return state;
  }
}

function deploymentReport(deployment: Deployment): DeploymentReport {
  const parsed = taskDefinitionOf(deployment.taskDefinition);
  return {
    id: deployment.id ?? null,
    status: deployment.status ?? null,
    rolloutState: deployment.rolloutState ?? null,
    rolloutStateReason: deployment.rolloutStateReason ?? null,
    taskDefinition: parsed ? `${parsed.family}:${parsed.revision}` : deployment.taskDefinition ?? null,
    revision: parsed?.revision ?? null,
    desiredCount: deployment.desiredCount ?? 0,
    runningCount: deployment.runningCount ?? 0,
    pendingCount: deployment.pendingCount ?? 0,
    failedTasks: deployment.failedTasks ?? 0,
    createdAt: iso(deployment.createdAt),
    updatedAt: iso(deployment.updatedAt),
  };
}

function stoppedTaskReport(
  task: Task,
  stack: DeclaredStack,
  declared: DeclaredService,
  events: NonNullable<NonNullable<ServiceSnapshot["service"]>["events"]>,
  log: LogRead | undefined,
): StoppedTaskReport {
  const diagnosis = diagnoseTask(task, { stack, service: declared, events, logTail: log?.tail });
  const parsed = taskDefinitionOf(task.taskDefinitionArn);
  const containers = (task.containers ?? []).map((container) => ({
    name: container.name ?? null,
    image: container.image ?? null,
    lastStatus: container.lastStatus ?? null,
    exitCode: container.exitCode ?? null,
    reason: container.reason ?? null,
  }));
  const details = containers
    .filter((container) => (container.reason && container.reason !== task.stoppedReason) || (container.exitCode !== null && container.exitCode !== 0))
    .map((container) =>
      [
        `${container.name}:`,
        container.exitCode !== null ? `exit code ${container.exitCode}` : "",
        container.reason && container.reason !== task.stoppedReason ? container.reason : "",
      ]
        .filter(Boolean)
        .join(" "),
    );
  const taskId = taskIdOf(task.taskArn);
  // A container that never started (no exit code) wrote no log.
  const exitedContainer =
    containers.find((container) => container.exitCode !== null && container.exitCode !== 0) ??
    containers.find((container) => container.exitCode !== null);
  return {
    taskId,
    taskArn: task.taskArn ?? null,
    taskDefinition: parsed ? `${parsed.family}:${parsed.revision}` : task.taskDefinitionArn ?? null,
    revision: parsed?.revision ?? null,
    startedAt: iso(task.startedAt),
    stoppedAt: iso(task.stoppedAt ?? task.stoppingAt),
    stopCode: task.stopCode ?? null,
    stoppedReason: task.stoppedReason ?? null,
    reason: [task.stoppedReason ?? `stopped (${task.stopCode ?? "no reason given"})`, ...details].join("; "),
    containers,
    logStream: log?.stream ?? (exitedContainer?.name ? logStreamOf(declared, exitedContainer.name, taskId) ?? null : null),
    logTail: log ? log.tail.lines : null,
    logError: log?.tail.error ?? null,
    failure: diagnosis.failure,
    diagnosis: { kind: diagnosis.kind, cause: diagnosis.cause, fix: diagnosis.fix },
  };
}

/** The stack's images beside the ones of the family's latest revision: a difference means an unapplied stack. */
function imageNotes(declared: DeclaredService, snapshot: ServiceSnapshot): string[] {
  const registered = snapshot.latestTaskDefinition?.containerDefinitions ?? [];
  const notes: string[] = [];
  for (const container of declared.taskDefinition?.containers ?? []) {
    const actual = registered.find((candidate) => candidate.name === container.name);
    if (actual?.image && container.image && !container.image.includes("${") && actual.image !== container.image) {
      notes.push(
        `the stack declares image ${container.image} for container ${container.name}, but ${snapshot.latestTaskDefinition?.family}:${snapshot.latestTaskDefinition?.revision} has ${actual.image}: the stack is not applied yet (npx cdktf deploy)`,
      );
    }
  }
  return notes;
}

function iso(date: Date | string | undefined): string | null {
  if (date === undefined) return null;
  const parsed = new Date(date);
  return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString().replace(/\.000Z$/, "Z");
}

/**
 * `target group platform-prod-shop (container platform-prod-shop:80) for shop.example.com, www.example.com`,
 * `Service Connect namespace platform-prod: orders:8080 (port http)`: what the stack routes to a service.
 */
export function routesOf(declared: DeclaredService): string[] {
  const routes: string[] = [];
  for (const lb of declared.loadBalancers ?? (declared.loadBalancer ? [declared.loadBalancer] : [])) {
    const group = lb.targetGroupName ?? lb.targetGroupResource ?? "a target group outside the stack";
    const container = lb.containerName ? ` (container ${lb.containerName}${lb.containerPort !== undefined ? `:${lb.containerPort}` : ""})` : "";
    const matches = (lb.listenerRules ?? []).map((rule) => {
      const hosts = rule.hosts.length ? rule.hosts.join(", ") : "any host";
      return rule.paths.length ? `${hosts} path ${rule.paths.join(", ")}` : hosts;
    });
    routes.push(`load balancer target group ${group}${container}${matches.length ? ` for ${matches.join("; ")}` : ""}`);
  }
  const connect = declared.serviceConnect;
  if (connect) {
    const endpoints = connect.endpoints.map(
      (endpoint) => `${endpoint.dnsName ?? endpoint.discoveryName ?? endpoint.portName}${endpoint.port !== undefined ? `:${endpoint.port}` : ""} (port ${endpoint.portName})`,
    );
    routes.push(`Service Connect namespace ${connect.namespace}: ${endpoints.length ? endpoints.join(", ") : "a client only, no endpoint of its own"}`);
  }
  return routes;
}
