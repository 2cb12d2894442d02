import {
  Certificate,
  Cluster,
  FargateWebApp,
  FargateWebAppProps,
  HostedZone,
  Network,
  SecretParameter,
} from "../src";
import { decodeJsonencode, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

const minimal: FargateWebAppProps = { name: "hello", image: "public.ecr.aws/nginx/nginx:1.27", domain: "hello.example.com" };

function synthApp(props: Partial<FargateWebAppProps> = {}) {
  return synthesize((stack) => new FargateWebApp(stack, "hello", { ...minimal, ...props }));
}

function executionPolicy(json: ReturnType<typeof synthApp>) {
  return decodeJsonencode(resourcesOf(json, "aws_iam_role_policy").hello_task_execution_role_policy.policy);
}

function containers(json: ReturnType<typeof synthApp>) {
  return decodeJsonencode(onlyResource(json, "aws_ecs_task_definition").container_definitions);
}

describe("FargateWebApp defaults", () => {
  const json = synthApp({ secrets: { PASSWORD: {} }, environment: { USER: "hello" } });

  test("builds every module of the article's stack", () => {
    const counts = Object.fromEntries(Object.entries(json.resource).map(([type, all]) => [type, Object.keys(all).length]));
    expect(counts).toMatchObject({
      aws_vpc: 1,
      aws_subnet: 4,
      aws_internet_gateway: 1,
      aws_nat_gateway: 2,
      aws_ecs_cluster: 1,
      // the service's and the stopped tasks', and production's flow logs, DNS query logs and WAF log
      aws_cloudwatch_log_group: 5,
      aws_ssm_parameter: 1,
      // the task's two, and the flow logs' delivery role
      aws_iam_role: 3,
      aws_iam_role_policy: 2,
      aws_ecs_task_definition: 1,
      aws_lb: 1,
      aws_lb_target_group: 1,
      aws_lb_listener: 2,
      aws_acm_certificate: 1,
      aws_acm_certificate_validation: 1,
      aws_route53_zone: 1,
      aws_route53_record: 3,
      aws_ecs_service: 1,
      aws_cloudwatch_event_rule: 1,
      aws_cloudwatch_event_target: 1,
      aws_cloudwatch_metric_alarm: 2,
    });
  });

  test("names Terraform resources after what they are", () => {
    expect(Object.keys(resourcesOf(json, "aws_ecs_service"))).toEqual(["hello_service"]);
    expect(Object.keys(resourcesOf(json, "aws_lb"))).toEqual(["hello_load_balancer"]);
    expect(Object.keys(resourcesOf(json, "aws_iam_role")).sort()).toEqual(["hello_network_flow_logs_role", "hello_task_execution_role", "hello_task_role"]);
    expect(Object.keys(resourcesOf(json, "aws_ssm_parameter"))).toEqual(["hello_secret_password"]);
  });

  test("configures the container through environment variables and an SSM secret", () => {
    const [container] = containers(json);
    expect(container).toMatchObject({
      name: "hello",
      image: "public.ecr.aws/nginx/nginx:1.27",
      essential: true,
      portMappings: [{ containerPort: 80, hostPort: 80, protocol: "tcp" }],
      environment: [{ name: "USER", value: "hello" }],
      secrets: [{ name: "PASSWORD", valueFrom: "${aws_ssm_parameter.hello_secret_password.arn}" }],
    });
    expect(onlyResource(json, "aws_ssm_parameter")).toMatchObject({
      name: "/hello/PASSWORD",
      type: "SecureString",
      value_wo: "${var.password}",
    });
    expect(json.variable?.password).toMatchObject({ sensitive: true, ephemeral: true, type: "string" });
  });

  test("lets the execution role read exactly the referenced parameter, and nothing with *", () => {
    const statements = executionPolicy(json).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: ["ssm:GetParameters"], Resource: ["${aws_ssm_parameter.hello_secret_password.arn}"] }),
    );
    expect(statements.flatMap((statement: any) => statement.Resource)).not.toContain("*");
  });

  test("gives the application its own task role, apart from the execution role", () => {
    const taskDefinition = onlyResource(json, "aws_ecs_task_definition");
    expect(taskDefinition.execution_role_arn).toBe("${aws_iam_role.hello_task_execution_role.arn}");
    expect(taskDefinition.task_role_arn).toBe("${aws_iam_role.hello_task_role.arn}");
  });

  test("serves HTTPS with the validated certificate and redirects HTTP", () => {
    const listeners = resourcesOf(json, "aws_lb_listener");
    expect(listeners.hello_load_balancer_https_listener).toMatchObject({
      port: 443,
      protocol: "HTTPS",
      certificate_arn: "${aws_acm_certificate_validation.hello_certificate_issued.certificate_arn}",
    });
    expect(listeners.hello_load_balancer_http_listener.default_action[0].redirect).toMatchObject({ protocol: "HTTPS" });
    expect(onlyResource(json, "aws_acm_certificate")).toMatchObject({ domain_name: "hello.example.com", validation_method: "DNS" });
  });

  test("points the domain at the load balancer over IPv4 and IPv6", () => {
    const records = resourcesOf(json, "aws_route53_record");
    for (const type of ["A", "AAAA"]) {
      expect(records[`hello_dns_hello_example_com_${type.toLowerCase()}`]).toMatchObject({
        name: "hello.example.com",
        type,
        zone_id: "${aws_route53_zone.hello_zone_hello_example_com.zone_id}",
        alias: { name: "${aws_lb.hello_load_balancer.dns_name}", zone_id: "${aws_lb.hello_load_balancer.zone_id}" },
      });
    }
  });

  test("writes container logs to a log group kept 30 days", () => {
    expect(resourcesOf(json, "aws_cloudwatch_log_group").hello_logs).toMatchObject({ name: "/ecs/hello", retention_in_days: 30 });
    expect(containers(json)[0].logConfiguration.options["awslogs-group"]).toBe("${aws_cloudwatch_log_group.hello_logs.name}");
  });

  test("outputs what an operator needs", () => {
    expect(Object.keys(json.output ?? {}).sort()).toEqual([
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
    expect(json.output?.hello_url.value).toBe("https://hello.example.com");
    expect(json.output?.hello_secret_parameter_names.value).toEqual({ PASSWORD: "/hello/PASSWORD" });
  });

  test("runs 2 tasks of 0.25 vCPU and 512 MiB in private subnets", () => {
    const service = onlyResource(json, "aws_ecs_service");
    expect(service).toMatchObject({ desired_count: 2, launch_type: "FARGATE" });
    expect(service.network_configuration.assign_public_ip).toBe(false);
    expect(service.network_configuration.subnets).toEqual([
      "${aws_subnet.hello_network_private_subnet_a.id}",
      "${aws_subnet.hello_network_private_subnet_b.id}",
    ]);
    expect(onlyResource(json, "aws_ecs_task_definition")).toMatchObject({ cpu: "256", memory: "512" });
  });
});

describe("FargateWebApp options", () => {
  test("without secrets there is no parameter, variable or secret grant", () => {
    const json = synthApp();
    expect(resourcesOf(json, "aws_ssm_parameter")).toEqual({});
    expect(json.variable).toBeUndefined();
    expect(executionPolicy(json).Statement.map((statement: any) => statement.Sid)).toEqual(["WriteLogs"]);
  });

  test("two secrets make two parameters, two variables and one grant naming both", () => {
    const json = synthApp({ secrets: { PASSWORD: {}, API_TOKEN: { version: 3 } } });
    expect(Object.keys(json.variable ?? {}).sort()).toEqual(["api_token", "password"]);
    expect(resourcesOf(json, "aws_ssm_parameter").hello_secret_api_token).toMatchObject({
      name: "/hello/API_TOKEN",
      value_wo_version: 3,
    });
    const read = executionPolicy(json).Statement.find((statement: any) => statement.Sid === "ReadSecretParameters");
    expect(read.Resource.sort()).toEqual([
      "${aws_ssm_parameter.hello_secret_api_token.arn}",
      "${aws_ssm_parameter.hello_secret_password.arn}",
    ]);
  });

  test("an existing parameter is read by ARN and granted with its KMS key", () => {
    const arn = "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/DB_PASSWORD";
    const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const json = synthApp({ secrets: { DB_PASSWORD: SecretParameter.fromArn(arn, { kmsKeyArn: key }) } });
    expect(resourcesOf(json, "aws_ssm_parameter")).toEqual({});
    expect(containers(json)[0].secrets).toEqual([{ name: "DB_PASSWORD", valueFrom: arn }]);
    expect(executionPolicy(json).Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: ["ssm:GetParameters"], Resource: [arn] }),
        expect.objectContaining({ Action: ["kms:Decrypt"], Resource: [key] }),
      ]),
    );
  });

  test("an existing network is used instead of a new one", () => {
    const json = synthApp({
      network: Network.fromExisting({
        vpcId: "vpc-0abc1234",
        publicSubnetIds: ["subnet-0aaaa001", "subnet-0aaaa002"],
        privateSubnetIds: ["subnet-0bbbb001", "subnet-0bbbb002"],
      }),
    });
    for (const type of ["aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_internet_gateway"]) {
      expect(resourcesOf(json, type)).toEqual({});
    }
    expect(onlyResource(json, "aws_lb")).toMatchObject({ subnets: ["subnet-0aaaa001", "subnet-0aaaa002"], ip_address_type: "ipv4" });
    expect(onlyResource(json, "aws_ecs_service").network_configuration.subnets).toEqual(["subnet-0bbbb001", "subnet-0bbbb002"]);
    expect(Object.keys(resourcesOf(json, "aws_route53_record"))).not.toContain("hello_dns_aaaa");
  });

  test("network options reach the new network", () => {
    const json = synthApp({ networkOptions: { natGateways: "single", cidrBlock: "10.20.0.0/16" } });
    expect(Object.keys(resourcesOf(json, "aws_nat_gateway"))).toHaveLength(1);
    expect(onlyResource(json, "aws_vpc").cidr_block).toBe("10.20.0.0/16");
  });

  test("an existing cluster is used instead of a new one", () => {
    const json = synthApp({
      cluster: Cluster.fromExisting({ clusterName: "shared", clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/shared" }),
    });
    expect(resourcesOf(json, "aws_ecs_cluster")).toEqual({});
    expect(onlyResource(json, "aws_ecs_service").cluster).toBe("arn:aws:ecs:eu-west-1:123456789012:cluster/shared");
    expect(json.output?.hello_cluster_name.value).toBe("shared");
  });

  test("an existing hosted zone holds the records and the validation", () => {
    const json = synthApp({ domain: "app.example.org", hostedZone: HostedZone.fromExisting({ zoneId: "Z0123", zoneName: "example.org" }) });
    expect(resourcesOf(json, "aws_route53_zone")).toEqual({});
    expect(json.output?.hello_name_servers).toBeUndefined();
    const records = resourcesOf(json, "aws_route53_record");
    expect(records.hello_dns_app_example_org_a.zone_id).toBe("Z0123");
    expect(records.hello_dns_app_example_org_aaaa.zone_id).toBe("Z0123");
    expect(records.hello_certificate_validation.for_each).toEqual({ "app.example.org": { domain: "app.example.org", zone_id: "Z0123" } });
  });

  test("an existing certificate replaces the new one", () => {
    const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";
    const json = synthApp({ certificate: Certificate.fromArn(arn) });
    expect(resourcesOf(json, "aws_acm_certificate")).toEqual({});
    expect(resourcesOf(json, "aws_lb_listener").hello_load_balancer_https_listener.certificate_arn).toBe(arn);
  });

  test("a wildcard certificate also covers *.domain", () => {
    const json = synthApp({ wildcardCertificate: true });
    expect(onlyResource(json, "aws_acm_certificate").subject_alternative_names).toEqual(["*.hello.example.com"]);
  });

  test("size, count, port, architecture, health check, retention and deletion protection are passed on", () => {
    const json = synthApp({
      cpu: 1024,
      memory: 2048,
      desiredCount: 3,
      port: 8080,
      cpuArchitecture: "ARM64",
      healthCheck: { path: "/healthz" },
      logRetentionDays: 90,
      deletionProtection: true,
    });
    expect(onlyResource(json, "aws_ecs_task_definition")).toMatchObject({
      cpu: "1024",
      memory: "2048",
      runtime_platform: { cpu_architecture: "ARM64" },
    });
    expect(onlyResource(json, "aws_ecs_service")).toMatchObject({
      desired_count: 3,
      load_balancer: [{ container_port: 8080, container_name: "hello" }],
    });
    expect(onlyResource(json, "aws_lb_target_group")).toMatchObject({ port: 8080, health_check: { path: "/healthz" } });
    expect(resourcesOf(json, "aws_cloudwatch_log_group").hello_logs.retention_in_days).toBe(90);
    expect(onlyResource(json, "aws_lb").enable_deletion_protection).toBe(true);
  });
});

describe("FargateWebApp deployment visibility", () => {
  test("by default: steady-state wait with the rollback postcondition, stopped-task events and two alarms, no SNS", () => {
    const json = synthApp();
    const service = onlyResource(json, "aws_ecs_service");
    expect(service.wait_for_steady_state).toBe(true);
    expect(service.lifecycle.postcondition).toHaveLength(1);
    expect(service.alarms).toBeUndefined();
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_metric_alarm")).sort()).toEqual([
      "hello_alarms_target_5xx",
      "hello_alarms_unhealthy_targets",
    ]);
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_event_rule"))).toEqual(["hello_stopped_tasks"]);
    expect(resourcesOf(json, "aws_sns_topic")).toEqual({});
  });

  test("each part can be switched off", () => {
    const json = synthApp({ alarms: false, stoppedTaskEvents: false, waitForSteadyState: false });
    expect(resourcesOf(json, "aws_cloudwatch_metric_alarm")).toEqual({});
    expect(resourcesOf(json, "aws_cloudwatch_event_rule")).toEqual({});
    expect(json.output?.hello_stopped_tasks_log_group_name).toBeUndefined();
    const service = onlyResource(json, "aws_ecs_service");
    expect(service.wait_for_steady_state).toBe(false);
    expect(service.lifecycle).toBeUndefined();
  });

  test("rollbackOnAlarm makes both alarms the service's deployment alarms", () => {
    const json = synthApp({ rollbackOnAlarm: true, target5xxPerMinute: 25, deploymentTimeoutMinutes: 30 });
    expect(onlyResource(json, "aws_ecs_service")).toMatchObject({
      alarms: {
        alarm_names: [
          "${aws_cloudwatch_metric_alarm.hello_alarms_unhealthy_targets.alarm_name}",
          "${aws_cloudwatch_metric_alarm.hello_alarms_target_5xx.alarm_name}",
        ],
        enable: true,
        rollback: true,
      },
      timeouts: { create: "30m", update: "30m" },
    });
    expect(resourcesOf(json, "aws_cloudwatch_metric_alarm").hello_alarms_target_5xx.threshold).toBe(25);
  });

  test("rollbackOnAlarm without alarms is refused", () => {
    expect(synthErrors((stack) => new FargateWebApp(stack, "hello", { ...minimal, alarms: false, rollbackOnAlarm: true }))).toEqual([
      "[test/hello] rollbackOnAlarm: deployments roll back on the service's alarms, and `alarms` is false. Fix: leave `alarms` on, or drop `rollbackOnAlarm`",
    ]);
  });

  test("alert emails: a topic that the alarms and the stopped-task rule publish to", () => {
    const json = synthApp({ alertEmails: ["ops@example.com", "dev@example.com"] });
    expect(onlyResource(json, "aws_sns_topic").name).toBe("hello-alerts");
    expect(Object.values(resourcesOf(json, "aws_sns_topic_subscription")).map((subscription) => subscription.endpoint)).toEqual([
      "ops@example.com",
      "dev@example.com",
    ]);
    for (const alarm of Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"))) {
      expect(alarm.alarm_actions).toEqual(["${aws_sns_topic.hello_alerts.arn}"]);
    }
    expect(resourcesOf(json, "aws_cloudwatch_event_target").hello_stopped_tasks_to_topic.arn).toBe("${aws_sns_topic.hello_alerts.arn}");
  });
});

describe("FargateWebApp validation", () => {
  const errorsFor = (props: Partial<FargateWebAppProps>) =>
    synthErrors((stack) => new FargateWebApp(stack, "hello", { ...minimal, ...props }));

  test("the nearest good input synthesizes", () => {
    expect(errorsFor({})).toEqual([]);
  });

  test("reports every problem at once, each with its field, value and fix", () => {
    const errors = errorsFor({ name: "Hello_App", domain: "https://hello.example.com/", cpu: 256, memory: 4096 });
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^\[test\/hello\] domain is "https:\/\/hello.example.com\/": .* Fix: /);
    expect(errors[1]).toMatch(/^\[test\/hello\] name is "Hello_App": .*lowercase.* Fix: /);
    expect(errors[2]).toMatch(/^\[test\/hello\/task\] cpu\/memory is \{"cpu":256,"memory":4096\}: .* Fix: use one of the nearest valid sizes: cpu 256 \/ memory 2048, cpu 512 \/ memory 4096/);
  });

  test("a domain outside the hosted zone is refused", () => {
    const errors = errorsFor({ domain: "app.example.net", hostedZone: HostedZone.fromExisting({ zoneId: "Z1", zoneName: "example.org" }) });
    expect(errors).toEqual([expect.stringMatching(/domain is "app.example.net": the name must be inside the hosted zone "example.org"/)]);
  });

  test("a variable both plain and secret is refused without printing its value", () => {
    const errors = errorsFor({ environment: { PASSWORD: "hunter2" }, secrets: { PASSWORD: {} } });
    expect(errors).toEqual([expect.stringMatching(/environment.PASSWORD: .* Fix: remove PASSWORD from `environment`/)]);
    expect(errors.join("\n")).not.toContain("hunter2");
  });
});
