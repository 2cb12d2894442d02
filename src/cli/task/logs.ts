import { GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { LogsApi } from "../status/logs";
import { describeAwsError } from "../status/ecs";

/*
 * Following the container's CloudWatch Logs stream while the task runs: GetLogEvents from the head, then
 * from each answer's nextForwardToken, so every line is printed once and in order. The stream appears when
 * the container starts; until then "does not exist" is expected. Reading the log never fails the command:
 * an error other than that is reported once and the task is still followed to its end.
 */

/** The last lines kept for the diagnosis (an "exec format error" is only in the log). */
const TAIL_LINES = 20;

/** Pages read per poll before the task's state is looked at again (each holds up to 10,000 events). */
const MAX_PAGES_PER_POLL = 20;

export class LogFollower {
  private token: string | undefined;
  private failed = false;
  /** Whether the stream has been found. */
  found = false;
  /** Lines printed so far. */
  lines = 0;
  /** The last lines printed. */
  readonly tail: string[] = [];

  constructor(
    private readonly logs: LogsApi,
    readonly group: string,
    readonly stream: string,
    private readonly print: (line: string) => void,
    private readonly warn: (message: string) => void,
  ) {}

  /** Prints the lines written since the last poll. */
  async poll(): Promise<void> {
    for (let page = 0; page < MAX_PAGES_PER_POLL && !this.failed; page++) {
      const sent = this.token;
      let output;
      try {
        output = await this.logs.send(
          new GetLogEventsCommand({ logGroupName: this.group, logStreamName: this.stream, startFromHead: true, nextToken: sent }),
        );
      } catch (error) {
        const name = error instanceof Error ? error.name : "";
        // The stream is created when the container starts; throttling: the next poll reads on.
        if (name === "ResourceNotFoundException" || name === "ThrottlingException") return;
        this.failed = true;
        this.warn(`the log could not be read (${describeAwsError(error)}); the task is still followed to its end`);
        return;
      }
      this.found = true;
      for (const event of output.events ?? []) {
        const line = (event.message ?? "").replace(/\r?\n$/, "");
        this.print(line);
        this.lines++;
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
      }
      // CloudWatch answers the token it was given once there is nothing newer; an empty page with a new
      // token can still have events behind it.
      const next = output.nextForwardToken;
      if (!next || next === sent) return;
      this.token = next;
    }
  }
}
