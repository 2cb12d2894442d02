import { Construct } from "constructs";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { MAIN_RESOURCE_ID } from "../app/naming";
import { reportInvalid } from "../checks/validation";
import type { TaskRole } from "../task/task-role";

/** A queue a worker consumes: its name (for the backlog metric) and ARN (for grants). */
export interface IQueue {
  readonly queueName: string;
  readonly queueArn: string;
}

export interface QueueProps {
  /** Queue name, unique in the account and region. */
  readonly name: string;
  /**
   * Seconds a received message stays hidden from other consumers; longer than a job takes.
   * @default 30
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Receives after which a message that keeps failing moves to the dead-letter queue `<name>-dead-letter`.
   * @default 5
   */
  readonly maxReceiveCount?: number;
}

/** SQS limits: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html */
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,68}$/; // 80 characters, less the `-dead-letter` suffix
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43200;
const FOURTEEN_DAYS_SECONDS = 1209600;

/**
 * An SQS queue for jobs, encrypted with SQS's own keys, with a dead-letter queue for messages that keep
 * failing (kept 14 days, so they can be looked at and replayed).
 */
export class Queue extends Construct implements IQueue {
  /** A queue that exists already, by ARN (`arn:aws:sqs:<region>:<account>:<name>`). */
  static fromArn(queueArn: string): IQueue {
    return { queueArn, queueName: queueArn.split(":").pop() ?? queueArn };
  }

  public readonly queue: SqsQueue;
  public readonly deadLetterQueue: SqsQueue;
  public readonly queueName: string;
  public readonly queueArn: string;
  public readonly queueUrl: string;

  constructor(scope: Construct, id: string, props: QueueProps) {
    super(scope, id);
    if (!QUEUE_NAME.test(props.name)) {
      reportInvalid(this, { field: "name", value: props.name, allowed: "1 to 68 letters, digits, hyphens and underscores", fix: "use a name such as \"shop-prod-jobs\"" });
    }
    const visibility = props.visibilityTimeoutSeconds ?? 30;
    if (!(Number.isInteger(visibility) && visibility >= 0 && visibility <= MAX_VISIBILITY_TIMEOUT_SECONDS)) {
      reportInvalid(this, { field: "visibilityTimeoutSeconds", value: visibility, allowed: `whole seconds from 0 to ${MAX_VISIBILITY_TIMEOUT_SECONDS} (12 hours)`, fix: "use a little more than the longest job takes" });
    }
    const receives = props.maxReceiveCount ?? 5;
    if (!(Number.isInteger(receives) && receives >= 1 && receives <= 1000)) {
      reportInvalid(this, { field: "maxReceiveCount", value: receives, allowed: "a whole number from 1 to 1000", fix: "use 3 to 5" });
    }
    this.deadLetterQueue = new SqsQueue(this, "dead_letter", {
      name: `${props.name}-dead-letter`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: FOURTEEN_DAYS_SECONDS,
    });
    this.queue = new SqsQueue(this, MAIN_RESOURCE_ID, {
      name: props.name,
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: visibility,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: receives }),
    });
    this.queueName = props.name;
    this.queueArn = this.queue.arn;
    this.queueUrl = this.queue.url;
  }
}

/** Lets `role` receive, delete and hold messages of `queue`, and read its attributes. */
export function grantConsume(role: TaskRole, queue: IQueue): void {
  role.addToPolicy({
    sid: "ConsumeQueues",
    actions: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
    resources: [queue.queueArn],
  });
}
