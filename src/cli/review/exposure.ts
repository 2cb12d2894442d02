/**
 * Section 2, what the internet can reach once the plan is applied: internet-facing load balancers, their
 * listeners and the listener rules that route requests by host and path to a target group and the ECS
 * service behind it, ingress rules open to 0.0.0.0/0 or ::/0 (rule resources, security group rule
 * resources and inline `ingress` blocks alike), and public IP addresses.
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
  /** Extra certificates the listener serves by SNI (`aws_lb_listener_certificate` resources). */
  readonly sniCertificates: string[];
}

/** What the review says of a value Terraform knows only after apply: never a guess. */
export const UNKNOWN_AT_PLAN = "unknown at plan";

/** Where a listener rule sends what it matches. */
export interface RuleTarget {
  /** `aws_lb_target_group.x`, a target group ARN outside the plan, or UNKNOWN_AT_PLAN. */
  readonly targetGroup: string;
  /** The ECS services whose `load_balancer` block registers their tasks in that target group. */
  readonly services: string[];
  /** The weight of a weighted forward, when there are several target groups. */
  readonly weight?: number;
}

export interface ListenerRuleExposure {
  readonly address: string;
  readonly loadBalancer?: string;
  /** The listener's `443/HTTPS`, or its address or ARN when its port is not known. */
  readonly listener: string;
  /** Lowest first; UNKNOWN_AT_PLAN when Terraform does not know it yet. */
  readonly priority: number | typeof UNKNOWN_AT_PLAN;
  /** host_header values; empty: any host; UNKNOWN_AT_PLAN for a value not known yet. */
  readonly hosts: string[];
  /** path_pattern values; empty: any path. */
  readonly paths: string[];
  /** The other conditions: `header X-Env: beta`, `method POST`, `query a=b`, `source IP 10.0.0.0/8`. */
  readonly otherConditions: string[];
  /** `forward`, `redirect to HTTPS:443 (HTTP_301)`, `fixed response 503`, `authenticate-oidc, then forward`. */
  readonly action: string;
  /** For a forward: the target groups and the services behind them. */
  readonly targets: RuleTarget[];
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
  /**
   * Within the policy (TCP/UDP 80 or 443 alone, or ICMP); otherwise a `world-open-port` violation: a range
   * that merely starts at 80 or 443, and ports Terraform knows only at apply, are not within it.
   */
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
  /** The rules of those listeners, by load balancer, listener port and priority. */
  readonly listenerRules: ListenerRuleExposure[];
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
  const certificates = plan.present("aws_lb_listener_certificate");
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
      sniCertificates: certificates
        .filter((certificate) => plan.referencedResources(certificate, "listener_arn").some((target) => target.address === listener.address))
        .map((certificate) => certificate.address),
    });
  }
  listeners.sort((a, b) => compareText(a.loadBalancer ?? "", b.loadBalancer ?? "") || (a.port ?? 0) - (b.port ?? 0));
  const listenerRules = reviewListenerRules(plan, listeners);

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

  return {
    loadBalancers,
    internalLoadBalancers,
    listeners,
    listenerRules,
    openRules,
    publicAddresses: publicAddresses(plan, loadBalancers),
    violations,
  };
}

/**
 * The rules of the internet-facing listeners (and of listeners outside the plan, which may be): what each
 * matches and where it sends it. A value Terraform knows only at apply is UNKNOWN_AT_PLAN, never read from
 * the configuration's expression.
 */
function reviewListenerRules(plan: Plan, listeners: ListenerExposure[]): ListenerRuleExposure[] {
  const byAddress = new Map(listeners.map((listener) => [listener.address, listener]));
  const behind = servicesByTargetGroup(plan);
  const rules: Array<ListenerRuleExposure & { port: number }> = [];
  for (const rule of plan.present("aws_lb_listener_rule", "aws_alb_listener_rule")) {
    const listenerResource = plan.referencedResources(rule, "listener_arn")[0];
    const listener = listenerResource && byAddress.get(listenerResource.address);
    if (listenerResource && !listener) continue; // a listener of an internal load balancer
    const literalListener = stringOr(plan.knownValue(rule, "listener_arn"));
    const priority = numberOr(plan.knownValue(rule, "priority"));
    rules.push({
      address: rule.address,
      loadBalancer: listener?.loadBalancer,
      listener: listener
        ? listener.port !== undefined
          ? `${listener.port}/${listener.protocol ?? "?"}`
          : listener.address
        : (literalListener ?? `listener ${UNKNOWN_AT_PLAN}`),
      port: listener?.port ?? 65536,
      priority: priority ?? UNKNOWN_AT_PLAN,
      ...readConditions(plan, rule),
      action: ruleAction(plan, rule),
      targets: ruleTargets(plan, rule, behind),
    });
  }
  const rank = (rule: ListenerRuleExposure) => (typeof rule.priority === "number" ? rule.priority : Number.MAX_SAFE_INTEGER);
  return rules
    .sort((a, b) => compareText(a.loadBalancer ?? "", b.loadBalancer ?? "") || a.port - b.port || rank(a) - rank(b) || compareText(a.address, b.address))
    .map(({ port: _port, ...rule }) => rule);
}

/**
 * Target group (address, and its ARN when the plan knows it) → the ECS services whose `load_balancer`
 * blocks register their tasks in it.
 */
export function servicesByTargetGroup(plan: Plan): Map<string, PlanResource[]> {
  const map = new Map<string, PlanResource[]>();
  const add = (key: string, service: PlanResource) => {
    const list = map.get(key) ?? [];
    if (!list.includes(service)) list.push(service);
    map.set(key, list);
  };
  for (const service of plan.present("aws_ecs_service")) {
    const blocks = Math.max(asArray(plan.expression(service, "load_balancer")).length, asArray(plan.knownValue(service, "load_balancer")).length);
    for (let index = 0; index < blocks; index++) {
      for (const group of plan.referencedResources(service, `load_balancer.${index}.target_group_arn`)) add(group.address, service);
      const arn = stringOr(plan.knownValue(service, `load_balancer.${index}.target_group_arn`));
      if (arn) add(arn, service);
    }
  }
  return map;
}

function readConditions(plan: Plan, rule: PlanResource): Pick<ListenerRuleExposure, "hosts" | "paths" | "otherConditions"> {
  if (plan.isUnknown(rule, "condition")) return { hosts: [UNKNOWN_AT_PLAN], paths: [UNKNOWN_AT_PLAN], otherConditions: [] };
  const hosts: string[] = [];
  const paths: string[] = [];
  const otherConditions: string[] = [];
  const values = (path: string): string[] => {
    if (plan.isUnknown(rule, path)) return [UNKNOWN_AT_PLAN];
    return asArray(plan.knownValue(rule, path)).map((_, index) => stringOr(plan.knownValue(rule, `${path}.${index}`)) ?? UNKNOWN_AT_PLAN);
  };
  asArray(plan.knownValue(rule, "condition")).forEach((_, index) => {
    const at = `condition.${index}`;
    if (asArray(plan.knownValue(rule, `${at}.host_header`)).length || plan.isUnknown(rule, `${at}.host_header`)) hosts.push(...values(`${at}.host_header.0.values`));
    if (asArray(plan.knownValue(rule, `${at}.path_pattern`)).length || plan.isUnknown(rule, `${at}.path_pattern`)) paths.push(...values(`${at}.path_pattern.0.values`));
    if (asArray(plan.knownValue(rule, `${at}.http_header`)).length) {
      const name = plan.isUnknown(rule, `${at}.http_header.0.http_header_name`)
        ? UNKNOWN_AT_PLAN
        : (stringOr(plan.knownValue(rule, `${at}.http_header.0.http_header_name`)) ?? "?");
      otherConditions.push(`header ${name}: ${values(`${at}.http_header.0.values`).join(", ")}`);
    }
    if (asArray(plan.knownValue(rule, `${at}.http_request_method`)).length) {
      otherConditions.push(`method ${values(`${at}.http_request_method.0.values`).join(", ")}`);
    }
    if (asArray(plan.knownValue(rule, `${at}.source_ip`)).length) otherConditions.push(`source IP ${values(`${at}.source_ip.0.values`).join(", ")}`);
    if (plan.isUnknown(rule, `${at}.query_string`)) otherConditions.push(`query ${UNKNOWN_AT_PLAN}`);
    else {
      asArray(plan.knownValue(rule, `${at}.query_string`)).forEach((_, pair) => {
        const part = (field: string) =>
          plan.isUnknown(rule, `${at}.query_string.${pair}.${field}`) ? UNKNOWN_AT_PLAN : (stringOr(plan.knownValue(rule, `${at}.query_string.${pair}.${field}`)) ?? "");
        const key = part("key");
        otherConditions.push(`query ${key ? `${key}=` : ""}${part("value")}`);
      });
    }
  });
  return { hosts, paths, otherConditions };
}

/** The rule's actions in order, `forward` for a forward (its targets are listed apart). */
function ruleAction(plan: Plan, rule: PlanResource): string {
  const actions = asArray(plan.knownValue(rule, "action"));
  if (actions.length === 0) return plan.isUnknown(rule, "action") ? `action ${UNKNOWN_AT_PLAN}` : "no action";
  return actions
    .map((action, index) => {
      const type = stringOr(action?.type) ?? stringOr(plan.configuredValue(rule, `action.${index}.type`));
      if (type === "forward") return "forward";
      return describeAction(action ?? {}, type);
    })
    .join(", then ");
}

/** The target groups a rule's forward sends to, each with the services behind it. */
function ruleTargets(plan: Plan, rule: PlanResource, behind: Map<string, PlanResource[]>): RuleTarget[] {
  const targets: RuleTarget[] = [];
  asArray(plan.knownValue(rule, "action")).forEach((action, index) => {
    const type = stringOr(action?.type) ?? stringOr(plan.configuredValue(rule, `action.${index}.type`));
    if (type !== "forward") return;
    const before = targets.length;
    const services = (key: string) => (behind.get(key) ?? []).map((service) => service.address).sort(compareText);
    const direct = plan.referencedResources(rule, `action.${index}.target_group_arn`);
    const directArn = stringOr(plan.knownValue(rule, `action.${index}.target_group_arn`));
    if (direct.length) for (const group of direct) targets.push({ targetGroup: group.address, services: services(group.address) });
    else if (directArn) targets.push({ targetGroup: directArn, services: services(directArn) });
    // A weighted forward block: each target group with its weight.
    asArray(plan.knownValue(rule, `action.${index}.forward.0.target_group`)).forEach((group, position) => {
      const path = `action.${index}.forward.0.target_group.${position}`;
      const referenced = plan.referencedResources(rule, `${path}.arn`)[0];
      const arn = stringOr(group?.arn);
      const key = referenced?.address ?? arn;
      targets.push({ targetGroup: key ?? UNKNOWN_AT_PLAN, services: key ? services(key) : [], weight: numberOr(group?.weight) });
    });
    // A forward whose target group is known only at apply, and whose configuration names no resource of the plan.
    if (targets.length === before && (plan.isUnknown(rule, `action.${index}.target_group_arn`) || plan.isUnknown(rule, `action.${index}.forward`))) {
      targets.push({ targetGroup: UNKNOWN_AT_PLAN, services: [] });
    }
  });
  return targets;
}

function listenerAction(plan: Plan, listener: PlanResource): string {
  const actions: Json[] = asArray(plan.value(listener, "default_action"));
  if (actions.length === 0) return "no default action";
  return actions
    .map((raw, index) => {
      const action = raw ?? {};
      const type = stringOr(action?.type) ?? stringOr(plan.configuredValue(listener, `default_action.${index}.type`));
      if (type === "forward") {
        const targets = [
          ...plan.referencedResources(listener, `default_action.${index}.target_group_arn`),
          ...plan.referencedResourcesUnder(listener, `default_action.${index}.forward`),
        ].map((target) => target.address);
        const literal = stringOr(action.target_group_arn);
        return `forward to ${targets.length ? [...new Set(targets)].join(", ") : (literal ?? "a target group")}`;
      }
      return describeAction(action, type);
    })
    .join(", then ");
}

/** A redirect, fixed response or authentication action in words; a forward is described by its caller. */
function describeAction(action: Json, type: string | undefined): string {
  if (type === "redirect") {
    const redirect = asArray(action.redirect)[0] ?? {};
    const where = [redirect.protocol, redirect.port].filter((part) => part && !String(part).startsWith("#{")).join(":");
    const host = redirect.host && redirect.host !== "#{host}" ? ` host ${redirect.host}` : "";
    return `redirect to ${where || "same URL"}${host}${redirect.status_code ? ` (${redirect.status_code})` : ""}`;
  }
  if (type === "fixed-response") {
    const response = asArray(action.fixed_response)[0] ?? {};
    return `fixed response ${response.status_code ?? ""}`.trim();
  }
  return type ?? "unknown action";
}

/** Rule resources (`aws_vpc_security_group_ingress_rule`, `aws_security_group_rule` of type ingress). */
function ruleResources(plan: Plan): OpenRule[] {
  const rules: OpenRule[] = [];
  for (const rule of plan.present("aws_vpc_security_group_ingress_rule")) {
    const sources = [plan.value(rule, "cidr_ipv4"), plan.value(rule, "cidr_ipv6")].filter((cidr) => WORLD.includes(cidr));
    if (sources.length === 0) continue;
    rules.push(
      openRule(plan, rule, rule.address, sources, plan.value(rule, "ip_protocol"), plan.value(rule, "from_port"), plan.value(rule, "to_port"), portsUnknown(plan, rule, "")),
    );
  }
  for (const rule of plan.present("aws_security_group_rule")) {
    if (plan.value(rule, "type") !== "ingress") continue;
    const sources = [...asArray(plan.value(rule, "cidr_blocks")), ...asArray(plan.value(rule, "ipv6_cidr_blocks"))].filter((cidr) =>
      WORLD.includes(cidr),
    );
    if (sources.length === 0) continue;
    rules.push(
      openRule(plan, rule, rule.address, sources, plan.value(rule, "protocol"), plan.value(rule, "from_port"), plan.value(rule, "to_port"), portsUnknown(plan, rule, "")),
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
      const unknown = portsUnknown(plan, group, `ingress.${index}.`);
      const rule = openRule(plan, group, `${group.address} ingress[${index}]`, sources, ingress.protocol, ingress.from_port, ingress.to_port, unknown);
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
  unknownPorts = false,
): OpenRule {
  const protocol = PROTOCOLS[String(protocolValue ?? "-1").toLowerCase()] ?? String(protocolValue).toLowerCase();
  const from = unknownPorts ? undefined : numberOr(fromValue);
  const to = unknownPorts ? undefined : (numberOr(toValue) ?? from);
  let ports: string;
  if (unknownPorts && protocol !== "all") ports = `${protocol} ports ${UNKNOWN_AT_PLAN}`;
  else if (protocol === "all") ports = "all traffic";
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

/** Whether Terraform knows a rule's ports only at apply: it cannot be judged within the policy, so it is not. */
function portsUnknown(plan: Plan, resource: PlanResource, prefix: string): boolean {
  return plan.isUnknown(resource, `${prefix}from_port`) || plan.isUnknown(resource, `${prefix}to_port`);
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
