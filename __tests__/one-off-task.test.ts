import { Environment, EnvironmentProps, FargateStack, OneOffTask, OneOffTaskProps } from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthesize } from "./support/synth";

/*
 * OneOffTask: a task declared to be run on demand (`npm run task -- <stack> <name>`): its task definition,
 * its security group and the output that tells the runner how. Asserted on the synthesized JSON of the
 * task "migrate" in the environment "platform" (named platform-prod).
 */

const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";

const synthTask = (props: Partial<OneOffTaskProps> = {}, environment: Partial<EnvironmentProps> = {}, region?: string): TerraformJson =>
  synthesize((stack: FargateStack) => {
    const platform = new Environment(stack, "platform", { name: "platform-prod", ...environment });
    new OneOffTask(platform, "migrate", { image: IMAGE, command: ["node", "migrate.js"], ...props });
  }, region);

describe("OneOffTask migrate", () => {
  const json = synthTask();

  test("a task definition of family <environment>-<task>, its container running the command", () => {
    const task = onlyResource(json, "aws_ecs_task_definition");
    expect(task.family).toBe("platform-prod-migrate");
    const [container] = decodeJsonencode(task.container_definitions);
    expect(container).toMatchObject({ name: "platform-prod-migrate", command: ["node", "migrate.js"], essential: true });
    expect(container.portMappings).toBeUndefined();
  });

  test("its own security group: all out, nothing in", () => {
    expect(resourcesOf(json, "aws_security_group")).toEqual({
      platform_migrate_security_group: {
        name: "platform-prod-migrate-tasks",
        description: "Tasks of platform-prod-migrate",
        vpc_id: "${aws_vpc.platform_network.id}",
        tags: { Name: "platform-prod-migrate-tasks" },
      },
    });
    expect(Object.keys(resourcesOf(json, "aws_vpc_security_group_egress_rule"))).toEqual(["platform_migrate_egress_all"]);
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).toEqual({});
  });

  test("no ECS service, no schedule, no autoscaling", () => {
    for (const type of ["aws_ecs_service", "aws_scheduler_schedule", "aws_appautoscaling_target", "aws_sqs_queue", "aws_lb"]) {
      expect(resourcesOf(json, type)).toEqual({});
    }
  });

  test("the output <id>_run_task holds exactly what the runner needs", () => {
    expect(json.output?.platform_migrate_run_task).toEqual({
      description: "How `npm run task` runs migrate",
      value: {
        name: "migrate",
        cluster: "${aws_ecs_cluster.platform_cluster.arn}",
        task_definition: "${aws_ecs_task_definition.platform_migrate_task.arn}",
        container: "platform-prod-migrate",
        subnets: ["${aws_subnet.platform_network_private_subnet_a.id}", "${aws_subnet.platform_network_private_subnet_b.id}"],
        security_groups: ["${aws_security_group.platform_migrate_security_group.id}"],
        assign_public_ip: false,
        log_group: "${aws_cloudwatch_log_group.platform_migrate_logs.name}",
        log_stream_prefix: "platform-prod-migrate",
        region: "eu-west-1",
        capacity_provider: "FARGATE",
      },
    });
    expect(Object.keys(json.output?.platform_migrate_run_task.value).sort()).toEqual(
      ["assign_public_ip", "capacity_provider", "cluster", "container", "log_group", "log_stream_prefix", "name", "region", "security_groups", "subnets", "task_definition"],
    );
  });

  test("the log stream prefix is the container's, as the task's awslogs configuration writes it", () => {
    const [container] = decodeJsonencode(onlyResource(json, "aws_ecs_task_definition").container_definitions);
    expect(container.logConfiguration.options["awslogs-stream-prefix"]).toBe(json.output?.platform_migrate_run_task.value.log_stream_prefix);
    expect(container.logConfiguration.options["awslogs-group"]).toBe(json.output?.platform_migrate_run_task.value.log_group);
  });

  test("its family is watched by the environment's stopped-task record", () => {
    const pattern = decodeJsonencode(onlyResource(json, "aws_cloudwatch_event_rule").event_pattern);
    expect(pattern.detail.group).toEqual(["family:platform-prod-migrate"]);
  });
});

test("name sets the output's name and the resources' names", () => {
  const json = synthTask({ name: "db-migrate" });
  expect(json.output?.platform_migrate_run_task.value).toMatchObject({
    name: "db-migrate",
    container: "platform-prod-db-migrate",
    log_stream_prefix: "platform-prod-db-migrate",
  });
  expect(onlyResource(json, "aws_ecs_task_definition").family).toBe("platform-prod-db-migrate");
});

test("the output's region is the stack's", () => {
  expect(synthTask({}, {}, "us-east-1").output?.platform_migrate_run_task.value.region).toBe("us-east-1");
});

test("with the stopped-task record turned off there is no rule, and the output is still there", () => {
  const json = synthTask({}, { stoppedTaskEvents: false });
  expect(resourcesOf(json, "aws_cloudwatch_event_rule")).toEqual({});
  expect(json.output?.platform_migrate_run_task.value.task_definition).toBe("${aws_ecs_task_definition.platform_migrate_task.arn}");
});
