import {
  DescribeServicesCommand,
  DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommand,
  DescribeTaskDefinitionCommandOutput,
  DescribeTasksCommand,
  DescribeTasksCommandOutput,
  ListTasksCommand,
  ListTasksCommandOutput,
} from "@aws-sdk/client-ecs";
import { rmSync } from "fs";
import { runStatus } from "../src/cli/status/cli";
import type { EcsApi } from "../src/cli/status/ecs";
import { fetchTaskRuns } from "../src/cli/status/ecs";
import { buildReport, buildTaskReport } from "../src/cli/status/report";
import type { StatusReport } from "../src/cli/status/report";
import { renderText } from "../src/cli/status/render";
import type { DeclaredStack, DeclaredTask } from "../src/cli/status/stack";
import { readStack } from "../src/cli/status/stack";
import { metadata } from "./fixtures/status/common";
import { awsError } from "./fixtures/status/fake-aws";
import * as runs from "./fixtures/status/task-runs";
import { runAppCommand } from "./support/app-command";

jest.setTimeout(180_000);

/*
 * `npm run status` on the platform example's scheduled task (nightly-report) and one-off task (migrate):
 * read from the synthesized stack, their runs listed by family (ListTasks STOPPED and RUNNING, DescribeTasks),
 * each failed run diagnosed as a service's stopped task is, and the exit code: 1 only when the last run of
 * a scheduled task failed.
 */

type Command = DescribeServicesCommand | ListTasksCommand | DescribeTasksCommand | DescribeTaskDefinitionCommand;

/** ECS answering ListTasks/DescribeTasks from recorded runs by family; every service of the stack is MISSING. */
class FakeTaskEcs implements EcsApi {
  readonly calls: { command: string; input: any }[] = [];
  constructor(private readonly families: Record<string, runs.FamilyRuns>) {}
  send(command: DescribeServicesCommand): Promise<DescribeServicesCommandOutput>;
  send(command: ListTasksCommand): Promise<ListTasksCommandOutput>;
  send(command: DescribeTasksCommand): Promise<DescribeTasksCommandOutput>;
  send(command: DescribeTaskDefinitionCommand): Promise<DescribeTaskDefinitionCommandOutput>;
  async send(command: Command): Promise<DescribeServicesCommandOutput | ListTasksCommandOutput | DescribeTasksCommandOutput | DescribeTaskDefinitionCommandOutput> {
    this.calls.push({ command: command.constructor.name, input: command.input });
    if (command instanceof DescribeServicesCommand) {
      const services = command.input.services ?? [];
      return { $metadata: metadata("5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"), services: [], failures: services.map((name) => ({ arn: name, reason: "MISSING" })) };
    }
    if (command instanceof ListTasksCommand) {
      const family = this.families[command.input.family ?? ""] ?? { stopped: [], running: [] };
      return runs.listed(command.input.desiredStatus === "RUNNING" ? family.running : family.stopped);
    }
    if (command instanceof DescribeTasksCommand) {
      const all = Object.values(this.families).flatMap((family) => [...family.stopped, ...family.running]);
      return runs.described(all.filter((task) => command.input.tasks?.includes(task.taskArn as string)));
    }
    throw new Error(`not expected: ${command.constructor.name}`);
  }
}

let outdir: string;
let stack: DeclaredStack;
beforeAll(() => {
  outdir = runAppCommand({}, "examples/platform.ts");
  stack = readStack(outdir, "platform-prod");
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function task(name: string): DeclaredTask {
  const found = (stack.tasks ?? []).find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no task ${name} in ${(stack.tasks ?? []).map((candidate) => candidate.name).join(", ")}`);
  return found;
}

async function report(families: Record<string, runs.FamilyRuns>): Promise<{ report: StatusReport; ecs: FakeTaskEcs }> {
  const ecs = new FakeTaskEcs(families);
  const tasks = [];
  for (const declared of stack.tasks ?? []) tasks.push(buildTaskReport(stack, declared, await fetchTaskRuns(ecs, declared)));
  return { report: buildReport(stack, stack.region, [], tasks), ecs };
}

describe("reading the platform example's stack", () => {
  test("lists the nightly-report schedule and the migrate one-off task with their task definitions", () => {
    expect((stack.tasks ?? []).map((declared) => [declared.kind, declared.name])).toEqual([
      ["scheduled", "platform-prod-nightly-report"],
      ["one-off", "migrate"],
    ]);
    const report = task("platform-prod-nightly-report");
    expect(report).toMatchObject({
      resource: "aws_scheduler_schedule.platform_nightly_report_schedule",
      cluster: "platform-prod",
      schedule: "cron(0 3 * * ? *)",
      timeZone: "Europe/Paris",
      taskDefinition: { family: runs.REPORT_FAMILY, resource: "aws_ecs_task_definition.platform_nightly_report_task" },
    });
    expect(report.taskDefinition.executionRole?.resource).toBe("aws_iam_role.platform_nightly_report_task_execution_role");
    expect(report.taskDefinition.taskRole?.resource).toBe("aws_iam_role.platform_nightly_report_task_role");
    expect(report.taskDefinition.containers[0]).toMatchObject({ name: runs.REPORT_FAMILY, essential: true, logStreamPrefix: runs.REPORT_FAMILY });
    const migrate = task("migrate");
    expect(migrate).toMatchObject({ resource: "output.platform_migrate_run_task", cluster: "platform-prod", taskDefinition: { family: runs.MIGRATE_FAMILY } });
    expect(migrate.schedule).toBeUndefined();
    expect(migrate.taskDefinition.containers[0].secrets.map((secret) => secret.variable)).toEqual(["DATABASE_PASSWORD"]);
  });
});

describe("the runs of scheduled and one-off tasks", () => {
  test("lists each family's STOPPED and RUNNING tasks, then describes them", async () => {
    const { ecs } = await report({ [runs.REPORT_FAMILY]: runs.reportLastSucceeded });
    const lists = ecs.calls.filter((call) => call.command === "ListTasksCommand").map((call) => call.input);
    expect(lists).toEqual([
      { cluster: "platform-prod", family: runs.REPORT_FAMILY, desiredStatus: "STOPPED", maxResults: 20 },
      { cluster: "platform-prod", family: runs.REPORT_FAMILY, desiredStatus: "RUNNING", maxResults: 20 },
      { cluster: "platform-prod", family: runs.MIGRATE_FAMILY, desiredStatus: "STOPPED", maxResults: 20 },
      { cluster: "platform-prod", family: runs.MIGRATE_FAMILY, desiredStatus: "RUNNING", maxResults: 20 },
    ]);
    expect(ecs.calls.filter((call) => call.command === "DescribeTasksCommand")).toHaveLength(1);
  });

  test("a scheduled task whose last run exited 0 is healthy, though an older run failed (exit 0)", async () => {
    const { report: status } = await report({ [runs.REPORT_FAMILY]: runs.reportLastSucceeded });
    const [nightly] = status.tasks;
    expect(nightly).toMatchObject({ kind: "scheduled", lastOutcome: "succeeded", healthy: true, schedule: "cron(0 3 * * ? *)", timeZone: "Europe/Paris" });
    expect(nightly.runs.map((run) => [run.outcome, run.exitCode])).toEqual([
      ["succeeded", 0],
      ["failed", 1],
    ]);
    expect(status.exitCode).toBe(0);
    expect(renderText(status)).toContain("✓ Scheduled task platform-prod-nightly-report (cluster platform-prod): cron(0 3 * * ? *) Europe/Paris; last run SUCCEEDED");
  });

  test("a scheduled task whose last run could not pull its image fails the stack (exit 1) and shows the fix", async () => {
    const { report: status } = await report({ [runs.REPORT_FAMILY]: runs.reportLastPullFailed });
    const [nightly] = status.tasks;
    expect(nightly).toMatchObject({ lastOutcome: "failed", healthy: false });
    const [last] = nightly.runs;
    expect(last).toMatchObject({ outcome: "failed", exitCode: null, stopCode: "TaskFailedToStart", diagnosis: { kind: "image-not-found" } });
    expect(last.diagnosis.cause).toContain(runs.MISSING_IMAGE);
    expect(last.diagnosis.fix).toContain("set the app's `image` to a name and tag that exist");
    expect(status.exitCode).toBe(1);
    const text = renderText(status);
    expect(text).toContain("✗ Scheduled task platform-prod-nightly-report");
    expect(text).toContain(`fix:    set the app's \`image\` to a name and tag that exist`);
    expect(text).toContain("Not healthy: platform-prod-nightly-report (last scheduled run failed) (exit 1)");
  });

  test("a one-off run that exited 1 is reported with its log stream, but is informative only (exit 0)", async () => {
    const { report: status } = await report({ [runs.MIGRATE_FAMILY]: runs.migrateExitedOne });
    const migrate = status.tasks.find((candidate) => candidate.kind === "one-off")!;
    expect(migrate).toMatchObject({ name: "migrate", lastOutcome: "failed", healthy: true });
    expect(migrate.runs[0]).toMatchObject({
      outcome: "failed",
      exitCode: 1,
      diagnosis: { kind: "essential-container-exited" },
      logStream: { stream: `${runs.MIGRATE_FAMILY}/${runs.MIGRATE_FAMILY}/${runs.MIGRATE_RUN_ID}` },
    });
    expect(status.exitCode).toBe(0);
    const text = renderText(status);
    expect(text).toContain("One-off task migrate (cluster platform-prod): run with npm run task; last run FAILED (informative: one-off runs do not change the exit code)");
    expect(text).toContain(", exit code 1");
  });

  test("a missing cluster lists no run", async () => {
    const ecs: EcsApi = { send: async () => Promise.reject(awsError("ClusterNotFoundException", "Cluster not found.")) } as unknown as EcsApi;
    const snapshot = await fetchTaskRuns(ecs, task("migrate"));
    expect(snapshot).toEqual({ runs: [], missing: "cluster platform-prod not found" });
  });
});

describe("npm run status -- platform-prod", () => {
  test("reports the tasks after the services, in text and JSON", async () => {
    const ecs = new FakeTaskEcs({ [runs.REPORT_FAMILY]: runs.reportLastPullFailed, [runs.MIGRATE_FAMILY]: runs.migrateExitedOne });
    let stdout = "";
    const code = await runStatus(["platform-prod", "--json", "--output", outdir], { ecs: () => ecs, stdout: (text) => (stdout += text), stderr: () => undefined });
    const status: StatusReport = JSON.parse(stdout);
    expect(code).toBe(1);
    expect(status.tasks.map((candidate) => [candidate.kind, candidate.name, candidate.lastOutcome, candidate.healthy])).toEqual([
      ["scheduled", "platform-prod-nightly-report", "failed", false],
      ["one-off", "migrate", "failed", true],
    ]);
  });
});
