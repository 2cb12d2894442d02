import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { MAIN_RESOURCE_ID, snakeCase } from "../app/naming";
import { reportInvalid } from "../checks/validation";

/** A change of the task range at set times: a dev environment scaled to zero at night, say. */
export interface ScheduledScaling {
  /** Names the scheduled action, unique in the service. */
  readonly name: string;
  /** `cron(0 20 ? * MON-FRI *)`, `rate(1 day)` or `at(2026-12-24T18:00:00)`, as Application Auto Scaling takes it. */
  readonly schedule: string;
  /**
   * IANA time zone of the schedule, e.g. `Europe/Paris`.
   * @default "UTC"
   */
  readonly timeZone?: string;
  readonly minTasks: number;
  readonly maxTasks: number;
}

/** How a service scales: the range of its task count and the targets that move it. */
export interface AutoScalingOptions {
  /** Fewest tasks; 0 lets a scheduled action stop the service. */
  readonly minTasks: number;
  /** Most tasks. */
  readonly maxTasks: number;
  /**
   * Average CPU utilization of the tasks to keep, in percent.
   * @default 70 when no other target is given, else none
   */
  readonly targetCpuPercent?: number;
  /**
   * Average memory utilization of the tasks to keep, in percent.
   * @default none
   */
  readonly targetMemoryPercent?: number;
  /**
   * Load balancer requests per task and minute to keep (web services).
   * @default none
   */
  readonly requestsPerTarget?: number;
  /**
   * Queue messages waiting per running task to keep (worker services with a queue).
   * @default none
   */
  readonly messagesPerTask?: number;
  /**
   * Seconds after a scale-in before the next one.
   * @default 300
   */
  readonly scaleInCooldownSeconds?: number;
  /**
   * Seconds after a scale-out before the next one.
   * @default 60
   */
  readonly scaleOutCooldownSeconds?: number;
  /**
   * Changes of the range at set times.
   * @default none
   */
  readonly schedules?: ScheduledScaling[];
}

export interface ServiceAutoScalingProps extends AutoScalingOptions {
  readonly clusterName: string;
  readonly serviceName: string;
  /** Names the policies. */
  readonly name: string;
  /** `<load balancer arn suffix>/<target group arn suffix>`, for `requestsPerTarget`. */
  readonly requestCountResourceLabel?: string;
  /** The queue whose backlog `messagesPerTask` divides among the running tasks. */
  readonly queueName?: string;
}

/** The service quota of tasks per service: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html */
const MAX_TASKS = 5000;
const SCHEDULE = /^(cron\(.+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\))$/;

/**
 * Application Auto Scaling of an ECS service's task count: target tracking on CPU, memory, requests per
 * target or queue backlog per task (the metric math AWS recommends:
 * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html),
 * and scheduled changes of the range. The service then leaves `desired_count` to the scaler.
 */
export class ServiceAutoScaling extends Construct {
  public readonly target: AppautoscalingTarget;
  public readonly policies: AppautoscalingPolicy[] = [];

  constructor(scope: Construct, id: string, props: ServiceAutoScalingProps) {
    super(scope, id);
    this.validate(props);
    this.target = new AppautoscalingTarget(this, MAIN_RESOURCE_ID, {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: props.minTasks,
      maxCapacity: props.maxTasks,
    });
    const noTarget =
      props.targetCpuPercent === undefined &&
      props.targetMemoryPercent === undefined &&
      props.requestsPerTarget === undefined &&
      props.messagesPerTask === undefined;
    const cpu = props.targetCpuPercent ?? (noTarget ? 70 : undefined);
    if (cpu !== undefined) this.track("cpu", props, cpu, { predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" } });
    if (props.targetMemoryPercent !== undefined) {
      this.track("memory", props, props.targetMemoryPercent, {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageMemoryUtilization" },
      });
    }
    if (props.requestsPerTarget !== undefined && props.requestCountResourceLabel) {
      this.track("requests", props, props.requestsPerTarget, {
        predefinedMetricSpecification: { predefinedMetricType: "ALBRequestCountPerTarget", resourceLabel: props.requestCountResourceLabel },
      });
    }
    if (props.messagesPerTask !== undefined && props.queueName) {
      this.track("backlog", props, props.messagesPerTask, {
        customizedMetricSpecification: {
          metrics: [
            {
              id: "visible",
              metricStat: {
                metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: props.queueName }] },
                stat: "Sum",
              },
              returnData: false,
            },
            {
              id: "tasks",
              metricStat: {
                metric: {
                  namespace: "ECS/ContainerInsights",
                  metricName: "RunningTaskCount",
                  dimensions: [
                    { name: "ClusterName", value: props.clusterName },
                    { name: "ServiceName", value: props.serviceName },
                  ],
                },
                stat: "Average",
              },
              returnData: false,
            },
            // With no task running the backlog is the whole queue, so the first task starts.
            { id: "backlog", expression: "visible / IF(tasks > 0, tasks, 1)", label: "Messages waiting per running task", returnData: true },
          ],
        },
      });
    }
    const ids = new Set<string>();
    for (const schedule of props.schedules ?? []) {
      const id = `schedule_${snakeCase(schedule.name)}`;
      if (ids.has(id)) continue; // reported by validate()
      ids.add(id);
      new AppautoscalingScheduledAction(this, id, {
        name: `${props.name}-${schedule.name}`,
        serviceNamespace: this.target.serviceNamespace,
        scalableDimension: this.target.scalableDimension,
        resourceId: this.target.resourceId,
        schedule: schedule.schedule,
        timezone: schedule.timeZone,
        scalableTargetAction: { minCapacity: String(schedule.minTasks), maxCapacity: String(schedule.maxTasks) },
      });
    }
  }

  private track(
    metric: string,
    props: ServiceAutoScalingProps,
    targetValue: number,
    specification: Record<string, unknown>,
  ): void {
    this.policies.push(
      new AppautoscalingPolicy(this, metric, {
        name: `${props.name}-${metric}`,
        policyType: "TargetTrackingScaling",
        serviceNamespace: this.target.serviceNamespace,
        scalableDimension: this.target.scalableDimension,
        resourceId: this.target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue,
          scaleInCooldown: props.scaleInCooldownSeconds ?? 300,
          scaleOutCooldown: props.scaleOutCooldownSeconds ?? 60,
          ...specification,
        },
      }),
    );
  }

  private validate(props: ServiceAutoScalingProps): void {
    const tasks = (field: string, value: number, fix: string) => {
      if (!(Number.isInteger(value) && value >= 0 && value <= MAX_TASKS)) {
        reportInvalid(this, { field, value, allowed: `a whole number of tasks from 0 to ${MAX_TASKS}`, fix });
      }
    };
    tasks("autoScaling.minTasks", props.minTasks, "use 2 or more in production, 0 to let a schedule stop the service");
    tasks("autoScaling.maxTasks", props.maxTasks, "use the most tasks the service may ever need");
    if (props.maxTasks < props.minTasks) {
      reportInvalid(this, { field: "autoScaling.maxTasks", value: props.maxTasks, allowed: `at least minTasks (${props.minTasks})`, fix: "raise maxTasks or lower minTasks" });
    }
    for (const [field, value] of [
      ["targetCpuPercent", props.targetCpuPercent],
      ["targetMemoryPercent", props.targetMemoryPercent],
    ] as const) {
      if (value !== undefined && !(value > 0 && value <= 100)) {
        reportInvalid(this, { field: `autoScaling.${field}`, value, allowed: "a utilization above 0 and up to 100 percent", fix: "use 50 to 75" });
      }
    }
    for (const [field, value] of [
      ["requestsPerTarget", props.requestsPerTarget],
      ["messagesPerTask", props.messagesPerTask],
    ] as const) {
      if (value !== undefined && !(value > 0)) {
        reportInvalid(this, { field: `autoScaling.${field}`, value, allowed: "a number above 0", fix: "use what one task handles comfortably" });
      }
    }
    if (props.requestsPerTarget !== undefined && !props.requestCountResourceLabel) {
      reportInvalid(this, { field: "autoScaling.requestsPerTarget", allowed: "requests per target are counted by a load balancer, and this service has none", fix: "scale on CPU or memory, or use a web service" });
    }
    if (props.messagesPerTask !== undefined && !props.queueName) {
      reportInvalid(this, { field: "autoScaling.messagesPerTask", allowed: "the backlog is counted on the worker's queue, and this service has none", fix: "give the worker a `queue`, or scale on CPU" });
    }
    const names = new Set<string>();
    (props.schedules ?? []).forEach((schedule, index) => {
      // Names that differ only in - and _ would name the same resource.
      if (names.has(snakeCase(schedule.name))) {
        reportInvalid(this, { field: `autoScaling.schedules[${index}].name`, value: schedule.name, allowed: "each schedule of a service has its own name", fix: "rename one of them" });
      }
      names.add(snakeCase(schedule.name));
      if (!SCHEDULE.test(schedule.schedule)) {
        reportInvalid(this, {
          field: `autoScaling.schedules[${index}].schedule`,
          value: schedule.schedule,
          allowed: "cron(…), rate(N minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss) (https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html)",
          fix: "e.g. cron(0 20 ? * MON-FRI *)",
        });
      }
      tasks(`autoScaling.schedules[${index}].minTasks`, schedule.minTasks, "0 stops the service");
      tasks(`autoScaling.schedules[${index}].maxTasks`, schedule.maxTasks, "0 stops the service");
      if (schedule.maxTasks < schedule.minTasks) {
        reportInvalid(this, { field: `autoScaling.schedules[${index}].maxTasks`, value: schedule.maxTasks, allowed: `at least its minTasks (${schedule.minTasks})`, fix: "raise maxTasks or lower minTasks" });
      }
    });
  }
}
