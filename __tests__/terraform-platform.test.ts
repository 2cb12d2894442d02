import { readFileSync, rmSync } from "fs";
import { join } from "path";
import { reviewPlan } from "../src/cli/review/review";
import { appToSynthesize, stacksToPlan } from "./plans/terraform-platform";
import { runAppCommand } from "./support/app-command";
import { PLATFORM_SECRET } from "./support/canaries";
import { decodeJsonencode } from "./support/synth";
import {
  PlannedStack,
  cleanupPlannedStacks,
  configurationResource,
  planDiagnostics,
  planStacks,
  plannedResource,
  resourcesOfType,
  whereTextAppears,
} from "./support/terraform";

jest.setTimeout(300_000);

const SECRET = PLATFORM_SECRET;

let outdir: string;
let planned: PlannedStack;
let plan: any;
/** An environment of 1 and of 20 web services: the 20-service test compares them. */
let webServices: Record<1 | 20, PlannedStack>;

beforeAll(async () => {
  outdir = runAppCommand(appToSynthesize.env, appToSynthesize.entry);
  const [platform, one, twenty] = await planStacks(stacksToPlan(outdir));
  planned = platform;
  plan = planned.plan;
  webServices = { 1: one, 20: twenty };
});

afterAll(() => {
  cleanupPlannedStacks();
  rmSync(outdir, { recursive: true, force: true });
});

const values = (address: string) => plannedResource(plan, address).values;
const synthesized = () => JSON.parse(readFileSync(join(outdir, "stacks", "platform-prod", "cdk.tf.json"), "utf8"));

describe("examples/platform.ts, planned offline by Terraform: one environment, many workloads", () => {
  test("validates, and plans only creations", () => {
    expect(planDiagnostics(planned)).toEqual([]); // `terraform plan` validates the configuration first
    expect(new Set(plan.resource_changes.map((change: any) => change.change.actions.join(",")))).toEqual(new Set(["create"]));
  });

  test("exactly one internet-facing load balancer, shared by the web services", () => {
    const balancers = resourcesOfType(plan, "aws_lb");
    expect(balancers).toHaveLength(1);
    expect(balancers[0].values.internal).toBe(false);
    expect(resourcesOfType(plan, "aws_lb_listener")).toHaveLength(2);
  });

  test("four ECS services and two tasks run outside a service, each with its own task definition", () => {
    expect(resourcesOfType(plan, "aws_ecs_service").map((service) => service.values.name).sort()).toEqual([
      "platform-prod-admin",
      "platform-prod-orders",
      "platform-prod-shop",
      "platform-prod-worker",
    ]);
    expect(resourcesOfType(plan, "aws_ecs_task_definition").map((task) => task.values.family).sort()).toEqual([
      "platform-prod-admin",
      "platform-prod-migrate",
      "platform-prod-nightly-report",
      "platform-prod-orders",
      "platform-prod-shop",
      "platform-prod-worker",
    ]);
  });

  test("host-header and path-pattern listener rules with unique priorities, each forwarding to its service's target group", () => {
    const rules = resourcesOfType(plan, "aws_lb_listener_rule");
    expect(rules).toHaveLength(2);
    const priorities = rules.map((rule) => rule.values.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    const shop = values("aws_lb_listener_rule.platform_shop_listener_rule");
    const admin = values("aws_lb_listener_rule.platform_admin_listener_rule");
    expect(shop.condition).toEqual([expect.objectContaining({ host_header: [{ values: ["shop.example.com", "www.example.com"] }] })]);
    expect(admin.condition).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ host_header: [{ values: ["shop.example.com"] }] }),
        expect.objectContaining({ path_pattern: [{ values: ["/admin/*"] }] }),
      ]),
    );
    // The admin path on the shop's host is evaluated before the shop's catch-all for that host.
    expect(admin.priority).toBeLessThan(shop.priority);
    const forwardsTo = (address: string) => configurationResource(plan, address).expressions.action[0].target_group_arn.references;
    expect(forwardsTo("aws_lb_listener_rule.platform_shop_listener_rule")).toContain("aws_lb_target_group.platform_shop_target_group");
    expect(forwardsTo("aws_lb_listener_rule.platform_admin_listener_rule")).toContain("aws_lb_target_group.platform_admin_target_group");
  });

  test("the HTTPS listener answers 404 to what no rule matches", () => {
    expect(values("aws_lb_listener.platform_load_balancer_https_listener").default_action).toEqual([
      expect.objectContaining({ type: "fixed-response", fixed_response: [expect.objectContaining({ status_code: "404" })] }),
    ]);
  });

  test("Service Connect: a namespace, the orders API published as orders:8080, the shop a client of it", () => {
    expect(resourcesOfType(plan, "aws_service_discovery_http_namespace").map((namespace) => namespace.values.name)).toEqual(["platform-prod"]);
    const connected = resourcesOfType(plan, "aws_ecs_service").filter((service) => service.values.service_connect_configuration?.[0]?.enabled);
    expect(connected.map((service) => service.values.name).sort()).toEqual(["platform-prod-orders", "platform-prod-shop"]);
    expect(values("aws_ecs_service.platform_orders_service").service_connect_configuration[0].service).toEqual([
      expect.objectContaining({ port_name: "http", discovery_name: "orders", client_alias: [expect.objectContaining({ dns_name: "orders", port: 8080 })] }),
    ]);
    expect(values("aws_ecs_service.platform_orders_service").load_balancer).toEqual([]);
  });

  test("only the shop's tasks may reach the orders API, on its port", () => {
    const ordersGroup = "aws_security_group.platform_orders_service_security_group";
    const ingress = resourcesOfType(plan, "aws_vpc_security_group_ingress_rule").filter((rule) =>
      configurationResource(plan, rule.address).expressions.security_group_id.references.includes(ordersGroup),
    );
    expect(ingress.map((rule) => rule.address)).toEqual(["aws_vpc_security_group_ingress_rule.platform_shop_calls_orders"]);
    expect(ingress[0].values).toMatchObject({ from_port: 8080, to_port: 8080, ip_protocol: "tcp" });
    expect(configurationResource(plan, ingress[0].address).expressions.referenced_security_group_id.references).toContain(
      "aws_security_group.platform_shop_service_security_group",
    );
  });

  test("one certificate for the shop's two host names, its DNS records, none of its own for the admin path", () => {
    expect(resourcesOfType(plan, "aws_acm_certificate").map((certificate) => certificate.values.domain_name)).toEqual(["shop.example.com"]);
    expect(values("aws_acm_certificate.platform_shop_certificate").subject_alternative_names.sort()).toEqual([
      "shop.example.com",
      "www.example.com",
    ]);
    expect(resourcesOfType(plan, "aws_route53_record").filter((record) => record.values.alias?.length).map((record) => `${record.values.name} ${record.values.type}`).sort()).toEqual([
      "shop.example.com A",
      "shop.example.com AAAA",
      "www.example.com A",
      "www.example.com AAAA",
    ]);
    expect(resourcesOfType(plan, "aws_lb_listener_certificate")).toEqual([]);
  });

  test("one CloudWatch Logs resource policy and one stopped-task rule for the whole environment, watching every service", () => {
    // Beside the one of the zone's query logs (in us-east-1).
    expect(resourcesOfType(plan, "aws_cloudwatch_log_resource_policy").map((policy) => policy.address)).toEqual([
      "aws_cloudwatch_log_resource_policy.platform_dns_query_logs",
      "aws_cloudwatch_log_resource_policy.platform_stopped_tasks_delivery_policy",
    ]);
    expect(resourcesOfType(plan, "aws_cloudwatch_event_rule")).toHaveLength(1);
  });

  test("the session secret's value is nowhere in the plan or its files", () => {
    expect(whereTextAppears(planned, SECRET)).toEqual([]);
  });
});

describe("examples/platform.ts: workers, schedules, one-off tasks, autoscaling, Spot, richer containers", () => {
  const container = (family: string, name: string) =>
    decodeJsonencode(configurationResource(plan, `aws_ecs_task_definition.platform_${family}_task`).expressions.container_definitions.constant_value).find(
      (definition: any) => definition.name === name,
    );
  const policyOf = (address: string) => decodeJsonencode(configurationResource(plan, address).expressions.policy.constant_value);

  test("the shop autoscales on CPU and requests per target; Terraform leaves its desired_count to the scaler", () => {
    expect(values("aws_appautoscaling_target.platform_shop_auto_scaling")).toMatchObject({
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      min_capacity: 2,
      max_capacity: 10,
    });
    const policies = resourcesOfType(plan, "aws_appautoscaling_policy").filter((policy) => policy.address.includes("platform_shop_"));
    expect(policies.map((policy) => policy.values.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type).sort()).toEqual([
      "ALBRequestCountPerTarget",
      "ECSServiceAverageCPUUtilization",
    ]);
    expect(values("aws_ecs_service.platform_shop_service").desired_count).toBe(2);
    expect(synthesized().resource.aws_ecs_service.platform_shop_service.lifecycle.ignore_changes).toEqual(["desired_count"]);
    expect(synthesized().resource.aws_ecs_service.platform_admin_service.lifecycle.ignore_changes).toBeUndefined();
  });

  test("the worker: no load balancer, on FARGATE_SPOT with an on-demand base, scaling on its queue's backlog per task", () => {
    const worker = values("aws_ecs_service.platform_worker_service");
    expect(worker.load_balancer).toEqual([]);
    expect(synthesized().resource.aws_ecs_service.platform_worker_service).not.toHaveProperty("launch_type");
    expect(configurationResource(plan, "aws_ecs_service.platform_worker_service").depends_on).toEqual([
      "aws_ecs_cluster_capacity_providers.platform_cluster_capacity_providers",
    ]);
    expect(worker.capacity_provider_strategy).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ capacity_provider: "FARGATE", base: 1, weight: 1 }),
        expect.objectContaining({ capacity_provider: "FARGATE_SPOT", weight: 3 }),
      ]),
    );
    const backlog = values("aws_appautoscaling_policy.platform_worker_auto_scaling_backlog").target_tracking_scaling_policy_configuration[0];
    expect(backlog.target_value).toBe(50);
    const metrics = Object.fromEntries(backlog.customized_metric_specification[0].metrics.map((metric: any) => [metric.id, metric]));
    expect(Object.keys(metrics).sort()).toEqual(["backlog", "tasks", "visible"]);
    expect(metrics.visible.metric_stat[0].metric[0]).toMatchObject({ namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesVisible" });
    expect(metrics.tasks.metric_stat[0].metric[0]).toMatchObject({ namespace: "ECS/ContainerInsights", metric_name: "RunningTaskCount" });
    expect(metrics.backlog).toMatchObject({ expression: "visible / IF(tasks > 0, tasks, 1)", return_data: true });
    expect(container("worker", "platform-prod-worker").portMappings).toBeUndefined();
    const taskRole = policyOf("aws_iam_role_policy.platform_worker_task_role_policy");
    expect(taskRole.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Sid: "ConsumeQueues", Resource: ["${aws_sqs_queue.platform_jobs.arn}"] }),
        expect.objectContaining({ Sid: "MountFileSystems", Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"] }),
      ]),
    );
  });

  test("an EFS volume: encrypted in transit, through the access point, authorized by IAM, the mount targets admitting the worker", () => {
    const volume = values("aws_ecs_task_definition.platform_worker_task").volume;
    expect(volume).toEqual([
      expect.objectContaining({
        name: "efs-1",
        efs_volume_configuration: [expect.objectContaining({ transit_encryption: "ENABLED", authorization_config: [expect.objectContaining({ iam: "ENABLED" })] })],
      }),
    ]);
    expect(container("worker", "platform-prod-worker").mountPoints).toEqual([{ sourceVolume: "efs-1", containerPath: "/data", readOnly: false }]);
    expect(values("aws_efs_file_system.platform_uploads").encrypted).toBe(true);
    expect(resourcesOfType(plan, "aws_efs_mount_target")).toHaveLength(2);
    const nfs = resourcesOfType(plan, "aws_vpc_security_group_ingress_rule").filter((rule) => rule.values.from_port === 2049);
    expect(nfs.map((rule) => rule.address).sort()).toEqual([
      "aws_vpc_security_group_ingress_rule.platform_nightly_report_file_system_access_1",
      "aws_vpc_security_group_ingress_rule.platform_worker_file_system_access_1",
    ]);
  });

  test("a nightly schedule runs the report task in the private subnets; its role runs that family only and passes its two roles", () => {
    const schedule = values("aws_scheduler_schedule.platform_nightly_report_schedule");
    expect(schedule).toMatchObject({ schedule_expression: "cron(0 3 * * ? *)", schedule_expression_timezone: "Europe/Paris" });
    expect(schedule.target[0].ecs_parameters[0]).toMatchObject({ launch_type: "FARGATE" });
    expect(schedule.target[0].retry_policy[0]).toMatchObject({ maximum_retry_attempts: 2 });
    const policy = policyOf("aws_iam_role_policy.platform_nightly_report_scheduler_role_policy");
    expect(policy.Statement).toEqual([
      { Sid: "RunTheTask", Effect: "Allow", Action: ["ecs:RunTask"], Resource: ["${aws_ecs_task_definition.platform_nightly_report_task.arn_without_revision}:*"] },
      { Sid: "TagTheRun", Effect: "Allow", Action: ["ecs:TagResource"], Resource: ['${replace(aws_ecs_cluster.platform_cluster.arn, ":cluster/", ":task/")}/*'] },
      {
        Sid: "PassTheTaskRoles",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: ["${aws_iam_role.platform_nightly_report_task_execution_role.arn}", "${aws_iam_role.platform_nightly_report_task_role.arn}"],
      },
      { Sid: "RecordFailedRuns", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: ["${aws_sqs_queue.platform_nightly_report_failed_runs.arn}"] },
    ]);
    expect(values("aws_cloudwatch_metric_alarm.platform_nightly_report_failed_runs_alarm")).toMatchObject({ namespace: "AWS/SQS", threshold: 0 });
    const pattern = decodeJsonencode(configurationResource(plan, "aws_cloudwatch_event_rule.platform_stopped_tasks").expressions.event_pattern.constant_value);
    expect(pattern.detail.group).toEqual(expect.arrayContaining(["family:platform-prod-nightly-report", "family:platform-prod-migrate", "service:platform-prod-worker"]));
  });

  test("the migration is a one-off task with its run output for npm run task", () => {
    const output = synthesized().output.platform_migrate_run_task.value;
    expect(output).toMatchObject({ name: "migrate", container: "platform-prod-migrate", log_stream_prefix: "platform-prod-migrate", region: "eu-west-1" });
    expect(resourcesOfType(plan, "aws_ecs_service").some((service) => service.values.name === "platform-prod-migrate")).toBe(false);
  });

  test("the shop's app waits for its OpenTelemetry sidecar to be healthy", () => {
    expect(container("shop", "platform-prod-shop").dependsOn).toEqual([{ containerName: "otel-collector", condition: "HEALTHY" }]);
    expect(container("shop", "otel-collector")).toMatchObject({ essential: true, healthCheck: expect.objectContaining({ command: ["/healthcheck"] }) });
  });

  test("read-only root file systems with scratch volumes where nginx writes; the admin app's writable, for ECS Exec", () => {
    const shop = container("shop", "platform-prod-shop");
    expect(shop.readonlyRootFilesystem).toBe(true);
    expect(shop.mountPoints).toEqual([
      { sourceVolume: "scratch-1", containerPath: "/var/cache/nginx", readOnly: false },
      { sourceVolume: "scratch-2", containerPath: "/var/run", readOnly: false },
    ]);
    expect(values("aws_ecs_task_definition.platform_shop_task").volume.map((volume: any) => volume.name).sort()).toEqual(
      expect.arrayContaining(["scratch-1", "scratch-2"]),
    );
    const admin = container("admin", "platform-prod-admin");
    expect(admin.readonlyRootFilesystem).toBe(false);
    expect(admin.mountPoints ?? []).toEqual([]);
    expect(values("aws_ecs_service.platform_admin_service").enable_execute_command).toBe(true);
    expect(policyOf("aws_iam_role_policy.platform_admin_task_role_policy").Statement).toEqual([
      expect.objectContaining({ Sid: "ExecuteCommand", Resource: ["*"] }),
    ]);
  });

  test("a Secrets Manager secret's JSON key in the orders container, its execution role reading exactly that secret", () => {
    expect(container("orders", "platform-prod-orders").secrets).toEqual([
      { name: "DATABASE_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-prod/orders-db-AbCdEf:password::" },
    ]);
    expect(policyOf("aws_iam_role_policy.platform_orders_task_execution_role_policy").Statement).toEqual(
      expect.arrayContaining([
        { Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-prod/orders-db-AbCdEf"] },
      ]),
    );
  });

  test("no IAM statement has a * resource but ECS Exec's Session Manager channels, which have no resource-level permissions", () => {
    const wildcards = Object.keys(synthesized().resource.aws_iam_role_policy).flatMap((name) =>
      policyOf(`aws_iam_role_policy.${name}`)
        .Statement.filter((statement: any) => statement.Resource.includes("*"))
        .map((statement: any) => `${name}: ${statement.Action.join(",")}`),
    );
    expect(wildcards).toEqual([
      "platform_admin_task_role_policy: ssmmessages:CreateControlChannel,ssmmessages:CreateDataChannel,ssmmessages:OpenControlChannel,ssmmessages:OpenDataChannel",
    ]);
  });
});

describe("an environment of 20 web services, planned offline: the shared parts are paid once", () => {
  /** What the review prices apart from the tasks themselves. */
  const fixedCost = (planJson: any) =>
    reviewPlan(planJson)
      .cost.items.filter((item) => !item.item.startsWith("Fargate"))
      .reduce((sum, item) => sum + item.monthly, 0);

  test("plans one load balancer, 20 target groups and rules with unique priorities; each extra service adds under $1 a month of fixed cost", () => {
    const { 1: one, 20: twenty } = webServices;
    expect(resourcesOfType(twenty.plan, "aws_lb")).toHaveLength(1);
    expect(resourcesOfType(twenty.plan, "aws_lb_target_group")).toHaveLength(20);
    const priorities = resourcesOfType(twenty.plan, "aws_lb_listener_rule").map((rule) => rule.values.priority);
    expect(new Set(priorities).size).toBe(20);
    expect(resourcesOfType(twenty.plan, "aws_lb_listener_certificate")).toHaveLength(19);
    expect(resourcesOfType(twenty.plan, "aws_cloudwatch_log_resource_policy").map((policy) => policy.address)).toEqual([
      "aws_cloudwatch_log_resource_policy.env_dns_query_logs",
      "aws_cloudwatch_log_resource_policy.env_stopped_tasks_delivery_policy",
    ]);
    const perExtraService = (fixedCost(twenty.plan) - fixedCost(one.plan)) / 19;
    expect(perExtraService).toBeGreaterThan(0);
    expect(perExtraService).toBeLessThan(1);
  });
});
