import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { LoadBalancer } from "../environment/load-balancer";
import { TargetGroup } from "./target-group";
import { reportInvalid } from "../checks/validation";

export interface ServiceAlarmsProps {
  /** Prefix of the alarm names. */
  readonly name: string;
  /** The load balancer whose metrics are watched. */
  readonly loadBalancer: LoadBalancer;
  /** The service's target group on it. */
  readonly targetGroup: TargetGroup;
  /**
   * Target 5xx responses per minute that, in 3 of 5 minutes, raise the 5xx alarm.
   * @default 10
   */
  readonly target5xxPerMinute?: number;
  /**
   * Where the alarms notify (SNS topic ARNs), on alarm and on recovery.
   * @default none: the alarms are visible in CloudWatch and to the service's deployment
   */
  readonly actions?: string[];
}

/**
 * CloudWatch alarms on what users feel: targets failing their health check, and the app answering 5xx.
 * The service can use them as deployment alarms, rolling back a deployment that trips them.
 */
export class ServiceAlarms extends Construct {
  public readonly unhealthyTargets: CloudwatchMetricAlarm;
  public readonly target5xx: CloudwatchMetricAlarm;
  public readonly alarmNames: string[];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const threshold = props.target5xxPerMinute ?? 10;
    if (!(Number.isInteger(threshold) && threshold >= 1)) {
      reportInvalid(this, {
        field: "target5xxPerMinute",
        value: threshold,
        allowed: "a whole number of responses, 1 or more",
        fix: "use 10 for a busy app, 1 to hear of every error",
      });
    }
    const common = {
      namespace: "AWS/ApplicationELB",
      period: 60,
      treatMissingData: "notBreaching",
      dimensions: {
        LoadBalancer: props.loadBalancer.arnSuffix,
        TargetGroup: props.targetGroup.arnSuffix,
      },
      alarmActions: props.actions,
      okActions: props.actions,
    };
    this.unhealthyTargets = new CloudwatchMetricAlarm(this, "unhealthy_targets", {
      ...common,
      alarmName: `${props.name}-unhealthy-targets`,
      alarmDescription: `Tasks of ${props.name} fail the load balancer's health check. Run \`npm run status\` for the stopped tasks' reasons.`,
      metricName: "UnHealthyHostCount",
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });
    this.target5xx = new CloudwatchMetricAlarm(this, "target_5xx", {
      ...common,
      alarmName: `${props.name}-target-5xx`,
      alarmDescription: `${props.name} answers 5xx: ${threshold} or more a minute. Read the container logs.`,
      metricName: "HTTPCode_Target_5XX_Count",
      statistic: "Sum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
    this.alarmNames = [this.unhealthyTargets.alarmName, this.target5xx.alarmName];
  }
}
