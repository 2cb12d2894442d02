import { Environment, FargateStack, Queue, WorkerService, WorkerServiceProps } from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

/*
 * WorkerService: tasks that pull their work and answer no request. Asserted on the synthesized JSON of the
 * worker "worker" in the environment "platform" (named platform-prod), with the queue "jobs"
 * (platform-prod-jobs) when `queue: true`.
 */

const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";
const SERVICE = "[test/platform/worker/service]";
const SCALING = "[test/platform/worker/auto_scaling]";
const SCALING_TARGET = "${aws_appautoscaling_target.platform_worker_auto_scaling";

interface Options {
  /** Give the worker the queue "jobs" of the environment. */
  readonly queue?: boolean;
}

const build =
  (props: Partial<WorkerServiceProps> = {}, options: Options = {}) =>
  (stack: FargateStack) => {
    const environment = new Environment(stack, "platform", { name: "platform-prod" });
    const queue = options.queue ? new Queue(environment, "jobs", { name: "platform-prod-jobs" }) : undefined;
    new WorkerService(environment, "worker", { image: IMAGE, queue, ...props });
  };
const synthWorker = (props?: Partial<WorkerServiceProps>, options?: Options): TerraformJson => synthesize(build(props, options));
const workerErrors = (props?: Partial<WorkerServiceProps>, options?: Options): string[] => synthErrors(build(props, options));

const mainContainer = (json: TerraformJson) => decodeJsonencode(onlyResource(json, "aws_ecs_task_definition").container_definitions)[0];
const statementsOf = (json: TerraformJson, policy: string) =>
  decodeJsonencode(resourcesOf(json, "aws_iam_role_policy")[policy].policy).Statement;

describe("a worker without a port: worker on platform-prod", () => {
  const json = synthWorker();

  test("no load balancer, target group, listener rule, certificate or alarm; the service has no load_balancer block", () => {
    for (const type of ["aws_lb", "aws_lb_target_group", "aws_lb_listener", "aws_lb_listener_rule", "aws_acm_certificate", "aws_cloudwatch_metric_alarm"]) {
      expect(resourcesOf(json, type)).toEqual({});
    }
    const service = onlyResource(json, "aws_ecs_service");
    expect(service.load_balancer).toBeUndefined();
    expect(service.health_check_grace_period_seconds).toBeUndefined();
    expect(service.depends_on).toBeUndefined();
    expect(service.service_connect_configuration).toBeUndefined();
  });

  test("its container maps no port, and nothing may reach its tasks", () => {
    expect(mainContainer(json).name).toBe("platform-prod-worker");
    expect(mainContainer(json).portMappings).toBeUndefined();
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).toEqual({});
    expect(Object.keys(resourcesOf(json, "aws_vpc_security_group_egress_rule"))).toEqual(["platform_worker_service_egress_all"]);
  });

  test("an ECS service named <environment>-<worker>: on-demand Fargate, 2 tasks, the count Terraform's", () => {
    const service = onlyResource(json, "aws_ecs_service");
    expect(service).toMatchObject({ name: "platform-prod-worker", launch_type: "FARGATE", desired_count: 2 });
    expect(service.capacity_provider_strategy).toBeUndefined();
    expect(service.lifecycle.ignore_changes).toBeUndefined();
    expect(resourcesOf(json, "aws_appautoscaling_target")).toEqual({});
  });

  test("its task role is granted nothing, and its tasks are watched by the stopped-task record", () => {
    // the other policy is the environment's flow logs' delivery role's
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy")).filter((address) => address.startsWith("platform_worker"))).toEqual([
      "platform_worker_task_execution_role_policy",
    ]);
    const pattern = decodeJsonencode(onlyResource(json, "aws_cloudwatch_event_rule").event_pattern);
    expect(pattern.detail.group).toEqual(["service:platform-prod-worker"]);
  });
});

test("port given: the container maps it (named http), and still nothing may reach the tasks", () => {
  const json = synthWorker({ port: 8080 });
  expect(mainContainer(json).portMappings).toEqual([{ protocol: "tcp", containerPort: 8080, hostPort: 8080, name: "http", appProtocol: "http" }]);
  expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).toEqual({});
  expect(onlyResource(json, "aws_ecs_service").load_balancer).toBeUndefined();
});

describe("a worker consuming the queue jobs", () => {
  const json = synthWorker({}, { queue: true });

  test("its task role may receive, delete and hold the queue's messages, and read its attributes: those four actions, on that queue only", () => {
    expect(statementsOf(json, "platform_worker_task_role_policy")).toEqual([
      {
        Sid: "ConsumeQueues",
        Effect: "Allow",
        Action: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
        Resource: ["${aws_sqs_queue.platform_jobs.arn}"],
      },
    ]);
    expect(resourcesOf(json, "aws_iam_role_policy").platform_worker_task_role_policy.role).toBe("${aws_iam_role.platform_worker_task_role.name}");
  });

  test("the execution role is not granted the queue", () => {
    const actions = statementsOf(json, "platform_worker_task_execution_role_policy").flatMap((statement: any) => statement.Action);
    expect(actions).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
  });
});

test("an existing queue by ARN: the grant names that ARN", () => {
  const json = synthesize((stack) => {
    const environment = new Environment(stack, "platform", { name: "platform-prod" });
    new WorkerService(environment, "worker", { image: IMAGE, queue: Queue.fromArn("arn:aws:sqs:eu-west-1:123456789012:legacy-jobs") });
  });
  expect(statementsOf(json, "platform_worker_task_role_policy")[0].Resource).toEqual(["arn:aws:sqs:eu-west-1:123456789012:legacy-jobs"]);
  expect(resourcesOf(json, "aws_sqs_queue")).toEqual({});
});

describe("autoscaling on the queue's backlog: 1 to 20 tasks, 50 messages per task", () => {
  const json = synthWorker({ autoScaling: { minTasks: 1, maxTasks: 20, messagesPerTask: 50 } }, { queue: true });

  test("a scalable target on the service's desired count, from minTasks to maxTasks", () => {
    expect(resourcesOf(json, "aws_appautoscaling_target")).toEqual({
      platform_worker_auto_scaling: {
        service_namespace: "ecs",
        scalable_dimension: "ecs:service:DesiredCount",
        resource_id: "service/${aws_ecs_cluster.platform_cluster.name}/${aws_ecs_service.platform_worker_service.name}",
        min_capacity: 1,
        max_capacity: 20,
      },
    });
  });

  test("one target tracking policy, on the backlog only (no CPU default): visible messages / running tasks, targeting 50", () => {
    expect(resourcesOf(json, "aws_appautoscaling_policy")).toEqual({
      platform_worker_auto_scaling_backlog: {
        name: "platform-prod-worker-backlog",
        policy_type: "TargetTrackingScaling",
        service_namespace: `${SCALING_TARGET}.service_namespace}`,
        scalable_dimension: `${SCALING_TARGET}.scalable_dimension}`,
        resource_id: `${SCALING_TARGET}.resource_id}`,
        target_tracking_scaling_policy_configuration: {
          target_value: 50,
          scale_in_cooldown: 300,
          scale_out_cooldown: 60,
          customized_metric_specification: {
            metrics: [
              {
                id: "visible",
                metric_stat: {
                  metric: {
                    namespace: "AWS/SQS",
                    metric_name: "ApproximateNumberOfMessagesVisible",
                    dimensions: [{ name: "QueueName", value: "platform-prod-jobs" }],
                  },
                  stat: "Sum",
                },
                return_data: false,
              },
              {
                id: "tasks",
                metric_stat: {
                  metric: {
                    namespace: "ECS/ContainerInsights",
                    metric_name: "RunningTaskCount",
                    dimensions: [
                      { name: "ClusterName", value: "${aws_ecs_cluster.platform_cluster.name}" },
                      { name: "ServiceName", value: "${aws_ecs_service.platform_worker_service.name}" },
                    ],
                  },
                  stat: "Average",
                },
                return_data: false,
              },
              { id: "backlog", expression: "visible / IF(tasks > 0, tasks, 1)", label: "Messages waiting per running task", return_data: true },
            ],
          },
        },
      },
    });
  });

  test("the service starts with minTasks and leaves desired_count to the scaler", () => {
    const service = onlyResource(json, "aws_ecs_service");
    expect(service.desired_count).toBe(1);
    expect(service.lifecycle.ignore_changes).toEqual(["desired_count"]);
  });
});

test("an existing queue by ARN: the backlog is counted on its name", () => {
  const json = synthesize((stack) => {
    const environment = new Environment(stack, "platform", { name: "platform-prod" });
    new WorkerService(environment, "worker", {
      image: IMAGE,
      queue: Queue.fromArn("arn:aws:sqs:eu-west-1:123456789012:legacy-jobs"),
      autoScaling: { minTasks: 1, maxTasks: 4, messagesPerTask: 10 },
    });
  });
  const [visible] = onlyResource(json, "aws_appautoscaling_policy").target_tracking_scaling_policy_configuration.customized_metric_specification.metrics;
  expect(visible.metric_stat.metric.dimensions).toEqual([{ name: "QueueName", value: "legacy-jobs" }]);
});

describe("autoscaling and the desired count", () => {
  test("no target given: CPU at 70 %, and no backlog policy", () => {
    const json = synthWorker({ autoScaling: { minTasks: 2, maxTasks: 4 } }, { queue: true });
    expect(Object.keys(resourcesOf(json, "aws_appautoscaling_policy"))).toEqual(["platform_worker_auto_scaling_cpu"]);
    expect(onlyResource(json, "aws_appautoscaling_policy").target_tracking_scaling_policy_configuration).toEqual({
      target_value: 70,
      scale_in_cooldown: 300,
      scale_out_cooldown: 60,
      predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" },
    });
    expect(onlyResource(json, "aws_ecs_service").desired_count).toBe(2);
  });

  test("desiredCount given with autoScaling: the first deployment starts with it, and the scaler owns it after", () => {
    const service = onlyResource(synthWorker({ desiredCount: 3, autoScaling: { minTasks: 1, maxTasks: 4 } }), "aws_ecs_service");
    expect(service.desired_count).toBe(3);
    expect(service.lifecycle.ignore_changes).toEqual(["desired_count"]);
  });

  test("without waiting for steady state, the lifecycle keeps only ignore_changes", () => {
    const service = onlyResource(synthWorker({ waitForSteadyState: false, autoScaling: { minTasks: 1, maxTasks: 4 } }), "aws_ecs_service");
    expect(service.lifecycle).toEqual({ ignore_changes: ["desired_count"] });
    expect(service.desired_count).toBe(1);
  });

  test("minTasks 0: the service starts with no task", () => {
    expect(onlyResource(synthWorker({ autoScaling: { minTasks: 0, maxTasks: 4 } }), "aws_ecs_service").desired_count).toBe(0);
  });
});

describe("autoscaling checks", () => {
  test("messagesPerTask without a queue is refused; with the queue it synthesizes", () => {
    const autoScaling = { minTasks: 1, maxTasks: 20, messagesPerTask: 50 };
    expect(workerErrors({ autoScaling })).toEqual([
      `${SCALING} autoScaling.messagesPerTask: the backlog is counted on the worker's queue, and this service has none. Fix: give the worker a \`queue\`, or scale on CPU`,
    ]);
    expect(workerErrors({ autoScaling }, { queue: true })).toEqual([]);
  });

  test("requestsPerTarget on a worker is refused (no load balancer counts them); CPU instead synthesizes", () => {
    expect(workerErrors({ autoScaling: { minTasks: 1, maxTasks: 20, requestsPerTarget: 500 } })).toEqual([
      `${SCALING} autoScaling.requestsPerTarget: requests per target are counted by a load balancer, and this service has none. Fix: scale on CPU or memory, or use a web service`,
    ]);
    expect(workerErrors({ autoScaling: { minTasks: 1, maxTasks: 20, targetCpuPercent: 60 } })).toEqual([]);
  });

  test("maxTasks below minTasks is refused; equal synthesizes", () => {
    expect(workerErrors({ autoScaling: { minTasks: 3, maxTasks: 2 } })).toEqual([
      `${SCALING} autoScaling.maxTasks is 2: at least minTasks (3). Fix: raise maxTasks or lower minTasks`,
    ]);
    expect(workerErrors({ autoScaling: { minTasks: 3, maxTasks: 3 } })).toEqual([]);
  });

  test("targetCpuPercent 0 is refused; 1 synthesizes", () => {
    expect(workerErrors({ autoScaling: { minTasks: 1, maxTasks: 2, targetCpuPercent: 0 } })).toEqual([
      `${SCALING} autoScaling.targetCpuPercent is 0: a utilization above 0 and up to 100 percent. Fix: use 50 to 75`,
    ]);
    expect(workerErrors({ autoScaling: { minTasks: 1, maxTasks: 2, targetCpuPercent: 1 } })).toEqual([]);
  });

  test("targetCpuPercent 101 is refused; 100 synthesizes", () => {
    expect(workerErrors({ autoScaling: { minTasks: 1, maxTasks: 2, targetCpuPercent: 101 } })).toEqual([
      `${SCALING} autoScaling.targetCpuPercent is 101: a utilization above 0 and up to 100 percent. Fix: use 50 to 75`,
    ]);
    expect(workerErrors({ autoScaling: { minTasks: 1, maxTasks: 2, targetCpuPercent: 100 } })).toEqual([]);
  });
});

describe("scheduled scaling", () => {
  const night = { name: "night", schedule: "cron(0 20 ? * MON-FRI *)", timeZone: "Europe/Paris", minTasks: 0, maxTasks: 0 };
  const morning = { name: "morning", schedule: "cron(0 7 ? * MON-FRI *)", minTasks: 1, maxTasks: 10 };

  test("one scheduled action per schedule, on the scalable target: its time zone, and min/max as strings", () => {
    const json = synthWorker({ autoScaling: { minTasks: 1, maxTasks: 10, schedules: [night, morning] } });
    const target = {
      service_namespace: `${SCALING_TARGET}.service_namespace}`,
      scalable_dimension: `${SCALING_TARGET}.scalable_dimension}`,
      resource_id: `${SCALING_TARGET}.resource_id}`,
    };
    expect(resourcesOf(json, "aws_appautoscaling_scheduled_action")).toEqual({
      platform_worker_auto_scaling_schedule_night: {
        name: "platform-prod-worker-night",
        ...target,
        schedule: "cron(0 20 ? * MON-FRI *)",
        timezone: "Europe/Paris",
        scalable_target_action: { min_capacity: "0", max_capacity: "0" },
      },
      platform_worker_auto_scaling_schedule_morning: {
        name: "platform-prod-worker-morning",
        ...target,
        schedule: "cron(0 7 ? * MON-FRI *)",
        scalable_target_action: { min_capacity: "1", max_capacity: "10" },
      },
    });
  });

  test("two schedules of one name are refused; renamed, they synthesize", () => {
    const again = { ...morning, name: "night" };
    expect(workerErrors({ autoScaling: { minTasks: 1, maxTasks: 10, schedules: [night, again] } })).toEqual([
      `${SCALING} autoScaling.schedules[1].name is "night": each schedule of a service has its own name. Fix: rename one of them`,
    ]);
    expect(workerErrors({ autoScaling: { minTasks: 1, maxTasks: 10, schedules: [night, { ...again, name: "night-end" }] } })).toEqual([]);
  });

  test("a schedule expression Application Auto Scaling does not take is refused; rate(7 days) synthesizes", () => {
    expect(workerErrors({ autoScaling: { minTasks: 1, maxTasks: 10, schedules: [{ ...night, schedule: "rate(1 week)" }] } })).toEqual([
      `${SCALING} autoScaling.schedules[0].schedule is "rate(1 week)": cron(…), rate(N minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss) ` +
        "(https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html). Fix: e.g. cron(0 20 ? * MON-FRI *)",
    ]);
    expect(workerErrors({ autoScaling: { minTasks: 1, maxTasks: 10, schedules: [{ ...night, schedule: "rate(7 days)" }] } })).toEqual([]);
  });

  test("a schedule whose maxTasks is below its minTasks is refused; equal synthesizes", () => {
    expect(workerErrors({ autoScaling: { minTasks: 1, maxTasks: 10, schedules: [{ ...morning, minTasks: 2, maxTasks: 1 }] } })).toEqual([
      `${SCALING} autoScaling.schedules[0].maxTasks is 1: at least its minTasks (2). Fix: raise maxTasks or lower minTasks`,
    ]);
    expect(workerErrors({ autoScaling: { minTasks: 1, maxTasks: 10, schedules: [{ ...morning, minTasks: 2, maxTasks: 2 }] } })).toEqual([]);
  });
});

describe("capacity: FARGATE and FARGATE_SPOT shares", () => {
  test("the strategy is rendered in order, with no launch type; the cluster has both providers", () => {
    const json = synthWorker({ capacity: { fargate: { base: 1, weight: 1 }, fargateSpot: { weight: 3 } } });
    const service = onlyResource(json, "aws_ecs_service");
    expect(service.capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", base: 1, weight: 1 },
      { capacity_provider: "FARGATE_SPOT", weight: 3 },
    ]);
    expect(service.launch_type).toBeUndefined();
    expect(onlyResource(json, "aws_ecs_cluster_capacity_providers").capacity_providers).toEqual(["FARGATE", "FARGATE_SPOT"]);
  });

  test("spot only: one item, weight 1", () => {
    const service = onlyResource(synthWorker({ capacity: { fargateSpot: { weight: 1 } } }), "aws_ecs_service");
    expect(service.capacity_provider_strategy).toEqual([{ capacity_provider: "FARGATE_SPOT", weight: 1 }]);
    expect(service.launch_type).toBeUndefined();
  });

  test("a base above 100000 is refused; 100000 synthesizes", () => {
    expect(workerErrors({ capacity: { fargate: { base: 100001, weight: 1 } } })).toEqual([
      `${SERVICE} capacity.fargate.base is 100001: a whole number of tasks from 0 to 100000. Fix: use 1 or 2 on-demand tasks as the base`,
    ]);
    expect(workerErrors({ capacity: { fargate: { base: 100000, weight: 1 } } })).toEqual([]);
  });

  test("a weight of 1001 is refused; 1000 synthesizes", () => {
    expect(workerErrors({ capacity: { fargateSpot: { weight: 1001 } } })).toEqual([
      `${SERVICE} capacity.fargateSpot.weight is 1001: a whole number from 0 to 1000. Fix: use small relative weights such as 1 and 3`,
    ]);
    expect(workerErrors({ capacity: { fargateSpot: { weight: 1000 } } })).toEqual([]);
  });

  test("a base on both providers is refused; the base on fargate only synthesizes", () => {
    expect(workerErrors({ capacity: { fargate: { base: 1, weight: 1 }, fargateSpot: { base: 1, weight: 3 } } })).toEqual([
      `${SERVICE} capacity: only one provider of a strategy may have a base. Fix: keep the base on \`fargate\` (the tasks that must not be interrupted)`,
    ]);
    expect(workerErrors({ capacity: { fargate: { base: 1, weight: 1 }, fargateSpot: { base: 0, weight: 3 } } })).toEqual([]);
  });

  test("no provider with a weight above 0 is refused; a weight of 1 synthesizes", () => {
    expect(workerErrors({ capacity: { fargate: { base: 1 }, fargateSpot: { weight: 0 } } })).toEqual([
      `${SERVICE} capacity: at least one provider needs a weight above 0. Fix: e.g. fargateSpot: { weight: 1 }`,
    ]);
    expect(workerErrors({ capacity: { fargate: { base: 1 }, fargateSpot: { weight: 1 } } })).toEqual([]);
  });

  test("an empty capacity is refused; one provider synthesizes", () => {
    expect(workerErrors({ capacity: {} })).toEqual([
      `${SERVICE} capacity: a strategy names FARGATE, FARGATE_SPOT or both. Fix: give \`fargate\` and/or \`fargateSpot\`, or leave \`capacity\` unset for on-demand Fargate`,
    ]);
    expect(workerErrors({ capacity: { fargate: { weight: 1 } } })).toEqual([]);
  });
});
