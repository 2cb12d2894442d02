import { Construct } from "constructs";
import { Fn } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { LogGroup } from "../task/log-group";
import { MAIN_RESOURCE_ID, fitName } from "../app/naming";

export interface StoppedTaskEventsProps {
  /** Names the rule and the log group (`/aws/events/ecs/<name>/stopped-tasks`). */
  readonly name: string;
  /** Cluster of the service. */
  readonly clusterArn: string;
  /** The service whose tasks are watched. */
  readonly serviceName: string;
  /**
   * Days to keep the events.
   * @default 30
   */
  readonly retentionDays?: number;
  /**
   * SNS topic that also gets each event.
   * @default none
   */
  readonly topicArn?: string;
}

const MAX_RULE_NAME_LENGTH = 64;
const MAX_RESOURCE_POLICY_NAME_LENGTH = 255;

/**
 * Keeps the record ECS throws away: every task of the service that stops, with its stop reason and its
 * containers' exit codes, written by EventBridge to a log group (and optionally an SNS topic). It is
 * where to look when a deployment is rolled back, long after the console's task list has forgotten it.
 */
export class StoppedTaskEvents extends Construct {
  public readonly rule: CloudwatchEventRule;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: StoppedTaskEventsProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, "log_group", {
      name: stoppedTasksLogGroupName(props.name),
      retentionDays: props.retentionDays,
    });
    // EventBridge writes to CloudWatch Logs through the log group's resource policy, not a role.
    const delivery = new CloudwatchLogResourcePolicy(this, "delivery_policy", {
      policyName: fitName(`${props.name}-stopped-task-events`, MAX_RESOURCE_POLICY_NAME_LENGTH),
      policyDocument: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EventBridgeDelivery",
            Effect: "Allow",
            Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${this.logGroup.arn}:*`,
          },
        ],
      }),
    });
    this.rule = new CloudwatchEventRule(this, MAIN_RESOURCE_ID, {
      name: fitName(`${props.name}-stopped-tasks`, MAX_RULE_NAME_LENGTH),
      description: `Tasks of the ${props.serviceName} service that stopped, with their reasons`,
      eventPattern: Fn.jsonencode({
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
          clusterArn: [props.clusterArn],
          group: [`service:${props.serviceName}`],
          lastStatus: ["STOPPED"],
        },
      }),
    });
    new CloudwatchEventTarget(this, "to_logs", {
      rule: this.rule.name,
      arn: this.logGroup.arn,
      dependsOn: [delivery],
    });
    if (props.topicArn) {
      new CloudwatchEventTarget(this, "to_topic", { rule: this.rule.name, arn: props.topicArn });
    }
  }
}

/** Where the stopped-task events of `name` are kept. */
export function stoppedTasksLogGroupName(name: string): string {
  return `/aws/events/ecs/${name}/stopped-tasks`;
}
