import { Construct } from "constructs";
import { Fn, Lazy } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { LogGroup } from "../task/log-group";
import { MAIN_RESOURCE_ID, fitName } from "../app/naming";

export interface StoppedTaskEventsProps {
  /** Names the rule and the log group (`/aws/events/ecs/<name>/stopped-tasks`): the environment's name. */
  readonly name: string;
  /** Cluster of the tasks. */
  readonly clusterArn: string;
  /**
   * Days to keep the events.
   * @default 30
   */
  readonly retentionDays?: number;
  /**
   * KMS key ARN of the log group.
   * @default CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
  /**
   * SNS topic that also gets each event.
   * @default none
   */
  readonly topicArn?: string;
}

const MAX_RULE_NAME_LENGTH = 64;
const MAX_RESOURCE_POLICY_NAME_LENGTH = 255;

/**
 * Keeps the record ECS throws away: every task of the environment's services that stops, with its stop
 * reason and its containers' exit codes, written by EventBridge to one log group (and optionally an SNS
 * topic). It is where to look when a deployment is rolled back, long after the console's task list has
 * forgotten it. One rule, one log group and one CloudWatch Logs resource policy per environment: AWS allows
 * 10 resource policies per account and region
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html).
 */
export class StoppedTaskEvents extends Construct {
  public readonly rule: CloudwatchEventRule;
  public readonly logGroup: LogGroup;
  /** Name of the log group, known at synth (for messages). */
  public readonly logGroupName: string;
  /** ECS task groups watched: `service:<name>` for a service, `family:<family>` for tasks run alone. */
  private readonly groups: string[] = [];

  constructor(scope: Construct, id: string, props: StoppedTaskEventsProps) {
    super(scope, id);
    this.logGroupName = stoppedTasksLogGroupName(props.name);
    this.logGroup = new LogGroup(this, "log_group", {
      name: this.logGroupName,
      retentionDays: props.retentionDays,
      kmsKeyArn: props.kmsKeyArn,
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
      description: `Tasks of the ${props.name} environment that stopped, with their reasons`,
      // Only this environment's tasks, also when it shares an existing cluster: known once every service is added.
      eventPattern: Lazy.stringValue({
        produce: () =>
          Fn.jsonencode({
            source: ["aws.ecs"],
            "detail-type": ["ECS Task State Change"],
            detail: { clusterArn: [props.clusterArn], group: this.groups, lastStatus: ["STOPPED"] },
          }),
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

  /** Watches the tasks of the ECS service `serviceName`. */
  watchService(serviceName: string): void {
    this.groups.push(`service:${serviceName}`);
  }

  /** Watches the tasks of a task definition family run outside a service (a schedule, a one-off run). */
  watchFamily(family: string): void {
    this.groups.push(`family:${family}`);
  }
}

/** Where the stopped-task events of the environment `name` are kept. */
export function stoppedTasksLogGroupName(name: string): string {
  return `/aws/events/ecs/${name}/stopped-tasks`;
}
