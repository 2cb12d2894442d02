import { Fn, TerraformOutput } from "cdktf";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Environment } from "../environment/environment";
import { taskPlacement } from "../environment/network";
import { TaskRole } from "../task/task-role";
import { taskSecurityGroup } from "../task/task-security-group";
import { reportInvalid } from "../checks/validation";
import { CapacityProviders, capacityProviderStrategy } from "./capacity";
import { WORKLOAD_PROP_KEYS, WorkloadBase, WorkloadProps } from "./workload-base";
import { rejectUnknownProps } from "../checks/unknown-props";

export interface ScheduledTaskProps extends WorkloadProps {
  /** When it runs: `cron(0 3 * * ? *)`, `rate(6 hours)` or `at(2026-12-24T18:00:00)`, as EventBridge Scheduler takes it. */
  readonly schedule: string;
  /**
   * IANA time zone of the schedule, e.g. `Europe/Paris`: a cron follows its daylight saving time.
   * @default "UTC"
   */
  readonly timeZone?: string;
  /**
   * FARGATE and FARGATE_SPOT shares of the run.
   * @default on-demand Fargate (launch type FARGATE)
   */
  readonly capacity?: CapacityProviders;
  /**
   * Times Scheduler retries starting a run that failed to start (0 to 185).
   * @default 2
   */
  readonly retries?: number;
}

const SCHEDULED_TASK_PROP_KEYS: Record<keyof ScheduledTaskProps, true> = {
  ...WORKLOAD_PROP_KEYS,
  schedule: true, timeZone: true, capacity: true, retries: true,
};

/** EventBridge Scheduler limits: https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html */
const MAX_RETRIES = 185;
const SCHEDULE = /^(cron\(.+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\))$/;
const FOURTEEN_DAYS_SECONDS = 1209600;

/**
 * A task run on a schedule by EventBridge Scheduler, in the environment's task subnets. Scheduler's role
 * may run that task family only and pass exactly its two roles. A run that cannot start goes, after the
 * retries, to a dead-letter queue that raises an alarm; a run that starts and fails is in the environment's
 * stopped-task record, with its exit code.
 */
export class ScheduledTask extends WorkloadBase {
  public readonly schedule: SchedulerSchedule;
  public readonly schedulerRole: TaskRole;
  public readonly failedRuns: SqsQueue;
  public readonly failedRunsAlarm: CloudwatchMetricAlarm;

  constructor(environment: Environment, id: string, props: ScheduledTaskProps) {
    super(environment, id, props);
    rejectUnknownProps(this, props, Object.keys(SCHEDULED_TASK_PROP_KEYS), "ScheduledTaskProps");
    if (!SCHEDULE.test(props.schedule)) {
      reportInvalid(this, {
        field: "schedule",
        value: props.schedule,
        allowed: "cron(…), rate(N minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss) (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html)",
        fix: "e.g. cron(0 3 * * ? *) for 03:00 every day",
      });
    }
    const retries = props.retries ?? 2;
    if (!(Number.isInteger(retries) && retries >= 0 && retries <= MAX_RETRIES)) {
      reportInvalid(this, { field: "retries", value: retries, allowed: `a whole number from 0 to ${MAX_RETRIES}`, fix: "use 2" });
    }
    const securityGroup = taskSecurityGroup(this, this.resourceName, environment.network, environment.taskEgress);
    this.admitToFileSystems(securityGroup.id);
    environment.stoppedTaskEvents?.watchFamily(this.taskDefinition.family);

    this.failedRuns = new SqsQueue(this, "failed_runs", {
      name: `${this.resourceName}-failed-runs`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: FOURTEEN_DAYS_SECONDS,
    });
    const alerts = environment.alertTopic && [environment.alertTopic.topicArn];
    this.failedRunsAlarm = new CloudwatchMetricAlarm(this, "failed_runs_alarm", {
      alarmName: `${this.resourceName}-failed-runs`,
      alarmDescription: `A scheduled run of ${this.resourceName} could not start. Its event is in the queue ${this.resourceName}-failed-runs.`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: this.failedRuns.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: alerts,
      okActions: alerts,
    });

    this.schedulerRole = new TaskRole(this, "scheduler_role", {
      name: `${this.resourceName}-scheduler`,
      description: `EventBridge Scheduler runs the ${this.resourceName} task with this role`,
      assumedBy: "scheduler.amazonaws.com",
    });
    const taskDefinition = this.taskDefinition.taskDefinition;
    this.schedulerRole.addToPolicy({ sid: "RunTheTask", actions: ["ecs:RunTask"], resources: [`${taskDefinition.arnWithoutRevision}:*`] });
    // The run is tagged (managed tags, the task definition's tags), which ECS authorizes as ecs:TagResource on the task.
    this.schedulerRole.addToPolicy({
      sid: "TagTheRun",
      actions: ["ecs:TagResource"],
      resources: [`${Fn.replace(environment.cluster.clusterArn, ":cluster/", ":task/")}/*`],
    });
    this.schedulerRole.addToPolicy({
      sid: "PassTheTaskRoles",
      actions: ["iam:PassRole"],
      resources: [this.taskDefinition.executionRole.arn, this.taskDefinition.taskRole.arn],
    });
    this.schedulerRole.addToPolicy({ sid: "RecordFailedRuns", actions: ["sqs:SendMessage"], resources: [this.failedRuns.arn] });

    this.schedule = new SchedulerSchedule(this, "schedule", {
      name: this.resourceName,
      description: `Runs the ${this.resourceName} task`,
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: props.timeZone ?? "UTC",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: environment.cluster.clusterArn,
        roleArn: this.schedulerRole.arn,
        ecsParameters: {
          taskDefinitionArn: taskDefinition.arn,
          launchType: props.capacity ? undefined : "FARGATE",
          capacityProviderStrategy: props.capacity && capacityProviderStrategy(this, props.capacity),
          platformVersion: "LATEST",
          networkConfiguration: { ...taskPlacement(environment.network), securityGroups: [securityGroup.id] },
          enableEcsManagedTags: true,
          propagateTags: "TASK_DEFINITION",
        },
        retryPolicy: { maximumRetryAttempts: retries, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: this.failedRuns.arn },
      },
    });
    new TerraformOutput(this, "schedule_name", { description: "EventBridge Scheduler schedule that runs the task", value: this.schedule.name });
  }
}
