import { TerraformOutput } from "cdktf";
import { FargateStack, INetwork, LoadBalancer, LoadBalancerProps, Network } from "../src";
import { TerraformJson, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const EXISTING: INetwork = Network.fromExisting({
  vpcId: "vpc-0123",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
});

type Options = Partial<Omit<LoadBalancerProps, "network">> & { network?: (stack: FargateStack) => INetwork };

const buildLoadBalancer = (options: Options = {}) => (stack: FargateStack) => {
  const { network, ...props } = options;
  new LoadBalancer(stack, "lb", {
    name: "hello",
    network: network ? network(stack) : new Network(stack, "net", { name: "hello" }),
    certificateArn: CERT,
    targetPort: 8080,
    ...props,
  });
};

const synthLoadBalancer = (options: Options = {}): TerraformJson => synthesize(buildLoadBalancer(options));

const ingressRules = (json: TerraformJson) => resourcesOf(json, "aws_vpc_security_group_ingress_rule");
const listener = (json: TerraformJson, name: "https" | "http") => resourcesOf(json, "aws_lb_listener")[`lb_${name}_listener`];

describe("LoadBalancer defaults (in a Network with IPv6)", () => {
  const json = synthLoadBalancer();

  test("an internet-facing application load balancer in the public subnets, named as given", () => {
    expect(Object.keys(resourcesOf(json, "aws_lb"))).toEqual(["lb"]);
    const lb = onlyResource(json, "aws_lb");
    expect(lb.name).toBe("hello");
    expect(lb.load_balancer_type).toBe("application");
    expect(lb.internal).toBe(false);
    expect(lb.subnets).toEqual(["${aws_subnet.net_public_subnet_a.id}", "${aws_subnet.net_public_subnet_b.id}"]);
  });

  test("dual-stack, since the network's public subnets have IPv6", () => {
    expect(onlyResource(json, "aws_lb").ip_address_type).toBe("dualstack");
  });

  test("drops invalid headers, no deletion protection, behind its own security group", () => {
    const lb = onlyResource(json, "aws_lb");
    expect(lb.drop_invalid_header_fields).toBe(true);
    expect(lb.enable_deletion_protection).toBe(false);
    expect(lb.security_groups).toEqual(["${aws_security_group.lb_security_group.id}"]);
  });

  test("the security group is in the VPC, named after the load balancer", () => {
    expect(resourcesOf(json, "aws_security_group")).toEqual({
      lb_security_group: {
        name: "hello-alb",
        description: "Load balancer of hello: HTTP and HTTPS from anywhere",
        vpc_id: "${aws_vpc.net.id}",
        tags: { Name: "hello-alb" },
      },
    });
  });

  test("admits 80 and 443 over TCP from 0.0.0.0/0 and ::/0, as four rules", () => {
    const rules = ingressRules(json);
    expect(Object.keys(rules).sort()).toEqual([
      "lb_ingress_443_ipv4",
      "lb_ingress_443_ipv6",
      "lb_ingress_80_ipv4",
      "lb_ingress_80_ipv6",
    ]);
    for (const port of [80, 443]) {
      const common = {
        security_group_id: "${aws_security_group.lb_security_group.id}",
        ip_protocol: "tcp",
        from_port: port,
        to_port: port,
      };
      const kind = port === 443 ? "HTTPS" : "HTTP";
      expect(rules[`lb_ingress_${port}_ipv4`]).toEqual({
        ...common,
        cidr_ipv4: "0.0.0.0/0",
        description: `${kind} from the internet (ipv4)`,
      });
      expect(rules[`lb_ingress_${port}_ipv6`]).toEqual({
        ...common,
        cidr_ipv6: "::/0",
        description: `${kind} from the internet (ipv6)`,
      });
    }
  });

  test("no egress rule of its own (FargateService adds the one to its tasks)", () => {
    expect(resourcesOf(json, "aws_vpc_security_group_egress_rule")).toEqual({});
  });

  test("a target group of task IPs on the target port, in the VPC, with the load balancer's name", () => {
    expect(Object.keys(resourcesOf(json, "aws_lb_target_group"))).toEqual(["lb_target_group"]);
    const group = onlyResource(json, "aws_lb_target_group");
    expect(group.name).toBe("hello");
    expect(group.target_type).toBe("ip");
    expect(group.protocol).toBe("HTTP");
    expect(group.port).toBe(8080);
    expect(group.vpc_id).toBe("${aws_vpc.net.id}");
    expect(group.ip_address_type).toBe("ipv4");
  });

  test("deregistration delay is 30 seconds", () => {
    expect(onlyResource(json, "aws_lb_target_group").deregistration_delay).toBe("30");
  });

  test("health check: / on the traffic port, 200-399, every 15 s, timeout 5, healthy 2, unhealthy 3", () => {
    expect(onlyResource(json, "aws_lb_target_group").health_check).toEqual({
      enabled: true,
      protocol: "HTTP",
      port: "traffic-port",
      path: "/",
      matcher: "200-399",
      interval: 15,
      timeout: 5,
      healthy_threshold: 2,
      unhealthy_threshold: 3,
    });
  });

  test("HTTPS listener on 443 with the TLS 1.3/1.2 policy and the certificate, forwarding to the target group", () => {
    expect(listener(json, "https")).toEqual({
      load_balancer_arn: "${aws_lb.lb.arn}",
      port: 443,
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: CERT,
      default_action: [{ type: "forward", target_group_arn: "${aws_lb_target_group.lb_target_group.arn}" }],
    });
  });

  test("HTTP listener on 80 redirects to HTTPS with a 301", () => {
    expect(listener(json, "http")).toEqual({
      load_balancer_arn: "${aws_lb.lb.arn}",
      port: 80,
      protocol: "HTTP",
      default_action: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }],
    });
    expect(Object.keys(resourcesOf(json, "aws_lb_listener"))).toHaveLength(2);
  });

  test("exposes DNS name, zone id and ARN suffix as references, and dualStack", () => {
    let lb!: LoadBalancer;
    const outputs = synthesize((stack) => {
      lb = new LoadBalancer(stack, "lb", {
        name: "hello",
        network: new Network(stack, "net", { name: "hello" }),
        certificateArn: CERT,
        targetPort: 8080,
      });
      new TerraformOutput(stack, "dns", { value: lb.dnsName });
      new TerraformOutput(stack, "zone", { value: lb.zoneId });
      new TerraformOutput(stack, "suffix", { value: lb.arnSuffix });
    }).output!;
    expect(outputs.dns.value).toBe("${aws_lb.lb.dns_name}");
    expect(outputs.zone.value).toBe("${aws_lb.lb.zone_id}");
    expect(outputs.suffix.value).toBe("${aws_lb.lb.arn_suffix}");
    expect(lb.dualStack).toBe(true);
  });

  test("synthesizes without validation errors", () => {
    expect(synthErrors(buildLoadBalancer())).toEqual([]);
  });
});

describe("LoadBalancer networks", () => {
  test("a Network with ipv6: false gives an IPv4 load balancer and IPv4-only ingress", () => {
    const json = synthLoadBalancer({ network: (stack) => new Network(stack, "net", { name: "hello", ipv6: false }) });
    expect(onlyResource(json, "aws_lb").ip_address_type).toBe("ipv4");
    expect(Object.keys(ingressRules(json)).sort()).toEqual(["lb_ingress_443_ipv4", "lb_ingress_80_ipv4"]);
    for (const rule of Object.values(ingressRules(json))) {
      expect(rule.cidr_ipv4).toBe("0.0.0.0/0");
      expect(rule).not.toHaveProperty("cidr_ipv6");
    }
  });

  test("an existing network: its ids are used as given, IPv4 by default", () => {
    const json = synthLoadBalancer({ network: () => EXISTING });
    const lb = onlyResource(json, "aws_lb");
    expect(lb.subnets).toEqual(["subnet-pub-a", "subnet-pub-b"]);
    expect(lb.ip_address_type).toBe("ipv4");
    expect(onlyResource(json, "aws_security_group").vpc_id).toBe("vpc-0123");
    expect(onlyResource(json, "aws_lb_target_group").vpc_id).toBe("vpc-0123");
    expect(Object.keys(ingressRules(json))).toHaveLength(2);
  });

  test("an existing network with ipv6: true gives a dual-stack load balancer", () => {
    const json = synthLoadBalancer({ network: () => ({ ...EXISTING, ipv6: true }) });
    expect(onlyResource(json, "aws_lb").ip_address_type).toBe("dualstack");
    expect(Object.keys(ingressRules(json))).toHaveLength(4);
  });
});

describe("LoadBalancer options", () => {
  test("targetPort sets the target group port", () => {
    expect(onlyResource(synthLoadBalancer({ targetPort: 3000 }), "aws_lb_target_group").port).toBe(3000);
  });

  test("certificateArn can be a reference", () => {
    const json = synthLoadBalancer({ certificateArn: "${aws_acm_certificate_validation.cert_issued.certificate_arn}" });
    expect(listener(json, "https").certificate_arn).toBe("${aws_acm_certificate_validation.cert_issued.certificate_arn}");
  });

  test("healthCheck: each field replaces its default, the others keep theirs", () => {
    const json = synthLoadBalancer({
      healthCheck: { path: "/health", matcher: "200,204", intervalSeconds: 30, healthyThreshold: 3, unhealthyThreshold: 5 },
    });
    expect(onlyResource(json, "aws_lb_target_group").health_check).toEqual({
      enabled: true,
      protocol: "HTTP",
      port: "traffic-port",
      path: "/health",
      matcher: "200,204",
      interval: 30,
      timeout: 5,
      healthy_threshold: 3,
      unhealthy_threshold: 5,
    });
  });

  test("healthCheck: only the path given", () => {
    const check = onlyResource(synthLoadBalancer({ healthCheck: { path: "/ready" } }), "aws_lb_target_group").health_check;
    expect(check.path).toBe("/ready");
    expect(check.matcher).toBe("200-399");
    expect(check.interval).toBe(15);
  });

  test.each(["200", "200,204", "200-299", "200-299,301,302"])("healthCheck.matcher %j is accepted", (matcher) => {
    expect(synthErrors(buildLoadBalancer({ healthCheck: { matcher } }))).toEqual([]);
  });

  test("deregistrationDelaySeconds sets deregistration_delay", () => {
    expect(
      onlyResource(synthLoadBalancer({ deregistrationDelaySeconds: 120 }), "aws_lb_target_group").deregistration_delay,
    ).toBe("120");
    expect(
      onlyResource(synthLoadBalancer({ deregistrationDelaySeconds: 0 }), "aws_lb_target_group").deregistration_delay,
    ).toBe("0");
  });

  test("sslPolicy replaces the HTTPS listener's policy", () => {
    const json = synthLoadBalancer({ sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" });
    expect(listener(json, "https").ssl_policy).toBe("ELBSecurityPolicy-TLS13-1-3-2021-06");
    expect(listener(json, "http")).not.toHaveProperty("ssl_policy");
  });

  test("deletionProtection: true turns on enable_deletion_protection", () => {
    expect(onlyResource(synthLoadBalancer({ deletionProtection: true }), "aws_lb").enable_deletion_protection).toBe(true);
  });

  test("a name of exactly 32 characters is kept", () => {
    const name = "a".repeat(16) + "-" + "b".repeat(15);
    const json = synthLoadBalancer({ name });
    expect(onlyResource(json, "aws_lb").name).toBe(name);
    expect(onlyResource(json, "aws_lb_target_group").name).toBe(name);
  });

  test("a longer name is shortened to 32 characters with a hash, the same for the load balancer and target group", () => {
    const name = "a-very-long-application-name-for-production";
    const json = synthLoadBalancer({ name });
    const lbName = onlyResource(json, "aws_lb").name;
    expect(lbName).toHaveLength(32);
    expect(lbName).toMatch(/^a-very-long-application-n-[0-9a-f]{6}$/);
    expect(onlyResource(json, "aws_lb_target_group").name).toBe(lbName);
    expect(onlyResource(json, "aws_security_group").name).toBe(`${name}-alb`);
  });

  test("the shortened name is stable across syntheses and differs between names with a common start", () => {
    const nameOf = (name: string) => onlyResource(synthLoadBalancer({ name }), "aws_lb").name;
    const production = nameOf("a-very-long-application-name-for-production");
    expect(nameOf("a-very-long-application-name-for-production")).toBe(production);
    const staging = nameOf("a-very-long-application-name-for-staging");
    expect(staging).toHaveLength(32);
    expect(staging).not.toBe(production);
  });
});

describe("LoadBalancer invalid input", () => {
  test("a health check path without a leading / is reported, with the fixed path suggested", () => {
    expect(synthErrors(buildLoadBalancer({ healthCheck: { path: "health" } }))).toEqual([
      '[test/lb] healthCheck.path is "health": a path starting with /. Fix: use "/health"',
    ]);
  });

  test.each(["200, 204", "2xx", "ok", "200-", "20"])("healthCheck.matcher %j is reported with its value", (matcher) => {
    const errors = synthErrors(buildLoadBalancer({ healthCheck: { matcher } }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`[test/lb] healthCheck.matcher is ${JSON.stringify(matcher)}: HTTP codes`);
  });

  test("both problems are reported together", () => {
    const errors = synthErrors(buildLoadBalancer({ healthCheck: { path: "health", matcher: "200 OK" } }));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("healthCheck.path");
    expect(errors[1]).toContain("healthCheck.matcher");
  });

  // ELB requires the (fixed, 5 s) timeout to be below the interval.
  test("healthCheck.intervalSeconds 5 (not above the fixed 5 s timeout) is reported", () => {
    expect(synthErrors(buildLoadBalancer({ healthCheck: { intervalSeconds: 5 } }))).toEqual([
      expect.stringContaining("healthCheck.intervalSeconds is 5"),
    ]);
  });

  test("the nearest good interval, 6 s, synthesizes", () => {
    expect(synthErrors(buildLoadBalancer({ healthCheck: { intervalSeconds: 6 } }))).toEqual([]);
  });
});
