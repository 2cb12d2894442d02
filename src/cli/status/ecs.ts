import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
} from "@aws-sdk/client-ecs";
import type {
  DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommandOutput,
  DescribeTasksCommandOutput,
  ListTasksCommandOutput,
  Service,
  Task,
  TaskDefinition,
} from "@aws-sdk/client-ecs";
import type { DeclaredService, DeclaredTask } from "./stack";

/*
 * Calling ECS: the service with its deployments and events, its stopped tasks, and the latest revision of
 * the task definition family the stack declares.
 */

/** What a call may be given: a signal that aborts it (the command's deadline). */
export interface SendOptions {
  abortSignal?: AbortSignal;
}

/** What this command needs of an ECS client; `ECSClient` is one, and tests pass a fake with recorded responses. */
export interface EcsApi {
  send(command: DescribeServicesCommand, options?: SendOptions): Promise<DescribeServicesCommandOutput>;
  send(command: ListTasksCommand, options?: SendOptions): Promise<ListTasksCommandOutput>;
  send(command: DescribeTasksCommand, options?: SendOptions): Promise<DescribeTasksCommandOutput>;
  send(command: DescribeTaskDefinitionCommand, options?: SendOptions): Promise<DescribeTaskDefinitionCommandOutput>;
}

/** How the command follows its calls: the signal its deadline aborts, and the call in flight, named. */
export interface CallContext {
  readonly signal?: AbortSignal;
  /** Told each call before it is made (`ecs:DescribeServices hello`), for the deadline's message. */
  readonly onCall?: (operation: string) => void;
}

/** An AWS call that failed (credentials, permissions, network, throttling): the command's exit 3. */
export class AwsCallError extends Error {
  constructor(
    readonly operation: string,
    readonly cause: unknown,
  ) {
    super(`${operation} failed: ${describeAwsError(cause)}`);
    this.name = "AwsCallError";
  }
}

/** `CredentialsProviderError: Could not load credentials from any providers`, as the SDK reports it. */
export function describeAwsError(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== "Error" ? `${error.name}: ` : "";
    return `${name}${error.message}`;
  }
  return String(error);
}

export interface ServiceSnapshot {
  /** The service as DescribeServices returns it; undefined when ECS does not know it. */
  readonly service?: Service;
  /** Why the service is missing: DescribeServices' failure reason (`MISSING`), or the cluster not found. */
  readonly missing?: string;
  /** Tasks of the service stopped within the last hour or so (ECS keeps them that long), newest first. */
  readonly stoppedTasks: Task[];
  /** The latest ACTIVE revision of the declared family: what the stack's last apply registered. */
  readonly latestTaskDefinition?: TaskDefinition;
}

/** At most this many stopped tasks are described (one DescribeTasks call takes 100). */
const MAX_STOPPED_TASKS = 100;

export async function fetchService(ecs: EcsApi, declared: DeclaredService, context: CallContext = {}): Promise<ServiceSnapshot> {
  const cluster = declared.cluster;
  const options: SendOptions = context.signal ? { abortSignal: context.signal } : {};
  const calling = (operation: string) => context.onCall?.(`${operation} (service ${declared.name})`);
  let described: DescribeServicesCommandOutput;
  try {
    calling("ecs:DescribeServices");
    described = await ecs.send(new DescribeServicesCommand({ cluster, services: [declared.name] }), options);
  } catch (error) {
    if (errorName(error) === "ClusterNotFoundException") {
      return { missing: `cluster ${declared.clusterName} not found`, stoppedTasks: [] };
    }
    throw new AwsCallError("ecs:DescribeServices", error);
  }
  const service = described.services?.find((candidate) => candidate.serviceName === declared.name) ?? described.services?.[0];
  if (!service || service.status === "INACTIVE") {
    const failure = described.failures?.[0]?.reason ?? (service ? "INACTIVE" : "MISSING");
    return { missing: `service ${declared.name} ${failure === "MISSING" ? "not found" : failure} in cluster ${declared.clusterName}`, stoppedTasks: [] };
  }

  calling("ecs:ListTasks");
  const listed = await call("ecs:ListTasks", () =>
    ecs.send(new ListTasksCommand({ cluster, serviceName: declared.name, desiredStatus: "STOPPED", maxResults: MAX_STOPPED_TASKS }), options),
  );
  const taskArns = listed.taskArns ?? [];
  let stoppedTasks: Task[] = [];
  if (taskArns.length) {
    calling("ecs:DescribeTasks");
    stoppedTasks = (await call("ecs:DescribeTasks", () => ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns }), options))).tasks ?? [];
  }
  stoppedTasks.sort((a, b) => time(b.stoppedAt ?? b.stoppingAt) - time(a.stoppedAt ?? a.stoppingAt));

  let latestTaskDefinition: TaskDefinition | undefined;
  const family = declared.taskDefinition?.family;
  if (family) {
    try {
      calling("ecs:DescribeTaskDefinition");
      latestTaskDefinition = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }), options)).taskDefinition;
    } catch (error) {
      // A family with no ACTIVE revision is a ClientException: the stack's task definition is not registered.
      if (errorName(error) !== "ClientException") throw new AwsCallError("ecs:DescribeTaskDefinition", error);
    }
  }
  return { service, stoppedTasks, latestTaskDefinition };
}

export interface TaskRunsSnapshot {
  /** The runs of the task's family ECS still knows (stopped ones for about an hour), running and stopped, newest first. */
  readonly runs: Task[];
  /** Why none could be listed: the cluster not found. */
  readonly missing?: string;
}

/** Runs listed per desired status (ListTasks with `family`): the latest ones are what the report shows. */
const MAX_RUNS = 20;

/**
 * The recent runs of a scheduled or one-off task: ListTasks with its family, desiredStatus STOPPED and then
 * RUNNING, and DescribeTasks for their details.
 */
export async function fetchTaskRuns(ecs: EcsApi, declared: DeclaredTask, context: CallContext = {}): Promise<TaskRunsSnapshot> {
  const cluster = declared.cluster;
  const family = declared.taskDefinition.family;
  const options: SendOptions = context.signal ? { abortSignal: context.signal } : {};
  const calling = (operation: string) => context.onCall?.(`${operation} (${declared.kind} task ${declared.name})`);
  const taskArns: string[] = [];
  for (const desiredStatus of ["STOPPED", "RUNNING"] as const) {
    try {
      calling("ecs:ListTasks");
      const listed = await ecs.send(new ListTasksCommand({ cluster, family, desiredStatus, maxResults: MAX_RUNS }), options);
      taskArns.push(...(listed.taskArns ?? []));
    } catch (error) {
      if (errorName(error) === "ClusterNotFoundException") return { runs: [], missing: `cluster ${declared.clusterName} not found` };
      throw new AwsCallError("ecs:ListTasks", error);
    }
  }
  let runs: Task[] = [];
  if (taskArns.length) {
    calling("ecs:DescribeTasks");
    runs = (await call("ecs:DescribeTasks", () => ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns }), options))).tasks ?? [];
  }
  runs.sort((a, b) => time(b.createdAt ?? b.startedAt) - time(a.createdAt ?? a.startedAt));
  return { runs };
}

async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw new AwsCallError(operation, error);
  }
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function time(date: Date | string | undefined): number {
  return date === undefined ? 0 : new Date(date).getTime();
}

/** `arn:aws:ecs:eu-west-1:123456789012:task-definition/hello:5` → `{ family: "hello", revision: 5 }`. */
export function taskDefinitionOf(arn: string | undefined): { family: string; revision: number } | undefined {
  const match = /(?:task-definition\/)?([A-Za-z0-9_-]+):(\d+)$/.exec(arn ?? "");
  return match ? { family: match[1], revision: Number(match[2]) } : undefined;
}

/** The last part of a task ARN: `arn:aws:ecs:…:task/hello/0123abcd` → `0123abcd`. */
export function taskIdOf(taskArn: string | undefined): string {
  return (taskArn ?? "").split("/").pop() ?? "";
}
