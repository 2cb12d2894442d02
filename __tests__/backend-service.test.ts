import { BackendService, BackendServiceProps, Environment, FargateStack, WebService } from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

/*
 * BackendService: no public route, published in the environment's Service Connect namespace as
 * http://<name>:<port>, reachable only from the services that declare they call it. Asserted on the
 * synthesized JSON of the environment "platform" (named platform-prod, zone example.com).
 */

const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";
const NAMESPACE = "${aws_service_discovery_http_namespace.platform_service_connect_namespace.arn}";

const newEnvironment = (stack: FargateStack, id = "platform", name = "platform-prod") =>
  new Environment(stack, id, { name, zones: ["example.com"] });
const newBackend = (environment: Environment, id: string, props: Partial<BackendServiceProps> = {}) =>
  new BackendService(environment, id, { image: IMAGE, port: 8080, ...props });

const services = (json: TerraformJson) => resourcesOf(json, "aws_ecs_service");
const ingress = (json: TerraformJson) => resourcesOf(json, "aws_vpc_security_group_ingress_rule");
/** The ingress rules on `service`'s task security group, by address. */
const ingressInto = (json: TerraformJson, service: string) =>
  Object.fromEntries(
    Object.entries(ingress(json)).filter(
      ([, rule]) => rule.security_group_id === `\${aws_security_group.platform_${service}_service_security_group.id}`,
    ),
  );

describe("BackendService alone: orders on 8080", () => {
  let orders!: BackendService;
  const json = synthesize((stack) => {
    orders = newBackend(newEnvironment(stack), "orders");
  });

  test("the environment's Service Connect namespace, named after the environment", () => {
    expect(resourcesOf(json, "aws_service_discovery_http_namespace")).toEqual({
      platform_service_connect_namespace: {
        name: "platform-prod",
        description: "Service Connect namespace of the platform-prod environment's services",
      },
    });
  });

  test("published in it: port name http, discovery name and client alias <name>:<port>", () => {
    expect(onlyResource(json, "aws_ecs_service").service_connect_configuration).toEqual({
      enabled: true,
      namespace: NAMESPACE,
      service: [{ port_name: "http", discovery_name: "orders", client_alias: { dns_name: "orders", port: 8080 } }],
    });
  });

  test("the container's port mapping is named http, the port name Service Connect publishes", () => {
    const [container] = decodeJsonencode(onlyResource(json, "aws_ecs_task_definition").container_definitions);
    expect(container.portMappings).toEqual([expect.objectContaining({ containerPort: 8080, name: "http", appProtocol: "http" })]);
  });

  test("no load balancer: no load_balancer block, no target group, no listener rule, no alarms, no load balancer at all", () => {
    const service = onlyResource(json, "aws_ecs_service");
    expect(service.load_balancer).toBeUndefined();
    expect(service.health_check_grace_period_seconds).toBeUndefined();
    expect(service.depends_on).toBeUndefined();
    for (const type of ["aws_lb", "aws_lb_target_group", "aws_lb_listener_rule", "aws_cloudwatch_metric_alarm", "aws_acm_certificate"]) {
      expect(resourcesOf(json, type)).toEqual({});
    }
  });

  test("nothing may reach its tasks until a service declares it calls it", () => {
    expect(ingressInto(json, "orders")).toEqual({});
  });

  test("its url is http://<name>:<port>, and no url output", () => {
    expect(orders.url).toBe("http://orders:8080");
    expect(json.output?.platform_orders_url).toBeUndefined();
  });

  test("named <environment>-<service>, watched by the stopped-task record", () => {
    expect(onlyResource(json, "aws_ecs_service").name).toBe("platform-prod-orders");
    const pattern = decodeJsonencode(onlyResource(json, "aws_cloudwatch_event_rule").event_pattern);
    expect(pattern.detail.group).toEqual(["service:platform-prod-orders"]);
  });
});

test("two backends share one namespace, each published under its own name", () => {
  const json = synthesize((stack) => {
    const environment = newEnvironment(stack);
    newBackend(environment, "orders");
    newBackend(environment, "payments", { port: 9000 });
  });
  expect(Object.keys(resourcesOf(json, "aws_service_discovery_http_namespace"))).toEqual(["platform_service_connect_namespace"]);
  expect(services(json).platform_payments_service.service_connect_configuration).toEqual({
    enabled: true,
    namespace: NAMESPACE,
    service: [{ port_name: "http", discovery_name: "payments", client_alias: { dns_name: "payments", port: 9000 } }],
  });
  expect(services(json).platform_orders_service.service_connect_configuration.namespace).toBe(NAMESPACE);
});

test("name sets the discovery name and the url; the default port is 80", () => {
  let orders!: BackendService;
  const json = synthesize((stack) => {
    orders = new BackendService(newEnvironment(stack), "orders", { image: IMAGE, name: "orders-api" });
  });
  expect(orders.url).toBe("http://orders-api:80");
  expect(onlyResource(json, "aws_ecs_service").service_connect_configuration.service).toEqual([
    { port_name: "http", discovery_name: "orders-api", client_alias: { dns_name: "orders-api", port: 80 } },
  ]);
  expect(onlyResource(json, "aws_ecs_service").name).toBe("platform-prod-orders-api");
});

describe("a web service that calls a backend", () => {
  const json = synthesize((stack) => {
    const environment = newEnvironment(stack);
    const orders = newBackend(environment, "orders");
    new WebService(environment, "shop", { image: IMAGE, hosts: ["shop.example.com"], calls: [orders], environment: { ORDERS_URL: orders.url } });
  });

  test("joins Service Connect as a client only: the namespace, no service of its own", () => {
    expect(services(json).platform_shop_service.service_connect_configuration).toEqual({ enabled: true, namespace: NAMESPACE });
    expect(services(json).platform_shop_service.load_balancer).toHaveLength(1);
  });

  test("the backend admits the caller's tasks on its port, from the caller's security group (<caller>_calls_<backend>)", () => {
    expect(ingressInto(json, "orders")).toEqual({
      platform_shop_calls_orders: {
        security_group_id: "${aws_security_group.platform_orders_service_security_group.id}",
        referenced_security_group_id: "${aws_security_group.platform_shop_service_security_group.id}",
        ip_protocol: "tcp",
        from_port: 8080,
        to_port: 8080,
        description: "Port 8080 from the platform-prod-shop tasks (Service Connect)",
      },
    });
  });

  test("the caller's own security group gets no rule from the backend", () => {
    expect(Object.keys(ingressInto(json, "shop"))).toEqual(["platform_shop_service_ingress_from_load_balancer"]);
  });

  test("the backend's url reaches the caller's container", () => {
    const containers = decodeJsonencode(resourcesOf(json, "aws_ecs_task_definition").platform_shop_task.container_definitions);
    expect(containers[0].environment).toEqual([{ name: "ORDERS_URL", value: "http://orders:8080" }]);
  });
});

test("a web service without calls stays out of Service Connect, and the backend admits nobody", () => {
  const json = synthesize((stack) => {
    const environment = newEnvironment(stack);
    newBackend(environment, "orders");
    new WebService(environment, "shop", { image: IMAGE, hosts: ["shop.example.com"] });
  });
  expect(services(json).platform_shop_service.service_connect_configuration).toBeUndefined();
  expect(ingressInto(json, "orders")).toEqual({});
});

test("a backend calling another backend: published itself and admitted by the other on its port", () => {
  const json = synthesize((stack) => {
    const environment = newEnvironment(stack);
    const payments = newBackend(environment, "payments", { port: 9000 });
    newBackend(environment, "orders", { calls: [payments] });
  });
  expect(services(json).platform_orders_service.service_connect_configuration).toEqual({
    enabled: true,
    namespace: NAMESPACE,
    service: [{ port_name: "http", discovery_name: "orders", client_alias: { dns_name: "orders", port: 8080 } }],
  });
  expect(ingressInto(json, "payments")).toEqual({
    platform_orders_calls_payments: expect.objectContaining({
      referenced_security_group_id: "${aws_security_group.platform_orders_service_security_group.id}",
      from_port: 9000,
      to_port: 9000,
    }),
  });
  expect(ingressInto(json, "orders")).toEqual({});
});

test("a service calling two backends is admitted by each, on each one's port", () => {
  const json = synthesize((stack) => {
    const environment = newEnvironment(stack);
    const orders = newBackend(environment, "orders");
    const payments = newBackend(environment, "payments", { port: 9000 });
    new WebService(environment, "shop", { image: IMAGE, hosts: ["shop.example.com"], calls: [orders, payments] });
  });
  expect(ingress(json).platform_shop_calls_orders).toMatchObject({ from_port: 8080, security_group_id: "${aws_security_group.platform_orders_service_security_group.id}" });
  expect(ingress(json).platform_shop_calls_payments).toMatchObject({
    from_port: 9000,
    security_group_id: "${aws_security_group.platform_payments_service_security_group.id}",
  });
});

describe("calls across environments", () => {
  test("a backend of another environment in calls is refused, naming both environments", () => {
    const errors = synthErrors((stack) => {
      const staging = newEnvironment(stack, "staging", "platform-staging");
      const orders = newBackend(staging, "orders");
      new WebService(newEnvironment(stack), "shop", { image: IMAGE, hosts: ["shop.example.com"], calls: [orders] });
    });
    expect(errors).toEqual([
      '[test/platform/shop] calls is "orders": Service Connect reaches services of the same environment, and it is in platform-staging, this service in platform-prod. Fix: declare the backend in this service\'s environment',
    ]);
  });

  test("the nearest good: the backend declared in the caller's environment synthesizes", () => {
    const errors = synthErrors((stack) => {
      newEnvironment(stack, "staging", "platform-staging");
      const environment = newEnvironment(stack);
      const orders = newBackend(environment, "orders");
      new WebService(environment, "shop", { image: IMAGE, hosts: ["shop.example.com"], calls: [orders] });
    });
    expect(errors).toEqual([]);
  });
});

describe("port", () => {
  const portErrors = (port: number) => synthErrors((stack) => newBackend(newEnvironment(stack), "orders", { port }));
  const portError = (port: number) =>
    `[test/platform/orders] port is ${port}: a port from 1 to 65535. Fix: use the port the container listens on, e.g. 8080`;

  test("0 and 65536 are refused", () => {
    expect(portErrors(0)).toEqual([portError(0)]);
    expect(portErrors(65536)).toEqual([portError(65536)]);
  });

  test("1 and 65535 synthesize, and are the port callers use", () => {
    expect(portErrors(1)).toEqual([]);
    expect(portErrors(65535)).toEqual([]);
    const json = synthesize((stack) => newBackend(newEnvironment(stack), "orders", { port: 65535 }));
    expect(onlyResource(json, "aws_ecs_service").service_connect_configuration.service[0].client_alias).toEqual({
      dns_name: "orders",
      port: 65535,
    });
  });
});
