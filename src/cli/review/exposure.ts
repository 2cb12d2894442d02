/**
 * Section 2, what the internet can reach once the plan is applied: internet-facing load balancers and
 * their listeners, ingress rules open to 0.0.0.0/0 or ::/0 (rule resources, security group rule resources
 * and inline `ingress` blocks alike), and public IP addresses.
 */
import { Json, Plan, PlanResource } from "./plan";
import { showValue } from "../hcl";
import { Violation, WORLD_OPEN_ALLOWED_PORTS } from "./rules";

export interface LoadBalancerExposure {
  readonly address: string;
  readonly name?: string;
  readonly type: string;
  readonly ipAddressType?: string;
  /** Zones it has an address in (its subnets), when the plan says. */
  readonly zones?: number;
  readonly deletionProtection?: boolean;
}

export interface ListenerExposure {
  readonly address: string;
  readonly loadBalancer?: string;
  readonly port?: number;
  readonly protocol?: string;
  /** `redirect to HTTPS:443 (HTTP_301)`, `forward to aws_lb_target_group.x`, `fixed response 404`. */
  readonly action: string;
  readonly sslPolicy?: string;
}

export interface OpenRule {
  /** The rule resource, or `aws_security_group.x ingress[0]` for an inline rule. */
  readonly address: string;
  readonly securityGroup?: string;
  /** What the group is attached to (resources referring to it): `aws_lb.hello_load_balancer`. */
  readonly usedBy: string[];
  /** `tcp 443`, `tcp 1000-2000`, `all traffic`. */
  readonly ports: string;
  readonly sources: string[];
  readonly description?: string;
  /** Within the policy (TCP/UDP 80 or 443, or ICMP); otherwise a `world-open-port` violation. */
  readonly allowed: boolean;
}

export interface PublicAddress {
  readonly address: string;
  readonly what: string;
}

export interface ExposureSection {
  readonly loadBalancers: LoadBalancerExposure[];
  readonly internalLoadBalancers: number;
  readonly listeners: ListenerExposure[];
  readonly openRules: OpenRule[];
  readonly publicAddresses: PublicAddress[];
  readonly violations: Violation[];
}

const WORLD = ["0.0.0.0/0", "::/0"];
const RULE_TYPES = ["aws_vpc_security_group_ingress_rule", "aws_security_group_rule", "aws_vpc_security_group_egress_rule"];
const PROTOCOLS: Record<string, string> = { "-1": "all", all: "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

export function reviewExposure(plan: Plan): ExposureSection {
  const loadBalancers: LoadBalancerExposure[] = [];
  const internetFacing = new Set<string>();
  let internalLoadBalancers = 0;
  for (const lb of plan.present("aws_lb", "aws_alb", "aws_elb")) {
    if (plan.value(lb, "internal") === true) {
      internalLoadBalancers++;
      continue;
    }
    internetFacing.add(lb.address);
    loadBalancers.push({
      address: lb.address,
      name: stringOr(plan.value(lb, "name")),
      type: lb.type === "aws_elb" ? "classic" : (stringOr(plan.value(lb, "load_balancer_type")) ?? "application"),
      ipAddressType: stringOr(plan.value(lb, "ip_address_type")),
      zones: zonesOf(plan, lb),
      deletionProtection: plan.value(lb, "enable_deletion_protection") === true,
    });
  }

  const listeners: ListenerExposure[] = [];
  for (const listener of plan.present("aws_lb_listener", "aws_alb_listener")) {
    const loadBalancer = plan.referencedResources(listener, "load_balancer_arn")[0]?.address;
    if (loadBalancer && !internetFacing.has(loadBalancer)) continue;
    listeners.push({
      address: listener.address,
      loadBalancer,
      port: numberOr(plan.value(listener, "port")),
      protocol: stringOr(plan.value(listener, "protocol")),
      action: listenerAction(plan, listener),
      sslPolicy: stringOr(plan.value(listener, "ssl_policy")),
    });
  }
  listeners.sort((a, b) => compareText(a.loadBalancer ?? "", b.loadBalancer ?? "") || (a.port ?? 0) - (b.port ?? 0));

  const openRules = [...ruleResources(plan), ...inlineRules(plan)].sort(
    (a, b) => Number(a.allowed) - Number(b.allowed) || compareText(a.address, b.address),
  );
  const violations: Violation[] = openRules
    .filter((rule) => !rule.allowed)
    .map((rule) => ({
      rule: "world-open-port",
      address: rule.address,
      message: `${rule.ports} is open to ${rule.sources.join(" and ")}${rule.securityGroup ? ` on ${rule.securityGroup}` : ""}${
        rule.usedBy.length ? ` (used by ${rule.usedBy.join(", ")})` : ""
      }`,
    }));

  return { loadBalancers, internalLoadBalancers, listeners, openRules, publicAddresses: publicAddresses(plan, loadBalancers), violations };
}

function listenerAction(plan: Plan, listener: PlanResource): string {
  const actions: Json[] = asArray(plan.value(listener, "default_action"));
  if (actions.length === 0) return "no default action";
  return actions
    .map((raw, index) => {
      const action = raw ?? {};
      const type = stringOr(action?.type) ?? stringOr(plan.configuredValue(listener, `default_action.${index}.type`));
      if (type === "redirect") {
        const redirect = asArray(action.redirect)[0] ?? {};
        const where = [redirect.protocol, redirect.port].filter((part) => part && !String(part).startsWith("#{")).join(":");
        const host = redirect.host && redirect.host !== "#{host}" ? ` host ${redirect.host}` : "";
        return `redirect to ${where || "same URL"}${host}${redirect.status_code ? ` (${redirect.status_code})` : ""}`;
      }
      if (type === "forward") {
        const targets = [
          ...plan.referencedResources(listener, `default_action.${index}.target_group_arn`),
          ...plan.referencedResources(listener, `default_action.${index}.forward`),
        ].map((target) => target.address);
        const literal = stringOr(action.target_group_arn);
        return `forward to ${targets.length ? [...new Set(targets)].join(", ") : (literal ?? "a target group")}`;
      }
      if (type === "fixed-response") {
        const response = asArray(action.fixed_response)[0] ?? {};
        return `fixed response ${response.status_code ?? ""}`.trim();
      }
      return type ?? "unknown action";
    })
    .join(", then ");
}

/** Rule resources (`aws_vpc_security_group_ingress_rule`, `aws_security_group_rule` of type ingress). */
function ruleResources(plan: Plan): OpenRule[] {
  const rules: OpenRule[] = [];
  for (const rule of plan.present("aws_vpc_security_group_ingress_rule")) {
    const sources = [plan.value(rule, "cidr_ipv4"), plan.value(rule, "cidr_ipv6")].filter((cidr) => WORLD.includes(cidr));
    if (sources.length === 0) continue;
    rules.push(
      openRule(plan, rule, rule.address, sources, plan.value(rule, "ip_protocol"), plan.value(rule, "from_port"), plan.value(rule, "to_port")),
    );
  }
  for (const rule of plan.present("aws_security_group_rule")) {
    if (plan.value(rule, "type") !== "ingress") continue;
    const sources = [...asArray(plan.value(rule, "cidr_blocks")), ...asArray(plan.value(rule, "ipv6_cidr_blocks"))].filter((cidr) =>
      WORLD.includes(cidr),
    );
    if (sources.length === 0) continue;
    rules.push(
      openRule(plan, rule, rule.address, sources, plan.value(rule, "protocol"), plan.value(rule, "from_port"), plan.value(rule, "to_port")),
    );
  }
  return rules;
}

/** Inline `ingress` blocks of `aws_security_group`. */
function inlineRules(plan: Plan): OpenRule[] {
  const rules: OpenRule[] = [];
  for (const group of plan.present("aws_security_group")) {
    asArray(plan.value(group, "ingress")).forEach((ingress: Json, index: number) => {
      const sources = [...asArray(ingress?.cidr_blocks), ...asArray(ingress?.ipv6_cidr_blocks)].filter((cidr) => WORLD.includes(cidr));
      if (sources.length === 0) return;
      const rule = openRule(plan, group, `${group.address} ingress[${index}]`, sources, ingress.protocol, ingress.from_port, ingress.to_port);
      rules.push({ ...rule, securityGroup: group.address, usedBy: usersOf(plan, group), description: stringOr(ingress.description) });
    });
  }
  return rules;
}

function openRule(
  plan: Plan,
  resource: PlanResource,
  address: string,
  sources: string[],
  protocolValue: Json,
  fromValue: Json,
  toValue: Json,
): OpenRule {
  const protocol = PROTOCOLS[String(protocolValue ?? "-1").toLowerCase()] ?? String(protocolValue).toLowerCase();
  const from = numberOr(fromValue);
  const to = numberOr(toValue) ?? from;
  let ports: string;
  if (protocol === "all") ports = "all traffic";
  else if (protocol === "icmp" || protocol === "icmpv6") ports = protocol;
  else if (from === undefined || (from <= 0 && (to ?? 65535) >= 65535)) ports = `${protocol} all ports`;
  else ports = from === to ? `${protocol} ${from}` : `${protocol} ${from}-${to}`;
  const allowed =
    protocol === "icmp" ||
    protocol === "icmpv6" ||
    ((protocol === "tcp" || protocol === "udp") && from !== undefined && from === to && WORLD_OPEN_ALLOWED_PORTS.includes(from));
  const group = plan.referencedResources(resource, "security_group_id")[0];
  const literalGroup = stringOr(plan.value(resource, "security_group_id"));
  return {
    address,
    securityGroup: group?.address ?? (literalGroup ? showValue(literalGroup) : undefined),
    usedBy: group ? usersOf(plan, group) : [],
    ports,
    sources,
    description: stringOr(plan.value(resource, "description")),
    allowed,
  };
}

/** What a security group is attached to: the resources referring to it, its own rules aside. */
function usersOf(plan: Plan, group: PlanResource): string[] {
  return plan
    .referrersOf(group)
    .filter((address) => !RULE_TYPES.some((type) => address.includes(`${type}.`)) && !address.includes("aws_security_group."));
}

function publicAddresses(plan: Plan, loadBalancers: LoadBalancerExposure[]): PublicAddress[] {
  const found: PublicAddress[] = [];
  for (const lb of loadBalancers) {
    if (lb.ipAddressType === "dualstack-without-public-ipv4") {
      found.push({ address: lb.address, what: "internet-facing load balancer: public IPv6 only" });
      continue;
    }
    const zones = lb.zones === undefined ? "per zone" : `per zone (${lb.zones})`;
    found.push({
      address: lb.address,
      what: `internet-facing load balancer: a public IPv4 ${zones}${lb.ipAddressType === "dualstack" ? " and IPv6" : ""}`,
    });
  }
  for (const eip of plan.present("aws_eip")) {
    const users = plan.referrersOf(eip);
    found.push({ address: eip.address, what: `Elastic IP${users.length ? ` for ${users.join(", ")}` : ""}` });
  }
  for (const service of plan.present("aws_ecs_service")) {
    if (plan.value(service, "network_configuration.0.assign_public_ip") === true) {
      const count = numberOr(plan.value(service, "desired_count"));
      found.push({ address: service.address, what: `ECS tasks get a public IPv4 each (assign_public_ip${count !== undefined ? `, ${count} task${count === 1 ? "" : "s"}` : ""})` });
    }
  }
  for (const subnet of plan.present("aws_subnet")) {
    if (plan.value(subnet, "map_public_ip_on_launch") === true) {
      found.push({ address: subnet.address, what: "subnet gives every instance launched in it a public IPv4 (map_public_ip_on_launch)" });
    }
  }
  for (const instance of plan.present("aws_instance")) {
    if (plan.value(instance, "associate_public_ip_address") === true) found.push({ address: instance.address, what: "EC2 instance with a public IPv4" });
  }
  for (const database of plan.present("aws_db_instance")) {
    if (plan.value(database, "publicly_accessible") === true) found.push({ address: database.address, what: "database reachable from the internet (publicly_accessible)" });
  }
  return found;
}

function zonesOf(plan: Plan, lb: PlanResource): number | undefined {
  const subnets = plan.value(lb, "subnets");
  if (Array.isArray(subnets) && subnets.length) return subnets.length;
  const mappings = plan.value(lb, "subnet_mapping");
  if (Array.isArray(mappings) && mappings.length) return mappings.length;
  return undefined;
}

/** Orders text by code point (`aws_lb.x` before `aws_lb_listener.x`), the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function asArray(value: Json): Json[] {
  return Array.isArray(value) ? value : [];
}

export function stringOr(value: Json): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function numberOr(value: Json): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}
