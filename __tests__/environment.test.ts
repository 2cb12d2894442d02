import { BackendService, Certificate, Cluster, Environment, EnvironmentProps, FargateStack, HostedZone, Network, WebService } from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

/*
 * Environment: what the services of one environment share (network, cluster, zones, one load balancer,
 * one Service Connect namespace, one stopped-task record, one alert topic) and its outputs, asserted on
 * the synthesized JSON. Terraform addresses start with the environment's construct id, "platform".
 */

const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";
const CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
const BASE: EnvironmentProps = { name: "platform-prod", zones: ["example.com"] };

/** The environment "platform" (named platform-prod, zone example.com unless `props` says otherwise), with `services` added. */
const build =
  (props: Partial<EnvironmentProps> = {}, services: (environment: Environment) => void = () => undefined) =>
  (stack: FargateStack) => {
    const environment = new Environment(stack, "platform", { ...BASE, ...props });
    services(environment);
  };

const synthEnvironment = (props: Partial<EnvironmentProps> = {}, services?: (environment: Environment) => void): TerraformJson =>
  synthesize(build(props, services));
const environmentErrors = (props: Partial<EnvironmentProps> = {}, services?: (environment: Environment) => void): string[] =>
  synthErrors(build(props, services));

const web = (environment: Environment, id: string, hosts: string[], extra: Record<string, unknown> = {}) =>
  new WebService(environment, id, { image: IMAGE, hosts, ...extra });
const backend = (environment: Environment, id: string, extra: Record<string, unknown> = {}) =>
  new BackendService(environment, id, { image: IMAGE, port: 8080, ...extra });

const keysOf = (json: TerraformJson, type: string) => Object.keys(resourcesOf(json, type)).sort();
const outputNames = (json: TerraformJson) => Object.keys(json.output ?? {}).sort();
const eventPattern = (json: TerraformJson, address = "platform_stopped_tasks") =>
  decodeJsonencode(resourcesOf(json, "aws_cloudwatch_event_rule")[address].event_pattern);

describe("Environment: the shared parts and their Terraform addresses", () => {
  describe("an environment without services", () => {
    const json = synthEnvironment({ zones: ["example.com", "example.org"] });

    test("a network, a cluster named after the environment, and one hosted zone per zone (zone_<name>)", () => {
      expect(keysOf(json, "aws_vpc")).toEqual(["platform_network"]);
      expect(keysOf(json, "aws_ecs_cluster")).toEqual(["platform_cluster"]);
      expect(onlyResource(json, "aws_ecs_cluster").name).toBe("platform-prod");
      expect(resourcesOf(json, "aws_route53_zone")).toEqual({
        platform_zone_example_com: expect.objectContaining({ name: "example.com" }),
        platform_zone_example_org: expect.objectContaining({ name: "example.org" }),
      });
    });

    test("nothing a service brings: no load balancer, no namespace, no stopped-task record, no certificate", () => {
      for (const type of [
        "aws_lb",
        "aws_lb_listener",
        "aws_service_discovery_http_namespace",
        "aws_cloudwatch_event_rule",
        "aws_acm_certificate",
      ]) {
        expect(resourcesOf(json, type)).toEqual({});
      }
      expect(keysOf(json, "aws_cloudwatch_log_resource_policy")).toEqual(["platform_dns_query_logs"]);
    });

    test("outputs only the cluster name, the name servers and the zones' DNSSEC DS records", () => {
      expect(outputNames(json)).toEqual(["platform_cluster_name", "platform_dnssec_ds_records", "platform_name_servers"]);
    });
  });

  describe("with two web services and two backends", () => {
    const json = synthEnvironment({}, (environment) => {
      const orders = backend(environment, "orders");
      backend(environment, "payments");
      web(environment, "shop", ["shop.example.com"], { calls: [orders] });
      web(environment, "blog", ["blog.example.com"]);
    });

    test("one load balancer (load_balancer), named after the environment, with its two listeners, for both web services", () => {
      expect(keysOf(json, "aws_lb")).toEqual(["platform_load_balancer"]);
      expect(onlyResource(json, "aws_lb").name).toBe("platform-prod");
      expect(keysOf(json, "aws_lb_listener")).toEqual(["platform_load_balancer_http_listener", "platform_load_balancer_https_listener"]);
      const listeners = Object.values(resourcesOf(json, "aws_lb_listener_rule")).map((rule) => rule.listener_arn);
      expect(listeners).toEqual([
        "${aws_lb_listener.platform_load_balancer_https_listener.arn}",
        "${aws_lb_listener.platform_load_balancer_https_listener.arn}",
      ]);
    });

    test("one Service Connect namespace, one stopped-task rule, one CloudWatch Logs resource policy (beside the zones' query logs' one)", () => {
      expect(keysOf(json, "aws_service_discovery_http_namespace")).toEqual(["platform_service_connect_namespace"]);
      expect(keysOf(json, "aws_cloudwatch_event_rule")).toEqual(["platform_stopped_tasks"]);
      expect(keysOf(json, "aws_cloudwatch_log_resource_policy")).toEqual(["platform_dns_query_logs", "platform_stopped_tasks_delivery_policy"]);
    });

    test("every service runs in the environment's cluster and network", () => {
      for (const service of Object.values(resourcesOf(json, "aws_ecs_service"))) {
        expect(service.cluster).toBe("${aws_ecs_cluster.platform_cluster.arn}");
        expect(service.network_configuration.subnets).toEqual([
          "${aws_subnet.platform_network_private_subnet_a.id}",
          "${aws_subnet.platform_network_private_subnet_b.id}",
        ]);
      }
      expect(keysOf(json, "aws_ecs_service")).toHaveLength(4);
    });

    test("outputs: cluster name, load balancer DNS name, name servers by zone, stopped-task log group", () => {
      expect(outputNames(json)).toEqual(
        expect.arrayContaining([
          "platform_cluster_name",
          "platform_load_balancer_dns_name",
          "platform_name_servers",
          "platform_stopped_tasks_log_group_name",
        ]),
      );
      const output = json.output!;
      expect(output.platform_cluster_name.value).toBe("${aws_ecs_cluster.platform_cluster.name}");
      expect(output.platform_load_balancer_dns_name.value).toBe("${aws_lb.platform_load_balancer.dns_name}");
      expect(output.platform_name_servers.value).toEqual({ "example.com": "${aws_route53_zone.platform_zone_example_com.name_servers}" });
      expect(output.platform_stopped_tasks_log_group_name.value).toBe("${aws_cloudwatch_log_group.platform_stopped_tasks_log_group.name}");
      expect(resourcesOf(json, "aws_cloudwatch_log_group").platform_stopped_tasks_log_group.name).toBe(
        "/aws/events/ecs/platform-prod/stopped-tasks",
      );
    });
  });

  test("a web-less environment (backends only) has a namespace but no load balancer, listener or DNS name output", () => {
    const json = synthEnvironment({}, (environment) => {
      const payments = backend(environment, "payments");
      backend(environment, "orders", { calls: [payments] });
    });
    expect(resourcesOf(json, "aws_lb")).toEqual({});
    expect(resourcesOf(json, "aws_lb_listener")).toEqual({});
    expect(resourcesOf(json, "aws_lb_target_group")).toEqual({});
    expect(outputNames(json)).not.toContain("platform_load_balancer_dns_name");
    expect(keysOf(json, "aws_service_discovery_http_namespace")).toEqual(["platform_service_connect_namespace"]);
    expect(outputNames(json)).toContain("platform_stopped_tasks_log_group_name");
  });

  test("an environment of web services that call no backend has no namespace", () => {
    const json = synthEnvironment({}, (environment) => {
      web(environment, "shop", ["shop.example.com"]);
      web(environment, "blog", ["blog.example.com"]);
    });
    expect(resourcesOf(json, "aws_service_discovery_http_namespace")).toEqual({});
    for (const service of Object.values(resourcesOf(json, "aws_ecs_service"))) {
      expect(service.service_connect_configuration).toBeUndefined();
    }
    expect(keysOf(json, "aws_lb")).toEqual(["platform_load_balancer"]);
  });
});

describe("Environment zones", () => {
  test("given as names and as HostedZone.fromExisting: only the named ones are created, and only they are in name_servers", () => {
    const json = synthEnvironment(
      { zones: ["example.com", HostedZone.fromExisting({ zoneId: "Z0EXISTING", zoneName: "example.org" })] },
      (environment) => web(environment, "shop", ["shop.example.com", "shop.example.org"]),
    );
    expect(keysOf(json, "aws_route53_zone")).toEqual(["platform_zone_example_com"]);
    expect(json.output?.platform_name_servers.value).toEqual({
      "example.com": "${aws_route53_zone.platform_zone_example_com.name_servers}",
    });
    const records = resourcesOf(json, "aws_route53_record");
    expect(records.platform_shop_dns_shop_example_com_a.zone_id).toBe("${aws_route53_zone.platform_zone_example_com.zone_id}");
    expect(records.platform_shop_dns_shop_example_org_a.zone_id).toBe("Z0EXISTING");
  });

  test("only existing zones: no hosted zone resource and no name_servers output", () => {
    const json = synthEnvironment({ zones: [HostedZone.fromExisting({ zoneId: "Z0EXISTING", zoneName: "example.org" })] });
    expect(resourcesOf(json, "aws_route53_zone")).toEqual({});
    expect(outputNames(json)).toEqual(["platform_cluster_name"]);
  });

  test("no zones: no hosted zone and no name_servers output", () => {
    const json = synthEnvironment({ zones: undefined });
    expect(resourcesOf(json, "aws_route53_zone")).toEqual({});
    expect(outputNames(json)).toEqual(["platform_cluster_name"]);
  });

  test("a trailing dot in a zone name is dropped: same address, name and name_servers key, and its hosts are found in it", () => {
    const json = synthEnvironment({ zones: ["example.com."] }, (environment) => web(environment, "shop", ["shop.example.com"]));
    expect(resourcesOf(json, "aws_route53_zone")).toEqual({
      platform_zone_example_com: expect.objectContaining({ name: "example.com" }),
    });
    expect(Object.keys(json.output?.platform_name_servers.value)).toEqual(["example.com"]);
    expect(resourcesOf(json, "aws_route53_record").platform_shop_dns_shop_example_com_a.zone_id).toBe(
      "${aws_route53_zone.platform_zone_example_com.zone_id}",
    );
  });

  test("an invalid zone name is reported, with its value and the fix", () => {
    expect(environmentErrors({ zones: ["https://example.com"] })).toEqual([
      '[test/platform] zones is "https://example.com": a lowercase DNS name such as "example.com". Fix: give the zone\'s domain without scheme or path',
    ]);
    expect(environmentErrors({ zones: ["Example.com"] })).toEqual([
      '[test/platform] zones is "Example.com": a lowercase DNS name such as "example.com". Fix: give the zone\'s domain without scheme or path',
    ]);
  });

  test("the nearest good zone name synthesizes", () => {
    expect(environmentErrors({ zones: ["example.com"] })).toEqual([]);
  });
});

describe("Environment name", () => {
  const NAME_ERROR =
    "2 to 32 lowercase letters, digits and hyphens, starting with a letter (not internal-) and not ending with a hyphen. " +
    'Fix: choose a short name such as "hello-web"';
  const withServices = (environment: Environment) => {
    const orders = backend(environment, "orders");
    web(environment, "shop", ["shop.example.com"], { calls: [orders] });
  };

  test("an invalid name is reported once, on the environment, not again by its parts or services", () => {
    expect(environmentErrors({ name: "Platform_Prod" }, withServices)).toEqual([`[test/platform] name is "Platform_Prod": ${NAME_ERROR}`]);
  });

  test("the nearest good name synthesizes", () => {
    expect(environmentErrors({ name: "platform-prod" }, withServices)).toEqual([]);
  });

  test("a name starting with internal- is refused (the load balancer's name may not)", () => {
    expect(environmentErrors({ name: "internal-tools" })).toEqual([`[test/platform] name is "internal-tools": ${NAME_ERROR}`]);
    expect(environmentErrors({ name: "intern-tools" })).toEqual([]);
  });

  test("33 characters are refused, 32 synthesize", () => {
    expect(environmentErrors({ name: `a${"b".repeat(32)}` })).toEqual([`[test/platform] name is "a${"b".repeat(32)}": ${NAME_ERROR}`]);
    expect(environmentErrors({ name: `a${"b".repeat(31)}` })).toEqual([]);
  });
});

describe("Environment certificate", () => {
  test("the environment's certificate: services create none, the HTTPS listener serves it, DNS records are still made", () => {
    const json = synthEnvironment({ certificate: Certificate.fromArn(CERTIFICATE), zones: ["example.com", "example.org"] }, (environment) => {
      web(environment, "shop", ["shop.example.com"]);
      web(environment, "blog", ["blog.example.org"]);
    });
    expect(resourcesOf(json, "aws_acm_certificate")).toEqual({});
    expect(resourcesOf(json, "aws_acm_certificate_validation")).toEqual({});
    expect(resourcesOf(json, "aws_lb_listener_certificate")).toEqual({});
    expect(resourcesOf(json, "aws_lb_listener").platform_load_balancer_https_listener.certificate_arn).toBe(CERTIFICATE);
    expect(keysOf(json, "aws_route53_record")).toEqual([
      "platform_blog_dns_blog_example_org_a",
      "platform_blog_dns_blog_example_org_aaaa",
      "platform_shop_dns_shop_example_com_a",
      "platform_shop_dns_shop_example_com_aaaa",
    ]);
  });

  test("a web service without hosts and no environment certificate: the listener's certificate is reported missing", () => {
    expect(environmentErrors({}, (environment) => new WebService(environment, "api", { image: IMAGE, paths: ["/api/*"] }))).toEqual([
      "[test/platform] certificate: the HTTPS listener needs a certificate, and no web service has a host name and the environment no `certificate`. " +
        "Fix: give a web service `hosts` (in one of the environment's `zones`), or the environment a `certificate`",
    ]);
  });

  test("the nearest good inputs synthesize: the environment's certificate, or another web service with a host name", () => {
    expect(
      environmentErrors({ certificate: Certificate.fromArn(CERTIFICATE) }, (environment) =>
        new WebService(environment, "api", { image: IMAGE, paths: ["/api/*"] }),
      ),
    ).toEqual([]);
    const json = synthEnvironment({}, (environment) => {
      new WebService(environment, "api", { image: IMAGE, paths: ["/api/*"] });
      web(environment, "shop", ["shop.example.com"]);
    });
    expect(resourcesOf(json, "aws_lb_listener").platform_load_balancer_https_listener.certificate_arn).toBe(
      "${aws_acm_certificate_validation.platform_shop_certificate_issued.certificate_arn}",
    );
  });
});

describe("Environment alerts", () => {
  test("alert emails: one topic, subscribed by each address, that every web service's alarms and the stopped-task rule publish to", () => {
    const json = synthEnvironment({ alertEmails: ["ops@example.com", "dev@example.com"] }, (environment) => {
      web(environment, "shop", ["shop.example.com"]);
      web(environment, "blog", ["blog.example.com"]);
      backend(environment, "orders");
    });
    expect(resourcesOf(json, "aws_sns_topic")).toEqual({ platform_alerts: { name: "platform-prod-alerts" } });
    expect(Object.values(resourcesOf(json, "aws_sns_topic_subscription")).map((subscription) => subscription.endpoint)).toEqual([
      "ops@example.com",
      "dev@example.com",
    ]);
    const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm");
    expect(Object.keys(alarms)).toHaveLength(4);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.alarm_actions).toEqual(["${aws_sns_topic.platform_alerts.arn}"]);
      expect(alarm.ok_actions).toEqual(["${aws_sns_topic.platform_alerts.arn}"]);
    }
    expect(resourcesOf(json, "aws_cloudwatch_event_target").platform_stopped_tasks_to_topic).toEqual({
      rule: "${aws_cloudwatch_event_rule.platform_stopped_tasks.name}",
      arn: "${aws_sns_topic.platform_alerts.arn}",
    });
  });

  test("without alert emails: no topic, alarms without actions, the stopped-task rule writes only to its log group", () => {
    const json = synthEnvironment({}, (environment) => web(environment, "shop", ["shop.example.com"]));
    expect(resourcesOf(json, "aws_sns_topic")).toEqual({});
    for (const alarm of Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"))) {
      expect(alarm.alarm_actions).toBeUndefined();
    }
    expect(keysOf(json, "aws_cloudwatch_event_target")).toEqual(["platform_stopped_tasks_to_logs"]);
  });

  test("an empty list of alert emails makes no topic", () => {
    const json = synthEnvironment({ alertEmails: [] }, (environment) => web(environment, "shop", ["shop.example.com"]));
    expect(resourcesOf(json, "aws_sns_topic")).toEqual({});
  });
});

describe("Environment stopped-task record", () => {
  test("stoppedTaskEvents: false → no rule, no target, no log group, no resource policy, no output", () => {
    // Development: no flow logs or zone query logs, whose log groups and resource policy are not the stopped tasks'.
    const json = synthEnvironment({ stoppedTaskEvents: false, stage: "development" }, (environment) => {
      web(environment, "shop", ["shop.example.com"]);
      backend(environment, "orders");
    });
    expect(resourcesOf(json, "aws_cloudwatch_event_rule")).toEqual({});
    expect(resourcesOf(json, "aws_cloudwatch_event_target")).toEqual({});
    expect(resourcesOf(json, "aws_cloudwatch_log_resource_policy")).toEqual({});
    expect(keysOf(json, "aws_cloudwatch_log_group")).toEqual(["platform_orders_logs", "platform_shop_logs"]);
    expect(outputNames(json)).not.toContain("platform_stopped_tasks_log_group_name");
  });

  test("the rule's event pattern lists service:<resourceName> of every service, web and backend, in the environment's cluster", () => {
    const json = synthEnvironment({}, (environment) => {
      web(environment, "shop", ["shop.example.com"]);
      backend(environment, "orders");
      web(environment, "admin", ["shop.example.com"], { paths: ["/admin/*"], resourceName: "legacy-admin" });
    });
    const pattern = eventPattern(json);
    expect(pattern.detail.group.sort()).toEqual(["service:legacy-admin", "service:platform-prod-orders", "service:platform-prod-shop"]);
    expect(pattern.detail.clusterArn).toEqual(["${aws_ecs_cluster.platform_cluster.arn}"]);
    expect(pattern.detail.lastStatus).toEqual(["STOPPED"]);
  });

  test("two environments in one stack: each rule watches only its own services", () => {
    const json = synthesize((stack) => {
      const prod = new Environment(stack, "platform", BASE);
      web(prod, "shop", ["shop.example.com"]);
      const staging = new Environment(stack, "staging", { name: "platform-staging" });
      backend(staging, "orders");
    });
    expect(keysOf(json, "aws_cloudwatch_event_rule")).toEqual(["platform_stopped_tasks", "staging_stopped_tasks"]);
    expect(eventPattern(json).detail.group).toEqual(["service:platform-prod-shop"]);
    expect(eventPattern(json, "staging_stopped_tasks").detail).toMatchObject({
      group: ["service:platform-staging-orders"],
      clusterArn: ["${aws_ecs_cluster.staging_cluster.arn}"],
    });
  });
});

describe("existing parts are checked as AWS writes their ids", () => {
  const existing = (overrides: Partial<EnvironmentProps> = {}) =>
    synthErrors((stack) => {
      const environment = new Environment(stack, "platform", {
        name: "platform-prod",
        network: Network.fromExisting({
          vpcId: "vpc-0123456789abcdef0",
          publicSubnetIds: ["subnet-0aaaaaaa", "subnet-0bbbbbbb"],
          privateSubnetIds: ["subnet-0ccccccc", "subnet-0ddddddd"],
        }),
        cluster: Cluster.fromExisting({ clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/shared", clusterName: "shared" }),
        zones: [HostedZone.fromExisting({ zoneId: "Z0123456789ABCDEFGHIJ", zoneName: "example.com" })],
        certificate: Certificate.fromArn("arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-0123-abcd-0123-0123456789ab"),
        ...overrides,
      });
      new WebService(environment, "web", { image: "public.ecr.aws/nginx/nginx:1.27-alpine", hosts: ["web.example.com"] });
    });

  test("the nearest good: well-formed ids, a certificate of the stack's region", () => {
    expect(existing()).toEqual([]);
  });

  test("a VPC and subnets not written as AWS ids are reported", () => {
    const errors = existing({
      network: Network.fromExisting({ vpcId: "my-vpc", publicSubnetIds: ["subnet-0aaaaaaa", "public-b"], privateSubnetIds: ["subnet-0ccccccc", "subnet-0ddddddd"] }),
    });
    expect(errors).toEqual([
      '[test/platform] network.vpcId is "my-vpc": a VPC id: vpc- and 8 or 17 hexadecimal digits. Fix: copy the ids from the VPC console or `aws ec2 describe-subnets`',
      '[test/platform] network.publicSubnetIds is "public-b": subnet ids: subnet- and 8 or 17 hexadecimal digits. Fix: copy the ids from the VPC console or `aws ec2 describe-subnets`',
    ]);
  });

  test("a certificate of another region is reported: a load balancer serves only its own region's", () => {
    expect(existing({ certificate: Certificate.fromArn("arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-abcd-0123-0123456789ab") })).toEqual([
      expect.stringContaining("certificate is \"arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-abcd-0123-0123456789ab\": an ACM certificate ARN in the stack's region (eu-west-1)"),
    ]);
  });

  test("a hosted zone id with the /hostedzone/ prefix, and a cluster given by name, are reported", () => {
    const errors = existing({
      zones: [HostedZone.fromExisting({ zoneId: "/hostedzone/Z0123", zoneName: "example.com" })],
      cluster: Cluster.fromExisting({ clusterArn: "shared", clusterName: "shared" }),
    });
    expect(errors).toEqual([
      expect.stringContaining('cluster.clusterArn is "shared": an ECS cluster ARN'),
      expect.stringContaining('zones is "/hostedzone/Z0123": hosted zone ids: Z and up to 31 uppercase letters and digits'),
    ]);
  });

  test("availability zones of another region are reported; the region's own synthesize", () => {
    const zones = (availabilityZones: string[]) =>
      synthErrors((stack) => new Environment(stack, "platform", { name: "platform-prod", networkOptions: { availabilityZones } }));
    expect(zones(["us-east-1a", "eu-west-1b"])).toEqual([
      expect.stringContaining('availabilityZones is ["us-east-1a"]: zones of the stack\'s region eu-west-1: eu-west-1 followed by one letter'),
    ]);
    expect(zones(["eu-west-1a", "eu-west-1c"])).toEqual([]);
  });
});
