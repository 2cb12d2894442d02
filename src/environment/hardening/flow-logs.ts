import { Construct } from "constructs";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { LogGroup } from "../../task/log-group";
import { TaskRole } from "../../task/task-role";
import { MAIN_RESOURCE_ID } from "../../app/naming";

export interface FlowLogsProps {
  /** The environment's name: the log group is `/aws/vpc/<name>/flow-logs`, the role `<name>-flow-logs`. */
  readonly name: string;
  readonly vpcId: string;
  /**
   * Days to keep the records.
   * @default 90
   */
  readonly retentionDays?: number;
  /**
   * KMS key ARN of the log group.
   * @default CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
}

/**
 * VPC flow logs of every accepted and rejected connection in the network, delivered to CloudWatch Logs
 * by a role that may write only to their log group
 * (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html).
 */
export class FlowLogs extends Construct {
  public readonly flowLog: FlowLog;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: FlowLogsProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, "log_group", {
      name: `/aws/vpc/${props.name}/flow-logs`,
      retentionDays: props.retentionDays ?? 90,
      kmsKeyArn: props.kmsKeyArn,
    });
    const role = new TaskRole(this, "role", {
      name: `${props.name}-flow-logs`,
      description: `Delivers the ${props.name} VPC's flow logs to CloudWatch Logs`,
      assumedBy: "vpc-flow-logs.amazonaws.com",
    });
    role.addToPolicy({
      sid: "DeliverFlowLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      resources: [`${this.logGroup.arn}:*`],
    });
    this.flowLog = new FlowLog(this, MAIN_RESOURCE_ID, {
      vpcId: props.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.logGroup.arn,
      iamRoleArn: role.arn,
      tags: { Name: `${props.name}-flow-logs` },
    });
  }
}
