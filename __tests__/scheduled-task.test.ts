import { Environment, EnvironmentProps, FargateStack, ScheduledTask, ScheduledTaskProps, WorkerService } from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

/*
 * ScheduledTask: a task run by EventBridge Scheduler in the environment's private subnets. Asserted on the
 * synthesized JSON of the task "report" in the environment "platform" (named platform-prod).
 */

const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";
const REPORT = "[test/platform/report]";
const LEGACY_ROLE = "arn:aws:iam::123456789012:role/legacy-ecs-execution";

const build =
  (props: Partial<ScheduledTaskProps> = {}, environment: Partial<EnvironmentProps> = {}) =>
  (stack: FargateStack) => {
    const platform = new Environment(stack, "platform", { name: "platform-prod", ...environment });
    new ScheduledTask(platform, "report", { image: IMAGE, schedule: "cron(0 3 * * ? *)", ...props });
  };
const synthTask = (props?: Partial<ScheduledTaskProps>, environment?: Partial<EnvironmentProps>): TerraformJson =>
  synthesize(build(props, environment));
const taskErrors = (props?: Partial<ScheduledTaskProps>): string[] => synthErrors(build(props));

const schedulerStatements = (json: TerraformJson) =>
  decodeJsonencode(resourcesOf(json, "aws_iam_role_policy").platform_report_scheduler_role_policy.policy).Statement;

describe("ScheduledTask defaults: report at 03:00 every day", () => {
  const json = synthTask();

  test("a schedule named <environment>-<task>: the expression, UTC, no flexible window, the cluster as target", () => {
    expect(resourcesOf(json, "aws_scheduler_schedule")).toEqual({
      platform_report_schedule: {
        name: "platform-prod-report",
        description: "Runs the platform-prod-report task",
        schedule_expression: "cron(0 3 * * ? *)",
        schedule_expression_timezone: "UTC",
        flexible_time_window: { mode: "OFF" },
        target: {
          arn: "${aws_ecs_cluster.platform_cluster.arn}",
          role_arn: "${aws_iam_role.platform_report_scheduler_role.arn}",
          ecs_parameters: {
            task_definition_arn: "${aws_ecs_task_definition.platform_report_task.arn}",
            launch_type: "FARGATE",
            platform_version: "LATEST",
            network_configuration: {
              subnets: ["${aws_subnet.platform_network_private_subnet_a.id}", "${aws_subnet.platform_network_private_subnet_b.id}"],
              security_groups: ["${aws_security_group.platform_report_security_group.id}"],
              assign_public_ip: false,
            },
            enable_ecs_managed_tags: true,
            propagate_tags: "TASK_DEFINITION",
          },
          retry_policy: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 },
          dead_letter_config: { arn: "${aws_sqs_queue.platform_report_failed_runs.arn}" },
        },
      },
    });
  });

  test("the scheduler role is trusted by scheduler.amazonaws.com only", () => {
    const role = resourcesOf(json, "aws_iam_role").platform_report_scheduler_role;
    expect(role.name).toBe("platform-prod-report-scheduler");
    expect(decodeJsonencode(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  test("it may run that family's revisions only, tag its runs in the cluster, pass exactly the task's two roles, and record failed runs", () => {
    expect(schedulerStatements(json)).toEqual([
      { Sid: "RunTheTask", Effect: "Allow", Action: ["ecs:RunTask"], Resource: ["${aws_ecs_task_definition.platform_report_task.arn_without_revision}:*"] },
      { Sid: "TagTheRun", Effect: "Allow", Action: ["ecs:TagResource"], Resource: ['${replace(aws_ecs_cluster.platform_cluster.arn, ":cluster/", ":task/")}/*'] },
      {
        Sid: "PassTheTaskRoles",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: ["${aws_iam_role.platform_report_task_execution_role.arn}", "${aws_iam_role.platform_report_task_role.arn}"],
      },
      { Sid: "RecordFailedRuns", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: ["${aws_sqs_queue.platform_report_failed_runs.arn}"] },
    ]);
    expect(resourcesOf(json, "aws_iam_role_policy").platform_report_scheduler_role_policy.role).toBe(
      "${aws_iam_role.platform_report_scheduler_role.name}",
    );
  });

  test("the failed-runs queue: encrypted, kept 14 days", () => {
    expect(resourcesOf(json, "aws_sqs_queue")).toEqual({
      platform_report_failed_runs: { name: "platform-prod-report-failed-runs", sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 },
    });
  });

  test("an alarm as soon as a failed run is in the queue; no alert topic, so no action", () => {
    expect(resourcesOf(json, "aws_cloudwatch_metric_alarm")).toEqual({
      platform_report_failed_runs_alarm: {
        alarm_name: "platform-prod-report-failed-runs",
        alarm_description: "A scheduled run of platform-prod-report could not start. Its event is in the queue platform-prod-report-failed-runs.",
        namespace: "AWS/SQS",
        metric_name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: "${aws_sqs_queue.platform_report_failed_runs.name}" },
        statistic: "Maximum",
        period: 300,
        evaluation_periods: 1,
        threshold: 0,
        comparison_operator: "GreaterThanThreshold",
        treat_missing_data: "notBreaching",
      },
    });
  });

  test("no ECS service, no autoscaling, no load balancer", () => {
    for (const type of ["aws_ecs_service", "aws_appautoscaling_target", "aws_lb", "aws_lb_target_group", "aws_lb_listener_rule"]) {
      expect(resourcesOf(json, type)).toEqual({});
    }
  });

  test("its task definition and its own security group: all out, nothing in", () => {
    expect(onlyResource(json, "aws_ecs_task_definition").family).toBe("platform-prod-report");
    expect(resourcesOf(json, "aws_security_group").platform_report_security_group).toMatchObject({
      name: "platform-prod-report-tasks",
      vpc_id: "${aws_vpc.platform_network.id}",
    });
    expect(resourcesOf(json, "aws_vpc_security_group_egress_rule").platform_report_egress_all).toMatchObject({
      security_group_id: "${aws_security_group.platform_report_security_group.id}",
      cidr_ipv4: "0.0.0.0/0",
    });
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).toEqual({});
  });

  test("its family is watched by the environment's stopped-task record", () => {
    const pattern = decodeJsonencode(onlyResource(json, "aws_cloudwatch_event_rule").event_pattern);
    expect(pattern.detail.group).toEqual(["family:platform-prod-report"]);
  });

  test("an output names the schedule", () => {
    expect(json.output?.platform_report_schedule_name).toEqual({
      description: "EventBridge Scheduler schedule that runs the task",
      value: "${aws_scheduler_schedule.platform_report_schedule.name}",
    });
  });
});

test("with alert emails, the failed-runs alarm notifies the environment's alert topic, going off and back to OK", () => {
  const alarm = onlyResource(synthTask({}, { alertEmails: ["ops@example.com"] }), "aws_cloudwatch_metric_alarm");
  expect(alarm.alarm_actions).toEqual(["${aws_sns_topic.platform_alerts.arn}"]);
  expect(alarm.ok_actions).toEqual(["${aws_sns_topic.platform_alerts.arn}"]);
});

test("beside a service, the stopped-task record watches the service and the family", () => {
  const json = synthesize((stack) => {
    const platform = new Environment(stack, "platform", { name: "platform-prod" });
    new WorkerService(platform, "worker", { image: IMAGE });
    new ScheduledTask(platform, "report", { image: IMAGE, schedule: "rate(6 hours)" });
  });
  const pattern = decodeJsonencode(onlyResource(json, "aws_cloudwatch_event_rule").event_pattern);
  expect(pattern.detail.group).toEqual(["service:platform-prod-worker", "family:platform-prod-report"]);
});

test("timeZone sets the schedule's time zone", () => {
  expect(onlyResource(synthTask({ timeZone: "Europe/Paris" }), "aws_scheduler_schedule").schedule_expression_timezone).toBe("Europe/Paris");
});

test("an existing execution role: the scheduler may pass that role and the task role", () => {
  const json = synthesize((stack) => {
    const platform = new Environment(stack, "platform", { name: "platform-prod" });
    new ScheduledTask(platform, "report", { image: IMAGE, schedule: "rate(1 day)", executionRoleArn: LEGACY_ROLE });
  });
  expect(schedulerStatements(json).find((statement: any) => statement.Sid === "PassTheTaskRoles").Resource).toEqual([LEGACY_ROLE, "${aws_iam_role.platform_report_task_role.arn}"]);
  expect(onlyResource(json, "aws_ecs_task_definition").execution_role_arn).toBe(LEGACY_ROLE);
});

describe("capacity of the runs", () => {
  test("a strategy replaces the launch type in the schedule's ECS parameters", () => {
    const json = synthTask({ capacity: { fargate: { base: 1, weight: 1 }, fargateSpot: { weight: 3 } } });
    const parameters = onlyResource(json, "aws_scheduler_schedule").target.ecs_parameters;
    expect(parameters.capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", base: 1, weight: 1 },
      { capacity_provider: "FARGATE_SPOT", weight: 3 },
    ]);
    expect(parameters.launch_type).toBeUndefined();
    expect(resourcesOf(json, "aws_ecs_service")).toEqual({});
  });

  test("its checks apply to a schedule: an empty capacity is refused, spot only synthesizes", () => {
    expect(taskErrors({ capacity: {} })).toEqual([
      `${REPORT} capacity: a strategy names FARGATE, FARGATE_SPOT or both. Fix: give \`fargate\` and/or \`fargateSpot\`, or leave \`capacity\` unset for on-demand Fargate`,
    ]);
    expect(taskErrors({ capacity: { fargateSpot: { weight: 1 } } })).toEqual([]);
  });
});

describe("ScheduledTask checks", () => {
  test("a schedule Scheduler does not take is refused; rate(1 day) synthesizes", () => {
    expect(taskErrors({ schedule: "every day" })).toEqual([
      `${REPORT} schedule is "every day": cron(…), rate(N minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss) ` +
        "(https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html). Fix: e.g. cron(0 3 * * ? *) for 03:00 every day",
    ]);
    expect(taskErrors({ schedule: "rate(1 day)" })).toEqual([]);
  });

  test("retries 186 is refused; 185 synthesizes and is the retry policy's", () => {
    expect(taskErrors({ retries: 186 })).toEqual([`${REPORT} retries is 186: a whole number from 0 to 185. Fix: use 2`]);
    expect(taskErrors({ retries: 185 })).toEqual([]);
    expect(onlyResource(synthTask({ retries: 185 }), "aws_scheduler_schedule").target.retry_policy.maximum_retry_attempts).toBe(185);
  });

  test("retries -1 is refused; 0 synthesizes and is the retry policy's", () => {
    expect(taskErrors({ retries: -1 })).toEqual([`${REPORT} retries is -1: a whole number from 0 to 185. Fix: use 2`]);
    expect(taskErrors({ retries: 0 })).toEqual([]);
    expect(onlyResource(synthTask({ retries: 0 }), "aws_scheduler_schedule").target.retry_policy.maximum_retry_attempts).toBe(0);
  });
});
