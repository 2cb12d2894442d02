import type { DiagnosisReport, ServiceReport, StatusReport, StoppedTaskReport } from "./report";

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

/** Stopped tasks listed by id under each cause. */
const TASK_IDS_SHOWN = 5;

export function renderText(report: StatusReport): string {
  const lines: string[] = [`Stack ${report.stack} (region ${report.region ?? "from the AWS configuration"})`];
  for (const service of report.services) {
    lines.push("", ...renderService(service));
  }
  const unhealthy = report.services.filter((service) => !service.healthy).map((service) => service.name);
  lines.push(
    "",
    unhealthy.length === 0
      ? `All ${report.services.length} service(s) at steady state on the stack's task definition (exit 0)`
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
