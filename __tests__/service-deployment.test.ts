import {
  Cluster,
  FargateService,
  FargateServiceProps,
  FargateStack,
  FargateTaskDefinition,
  Network,
  ServiceAlarms,
  StoppedTaskEvents,
  stoppedTasksLogGroupName,
} from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";
import { newTarget } from "./support/target";

const IMAGE = "public.ecr.aws/nginx/nginx:1.27";
const CLUSTER_ARN = "arn:aws:ecs:eu-west-1:123456789012:cluster/hello";
const network = Network.fromExisting({
  vpcId: "vpc-0123456789abcdef0",
  publicSubnetIds: ["subnet-public-a", "subnet-public-b"],
  privateSubnetIds: ["subnet-private-a", "subnet-private-b"],
});
const cluster = Cluster.fromExisting({ clusterArn: CLUSTER_ARN, clusterName: "hello" });

function buildParts(stack: FargateStack) {
  const taskDefinition = new FargateTaskDefinition(stack, "task", { family: "hello" });
  taskDefinition.addContainer("web", { name: "web", image: IMAGE, portMappings: [{ containerPort: 8080 }] });
  return { taskDefinition, target: newTarget(stack, network) };
}

/** A service with the stopped-task record an environment gives it, unless `props` says otherwise. */
function buildService(stack: FargateStack, props: Partial<FargateServiceProps> = {}) {
  const { taskDefinition, target } = buildParts(stack);
  const stoppedTaskEvents =
    "stoppedTaskEvents" in props ? undefined : new StoppedTaskEvents(stack, "stopped_tasks", { name: "hello", clusterArn: CLUSTER_ARN });
  return new FargateService(stack, "service", { name: "hello", cluster, taskDefinition, network, target, stoppedTaskEvents, ...props });
}

function synthService(props: Partial<FargateServiceProps> = {}): TerraformJson {
  return synthesize((stack) => buildService(stack, props));
}

function service(json: TerraformJson) {
  return onlyResource(json, "aws_ecs_service");
}

const EVENTBRIDGE_TYPES = ["aws_cloudwatch_event_rule", "aws_cloudwatch_event_target", "aws_cloudwatch_log_resource_policy"];

describe("FargateService deployment defaults", () => {
  const json = synthService();
  const ecsService = service(json);
  const postconditions: any[] = ecsService.lifecycle?.postcondition ?? [];
  const message: string = postconditions[0]?.error_message ?? "";

  test("waits for the deployment to reach a steady state, 20 minutes at most to create or update", () => {
    expect(ecsService.wait_for_steady_state).toBe(true);
    expect(ecsService.timeouts).toEqual({ create: "20m", update: "20m" });
  });

  test("rolls back a deployment whose tasks never become healthy", () => {
    expect(ecsService.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
  });

  test("has no deployment alarms", () => {
    expect(ecsService).not.toHaveProperty("alarms");
  });

  test("has one postcondition: the service runs the task definition this apply registered", () => {
    expect(postconditions).toHaveLength(1);
    expect(postconditions[0].condition).toBe("${(self.task_definition == aws_ecs_task_definition.task.arn)}");
    expect(ecsService.task_definition).toBe("${aws_ecs_task_definition.task.arn}");
  });

  test("its error message says the deployment of the named service was rolled back, and what ECS runs instead", () => {
    expect(message).toMatch(/^The deployment of service hello was rolled back: /);
    expect(message).toContain("ECS is running ${self.task_definition}, not the task definition this apply registered");
    expect(message).toContain("deployment circuit breaker");
    expect(message).toContain("a deployment alarm went off");
  });

  test("its error message points to `npm run status` and the stopped-tasks log group", () => {
    expect(message).toContain("Run `npm run status` for the reasons and the fix");
    expect(message).toContain(`the log group ${stoppedTasksLogGroupName("hello")}`);
    expect(message).toContain("/aws/events/ecs/hello/stopped-tasks");
  });

  test("its error message is the full sentence", () => {
    expect(message).toBe(
      "The deployment of service hello was rolled back: ECS is running ${self.task_definition}, not the task definition " +
        "this apply registered, because the new tasks never became healthy (deployment circuit breaker) or a deployment " +
        "alarm went off. Run `npm run status` for the reasons and the fix, or read the stopped tasks' reasons in the log " +
        "group /aws/events/ecs/hello/stopped-tasks, or the service's events in the ECS console.",
    );
  });

  test("its stopped tasks are kept in the environment's /aws/events/ecs/<name>/stopped-tasks, through EventBridge", () => {
    const rule = onlyResource(json, "aws_cloudwatch_event_rule");
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_event_rule"))).toEqual(["stopped_tasks"]);
    expect(rule.name).toBe("hello-stopped-tasks");
    expect(decodeJsonencode(rule.event_pattern)).toEqual({
      source: ["aws.ecs"],
      "detail-type": ["ECS Task State Change"],
      detail: { clusterArn: [CLUSTER_ARN], group: ["service:hello"], lastStatus: ["STOPPED"] },
    });
    expect(resourcesOf(json, "aws_cloudwatch_log_group").stopped_tasks_log_group).toEqual({
      name: "/aws/events/ecs/hello/stopped-tasks",
      retention_in_days: 30,
    });
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_log_resource_policy"))).toEqual(["stopped_tasks_delivery_policy"]);
  });

  test("the stopped-task rule has only the log group as target", () => {
    expect(resourcesOf(json, "aws_cloudwatch_event_target")).toEqual({
      stopped_tasks_to_logs: {
        rule: "${aws_cloudwatch_event_rule.stopped_tasks.name}",
        arn: "${aws_cloudwatch_log_group.stopped_tasks_log_group.arn}",
        depends_on: ["aws_cloudwatch_log_resource_policy.stopped_tasks_delivery_policy"],
      },
    });
  });

  test("synthesizes without validation errors", () => {
    expect(synthErrors((stack) => buildService(stack))).toEqual([]);
  });
});

describe("FargateService without stoppedTaskEvents", () => {
  const json = synthService({ stoppedTaskEvents: undefined });
  const message: string = service(json).lifecycle.postcondition[0].error_message;

  test.each(EVENTBRIDGE_TYPES)("makes no %s", (type) => {
    expect(resourcesOf(json, type)).toEqual({});
  });

  test("makes no stopped-tasks log group", () => {
    const names = Object.values(resourcesOf(json, "aws_cloudwatch_log_group")).map((group) => group.name);
    expect(names).not.toContain("/aws/events/ecs/hello/stopped-tasks");
    expect(names.filter((name) => name.startsWith("/aws/events/"))).toEqual([]);
  });

  test("still checks for a rolled-back deployment, pointing to the ECS console instead of the log group", () => {
    expect(service(json).lifecycle.postcondition[0].condition).toBe("${(self.task_definition == aws_ecs_task_definition.task.arn)}");
    expect(message).toContain("The deployment of service hello was rolled back");
    expect(message).toContain("Run `npm run status`");
    expect(message).toContain("the service's events and stopped tasks in the ECS console");
    expect(message).not.toContain("/aws/events/");
    expect(message).not.toContain("log group");
  });
});

describe("FargateService with waitForSteadyState: false", () => {
  const ecsService = service(synthService({ waitForSteadyState: false }));

  test("does not wait for the deployment", () => {
    expect(ecsService.wait_for_steady_state).toBe(false);
  });

  test("has no timeouts and no postcondition", () => {
    expect(ecsService).not.toHaveProperty("timeouts");
    expect(ecsService).not.toHaveProperty("lifecycle");
  });

  test("ignores deploymentTimeoutMinutes, having nothing to wait for", () => {
    expect(service(synthService({ waitForSteadyState: false, deploymentTimeoutMinutes: 45 }))).not.toHaveProperty("timeouts");
  });

  test("keeps the circuit breaker", () => {
    expect(ecsService.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
  });
});

describe("FargateService deploymentTimeoutMinutes", () => {
  test("45 waits 45 minutes to create or update", () => {
    expect(service(synthService({ deploymentTimeoutMinutes: 45 })).timeouts).toEqual({ create: "45m", update: "45m" });
  });

  test.each([
    [1, "1m"],
    [180, "180m"],
  ])("the bound %p passes and gives %p", (minutes, timeout) => {
    expect(synthErrors((stack) => buildService(stack, { deploymentTimeoutMinutes: minutes }))).toEqual([]);
    expect(service(synthService({ deploymentTimeoutMinutes: minutes })).timeouts).toEqual({ create: timeout, update: timeout });
  });

  test.each([0, 181, 1.5, -5])("%p is reported", (minutes) => {
    expect(synthErrors((stack) => buildService(stack, { deploymentTimeoutMinutes: minutes }))).toEqual([
      `[test/service] deploymentTimeoutMinutes is ${minutes}: a whole number from 1 to 180. Fix: 20 minutes covers most deployments`,
    ]);
  });

  test("2, the whole number next to 1.5, passes", () => {
    expect(synthErrors((stack) => buildService(stack, { deploymentTimeoutMinutes: 2 }))).toEqual([]);
  });
});

describe("FargateService deploymentAlarmNames", () => {
  test("given names become an alarms block that rolls the deployment back", () => {
    const ecsService = service(synthService({ deploymentAlarmNames: ["hello-unhealthy-targets", "hello-target-5xx"] }));
    expect(ecsService.alarms).toEqual({
      alarm_names: ["hello-unhealthy-targets", "hello-target-5xx"],
      enable: true,
      rollback: true,
    });
    expect(ecsService.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
  });

  test("an empty list makes no alarms block", () => {
    expect(service(synthService({ deploymentAlarmNames: [] }))).not.toHaveProperty("alarms");
  });

  test("ServiceAlarms' alarmNames are referenced from the alarms block", () => {
    const json = synthesize((stack) => {
      const { taskDefinition, target } = buildParts(stack);
      const alarms = new ServiceAlarms(stack, "alarms", { name: "hello", loadBalancer: target.loadBalancer, targetGroup: target.targetGroup });
      new FargateService(stack, "service", {
        name: "hello",
        cluster,
        taskDefinition,
        network,
        target,
        deploymentAlarmNames: alarms.alarmNames,
      });
    });
    expect(service(json).alarms).toEqual({
      alarm_names: [
        "${aws_cloudwatch_metric_alarm.alarms_unhealthy_targets.alarm_name}",
        "${aws_cloudwatch_metric_alarm.alarms_target_5xx.alarm_name}",
      ],
      enable: true,
      rollback: true,
    });
  });
});
