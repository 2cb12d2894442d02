import type { DiagnosisReport, ServiceReport, StatusReport, StoppedTaskReport, TaskReport } from "./report";

/*
 * Rendering the report for a terminal: per service its state, deployments, latest events, and the stopped
 * tasks grouped by cause, each with its fix on one line (never wrapped, so it can be copied and searched).
 */

const STATE_LABELS: Record<ServiceReport["state"], string> = {
  steady: "STEADY",
  "rolling-out": "ROLLING OUT",
  "rolled-back": "ROLLED BACK",
  "deployment-failed": "DEPLOYMENT FAILED",
  "not-steady": "NOT STEADY",
  "other-task-definition": "OTHER TASK DEFINITION",
  "not-found": "NOT FOUND",
};

/** Runs listed per scheduled or one-off task. */
const RUNS_SHOWN = 5;

/** Stopped tasks listed by id under each cause. */
const TASK_IDS_SHOWN = 5;

export function renderText(report: StatusReport): string {
  const lines: string[] = [`Stack ${report.stack} (region ${report.region ?? "from the AWS configuration"})`];
  for (const service of report.services) {
    lines.push("", ...renderService(service));
  }
  for (const task of report.tasks ?? []) {
    lines.push("", ...renderTask(task));
  }
  const unhealthy = [
    ...report.services.filter((service) => !service.healthy).map((service) => service.name),
    ...(report.tasks ?? []).filter((task) => !task.healthy).map((task) => `${task.name} (last scheduled run failed)`),
  ];
  const tasks = report.tasks?.length ? `; ${report.tasks.length} scheduled/one-off task(s) listed, no scheduled task's last run failed` : "";
  lines.push(
    "",
    unhealthy.length === 0
      ? `All ${report.services.length} service(s) at steady state on the stack's task definition${tasks} (exit 0)`
      : `Not healthy: ${unhealthy.join(", ")} (exit 1)`,
  );
  return `${lines.join("\n")}\n`;
}

function renderService(service: ServiceReport): string[] {
  const mark = service.healthy ? "✓" : "✗";
  const lines = [
    `${mark} Service ${service.name} (cluster ${service.cluster}): ${STATE_LABELS[service.state]}`,
    `  ${service.summary}`,
    `  Reached through: ${service.routes.length ? service.routes.join("; ") : "nothing the stack declares (no load balancer, no Service Connect)"}`,
  ];
  if (service.state === "not-found") {
    lines.push(...renderDiagnosis(service.diagnosis, "  "));
    return lines;
  }
  const { declared, running, family } = service.taskDefinition;
  lines.push(
    `  Task definition: the stack's is ${declared ?? `(no ACTIVE revision of family ${family})`}, the service runs ${running ?? "?"}`,
    `  Tasks: ${service.runningCount ?? 0} running, ${service.pendingCount ?? 0} pending, ${service.desiredCount ?? 0} desired`,
  );
  for (const note of service.notes) lines.push(`  Note: ${note}`);

  lines.push("", "  Deployments");
  for (const deployment of service.deployments) {
    lines.push(
      `    ${pad(deployment.status ?? "?", 8)} ${pad(deployment.taskDefinition ?? "?", 12)} ${pad(deployment.rolloutState ?? "-", 12)}` +
        ` ${deployment.runningCount}/${deployment.desiredCount} running, ${deployment.pendingCount} pending, ${deployment.failedTasks} failed` +
        `  updated ${time(deployment.updatedAt ?? deployment.createdAt)}`,
    );
    if (deployment.rolloutStateReason) lines.push(`      ${deployment.rolloutStateReason}`);
  }

  lines.push("", `  Recent events (latest ${service.events.length})`);
  if (service.events.length === 0) lines.push("    none");
  for (const event of service.events) lines.push(`    ${time(event.createdAt)}  ${event.message}`);

  const failing = service.stoppedTasks.filter((task) => task.failure);
  const normal = service.stoppedTasks.filter((task) => !task.failure);
  lines.push("", `  Stopped tasks (${service.stoppedTasks.length}; ECS keeps them about an hour)`);
  if (service.stoppedTasks.length === 0) lines.push("    none");
  for (const group of groupByDiagnosis(failing)) {
    const [newest] = group;
    const ids = group.slice(0, TASK_IDS_SHOWN).map((task) => `${task.taskId.slice(0, 12)} (${task.taskDefinition ?? "?"})`);
    const more = group.length > TASK_IDS_SHOWN ? ` and ${group.length - TASK_IDS_SHOWN} more` : "";
    lines.push(`    ✗ ${group.length} task(s), last stopped ${time(newest.stoppedAt)}: ${ids.join(", ")}${more}`);
    lines.push(`      reason: ${newest.reason}`);
    lines.push(`      cause:  ${newest.diagnosis.cause}`);
    lines.push(`      fix:    ${newest.diagnosis.fix ?? "no known fix for this reason; it is shown as ECS gives it"}`);
    if (newest.logStream) lines.push(`      log:    ${newest.logStream.group} ${newest.logStream.stream}`);
    if (newest.logTail?.length) {
      lines.push("      last log lines:");
      for (const line of newest.logTail.slice(-5)) lines.push(`        | ${line}`);
    } else if (newest.logError) {
      lines.push(`      (log not read: ${newest.logError})`);
    }
  }
  if (normal.length > 0) {
    lines.push(`    · ${normal.length} task(s) stopped on purpose: ${normal[0].diagnosis.cause}`);
  }

  if (service.findings.length > 0 || service.diagnosis) {
    lines.push("", "  Diagnosis");
    for (const finding of service.findings) lines.push(...renderDiagnosis(finding, "    "));
    if (service.diagnosis && !service.findings.includes(service.diagnosis)) lines.push(...renderDiagnosis(service.diagnosis, "    "));
  }
  return lines;
}

const OUTCOME_LABELS: Record<TaskReport["runs"][number]["outcome"], string> = {
  running: "RUNNING",
  succeeded: "SUCCEEDED",
  failed: "FAILED",
  stopped: "STOPPED",
};

function renderTask(task: TaskReport): string[] {
  const mark = task.healthy ? (task.lastOutcome === "failed" ? "·" : "✓") : "✗";
  const what =
    task.kind === "scheduled"
      ? `Scheduled task ${task.name} (cluster ${task.cluster}): ${task.schedule ?? "?"} ${task.timeZone ?? "UTC"}`
      : `One-off task ${task.name} (cluster ${task.cluster}): run with npm run task`;
  const last = task.lastOutcome ? `last run ${OUTCOME_LABELS[task.lastOutcome]}` : "no finished run in the last hour or so";
  const lines = [
    `${mark} ${what}; ${last}${task.kind === "one-off" && task.lastOutcome === "failed" ? " (informative: one-off runs do not change the exit code)" : ""}`,
    `  Task definition family ${task.family}; execution role ${task.executionRole ?? "-"}, task role ${task.taskRole ?? "-"}`,
  ];
  for (const container of task.containers) {
    const secrets = container.secrets.length ? `, secrets ${container.secrets.join(", ")}` : "";
    lines.push(`  Container ${container.name}: ${container.image}${container.logGroup ? `, logs ${container.logGroup}` : ""}${secrets}`);
  }
  if (task.missing) {
    lines.push(`  Runs: none listed: ${task.missing}`);
    return lines;
  }
  lines.push("", `  Recent runs (${task.runs.length}; ECS keeps stopped tasks about an hour)`);
  if (task.runs.length === 0) lines.push("    none");
  for (const run of task.runs.slice(0, RUNS_SHOWN)) {
    const exit = run.exitCode !== null ? `, exit code ${run.exitCode}` : "";
    const when = run.outcome === "running" ? `started ${time(run.startedAt)}` : `stopped ${time(run.stoppedAt)}`;
    lines.push(`    ${run.outcome === "failed" ? "✗" : "·"} ${pad(OUTCOME_LABELS[run.outcome], 9)} ${run.taskId.slice(0, 12)} (${run.taskDefinition ?? "?"}) ${when}${exit}`);
    if (run.outcome === "failed" || run.outcome === "stopped") {
      lines.push(`      reason: ${run.reason}`);
      lines.push(`      cause:  ${run.diagnosis.cause}`);
      if (run.outcome === "failed") lines.push(`      fix:    ${run.diagnosis.fix ?? "no known fix for this reason; it is shown as ECS gives it"}`);
      if (run.logStream) lines.push(`      log:    ${run.logStream.group} ${run.logStream.stream}`);
      if (run.logTail?.length) {
        lines.push("      last log lines:");
        for (const line of run.logTail.slice(-5)) lines.push(`        | ${line}`);
      }
    }
  }
  if (task.runs.length > RUNS_SHOWN) lines.push(`    and ${task.runs.length - RUNS_SHOWN} older run(s) (--json lists them)`);
  return lines;
}

function renderDiagnosis(diagnosis: DiagnosisReport | null, indent: string): string[] {
  if (!diagnosis) return [];
  return [`${indent}cause: ${diagnosis.cause}`, `${indent}fix:   ${diagnosis.fix ?? "no known fix for this reason; it is shown as ECS gives it"}`];
}

/** Failing tasks grouped by cause (the fix shown is the newest task's: it may name that task's log stream). */
function groupByDiagnosis(tasks: StoppedTaskReport[]): StoppedTaskReport[][] {
  const groups = new Map<string, StoppedTaskReport[]>();
  for (const task of tasks) {
    // Only the newest few exited containers' logs are read: a log line does not split a group.
    const key = `${task.diagnosis.kind}\n${task.diagnosis.cause.replace(/; its last log line: [\s\S]*$/, "")}`;
    groups.set(key, [...(groups.get(key) ?? []), task]);
  }
  return [...groups.values()];
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function time(iso: string | null): string {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "?";
}
