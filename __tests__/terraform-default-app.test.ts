import { readFileSync, readdirSync, rmSync, statSync } from "fs";
import { join } from "path";
import { appToSynthesize, stacksToPlan } from "./plans/terraform-default-app";
import { runAppCommand } from "./support/app-command";
import { DEFAULT_APP_SECRET } from "./support/canaries";
import { decodeJsonencode } from "./support/synth";
import { rulesApplied, scannerFindings } from "./support/scanner-rules";
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

// A value no code path could produce: if it shows up anywhere, the secret leaked.
const SECRET = DEFAULT_APP_SECRET;

let outdir: string;
let planned: PlannedStack;
let dev: PlannedStack;
let plan: any;
const plannedDir = () => planned.dir;

beforeAll(async () => {
  // The user has the secret exported while synthesizing, as they would before `cdktf deploy`.
  outdir = runAppCommand(appToSynthesize.env, appToSynthesize.entry);
  [planned, dev] = await planStacks(stacksToPlan(outdir));
  plan = planned.plan;
});

afterAll(() => {
  cleanupPlannedStacks();
  rmSync(outdir, { recursive: true, force: true });
});

const values = (address: string) => plannedResource(plan, address).values;
const expression = (address: string, argument: string) => configurationResource(plan, address).expressions[argument];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const file = join(dir, entry);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

describe("the default app's prod environment, planned offline by Terraform with the real AWS provider", () => {
  test("validates, and plans only creations", () => {
    expect(planDiagnostics(planned)).toEqual([]); // `terraform plan` validates the configuration first
    const actions = new Set(plan.resource_changes.map((change: any) => change.change.actions.join(",")));
    expect([...actions]).toEqual(["create"]);
    // 53 before the hardening; its 26 are asserted in "what a security reviewer's scanner finds" below
    expect(plan.resource_changes).toHaveLength(79);
  });

  test("the S3 gateway endpoint (free) is on both private route tables", () => {
    expect(values("aws_vpc_endpoint.hello_network_s3_endpoint")).toMatchObject({ service_name: "com.amazonaws.eu-west-1.s3", vpc_endpoint_type: "Gateway" });
    expect(expression("aws_vpc_endpoint.hello_network_s3_endpoint", "route_table_ids").references).toEqual(
      expect.arrayContaining(["aws_route_table.hello_network_private_route_table_a.id", "aws_route_table.hello_network_private_route_table_b.id"]),
    );
    expect(resourcesOfType(plan, "aws_vpc_endpoint")).toHaveLength(1);
  });

  test("the secret's value is nowhere: not in cdktf.out, the plan files, their JSON or Terraform's output", () => {
    expect(whereInFiles(outdir, SECRET)).toEqual([]);
    expect(whereTextAppears(dev, SECRET)).toEqual([]);
    expect(whereInFiles(outdir, "hello.example.com")).not.toEqual([]); // the search does find what is there
    expect(planned.planJsonText).not.toContain(SECRET);
    expect(planned.planOutput).not.toContain(SECRET);
    expect(whereTextAppears(planned, SECRET)).toEqual([]);
  });

  test("network: a dual-stack VPC, public and private subnets in two zones, a NAT gateway per zone", () => {
    expect(values("aws_vpc.hello_network")).toMatchObject({ cidr_block: "10.0.0.0/16", assign_generated_ipv6_cidr_block: true });
    const subnets = resourcesOfType(plan, "aws_subnet").map((subnet) => [subnet.values.availability_zone, subnet.values.cidr_block]);
    expect(subnets.sort()).toEqual([
      ["eu-west-1a", "10.0.0.0/20"],
      ["eu-west-1a", "10.0.128.0/20"],
      ["eu-west-1b", "10.0.144.0/20"],
      ["eu-west-1b", "10.0.16.0/20"],
    ]);
    expect(resourcesOfType(plan, "aws_nat_gateway")).toHaveLength(2);
    expect(resourcesOfType(plan, "aws_internet_gateway")).toHaveLength(1);
  });

  test("cluster with Container Insights, and a log group kept 30 days", () => {
    expect(values("aws_ecs_cluster.hello_cluster")).toMatchObject({
      name: "hello-prod",
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    expect(values("aws_cloudwatch_log_group.hello_logs")).toMatchObject({ name: "/ecs/hello-prod", retention_in_days: 90 });
  });

  test("the secret: a SecureString written only through value_wo, from the ephemeral variable", () => {
    expect(values("aws_ssm_parameter.hello_secret_password")).toMatchObject({
      name: "/hello-prod/PASSWORD",
      type: "SecureString",
      value_wo: null,
      value_wo_version: 1,
    });
    expect(expression("aws_ssm_parameter.hello_secret_password", "value_wo").references).toEqual(["var.password"]);
    expect(plan.variables?.password).toBeUndefined(); // ephemeral: not even recorded as a plan input
  });

  test("IAM: the execution role reads exactly the parameter's ARN and decrypts with exactly its key; the task role is another role", () => {
    expect(values("aws_iam_role.hello_task_execution_role").name).toBe("hello-prod-execution");
    expect(values("aws_iam_role.hello_task_role").name).toBe("hello-prod-task");
    const policy = decodeJsonencode(expression("aws_iam_role_policy.hello_task_execution_role_policy", "policy").constant_value);
    expect(policy.Statement).toEqual([
      { Sid: "ReadSecretParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: ["${aws_ssm_parameter.hello_secret_password.arn}"] },
      { Sid: "DecryptSecretParameters", Effect: "Allow", Action: ["kms:Decrypt"], Resource: ["${aws_kms_key.hello_encryption_key.arn}"] },
      { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: ["${aws_cloudwatch_log_group.hello_logs.arn}:*"] },
    ]);
    expect(expression("aws_ecs_task_definition.hello_task", "execution_role_arn").references).toContain("aws_iam_role.hello_task_execution_role");
    expect(expression("aws_ecs_task_definition.hello_task", "task_role_arn").references).toContain("aws_iam_role.hello_task_role");
  });

  test("task definition: Fargate, awsvpc, the container with USER plain and PASSWORD from SSM, awslogs", () => {
    expect(values("aws_ecs_task_definition.hello_task")).toMatchObject({
      family: "hello-prod",
      cpu: "512",
      memory: "1024",
      network_mode: "awsvpc",
      requires_compatibilities: ["FARGATE"],
      runtime_platform: [{ operating_system_family: "LINUX", cpu_architecture: "X86_64" }],
    });
    const [container] = decodeJsonencode(expression("aws_ecs_task_definition.hello_task", "container_definitions").constant_value);
    expect(container).toMatchObject({
      name: "hello-prod",
      image: "public.ecr.aws/nginx/nginx:1.27-alpine",
      environment: [{ name: "USER", value: "hello" }],
      secrets: [{ name: "PASSWORD", valueFrom: "${aws_ssm_parameter.hello_secret_password.arn}" }],
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-region": "eu-west-1" } },
    });
  });

  test("task definition: a read-only root file system, with scratch volumes where nginx writes its temporary files and pid", () => {
    const [container] = decodeJsonencode(expression("aws_ecs_task_definition.hello_task", "container_definitions").constant_value);
    expect(container.readonlyRootFilesystem).toBe(true);
    expect(container.mountPoints).toEqual([
      { sourceVolume: "scratch-1", containerPath: "/var/cache/nginx", readOnly: false },
      { sourceVolume: "scratch-2", containerPath: "/var/run", readOnly: false },
    ]);
    expect(values("aws_ecs_task_definition.hello_task").volume.map((volume: any) => volume.name).sort()).toEqual(["scratch-1", "scratch-2"]);
  });

  test("load balancer: internet-facing, dual-stack, HTTPS with TLS 1.3/1.2 and the certificate, HTTP redirects", () => {
    expect(values("aws_lb.hello_load_balancer")).toMatchObject({
      internal: false,
      load_balancer_type: "application",
      ip_address_type: "dualstack",
      drop_invalid_header_fields: true,
    });
    expect(values("aws_lb_target_group.hello_target_group")).toMatchObject({
      target_type: "ip",
      port: 80,
      deregistration_delay: "30",
      health_check: [expect.objectContaining({ path: "/", matcher: "200-399" })],
    });
    expect(values("aws_lb_listener.hello_load_balancer_https_listener")).toMatchObject({
      port: 443,
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    });
    expect(expression("aws_lb_listener.hello_load_balancer_https_listener", "certificate_arn").references).toContain(
      "aws_acm_certificate_validation.hello_certificate_issued",
    );
    expect(values("aws_lb_listener.hello_load_balancer_https_listener").default_action).toEqual([
      expect.objectContaining({ type: "fixed-response", fixed_response: [expect.objectContaining({ status_code: "404" })] }),
    ]);
    expect(values("aws_lb_listener_rule.hello_listener_rule")).toMatchObject({
      condition: [expect.objectContaining({ host_header: [{ values: ["hello.example.com"] }] })],
      action: [expect.objectContaining({ type: "forward" })],
    });
    expect(expression("aws_lb_listener_rule.hello_listener_rule", "action")[0].target_group_arn.references).toContain("aws_lb_target_group.hello_target_group");
    expect(values("aws_lb_listener.hello_load_balancer_http_listener").default_action[0].redirect[0]).toMatchObject({
      protocol: "HTTPS",
      status_code: "HTTP_301",
    });
    const openPorts = resourcesOfType(plan, "aws_vpc_security_group_ingress_rule")
      .filter((rule) => rule.values.cidr_ipv4 === "0.0.0.0/0" || rule.values.cidr_ipv6 === "::/0")
      .map((rule) => rule.values.from_port);
    expect(openPorts.sort()).toEqual([443, 443, 80, 80]);
  });

  test("certificate: ACM for the domain, DNS validation records in the zone, the validation resource", () => {
    expect(values("aws_acm_certificate.hello_certificate")).toMatchObject({ domain_name: "hello.example.com", validation_method: "DNS" });
    expect(plannedResource(plan, 'aws_route53_record.hello_certificate_validation["hello.example.com"]').values).toMatchObject({
      ttl: 60,
      allow_overwrite: true,
    });
    expect(resourcesOfType(plan, "aws_acm_certificate_validation")).toHaveLength(1);
  });

  test("DNS: the zone, and alias A and AAAA records to the load balancer", () => {
    expect(values("aws_route53_zone.hello_zone_hello_example_com").name).toBe("hello.example.com");
    for (const type of ["a", "aaaa"]) {
      expect(values(`aws_route53_record.hello_dns_hello_example_com_${type}`)).toMatchObject({
        name: "hello.example.com",
        type: type.toUpperCase(),
        alias: [expect.objectContaining({ evaluate_target_health: true })],
      });
    }
  });

  test("service: Fargate, private subnets, no public IP, rolls back, behind the target group after its listener rule", () => {
    expect(values("aws_ecs_service.hello_service")).toMatchObject({
      name: "hello-prod",
      launch_type: "FARGATE",
      desired_count: 2,
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      deployment_circuit_breaker: [{ enable: true, rollback: true }],
      network_configuration: [expect.objectContaining({ assign_public_ip: false })],
      load_balancer: [expect.objectContaining({ container_name: "hello-prod", container_port: 80 })],
    });
    expect(configurationResource(plan, "aws_ecs_service.hello_service").depends_on).toEqual(["aws_lb_listener_rule.hello_listener_rule"]);
  });

  test("a bad deploy fails apply: steady-state wait, circuit breaker with rollback, and the rollback postcondition", () => {
    expect(values("aws_ecs_service.hello_service")).toMatchObject({
      wait_for_steady_state: true,
      timeouts: { create: "20m", update: "20m" },
      deployment_circuit_breaker: [{ enable: true, rollback: true }],
      health_check_grace_period_seconds: 30,
    });
    // Terraform's plan JSON leaves lifecycle conditions out: read them from the configuration Terraform
    // just validated and planned without error.
    const configuration = JSON.parse(readFileSync(join(plannedDir(), "cdk.tf.json"), "utf8"));
    const [postcondition] = configuration.resource.aws_ecs_service.hello_service.lifecycle.postcondition;
    expect(postcondition.condition).toBe("${(self.task_definition == aws_ecs_task_definition.hello_task.arn)}");
    expect(postcondition.error_message).toMatch(/^The deployment of service hello-prod was rolled back: ECS is running \$\{self.task_definition\}/);
    expect(postcondition.error_message).toContain("/aws/events/ecs/hello-prod/stopped-tasks");
  });

  test("stopped tasks are kept: an EventBridge rule for this service's STOPPED tasks, delivered to a log group", () => {
    // The pattern names the cluster's ARN, known only at apply: read it from the configuration.
    const pattern = decodeJsonencode(expression("aws_cloudwatch_event_rule.hello_stopped_tasks", "event_pattern").constant_value);
    expect(pattern).toMatchObject({
      source: ["aws.ecs"],
      "detail-type": ["ECS Task State Change"],
      detail: { clusterArn: ["${aws_ecs_cluster.hello_cluster.arn}"], group: ["service:hello-prod"], lastStatus: ["STOPPED"] },
    });
    expect(expression("aws_cloudwatch_event_target.hello_stopped_tasks_to_logs", "arn").references).toContain(
      "aws_cloudwatch_log_group.hello_stopped_tasks_log_group",
    );
    expect(values("aws_cloudwatch_log_group.hello_stopped_tasks_log_group").name).toBe("/aws/events/ecs/hello-prod/stopped-tasks");
    expect(resourcesOfType(plan, "aws_cloudwatch_log_resource_policy").map((policy) => policy.address)).toEqual([
      "aws_cloudwatch_log_resource_policy.hello_dns_query_logs",
      "aws_cloudwatch_log_resource_policy.hello_stopped_tasks_delivery_policy",
    ]);
  });

  test("alarms on unhealthy targets and on target 5xx", () => {
    expect(values("aws_cloudwatch_metric_alarm.hello_alarms_unhealthy_targets")).toMatchObject({
      alarm_name: "hello-prod-unhealthy-targets",
      namespace: "AWS/ApplicationELB",
      metric_name: "UnHealthyHostCount",
      threshold: 0,
    });
    expect(values("aws_cloudwatch_metric_alarm.hello_alarms_target_5xx")).toMatchObject({
      alarm_name: "hello-prod-target-5xx",
      metric_name: "HTTPCode_Target_5XX_Count",
      threshold: 10,
    });
  });

  test("every resource carries the stack's tags", () => {
    const untagged = plan.resource_changes
      .filter((change: any) => change.change.after && "tags_all" in change.change.after)
      .filter((change: any) => change.change.after.tags_all?.ManagedBy !== "fargate-as-code")
      .map((change: any) => change.address);
    expect(untagged).toEqual([]);
  });

  test("outputs: URL, load balancer, cluster, service, log group, name servers, secret parameter names", () => {
    expect(Object.keys(plan.output_changes).sort()).toEqual([
      "hello_access_logs_bucket",
      "hello_cluster_name",
      "hello_dnssec_ds_records",
      "hello_load_balancer_dns_name",
      "hello_log_group_name",
      "hello_name_servers",
      "hello_secret_parameter_names",
      "hello_service_name",
      "hello_stopped_tasks_log_group_name",
      "hello_url",
    ]);
    expect(plan.output_changes.hello_url.after).toBe("https://hello.example.com");
    expect(plan.output_changes.hello_secret_parameter_names.after).toEqual({ PASSWORD: "/hello-prod/PASSWORD" });
  });
});

function whereInFiles(dir: string, text: string): string[] {
  return filesUnder(dir).filter((file) => readFileSync(file, "utf8").includes(text));
}

describe("the default app's dev environment: the same app, smaller and cheaper", () => {
  const devValues = (address: string) => plannedResource(dev.plan, address).values;

  test("plans its own stack, named and tagged dev", () => {
    // 51, and the default security group without rules (free, so in dev too)
    expect(dev.plan.resource_changes).toHaveLength(52);
    expect(devValues("aws_ecs_service.hello_service").name).toBe("hello-dev");
    expect(devValues("aws_ecs_cluster.hello_cluster").tags_all).toMatchObject({ Environment: "dev", Stack: "hello-dev" });
    expect(values("aws_ecs_cluster.hello_cluster").tags_all).toMatchObject({ Environment: "prod", Stack: "hello-prod" });
  });

  test("overrides size, count, domain, NAT strategy, deletion protection and log retention", () => {
    expect(devValues("aws_ecs_task_definition.hello_task")).toMatchObject({ cpu: "256", memory: "512" });
    expect(devValues("aws_ecs_service.hello_service").desired_count).toBe(1);
    expect(devValues("aws_acm_certificate.hello_certificate").domain_name).toBe("dev.hello.example.com");
    expect(resourcesOfType(dev.plan, "aws_nat_gateway")).toHaveLength(1);
    expect(devValues("aws_lb.hello_load_balancer").enable_deletion_protection).toBe(false);
    expect(values("aws_lb.hello_load_balancer").enable_deletion_protection).toBe(true);
    expect(devValues("aws_cloudwatch_log_group.hello_logs").retention_in_days).toBe(7);
  });

  test("its secret is its own parameter, from the same variable name in its own stack", () => {
    expect(devValues("aws_ssm_parameter.hello_secret_password").name).toBe("/hello-dev/PASSWORD");
    expect(configurationResource(dev.plan, "aws_ssm_parameter.hello_secret_password").expressions.value_wo.references).toEqual([
      "var.password",
    ]);
  });
});

describe("what a security reviewer's scanner finds in the plans (README \"Hardening\")", () => {
  const synthesized = (stack: string) => JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
  /** Each rule's findings, as `rule address` lines. */
  const findings = (planned: PlannedStack, stack: string) =>
    scannerFindings(planned.plan, synthesized(stack)).map(({ rule, address }) => `${rule} ${address}`);

  test("prod fails no rule but the documented exceptions: port 80 (the redirect), retention under a year, open egress, and the access-log bucket's four", () => {
    expect(rulesApplied(plan)).toEqual(expect.arrayContaining(["CKV_AWS_91", "CKV2_AWS_28", "CKV2_AWS_11", "CKV2_AWS_12", "CKV_AWS_158", "CKV_AWS_336", "CKV2_AWS_38", "CKV2_AWS_39"]));
    const unexplained = findings(planned, "hello-prod").filter(
      (finding) =>
        !/^CKV_AWS_260 aws_vpc_security_group_ingress_rule\.hello_load_balancer_ingress_80_ipv[46]$/.test(finding) &&
        !/^CKV_AWS_338 aws_cloudwatch_log_group\./.test(finding) &&
        finding !== "CKV_AWS_382 aws_vpc_security_group_egress_rule.hello_service_egress_all" &&
        !/^(CKV_AWS_145|CKV_AWS_18|CKV_AWS_144|CKV2_AWS_62) aws_s3_bucket\.hello_load_balancer_access_logs$/.test(finding),
    );
    expect(unexplained).toEqual([]);
  });

  test("dev leaves off what costs money, and keeps the free measures", () => {
    const rules = new Set(findings(dev, "hello-dev").map((finding) => finding.split(" ")[0]));
    for (const off of ["CKV_AWS_91", "CKV2_AWS_28", "CKV2_AWS_11", "CKV_AWS_158", "CKV2_AWS_38", "CKV2_AWS_39", "CKV_AWS_150"]) expect(rules).toContain(off);
    for (const kept of ["CKV2_AWS_12", "CKV_AWS_336", "CKV_AWS_131", "CKV_AWS_103", "CKV_AWS_333"]) expect(rules).not.toContain(kept);
  });
});
