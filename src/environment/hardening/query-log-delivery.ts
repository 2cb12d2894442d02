import { Construct } from "constructs";
import { Fn } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { MAIN_RESOURCE_ID, fitName } from "../../app/naming";
import { US_EAST_1, usEast1Provider } from "../../app/us-east-1-provider";
import { EncryptionKey } from "./encryption-key";

export interface QueryLogDeliveryProps {
  /** The environment's name: it names the policy and the key's alias. */
  readonly name: string;
  /** The account of the zones and log groups: only its hosted zones may write. */
  readonly accountId: string;
  /**
   * Encrypt the query log groups with a customer managed key in us-east-1 (the environment's own key is in
   * its region, and CloudWatch Logs uses only a key of the log group's region).
   * @default false
   */
  readonly encrypt?: boolean;
}

export const QUERY_LOG_GROUP_PREFIX = "/aws/route53/";
const MAX_RESOURCE_POLICY_NAME_LENGTH = 255;

/**
 * What the query logs of all of an environment's hosted zones share in us-east-1: the CloudWatch Logs
 * resource policy that lets Route53 write to `/aws/route53/*` log groups, only for this account's zones
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html), and the
 * key that encrypts them, when asked. One of each per environment, not per zone: an account may have only 10
 * resource policies per region (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html).
 */
export class QueryLogDelivery extends Construct {
  public readonly policy: CloudwatchLogResourcePolicy;
  public readonly provider: AwsProvider;
  /** The key of the log groups, when `encrypt` is on. */
  public readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: QueryLogDeliveryProps) {
    super(scope, id);
    this.provider = usEast1Provider(this);
    this.policy = new CloudwatchLogResourcePolicy(this, MAIN_RESOURCE_ID, {
      policyName: fitName(`${props.name}-route53-query-logs`, MAX_RESOURCE_POLICY_NAME_LENGTH),
      policyDocument: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "Route53WritesQueryLogs",
            Effect: "Allow",
            Principal: { Service: "route53.amazonaws.com" },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `arn:aws:logs:${US_EAST_1}:${props.accountId}:log-group:${QUERY_LOG_GROUP_PREFIX}*`,
            Condition: {
              StringEquals: { "aws:SourceAccount": props.accountId },
              ArnLike: { "aws:SourceArn": "arn:aws:route53:::hostedzone/*" },
            },
          },
        ],
      }),
      provider: this.provider,
    });
    this.kmsKeyArn = props.encrypt
      ? new EncryptionKey(this, "key", {
          name: `${props.name}-route53-query-logs`,
          description: `Route53 query logs of the ${props.name} environment's hosted zones`,
          accountId: props.accountId,
          region: US_EAST_1,
          forCloudWatchLogs: true,
          provider: this.provider,
        }).arn
      : undefined;
  }
}
