import { GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { GetLogEventsCommandOutput } from "@aws-sdk/client-cloudwatch-logs";
import type { DeclaredService } from "./stack";
import { logStreamOf } from "./stack";
import type { CallContext, SendOptions, ServiceSnapshot } from "./ecs";
import { describeAwsError, taskIdOf } from "./ecs";

/*
 * Calling CloudWatch Logs: the last lines a stopped container wrote. Some causes are only there: an image
 * built for another CPU architecture stops with "Essential container in task exited" and exit code 1 or
 * 255, and only its log says "exec /docker-entrypoint.sh: exec format error".
 */

/** What this command needs of a CloudWatch Logs client; `CloudWatchLogsClient` is one. */
export interface LogsApi {
  send(command: GetLogEventsCommand, options?: SendOptions): Promise<GetLogEventsCommandOutput>;
}

/** A container's awslogs stream: `<awslogs-stream-prefix>/<container>/<task id>` in `<awslogs-group>`. */
export interface LogStream {
  readonly group: string;
  readonly stream: string;
}

export interface LogTail {
  readonly lines: string[];
  /** Why the lines could not be read; reading logs never fails the command. */
  readonly error?: string;
}

/** Lines read from the end of a stream. */
const TAIL_LINES = 20;

export async function fetchLogTail(logs: LogsApi, stream: LogStream, context: CallContext = {}): Promise<LogTail> {
  try {
    context.onCall?.(`logs:GetLogEvents (${stream.group} ${stream.stream})`);
    const output = await logs.send(
      new GetLogEventsCommand({ logGroupName: stream.group, logStreamName: stream.stream, limit: TAIL_LINES, startFromHead: false }),
      context.signal ? { abortSignal: context.signal } : {},
    );
    return { lines: (output.events ?? []).map((event) => (event.message ?? "").replace(/\s+$/, "")) };
  } catch (error) {
    if (error instanceof Error && error.name === "ResourceNotFoundException") {
      return { lines: [], error: "no such log stream: the container wrote nothing" };
    }
    return { lines: [], error: describeAwsError(error) };
  }
}

/**
 * The stopped tasks whose container log is worth reading (the exit alone does not say why): tasks whose
 * essential container exited, newest first, and the stream of that container.
 */
export function logsToRead(declared: DeclaredService, snapshot: ServiceSnapshot, limit = 3): { taskArn: string; stream: LogStream }[] {
  const wanted: { taskArn: string; stream: LogStream }[] = [];
  for (const task of snapshot.stoppedTasks) {
    if (wanted.length >= limit) break;
    const exited = task.stopCode === "EssentialContainerExited" || /Essential container in task exited/i.test(task.stoppedReason ?? "");
    if (!exited || /OutOfMemory/i.test(task.stoppedReason ?? "")) continue;
    const container = (task.containers ?? []).find((candidate) => candidate.exitCode !== undefined && candidate.exitCode !== 0) ??
      (task.containers ?? []).find((candidate) => candidate.exitCode !== undefined);
    const stream = container?.name ? logStreamOf(declared, container.name, taskIdOf(task.taskArn)) : undefined;
    if (stream && task.taskArn) wanted.push({ taskArn: task.taskArn, stream });
  }
  return wanted;
}
