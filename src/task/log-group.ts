import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { reportInvalid } from "../checks/validation";
import { MAIN_RESOURCE_ID } from "../app/naming";

export interface LogGroupProps {
  /** Log group name, e.g. `/ecs/hello`. */
  readonly name: string;
  /**
   * Days to keep log events.
   * @default 30
   */
  readonly retentionDays?: number;
  /**
   * KMS key ARN to encrypt the log events with.
   * @default the service's own encryption
   */
  readonly kmsKeyArn?: string;
  /**
   * The provider of another region (Route53's query logs are in us-east-1).
   * @default the stack's provider
   */
  readonly provider?: TerraformProvider;
}

const LOG_GROUP_NAME = /^[\w\-/.#]{1,512}$/;

/** Values CloudWatch Logs accepts for `retention_in_days`. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** A CloudWatch log group for the containers' awslogs driver, with a retention so logs don't pile up forever. */
export class LogGroup extends Construct {
  public readonly logGroup: CloudwatchLogGroup;
  public readonly name: string;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: LogGroupProps) {
    super(scope, id);
    if (!LOG_GROUP_NAME.test(props.name)) {
      reportInvalid(this, {
        field: "name",
        value: props.name,
        allowed: "1 to 512 letters, digits and _ - / . #",
        fix: "use a path such as /ecs/my-app",
      });
    }
    const retentionDays = props.retentionDays ?? 30;
    if (!LOG_RETENTION_DAYS.includes(retentionDays)) {
      reportInvalid(this, {
        field: "retentionDays",
        value: retentionDays,
        allowed: `CloudWatch Logs keeps events for one of ${LOG_RETENTION_DAYS.join(", ")} days`,
        fix: "pick one of those values",
      });
    }
    this.logGroup = new CloudwatchLogGroup(this, MAIN_RESOURCE_ID, {
      name: props.name,
      retentionInDays: retentionDays,
      kmsKeyId: props.kmsKeyArn,
      provider: props.provider,
    });
    this.name = this.logGroup.name;
    this.arn = this.logGroup.arn;
  }
}
