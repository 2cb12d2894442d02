import { Certificate, Environment, EnvironmentProps, FargateStack, WebService, WebServiceProps } from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

/*
 * WebService: a public service behind the environment's shared load balancer, asserted on the synthesized
 * JSON. The environment "platform" is named platform-prod, with the zones example.com and example.org.
 */

const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";
const CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
const ENVIRONMENT: EnvironmentProps = { name: "platform-prod", zones: ["example.com", "example.org"] };
const HTTPS_LISTENER = "${aws_lb_listener.platform_load_balancer_https_listener.arn}";
const ZONE_COM = "${aws_route53_zone.platform_zone_example_com.zone_id}";
const ZONE_ORG = "${aws_route53_zone.platform_zone_example_org.zone_id}";

type Props = Partial<WebServiceProps>;

/** The web services `services` (id → props, image given) in the environment "platform". */
const build =
  (services: Record<string, Props>, environment: Partial<EnvironmentProps> = {}) =>
  (stack: FargateStack) => {
    const platform = new Environment(stack, "platform", { ...ENVIRONMENT, ...environment });
    for (const [id, props] of Object.entries(services)) new WebService(platform, id, { image: IMAGE, ...props });
  };
const synthServices = (services: Record<string, Props>, environment?: Partial<EnvironmentProps>): TerraformJson =>
  synthesize(build(services, environment));
const serviceErrors = (services: Record<string, Props>, environment?: Partial<EnvironmentProps>): string[] =>
  synthErrors(build(services, environment));
/** The errors of one web service "shop" on shop.example.com, changed by `props`. */
const shopErrors = (props: Props, environment?: Partial<EnvironmentProps>) =>
  serviceErrors({ shop: { hosts: ["shop.example.com"], ...props } }, environment);

const rules = (json: TerraformJson) => resourcesOf(json, "aws_lb_listener_rule");
const priorityOf = (json: TerraformJson, service: string) => rules(json)[`platform_${service}_listener_rule`].priority as number;
const keysOf = (json: TerraformJson, type: string) => Object.keys(resourcesOf(json, type)).sort();
const conditionValues = (rule: any, kind: "host_header" | "path_pattern"): string[] =>
  rule.condition.find((condition: any) => condition[kind])?.[kind].values ?? [];

describe("WebService defaults: shop on shop.example.com and www.example.org", () => {
  const json = synthServices({ shop: { hosts: ["shop.example.com", "www.example.org"] } });

  test("its AWS resources are named <environment>-<service>", () => {
    expect(onlyResource(json, "aws_ecs_service").name).toBe("platform-prod-shop");
    expect(onlyResource(json, "aws_ecs_task_definition").family).toBe("platform-prod-shop");
    expect(onlyResource(json, "aws_lb_target_group").name).toBe("platform-prod-shop");
    expect(resourcesOf(json, "aws_cloudwatch_log_group").platform_shop_logs.name).toBe("/ecs/platform-prod-shop");
    expect(resourcesOf(json, "aws_security_group").platform_shop_service_security_group.name).toBe("platform-prod-shop-tasks");
  });

  test("a target group of IP targets on the container port in the environment's VPC, which the ECS service registers in", () => {
    expect(keysOf(json, "aws_lb_target_group")).toEqual(["platform_shop_target_group"]);
    expect(onlyResource(json, "aws_lb_target_group")).toMatchObject({
      target_type: "ip",
      protocol: "HTTP",
      port: 80,
      vpc_id: "${aws_vpc.platform_network.id}",
      health_check: expect.objectContaining({ path: "/", matcher: "200-399" }),
    });
    expect(onlyResource(json, "aws_ecs_service").load_balancer).toEqual([
      { target_group_arn: "${aws_lb_target_group.platform_shop_target_group.arn}", container_name: "platform-prod-shop", container_port: 80 },
    ]);
  });

  test("one listener rule on the shared HTTPS listener, forwarding the hosts (host_header) to the target group", () => {
    expect(rules(json)).toEqual({
      platform_shop_listener_rule: {
        listener_arn: HTTPS_LISTENER,
        priority: expect.any(Number),
        action: [{ type: "forward", target_group_arn: "${aws_lb_target_group.platform_shop_target_group.arn}" }],
        condition: [{ host_header: { values: ["shop.example.com", "www.example.org"] } }],
        tags: { Name: "platform-prod-shop" },
      },
    });
    expect(onlyResource(json, "aws_ecs_service").depends_on).toEqual(["aws_lb_listener_rule.platform_shop_listener_rule"]);
  });

  test("admits only the load balancer on the container port", () => {
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule").platform_shop_service_ingress_from_load_balancer).toMatchObject({
      security_group_id: "${aws_security_group.platform_shop_service_security_group.id}",
      referenced_security_group_id: "${aws_security_group.platform_load_balancer_security_group.id}",
      from_port: 80,
      to_port: 80,
    });
  });

  test("two alarms on its target group, named after the service", () => {
    const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm");
    expect(Object.keys(alarms).sort()).toEqual(["platform_shop_alarms_target_5xx", "platform_shop_alarms_unhealthy_targets"]);
    expect(alarms.platform_shop_alarms_target_5xx.alarm_name).toBe("platform-prod-shop-target-5xx");
    expect(alarms.platform_shop_alarms_unhealthy_targets.alarm_name).toBe("platform-prod-shop-unhealthy-targets");
    for (const alarm of Object.values(alarms)) {
      expect(alarm.dimensions).toEqual({
        LoadBalancer: "${aws_lb.platform_load_balancer.arn_suffix}",
        TargetGroup: "${aws_lb_target_group.platform_shop_target_group.arn_suffix}",
      });
    }
  });

  test("alias A and AAAA records for each host, each in its own zone, pointing at the load balancer", () => {
    const records = resourcesOf(json, "aws_route53_record");
    const expected = [
      ["platform_shop_dns_shop_example_com", "shop.example.com", ZONE_COM],
      ["platform_shop_dns_www_example_org", "www.example.org", ZONE_ORG],
    ];
    for (const [address, name, zone] of expected) {
      for (const type of ["A", "AAAA"]) {
        expect(records[`${address}_${type.toLowerCase()}`]).toEqual({
          name,
          type,
          zone_id: zone,
          alias: { name: "${aws_lb.platform_load_balancer.dns_name}", zone_id: "${aws_lb.platform_load_balancer.zone_id}", evaluate_target_health: true },
        });
      }
    }
    expect(Object.keys(records).filter((address) => address.includes("_dns_"))).toHaveLength(4);
  });

  test("one certificate for both hosts (the second a SAN), validated in each host's zone, the listener's default", () => {
    expect(resourcesOf(json, "aws_acm_certificate")).toEqual({
      platform_shop_certificate: expect.objectContaining({
        domain_name: "shop.example.com",
        subject_alternative_names: ["www.example.org"],
        validation_method: "DNS",
      }),
    });
    expect(resourcesOf(json, "aws_route53_record").platform_shop_certificate_validation.for_each).toEqual({
      "shop.example.com": { domain: "shop.example.com", zone_id: ZONE_COM },
      "www.example.org": { domain: "www.example.org", zone_id: ZONE_ORG },
    });
    expect(resourcesOf(json, "aws_lb_listener").platform_load_balancer_https_listener.certificate_arn).toBe(
      "${aws_acm_certificate_validation.platform_shop_certificate_issued.certificate_arn}",
    );
    expect(resourcesOf(json, "aws_lb_listener_certificate")).toEqual({});
  });

  test("outputs its URL: https://<first host>", () => {
    expect(json.output?.platform_shop_url.value).toBe("https://shop.example.com");
  });
});

describe("WebService: host names shared in one environment", () => {
  test("a host name goes in the zone with the longest name it ends in", () => {
    const json = synthServices({ api: { hosts: ["api.eu.example.com"] } }, { zones: ["example.com", "eu.example.com"] });
    expect(resourcesOf(json, "aws_route53_record").platform_api_dns_api_eu_example_com_a.zone_id).toBe(
      "${aws_route53_zone.platform_zone_eu_example_com.zone_id}",
    );
  });

  test("two services with hosts: the first's certificate is the listener default, the second's is added by SNI", () => {
    const json = synthServices({ shop: { hosts: ["shop.example.com"] }, blog: { hosts: ["blog.example.org"] } });
    expect(keysOf(json, "aws_acm_certificate")).toEqual(["platform_blog_certificate", "platform_shop_certificate"]);
    expect(resourcesOf(json, "aws_lb_listener").platform_load_balancer_https_listener.certificate_arn).toBe(
      "${aws_acm_certificate_validation.platform_shop_certificate_issued.certificate_arn}",
    );
    expect(resourcesOf(json, "aws_lb_listener_certificate")).toEqual({
      platform_blog_listener_certificate: {
        listener_arn: HTTPS_LISTENER,
        certificate_arn: "${aws_acm_certificate_validation.platform_blog_certificate_issued.certificate_arn}",
      },
    });
  });

  test("a second service on a path of the first's host: no certificate, no DNS records, no listener certificate of its own", () => {
    const json = synthServices({
      shop: { hosts: ["shop.example.com"] },
      admin: { hosts: ["shop.example.com"], paths: ["/admin/*"] },
    });
    expect(keysOf(json, "aws_acm_certificate")).toEqual(["platform_shop_certificate"]);
    expect(keysOf(json, "aws_route53_record").filter((address) => address.startsWith("platform_admin"))).toEqual([]);
    expect(resourcesOf(json, "aws_lb_listener_certificate")).toEqual({});
    const admin = rules(json).platform_admin_listener_rule;
    expect(admin.condition).toEqual([{ host_header: { values: ["shop.example.com"] } }, { path_pattern: { values: ["/admin/*"] } }]);
    expect(json.output?.platform_admin_url.value).toBe("https://shop.example.com/admin/");
  });

  test("a service whose hosts are partly another's: certificate and records only for the hosts it claims first", () => {
    const json = synthServices({
      shop: { hosts: ["shop.example.com"] },
      blog: { hosts: ["shop.example.com", "blog.example.com"], paths: ["/blog/*"] },
    });
    const blogCertificate = resourcesOf(json, "aws_acm_certificate").platform_blog_certificate;
    expect(blogCertificate.domain_name).toBe("blog.example.com");
    expect(blogCertificate.subject_alternative_names).toBeUndefined();
    expect(keysOf(json, "aws_route53_record").filter((address) => address.startsWith("platform_blog_dns"))).toEqual([
      "platform_blog_dns_blog_example_com_a",
      "platform_blog_dns_blog_example_com_aaaa",
    ]);
  });
});

describe("WebService listener rules", () => {
  const HOSTS = ["a.example.com", "b.example.com", "c.example.com", "d.example.com"];
  const PATHS = ["/one/*", "/two/*", "/three/*"];

  test("4 hosts and 3 paths: rules listener_rule, listener_rule_2… within AWS's 3 hosts and 2 paths a rule, covering every host with every path once", () => {
    const json = synthServices({ shop: { hosts: HOSTS, paths: PATHS } });
    const all = rules(json);
    expect(Object.keys(all).sort()).toEqual([
      "platform_shop_listener_rule",
      "platform_shop_listener_rule_2",
      "platform_shop_listener_rule_3",
      "platform_shop_listener_rule_4",
    ]);
    const covered: string[] = [];
    for (const rule of Object.values(all)) {
      const hosts = conditionValues(rule, "host_header");
      const paths = conditionValues(rule, "path_pattern");
      expect(hosts.length).toBeGreaterThanOrEqual(1);
      expect(hosts.length).toBeLessThanOrEqual(3);
      expect(paths.length).toBeGreaterThanOrEqual(1);
      expect(paths.length).toBeLessThanOrEqual(2);
      for (const host of hosts) for (const path of paths) covered.push(`${host}${path}`);
      expect(rule.action).toEqual([{ type: "forward", target_group_arn: "${aws_lb_target_group.platform_shop_target_group.arn}" }]);
    }
    expect(covered.sort()).toEqual(HOSTS.flatMap((host) => PATHS.map((path) => `${host}${path}`)).sort());
    expect(all.platform_shop_listener_rule_3.tags).toEqual({ Name: "platform-prod-shop-3" });
    expect(new Set(Object.values(all).map((rule) => rule.priority)).size).toBe(4);
    expect(onlyResource(json, "aws_ecs_service").depends_on.sort()).toEqual([
      "aws_lb_listener_rule.platform_shop_listener_rule",
      "aws_lb_listener_rule.platform_shop_listener_rule_2",
      "aws_lb_listener_rule.platform_shop_listener_rule_3",
      "aws_lb_listener_rule.platform_shop_listener_rule_4",
    ]);
  });

  test("3 hosts and 2 paths fit in one rule", () => {
    const json = synthServices({ shop: { hosts: HOSTS.slice(0, 3), paths: PATHS.slice(0, 2) } });
    expect(Object.keys(rules(json))).toEqual(["platform_shop_listener_rule"]);
  });

  test("an explicit priority is the first rule's, the next rules follow it", () => {
    const json = synthServices({ shop: { hosts: HOSTS, paths: PATHS, priority: 100 } });
    const priorities = Object.values(rules(json))
      .map((rule) => rule.priority)
      .sort((a, b) => a - b);
    expect(priorities).toEqual([100, 101, 102, 103]);
    expect(rules(json).platform_shop_listener_rule.priority).toBe(100);
  });

  describe("priority range", () => {
    const rangeError = (priority: number, max: number, rulesCount: number) =>
      `[test/platform/shop] priority is ${priority}: a whole number from 1 to ${max} (the service has ${rulesCount} listener rule${rulesCount === 1 ? "" : "s"}, numbered from it). ` +
      "Fix: leave it unset to derive it from the service's name, or pick a free number";

    test("0 and 50001 are refused", () => {
      expect(shopErrors({ priority: 0 })).toEqual([rangeError(0, 50000, 1)]);
      expect(shopErrors({ priority: 50001 })).toEqual([rangeError(50001, 50000, 1)]);
    });

    test("the nearest good, 1 and 50000, synthesize and are used", () => {
      expect(shopErrors({ priority: 1 })).toEqual([]);
      expect(shopErrors({ priority: 50000 })).toEqual([]);
      expect(priorityOf(synthServices({ shop: { hosts: ["shop.example.com"], priority: 50000 } }), "shop")).toBe(50000);
    });

    test("with two rules the last one must fit too: 50000 is refused, 49999 synthesizes", () => {
      const twoRules = { paths: ["/a", "/b", "/c"] };
      expect(shopErrors({ ...twoRules, priority: 50000 })).toEqual([rangeError(50000, 49999, 2)]);
      expect(shopErrors({ ...twoRules, priority: 49999 })).toEqual([]);
    });

    test("a fraction is refused", () => {
      expect(shopErrors({ priority: 1.5 })).toEqual([rangeError(1.5, 50000, 1)]);
    });
  });

  test("derived priorities: host and path rules before path-only rules, path-only before host-only", () => {
    const json = synthServices(
      {
        orders: { hosts: ["orders.example.com"], paths: ["/orders/*"] },
        blog: { hosts: ["blog.example.com"], paths: ["/posts/*"] },
        docs: { hosts: ["docs.example.com"], paths: ["/v1/*"] },
        api: { paths: ["/api/*"] },
        assets: { paths: ["/assets/*"] },
        health: { paths: ["/health"] },
        shop: { hosts: ["shop.example.com"] },
        www: { hosts: ["www.example.com"] },
        status: { hosts: ["status.example.com"] },
      },
      { certificate: Certificate.fromArn(CERTIFICATE) },
    );
    const priorities = (services: string[]) => services.map((service) => priorityOf(json, service));
    const hostAndPath = priorities(["orders", "blog", "docs"]);
    const pathOnly = priorities(["api", "assets", "health"]);
    const hostOnly = priorities(["shop", "www", "status"]);
    expect(Math.max(...hostAndPath)).toBeLessThan(Math.min(...pathOnly));
    expect(Math.max(...pathOnly)).toBeLessThan(Math.min(...hostOnly));
    for (const priority of [...hostAndPath, ...pathOnly, ...hostOnly]) {
      expect(priority).toBeGreaterThanOrEqual(1);
      expect(priority).toBeLessThanOrEqual(50000);
    }
  });

  test("a derived priority depends on the service, not on the others: adding a service renumbers no rule", () => {
    const before = synthServices({
      shop: { hosts: ["shop.example.com"] },
      admin: { hosts: ["shop.example.com"], paths: ["/admin/*"] },
    });
    const after = synthServices({
      blog: { hosts: ["blog.example.com"] },
      shop: { hosts: ["shop.example.com"] },
      api: { paths: ["/api/*"] },
      admin: { hosts: ["shop.example.com"], paths: ["/admin/*"] },
    });
    expect(priorityOf(after, "shop")).toBe(priorityOf(before, "shop"));
    expect(priorityOf(after, "admin")).toBe(priorityOf(before, "admin"));
  });
});

describe("WebService names", () => {
  test("name sets the service's name and its resources' names; the Terraform addresses keep the construct id", () => {
    const json = synthServices({ shop: { name: "storefront", hosts: ["shop.example.com"] } });
    expect(resourcesOf(json, "aws_ecs_service").platform_shop_service.name).toBe("platform-prod-storefront");
    expect(resourcesOf(json, "aws_lb_target_group").platform_shop_target_group.name).toBe("platform-prod-storefront");
  });

  test("resourceName overrides the name of every AWS resource of the service", () => {
    const json = synthServices({ shop: { resourceName: "legacy-shop", hosts: ["shop.example.com"] } });
    expect(resourcesOf(json, "aws_ecs_service").platform_shop_service.name).toBe("legacy-shop");
    expect(onlyResource(json, "aws_ecs_task_definition").family).toBe("legacy-shop");
    expect(onlyResource(json, "aws_lb_target_group").name).toBe("legacy-shop");
    expect(resourcesOf(json, "aws_cloudwatch_log_group").platform_shop_logs.name).toBe("/ecs/legacy-shop");
    expect(resourcesOf(json, "aws_security_group").platform_shop_service_security_group.name).toBe("legacy-shop-tasks");
    expect(Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm")).map((alarm) => alarm.alarm_name).sort()).toEqual([
      "legacy-shop-target-5xx",
      "legacy-shop-unhealthy-targets",
    ]);
    expect(rules(json).platform_shop_listener_rule.tags).toEqual({ Name: "legacy-shop" });
  });

  test("an invalid resourceName is refused; the nearest good synthesizes", () => {
    expect(shopErrors({ resourceName: "Legacy_Shop" })).toEqual([
      '[test/platform/shop] resourceName is "Legacy_Shop": resource names are 2 to 32 lowercase letters, digits and hyphens (<environment>-<service> by default). ' +
        "Fix: shorten the service's or the environment's name",
    ]);
    expect(shopErrors({ resourceName: "legacy-shop" })).toEqual([]);
  });

  const NAME_ERROR =
    '[test/platform/shop] name is "Web_1": 2 to 32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen. ' +
    'Fix: choose a short name such as "web" or "orders-api"';

  test("an invalid name is refused; the nearest good synthesizes", () => {
    expect(shopErrors({ name: "Web_1" })).toContain(NAME_ERROR);
    expect(shopErrors({ name: "web-1" })).toEqual([]);
  });

  test("an invalid name is reported once, not again as the resource name derived from it", () => {
    expect(shopErrors({ name: "Web_1" })).toEqual([NAME_ERROR]);
  });

  test("a name that makes <environment>-<service> longer than 32 characters is refused; one character less synthesizes", () => {
    // "platform-prod-" is 14 characters: a service name of 19 makes 33.
    expect(shopErrors({ name: `s${"x".repeat(18)}` })).toEqual([
      `[test/platform/shop] name is "platform-prod-s${"x".repeat(18)}": resource names are 2 to 32 lowercase letters, digits and hyphens (<environment>-<service> by default). ` +
        "Fix: shorten the service's or the environment's name",
    ]);
    expect(shopErrors({ name: `s${"x".repeat(17)}` })).toEqual([]);
  });
});

describe("WebService hosts and paths", () => {
  const hostError = (host: string) =>
    `[test/platform/shop] hosts[0] is "${host}": a lowercase DNS name such as "app.example.com" (no wildcard, scheme or path). ` +
    "Fix: give the full name the service answers on";
  const pathError = (path: string) =>
    `[test/platform/shop] paths[0] is ${JSON.stringify(path)}: a path pattern starting with /, up to 128 characters: ` +
    "letters, digits, _ - . $ / ~ \" ' @ : + & and the wildcards * and ?. Fix: e.g. \"/admin/*\"";

  test("an uppercase host, a scheme and a wildcard are refused", () => {
    expect(shopErrors({ hosts: ["Shop.example.com"] })).toEqual([hostError("Shop.example.com")]);
    expect(shopErrors({ hosts: ["https://shop.example.com"] })).toEqual([hostError("https://shop.example.com")]);
    expect(shopErrors({ hosts: ["*.example.com"] })).toEqual([hostError("*.example.com")]);
  });

  test("the nearest good host synthesizes, and a trailing dot is dropped", () => {
    expect(shopErrors({ hosts: ["shop.example.com"] })).toEqual([]);
    const json = synthServices({ shop: { hosts: ["shop.example.com."] } });
    expect(resourcesOf(json, "aws_route53_record").platform_shop_dns_shop_example_com_a.name).toBe("shop.example.com");
    expect(conditionValues(rules(json).platform_shop_listener_rule, "host_header")).toEqual(["shop.example.com"]);
  });

  test("a path without a leading /, one of 129 characters and one with a space are refused", () => {
    const long = `/${"a".repeat(128)}`;
    expect(shopErrors({ paths: ["admin/*"] })).toEqual([pathError("admin/*")]);
    expect(shopErrors({ paths: [long] })).toEqual([pathError(long)]);
    expect(shopErrors({ paths: ["/a b"] })).toEqual([pathError("/a b")]);
    expect(shopErrors({ paths: ["/a#b"] })).toEqual([pathError("/a#b")]);
  });

  test("the nearest good paths synthesize: /admin/*, 128 characters, /a-b", () => {
    expect(shopErrors({ paths: ["/admin/*"] })).toEqual([]);
    expect(shopErrors({ paths: [`/${"a".repeat(127)}`] })).toEqual([]);
    expect(shopErrors({ paths: ["/a-b"] })).toEqual([]);
  });

  test("a host in none of the environment's zones is refused, naming the zones", () => {
    expect(shopErrors({ hosts: ["app.example.net"] })).toContain(
      '[test/platform/shop] hosts is "app.example.net": a host name goes in one of the environment\'s zones (example.com, example.org). ' +
        "Fix: add its zone to the environment's `zones`, or use a host name in one of them",
    );
    expect(shopErrors({ hosts: ["app.example.com"] })).toEqual([]);
  });

  test("without zones, a host is refused with (none)", () => {
    expect(shopErrors({ hosts: ["app.example.com"] }, { zones: [] })).toContainEqual(
      expect.stringContaining('hosts is "app.example.com": a host name goes in one of the environment\'s zones (none)'),
    );
  });

  test("no hosts and no paths is refused; a path synthesizes", () => {
    const certificate = { certificate: Certificate.fromArn(CERTIFICATE) };
    expect(shopErrors({ hosts: undefined }, certificate)).toEqual([
      '[test/platform/shop] hosts/paths: a web service is routed by host names, path patterns or both. Fix: give it `hosts` (e.g. ["app.example.com"]) and/or `paths` (e.g. ["/api/*"])',
    ]);
    expect(shopErrors({ hosts: undefined, paths: ["/*"] }, certificate)).toEqual([]);
  });

  test("a path-only service: a rule with only a path_pattern, no DNS records, no certificate, no url output", () => {
    const json = synthServices({ api: { paths: ["/api/*"] } }, { certificate: Certificate.fromArn(CERTIFICATE) });
    expect(rules(json).platform_api_listener_rule.condition).toEqual([{ path_pattern: { values: ["/api/*"] } }]);
    expect(resourcesOf(json, "aws_route53_record")).toEqual({});
    expect(resourcesOf(json, "aws_acm_certificate")).toEqual({});
    expect(json.output?.platform_api_url).toBeUndefined();
  });
});

describe("WebService options", () => {
  test("rollbackOnAlarm with alarms: false is refused", () => {
    expect(shopErrors({ alarms: false, rollbackOnAlarm: true })).toEqual([
      "[test/platform/shop] rollbackOnAlarm: deployments roll back on the service's alarms, and `alarms` is false. Fix: leave `alarms` on, or drop `rollbackOnAlarm`",
    ]);
  });

  test("the nearest good: alarms on with rollbackOnAlarm makes them deployment alarms; alarms: false alone makes none", () => {
    const json = synthServices({ shop: { hosts: ["shop.example.com"], rollbackOnAlarm: true } });
    expect(onlyResource(json, "aws_ecs_service").alarms).toEqual({
      alarm_names: [
        "${aws_cloudwatch_metric_alarm.platform_shop_alarms_unhealthy_targets.alarm_name}",
        "${aws_cloudwatch_metric_alarm.platform_shop_alarms_target_5xx.alarm_name}",
      ],
      enable: true,
      rollback: true,
    });
    const withoutAlarms = synthServices({ shop: { hosts: ["shop.example.com"], alarms: false } });
    expect(resourcesOf(withoutAlarms, "aws_cloudwatch_metric_alarm")).toEqual({});
    expect(onlyResource(withoutAlarms, "aws_ecs_service").alarms).toBeUndefined();
  });

  test("wildcardCertificate, one host: the certificate also covers *.<host>", () => {
    const json = synthServices({ shop: { hosts: ["shop.example.com"], wildcardCertificate: true } });
    expect(onlyResource(json, "aws_acm_certificate").subject_alternative_names).toEqual(["*.shop.example.com"]);
  });

  test("wildcardCertificate, two hosts: the certificate covers *.<host> for each host", () => {
    const json = synthServices({ shop: { hosts: ["shop.example.com", "www.example.org"], wildcardCertificate: true } });
    expect(onlyResource(json, "aws_acm_certificate").subject_alternative_names.sort()).toEqual([
      "*.shop.example.com",
      "*.www.example.org",
      "www.example.org",
    ]);
  });

  test("without wildcardCertificate no *. name is requested", () => {
    const json = synthServices({ shop: { hosts: ["shop.example.com", "www.example.org"] } });
    expect(onlyResource(json, "aws_acm_certificate").subject_alternative_names).toEqual(["www.example.org"]);
  });

  test("the service's own certificate: none is created, and it is the listener's", () => {
    const json = synthServices({ shop: { hosts: ["shop.example.com"], certificate: Certificate.fromArn(CERTIFICATE) } });
    expect(resourcesOf(json, "aws_acm_certificate")).toEqual({});
    expect(resourcesOf(json, "aws_lb_listener").platform_load_balancer_https_listener.certificate_arn).toBe(CERTIFICATE);
    expect(keysOf(json, "aws_route53_record")).toEqual(["platform_shop_dns_shop_example_com_a", "platform_shop_dns_shop_example_com_aaaa"]);
  });

  test("notSecret passes through: TOKEN_TTL listed synthesizes as a plain variable, not listed it is refused", () => {
    const tokenError =
      "[test/platform/shop/task/container] environment.TOKEN_TTL: its name says it holds a secret, and a plain value is readable in the task definition, " +
      "the synthesized JSON and Terraform state. Fix: move it to `secrets` (e.g. secrets: { TOKEN_TTL: {} }), or list it in `notSecret` if the value is not secret";
    expect(shopErrors({ environment: { TOKEN_TTL: "3600" } })).toEqual([tokenError]);
    expect(shopErrors({ environment: { TOKEN_TTL: "3600" }, notSecret: ["TOKEN_TTL"] })).toEqual([]);
    const json = synthServices({ shop: { hosts: ["shop.example.com"], environment: { TOKEN_TTL: "3600" }, notSecret: ["TOKEN_TTL"] } });
    const [container] = decodeJsonencode(onlyResource(json, "aws_ecs_task_definition").container_definitions);
    expect(container.environment).toEqual([{ name: "TOKEN_TTL", value: "3600" }]);
  });
});
