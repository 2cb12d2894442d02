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

  test("HTTPS listener on 443 with the TLS 1.3/1.2 policy and the certificate, answering 404 to what no rule matches", () => {
    expect(listener(json, "https")).toEqual({
      load_balancer_arn: "${aws_lb.lb.arn}",
      port: 443,
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: CERT,
      default_action: [
        { type: "fixed-response", fixed_response: { content_type: "text/plain", message_body: "Not found", status_code: "404" } },
      ],
    });
  });

  test("no target group of its own: each web service adds one", () => {
    expect(resourcesOf(json, "aws_lb_target_group")).toEqual({});
  });

  test("addCertificate serves another certificate by SNI on the HTTPS listener", () => {
    const other = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-1234-1234-1234-123456789012";
    const withTwo = synthesize((stack) => {
      const lb = new LoadBalancer(stack, "lb", { name: "hello", network: EXISTING, certificateArn: CERT });
      lb.addCertificate(stack, "second_certificate", other);
    });
    expect(resourcesOf(withTwo, "aws_lb_listener_certificate")).toEqual({
      second_certificate: { listener_arn: "${aws_lb_listener.lb_https_listener.arn}", certificate_arn: other },
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
    expect(Object.keys(ingressRules(json))).toHaveLength(2);
  });

  test("an existing network with ipv6: true gives a dual-stack load balancer", () => {
    const json = synthLoadBalancer({ network: () => ({ ...EXISTING, ipv6: true }) });
    expect(onlyResource(json, "aws_lb").ip_address_type).toBe("dualstack");
    expect(Object.keys(ingressRules(json))).toHaveLength(4);
  });
});

describe("LoadBalancer options", () => {
  test("certificateArn can be a reference", () => {
    const json = synthLoadBalancer({ certificateArn: "${aws_acm_certificate_validation.cert_issued.certificate_arn}" });
    expect(listener(json, "https").certificate_arn).toBe("${aws_acm_certificate_validation.cert_issued.certificate_arn}");
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
  });

  test("a longer name is shortened to 32 characters with a hash", () => {
    const name = "a-very-long-application-name-for-production";
    const json = synthLoadBalancer({ name });
    const lbName = onlyResource(json, "aws_lb").name;
    expect(lbName).toHaveLength(32);
    expect(lbName).toMatch(/^a-very-long-application-n-[0-9a-f]{6}$/);
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
