import { DescribeTasksCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import type { DescribeTasksCommandOutput, RunTaskCommandInput, RunTaskCommandOutput } from "@aws-sdk/client-ecs";
import type { RunTaskTarget } from "./outputs";

/*
 * Calling ECS: RunTask with what the task's output says, then DescribeTasks until the task stops.
 */

/** What this command needs of an ECS client; `ECSClient` is one, and tests pass a fake with recorded responses. */
export interface TaskEcsApi {
  send(command: RunTaskCommand): Promise<RunTaskCommandOutput>;
  send(command: DescribeTasksCommand): Promise<DescribeTasksCommandOutput>;
}

/** What `npm run task` marks its tasks with (ListTasks --started-by npm-run-task finds them). */
export const STARTED_BY = "npm-run-task";

/**
 * The RunTask request: the task definition revision the last apply registered, in the task's subnets and
 * security groups, on Fargate (or its capacity provider, e.g. FARGATE_SPOT), with the command override.
 * `clientToken` makes the call idempotent: when the SDK retries a RunTask whose answer was lost, ECS
 * returns the task it started rather than starting a second one (a migration must not run twice).
 */
export function runTaskInput(target: RunTaskTarget, command: string[] | undefined, clientToken: string): RunTaskCommandInput {
  const provider = target.capacityProvider;
  const placement: Pick<RunTaskCommandInput, "launchType" | "capacityProviderStrategy"> =
    provider === undefined || provider === "FARGATE"
      ? { launchType: "FARGATE" }
      : { capacityProviderStrategy: [{ capacityProvider: provider, weight: 1 }] };
  return {
    cluster: target.cluster,
    taskDefinition: target.taskDefinition,
    count: 1,
    ...placement,
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: target.subnets,
        securityGroups: target.securityGroups,
        assignPublicIp: target.assignPublicIp ? "ENABLED" : "DISABLED",
      },
    },
    ...(command ? { overrides: { containerOverrides: [{ name: target.container, command }] } } : {}),
    startedBy: STARTED_BY,
    clientToken,
  };
}

export function runTaskCommand(input: RunTaskCommandInput): RunTaskCommand {
  return new RunTaskCommand(input);
}

export function describeTaskCommand(cluster: string, taskArn: string): DescribeTasksCommand {
  return new DescribeTasksCommand({ cluster, tasks: [taskArn] });
}

/** `arn:aws:ecs:eu-west-1:123456789012:cluster/hello-prod` → `hello-prod`. */
export function clusterNameOf(cluster: string): string {
  return /:cluster\/(.+)$/.exec(cluster)?.[1] ?? cluster;
}

/** `…:task-definition/hello-prod-migrate:7` → `hello-prod-migrate:7`. */
export function taskDefinitionLabel(arn: string): string {
  return /task-definition\/(.+)$/.exec(arn)?.[1] ?? arn;
}
