import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Cluster, SecretParameter } from "../src";
import { listStacks, logStreamOf, readStack, UsageError } from "../src/cli/status/stack";
import { buildReport, buildServiceReport, routesOf } from "../src/cli/status/report";
import { renderText } from "../src/cli/status/render";
import { runAppCommand } from "./support/app-command";
import { STACK, synthDefaultApp, synthMainApp, synthVariant } from "./fixtures/status/run";

jest.setTimeout(120_000);

/* `npm run status` reads the synthesized stack: what each ECS service is declared to be. */

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function emptyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "fargate-status-stack-"));
  scratch.push(dir);
  return dir;
}

describe("main.ts, synthesized by its app command: one stack per environment", () => {
  let outdir: string;
  beforeAll(() => {
    outdir = synthMainApp();
  });

  test("both stacks are listed, and status will not guess between them", () => {
    expect(listStacks(outdir)).toEqual(["hello-dev", "hello-prod"]);
    expect(() => readStack(outdir)).toThrow(`${outdir} holds 2 stacks; name one: hello-dev, hello-prod`);
  });

  test("a stack named on the command line is read with its environment's names and settings", () => {
    const [service] = readStack(outdir, "hello-prod").services;
    expect(service).toMatchObject({ resource: "aws_ecs_service.hello_service", name: "hello-prod", clusterName: "hello-prod", desiredCount: 2 });
    expect(service.taskDefinition).toMatchObject({ family: "hello-prod", cpu: 512, memory: 1024 });
    expect(readStack(outdir, "hello-dev").services[0]).toMatchObject({ name: "hello-dev", desiredCount: 1 });
  });
});

describe("the article's app as one stack, as cdktf synth writes it", () => {
  let outdir: string;
  beforeAll(() => {
    outdir = synthDefaultApp();
  });

  test("the only stack is read without naming it, with the provider's region", () => {
    expect(listStacks(outdir)).toEqual([STACK]);
    const stack = readStack(outdir);
    expect(stack).toMatchObject({ name: STACK, region: "eu-west-1", file: join(outdir, "stacks", STACK, "cdk.tf.json") });
    expect(readStack(outdir, STACK).services).toEqual(stack.services);
  });

  test("its service: name, cluster (a reference to the stack's cluster, by name), deployment settings", () => {
    const [service] = readStack(outdir).services;
    expect(service).toMatchObject({
      resource: "aws_ecs_service.hello_service",
      name: "hello",
      cluster: "hello",
      clusterName: "hello",
      desiredCount: 2,
      healthCheckGracePeriodSeconds: 30,
      circuitBreakerRollback: true,
    });
  });

  test("its task definition: family, size, platform, execution role and what the stack grants it", () => {
    const { taskDefinition } = readStack(outdir).services[0];
    expect(taskDefinition).toMatchObject({
      resource: "aws_ecs_task_definition.hello_task",
      family: "hello",
      cpu: 256,
      memory: 512,
      cpuArchitecture: "X86_64",
      operatingSystemFamily: "LINUX",
      executionRole: {
        name: "hello-execution",
        resource: "aws_iam_role.hello_task_execution_role",
        createdByStack: true,
        policyResources: ["aws_iam_role_policy.hello_task_execution_role_policy"],
      },
    });
    expect(taskDefinition?.executionRole?.grants).toEqual([
      { actions: ["ssm:GetParameters"], resources: ["parameter /hello/PASSWORD"] },
      // production: the parameter is encrypted with the environment's key
      { actions: ["kms:Decrypt"], resources: ["${aws_kms_key.hello_encryption_key.arn}"] },
      { actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: ["${aws_cloudwatch_log_group.hello_logs.arn}:*"] },
    ]);
  });

  test("its container from the jsonencode expression: image, port, the secret's parameter, the awslogs group and prefix", () => {
    const { taskDefinition } = readStack(outdir).services[0];
    expect(taskDefinition?.containers).toEqual([
      {
        name: "hello",
        image: "public.ecr.aws/nginx/nginx:1.27-alpine",
        essential: true,
        ports: [80],
        secrets: [{ variable: "PASSWORD", parameterName: "/hello/PASSWORD", resource: "aws_ssm_parameter.hello_secret_password", kmsKeyArn: undefined }],
        logGroup: "/ecs/hello",
        logStreamPrefix: "hello",
        logRegion: "eu-west-1",
      },
    ]);
    const service = readStack(outdir).services[0];
    expect(logStreamOf(service, "hello", "0a1b2c")).toEqual({ group: "/ecs/hello", stream: "hello/hello/0a1b2c" });
    expect(logStreamOf(service, "sidecar", "0a1b2c")).toBeUndefined();
  });

  test("its load balancer: the target group's health check path and port, the container and port it targets", () => {
    expect(readStack(outdir).services[0].loadBalancer).toEqual({
      containerName: "hello",
      containerPort: 80,
      targetGroupResource: "aws_lb_target_group.hello_target_group",
      targetGroupName: "hello",
      healthCheck: { path: "/", port: "traffic-port", matcher: "200-399", intervalSeconds: 15, healthyThreshold: 2, unhealthyThreshold: 3 },
      listenerRules: [{ resource: "aws_lb_listener_rule.hello_listener_rule", priority: expect.any(Number), hosts: ["hello.example.com"], paths: [] }],
    });
    expect(readStack(outdir).services[0].loadBalancers).toHaveLength(1);
    expect(readStack(outdir).services[0].serviceConnect).toBeUndefined();
  });

  test("its network: created by the stack, with a NAT gateway per zone and the free S3 gateway endpoint", () => {
    expect(readStack(outdir).network).toEqual({
      createdByStack: true,
      natGateways: ["aws_nat_gateway.hello_network_nat_gateway_a", "aws_nat_gateway.hello_network_nat_gateway_b"],
      vpcEndpoints: ["com.amazonaws.eu-west-1.s3"],
    });
  });
});

describe("examples/platform.ts, synthesized by its app command: web services and a backend in one environment", () => {
  const SERVICES = {
    admin: "aws_ecs_service.platform_admin_service",
    orders: "aws_ecs_service.platform_orders_service",
    shop: "aws_ecs_service.platform_shop_service",
  };
  let outdir: string;
  let stack: ReturnType<typeof readStack>;
  const service = (resource: string) => {
    const found = stack.services.find((candidate) => candidate.resource === resource);
    if (!found) throw new Error(`${resource} not read`);
    return found;
  };
  beforeAll(() => {
    outdir = runAppCommand({}, "examples/platform.ts");
    scratch.push(outdir);
    stack = readStack(outdir);
  });

  test("every aws_ecs_service of the stack is read, in one cluster, with the provider's region", () => {
    const json = JSON.parse(readFileSync(join(outdir, "stacks", "platform-prod", "cdk.tf.json"), "utf8"));
    expect(stack.name).toBe("platform-prod");
    expect(stack.region).toBe("eu-west-1");
    expect(stack.services.map((entry) => entry.resource).sort()).toEqual(Object.keys(json.resource.aws_ecs_service).map((name) => `aws_ecs_service.${name}`).sort());
    expect(stack.services.map((entry) => entry.resource)).toEqual(expect.arrayContaining(Object.values(SERVICES)));
    for (const resource of Object.values(SERVICES)) expect(service(resource)).toMatchObject({ cluster: "platform-prod", clusterName: "platform-prod" });
    expect(service(SERVICES.admin)).toMatchObject({ name: "platform-prod-admin", desiredCount: 1 });
    expect(service(SERVICES.orders).name).toBe("platform-prod-orders");
    expect(service(SERVICES.shop).name).toBe("platform-prod-shop");
  });

  test("each service's own task definition, container, port and log group", () => {
    for (const [short, resource] of Object.entries(SERVICES)) {
      const name = `platform-prod-${short}`;
      const { taskDefinition } = service(resource);
      expect(taskDefinition).toMatchObject({
        resource: `aws_ecs_task_definition.platform_${short}_task`,
        family: name,
        cpuArchitecture: "X86_64",
        operatingSystemFamily: "LINUX",
        executionRole: { name: `${name}-execution`, resource: `aws_iam_role.platform_${short}_task_execution_role`, createdByStack: true },
      });
      expect(taskDefinition?.cpu).toEqual(expect.any(Number));
      expect(taskDefinition?.memory).toEqual(expect.any(Number));
      // The app's container (a service may have sidecars beside it), logging to the service's own group.
      const container = taskDefinition?.containers.find((candidate) => candidate.name === name);
      expect(container).toMatchObject({
        image: "public.ecr.aws/nginx/nginx:1.27-alpine",
        essential: true,
        ports: [short === "orders" ? 8080 : 80],
        logGroup: `/ecs/${name}`,
        logStreamPrefix: name,
        logRegion: "eu-west-1",
      });
      expect(logStreamOf(service(resource), name, "0a1b2c")).toEqual({ group: `/ecs/${name}`, stream: `${name}/${name}/0a1b2c` });
    }
    // Three task definitions and three log groups, none shared.
    const families = Object.values(SERVICES).map((resource) => service(resource).taskDefinition?.resource);
    expect(new Set(families).size).toBe(3);
    // The backend's secret is read by its own execution role, no other.
    const [secret] = service(SERVICES.orders).taskDefinition?.containers.find((container) => container.name === "platform-prod-orders")?.secrets ?? [];
    expect(secret?.variable).toBe("DATABASE_PASSWORD");
    expect(service(SERVICES.admin).taskDefinition?.containers.flatMap((container) => container.secrets)).toEqual([]);
  });

  test("the web services' target groups with their health checks and the listener rules forwarding to them", () => {
    const admin = service(SERVICES.admin);
    const shop = service(SERVICES.shop);
    expect(admin.loadBalancers).toEqual([admin.loadBalancer]);
    expect(admin.loadBalancer).toEqual({
      containerName: "platform-prod-admin",
      containerPort: 80,
      targetGroupResource: "aws_lb_target_group.platform_admin_target_group",
      targetGroupName: "platform-prod-admin",
      healthCheck: expect.objectContaining({ path: "/", port: "traffic-port" }),
      listenerRules: [{ resource: "aws_lb_listener_rule.platform_admin_listener_rule", priority: expect.any(Number), hosts: ["shop.example.com"], paths: ["/admin/*"] }],
    });
    expect(shop.loadBalancer).toEqual({
      containerName: "platform-prod-shop",
      containerPort: 80,
      targetGroupResource: "aws_lb_target_group.platform_shop_target_group",
      targetGroupName: "platform-prod-shop",
      healthCheck: expect.objectContaining({ path: "/", port: "traffic-port" }),
      listenerRules: [{ resource: "aws_lb_listener_rule.platform_shop_listener_rule", priority: expect.any(Number), hosts: ["shop.example.com", "www.example.com"], paths: [] }],
    });
    expect(routesOf(admin)).toEqual(["load balancer target group platform-prod-admin (container platform-prod-admin:80) for shop.example.com path /admin/*"]);
  });

  test("the backend: no load balancer, reached through Service Connect; the shop joins the namespace as a client", () => {
    const orders = service(SERVICES.orders);
    expect(orders.loadBalancer).toBeUndefined();
    expect(orders.loadBalancers).toEqual([]);
    expect(orders.healthCheckGracePeriodSeconds).toBeUndefined();
    const namespace = { namespace: "platform-prod", namespaceResource: "aws_service_discovery_http_namespace.platform_service_connect_namespace" };
    expect(orders.serviceConnect).toEqual({ ...namespace, endpoints: [{ portName: "http", discoveryName: "orders", dnsName: "orders", port: 8080 }] });
    expect(service(SERVICES.shop).serviceConnect).toEqual({ ...namespace, endpoints: [] });
    expect(service(SERVICES.admin).serviceConnect).toBeUndefined();
    expect(routesOf(orders)).toEqual(["Service Connect namespace platform-prod: orders:8080 (port http)"]);
    expect(routesOf(service(SERVICES.shop))).toEqual([
      "load balancer target group platform-prod-shop (container platform-prod-shop:80) for shop.example.com, www.example.com",
      "Service Connect namespace platform-prod: a client only, no endpoint of its own",
    ]);
  });

  test("the report says how each service is reached, a backend not deployed yet too", () => {
    const report = buildServiceReport(stack, service(SERVICES.orders), { service: undefined, missing: "service platform-prod-orders not found", stoppedTasks: [] });
    expect(report).toMatchObject({ name: "platform-prod-orders", state: "not-found", routes: ["Service Connect namespace platform-prod: orders:8080 (port http)"] });
    const text = renderText(buildReport(stack, "eu-west-1", [report]));
    expect(text).toContain("  Reached through: Service Connect namespace platform-prod: orders:8080 (port http)\n");
  });
});

describe("an app with an existing cluster (ARN), an existing execution role and existing secrets", () => {
  const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  let outdir: string;
  beforeAll(() => {
    outdir = synthVariant(
      {
        cluster: Cluster.fromExisting({ clusterName: "shared", clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/shared" }),
        executionRoleArn: "arn:aws:iam::123456789012:role/legacy-ecs-execution",
        cpuArchitecture: "ARM64",
        port: 8080,
        healthCheck: { path: "/health" },
        secrets: {
          DB_PASSWORD: SecretParameter.fromArn("arn:aws:ssm:eu-west-1:123456789012:parameter/shared/DB_PASSWORD", { kmsKeyArn: KEY }),
          PASSWORD: { kmsKeyArn: KEY },
        },
      },
      (app, stack) => {
        const token = SecretParameter.fromName(stack, "/shared/API_TOKEN");
        app.taskDefinition.executionRole.grantSecretRead(app.secrets.DB_PASSWORD);
        app.taskDefinition.executionRole.grantSecretRead(app.secrets.PASSWORD);
        app.taskDefinition.executionRole.grantSecretRead(token);
      },
    );
  });

  test("the cluster is the literal ARN (ECS takes it as is), named by its last part", () => {
    expect(readStack(outdir).services[0]).toMatchObject({
      cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/shared",
      clusterName: "shared",
      name: "hello",
    });
  });

  test("the execution role is the given ARN, not created by the stack, with what grantSecretRead attached", () => {
    const role = readStack(outdir).services[0].taskDefinition?.executionRole;
    expect(role).toMatchObject({
      name: "legacy-ecs-execution",
      arn: "arn:aws:iam::123456789012:role/legacy-ecs-execution",
      createdByStack: false,
    });
    expect(role?.resource).toBeUndefined();
    expect(role?.grants).toEqual(
      expect.arrayContaining([
        {
          actions: ["ssm:GetParameters"],
          resources: [
            "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/DB_PASSWORD",
            "parameter /hello/PASSWORD",
            "arn:aws:ssm:eu-west-1:${data.aws_caller_identity.current_account.account_id}:parameter/shared/API_TOKEN",
          ],
        },
        { actions: ["kms:Decrypt"], resources: [KEY] },
      ]),
    );
  });

  test("secrets: an existing parameter by its ARN's name, a created one with its key", () => {
    const [container] = readStack(outdir).services[0].taskDefinition?.containers ?? [];
    expect(container.secrets).toEqual([
      { variable: "DB_PASSWORD", parameterName: "/shared/DB_PASSWORD", parameterArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/DB_PASSWORD" },
      { variable: "PASSWORD", parameterName: "/hello/PASSWORD", resource: "aws_ssm_parameter.hello_secret_password", kmsKeyArn: KEY },
    ]);
  });

  test("the runtime platform's architecture and the health check path and port", () => {
    const [service] = readStack(outdir).services;
    expect(service.taskDefinition?.cpuArchitecture).toBe("ARM64");
    expect(service.loadBalancer).toMatchObject({ containerPort: 8080, healthCheck: { path: "/health", port: "traffic-port" } });
    expect(service.taskDefinition?.containers[0].ports).toEqual([8080]);
  });
});

describe("what it refuses: usage errors", () => {
  test("no cdktf.out: run npx cdktf synth first", () => {
    expect(() => readStack(join(emptyDir(), "cdktf.out"))).toThrow(UsageError);
    expect(() => readStack(join(emptyDir(), "cdktf.out"))).toThrow("run `npx cdktf synth` first");
  });

  test("two stacks and none named: both listed; an unknown name: the stacks listed", () => {
    const outdir = emptyDir();
    const body = readFileSync(join(synthVariant({}), "stacks", STACK, "cdk.tf.json"), "utf8");
    for (const name of ["staging", "production"]) {
      mkdirSync(join(outdir, "stacks", name), { recursive: true });
      writeFileSync(join(outdir, "stacks", name, "cdk.tf.json"), body);
    }
    expect(() => readStack(outdir)).toThrow("holds 2 stacks; name one: production, staging");
    expect(() => readStack(outdir, "prod")).toThrow('no stack "prod" in');
    expect(() => readStack(outdir, "prod")).toThrow("the stacks there: production, staging");
    expect(readStack(outdir, "staging").services[0].name).toBe("hello");
  });

  test("a stack with no ECS service", () => {
    const outdir = emptyDir();
    mkdirSync(join(outdir, "stacks", "network-only"), { recursive: true });
    writeFileSync(
      join(outdir, "stacks", "network-only", "cdk.tf.json"),
      JSON.stringify({ provider: { aws: [{ region: "eu-west-1" }] }, resource: { aws_vpc: { main: { cidr_block: "10.0.0.0/16" } } } }),
    );
    expect(() => readStack(outdir)).toThrow('stack "network-only" declares no ECS service');
  });
});
