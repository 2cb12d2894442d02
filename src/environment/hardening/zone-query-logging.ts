import { Construct } from "constructs";
import { Route53QueryLog } from "@cdktf/provider-aws/lib/route53-query-log";
import { LogGroup } from "../../task/log-group";
import { MAIN_RESOURCE_ID } from "../../app/naming";
import { QUERY_LOG_GROUP_PREFIX, QueryLogDelivery } from "./query-log-delivery";
import type { IHostedZone } from "../hosted-zone";

export interface ZoneQueryLoggingProps {
  /** The public zone whose queries are logged. */
  readonly zone: IHostedZone;
  /** The environment's resource policy (and key) in us-east-1 that the log group relies on. */
  readonly delivery: QueryLogDelivery;
  /**
   * Days to keep the queries.
   * @default 365: DNS queries are looked up in investigations that reach back months
   */
  readonly retentionDays?: number;
}

const DEFAULT_RETENTION_DAYS = 365;

/**
 * Route53 query logging of a public hosted zone: every query Route53's name servers answer for it, to the
 * log group `/aws/route53/<zone>` in us-east-1, where Route53 requires it
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/query-logs.html).
 */
export class ZoneQueryLogging extends Construct {
  public readonly logGroup: LogGroup;
  public readonly queryLog: Route53QueryLog;

  constructor(scope: Construct, id: string, props: ZoneQueryLoggingProps) {
    super(scope, id);
    const { delivery } = props;
    this.logGroup = new LogGroup(this, "log_group", {
      name: `${QUERY_LOG_GROUP_PREFIX}${props.zone.zoneName}`,
      retentionDays: props.retentionDays ?? DEFAULT_RETENTION_DAYS,
      kmsKeyArn: delivery.kmsKeyArn,
      provider: delivery.provider,
    });
    // Route53 checks at creation that it may write to the log group: the policy must exist first.
    this.queryLog = new Route53QueryLog(this, MAIN_RESOURCE_ID, {
      zoneId: props.zone.zoneId,
      cloudwatchLogGroupArn: this.logGroup.arn,
      dependsOn: [delivery.policy],
    });
  }
}
