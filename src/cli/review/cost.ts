/**
 * Section 5, an estimate of what the stack costs a month once the plan is applied (every resource it will
 * have, not only the new ones), from the dated price table `prices.json` and stated assumptions: Fargate
 * (task size × desired count × hours, ARM64 priced as Graviton, and what an X86_64 service would cost on
 * ARM64), load balancer hours and LCUs, NAT gateway hours and data, NAT instances (EC2 hours by type, root
 * volumes), VPC interface endpoints (per zone-hour and GB; gateway endpoints are free), public IPv4
 * addresses (load balancers, Elastic IPs, instances, tasks), hosted zones, log ingestion and alarms.
 *
 * Each line has a scope: the ECS service it is for (its tasks, their public addresses, the log groups its
 * task definition writes to, the alarms on it or on its target group) or `shared` (the load balancer, NAT
 * gateways, zones, and what no single service owns), so that an environment of many services reads as a
 * cost per service plus the shared part once.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { Plan, PlanResource } from "./plan";
import { numberOr, stringOr, asArray, compareText, servicesByTargetGroup } from "./exposure";

export interface RegionPrices {
  readonly fargate: { x86VcpuHour: number; x86GbHour: number; armVcpuHour: number; armGbHour: number };
  readonly alb: { hour: number; lcuHour: number };
  readonly natGateway: { hour: number; gb: number };
  /** On-demand Linux hourly price by instance type (the small Graviton types a NAT instance uses). */
  readonly ec2InstanceHour: Record<string, number>;
  readonly ebsGp3GbMonth: number;
  /** An interface endpoint, per Availability Zone and hour, and per GB processed. */
  readonly vpcEndpoint: { interfaceHour: number; gb: number };
  readonly publicIpv4Hour: number;
  readonly route53ZoneMonth: number;
  readonly logsIngestGb: number;
  readonly alarmMonth: number;
  readonly alarmHighResolutionMonth: number;
  /** Price paths not confirmed by a retrieved source (assumptions). */
  readonly unconfirmed: string[];
}

export interface PriceTable {
  readonly asOf: string;
  readonly retrieved: string;
  readonly currency: string;
  readonly sources: Record<string, string[]>;
  readonly assumptions: {
    hoursPerMonth: number;
    albLcuPerHour: number;
    natGatewayGbPerMonth: number;
    vpcEndpointGbPerMonth: number;
    rootVolumeGbWhenUnknown: number;
    logGroupGbPerMonth: number;
    loadBalancerZonesWhenUnknown: number;
  };
  readonly regions: Record<string, RegionPrices>;
  readonly fallback: RegionPrices & { label: string };
}

export interface CostItem {
  /** `Fargate vCPU`, `NAT gateway data`... */
  readonly item: string;
  /** How it is computed: `2 tasks × 0.25 vCPU × 730 h × $0.04048`. */
  readonly detail: string;
  readonly monthly: number;
  /** Uses a price that is an assumption (not confirmed by a source). */
  readonly unconfirmed: boolean;
  /** Uses a usage assumption (LCUs, GB). */
  readonly assumed: boolean;
  /** The ECS service (its address) the line is for, or SHARED. */
  readonly scope: string;
}

/** The scope of a cost line no single service owns. */
export const SHARED = "shared";

/** What an X86_64 service's tasks would cost a month on ARM64 (Graviton), at the same size and count. */
export interface GravitonPrice {
  /** The ECS service's address. */
  readonly service: string;
  readonly x86Monthly: number;
  readonly armMonthly: number;
}

/** A subtotal: one per ECS service in the plan (in address order), then the shared part. */
export interface CostScope {
  /** The service's address, or SHARED. */
  readonly scope: string;
  /** The sum of the scope's lines. */
  readonly monthly: number;
  readonly items: number;
  /** A service whose tasks could not be priced (their size unknown, EC2 capacity...): its subtotal is partial. */
  readonly fargateNotEstimated?: boolean;
}

export interface CostSection {
  /** The region priced, or undefined when the plan does not say and --region was not given. */
  readonly region?: string;
  readonly regionFrom: "--region" | "provider" | "unknown";
  /** Whether the region's own prices were used, or the fallback. */
  readonly fallback: boolean;
  readonly priceLabel: string;
  readonly asOf: string;
  /** Per service first (in address order), then the shared lines. */
  readonly items: CostItem[];
  /** Exactly the sum of the items. */
  readonly total: number;
  /** Subtotals per service and shared: they add up to the total. */
  readonly scopes: CostScope[];
  readonly assumptions: string[];
  readonly notEstimated: string[];
  readonly notes: string[];
  /** Each X86_64 service's Fargate lines priced on ARM64: what Graviton would save (also in `notes`). */
  readonly graviton: GravitonPrice[];
}

const PRICE_FILE = join(__dirname, "prices.json");

/** The dated price table kept beside this file. */
export function loadPrices(file = PRICE_FILE): PriceTable {
  const table = JSON.parse(readFileSync(file, "utf8")) as PriceTable;
  if (!table.asOf || !table.regions || !table.fallback || !table.assumptions) throw new Error(`${file}: not a price table`);
  return table;
}

/** Types that cost money this estimate does not price, and what to look at instead. */
const UNPRICED: Record<string, string> = {
  aws_secretsmanager_secret: "Secrets Manager secrets",
  aws_kms_key: "KMS keys",
  aws_db_instance: "RDS instances",
  aws_rds_cluster: "Aurora clusters",
  aws_efs_file_system: "EFS storage",
  aws_elasticache_cluster: "ElastiCache",
  aws_elasticache_replication_group: "ElastiCache",
  aws_wafv2_web_acl: "WAF",
  aws_cloudfront_distribution: "CloudFront",
  aws_s3_bucket: "S3 storage and requests",
  aws_ecr_repository: "ECR storage",
  aws_service_discovery_private_dns_namespace: "AWS Cloud Map namespaces, services and registered instances",
  aws_service_discovery_public_dns_namespace: "AWS Cloud Map namespaces, services and registered instances",
  aws_service_discovery_service: "AWS Cloud Map namespaces, services and registered instances",
  aws_sqs_queue: "SQS requests",
  aws_scheduler_schedule: "EventBridge Scheduler invocations",
};

export function estimateCost(plan: Plan, regionOption: string | undefined, prices: PriceTable = loadPrices()): CostSection {
  const configured = plan.configuredRegion();
  const region = regionOption ?? configured;
  const regionFrom = regionOption ? "--region" : configured ? "provider" : "unknown";
  const own = region ? prices.regions[region] : undefined;
  const table: RegionPrices = own ?? prices.fallback;
  const hours = prices.assumptions.hoursPerMonth;
  const items: CostItem[] = [];
  const notes: string[] = [];
  const graviton: GravitonPrice[] = [];
  const notEstimated = new Set<string>([
    "data transfer out to the internet and between zones",
    "CloudWatch Logs storage and queries",
    "Route53 queries (alias queries to AWS resources are free)",
  ]);
  const unconfirmed = (path: string) => table.unconfirmed.includes(path) || table.unconfirmed.includes("*");
  const money = (value: number) => `$${value < 1 && String(value).split(".")[1]?.length === 1 ? value.toFixed(2) : value}`;
  const add = (item: string, detail: string, monthly: number, pricePaths: string[], assumed = false, scope = SHARED) => {
    if (monthly > 0) items.push({ item, detail, monthly, unconfirmed: pricePaths.some(unconfirmed), assumed, scope });
  };
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const scoped = (label: string, scope: string) => (scope === SHARED ? label : `${label} (${scope})`);

  // Fargate: each service's tasks, sized by its task definition.
  const services = plan.present("aws_ecs_service");
  const notPriced = new Set<string>();
  for (const service of services) {
    const fargate = fargateOf(plan, service);
    if (!fargate.priced) {
      if (fargate.note) notes.push(fargate.note);
      notPriced.add(service.address);
      continue;
    }
    const task = taskDefinitionOf(plan, service);
    if (!task) {
      notes.push(`${service.address}: its task definition is not in this plan, so its size is unknown: not estimated`);
      notPriced.add(service.address);
      continue;
    }
    const cpu = numberOr(plan.value(task, "cpu"));
    const memory = numberOr(plan.value(task, "memory"));
    if (cpu === undefined || memory === undefined) {
      notes.push(`${task.address}: cpu/memory unknown at plan time: not estimated`);
      notPriced.add(service.address);
      continue;
    }
    let count = numberOr(plan.value(service, "desired_count"));
    if (count === undefined) {
      count = 1;
      notes.push(`${service.address}: desired_count unknown, 1 task assumed`);
    }
    const arm = stringOr(plan.value(task, "runtime_platform.0.cpu_architecture")) === "ARM64";
    const os = stringOr(plan.value(task, "runtime_platform.0.operating_system_family")) ?? "LINUX";
    if (os.startsWith("WINDOWS")) notes.push(`${task.address}: Windows tasks also pay an OS license fee per vCPU-hour, not included`);
    if (fargate.note) notes.push(fargate.note);
    const vcpu = cpu / 1024;
    const gb = memory / 1024;
    const [vcpuPrice, gbPrice, vcpuPath, gbPath] = arm
      ? [table.fargate.armVcpuHour, table.fargate.armGbHour, "fargate.armVcpuHour", "fargate.armGbHour"]
      : [table.fargate.x86VcpuHour, table.fargate.x86GbHour, "fargate.x86VcpuHour", "fargate.x86GbHour"];
    const label = `${arm ? "ARM64" : "X86_64"}, ${service.address}`;
    const tasks = `${count} task${count === 1 ? "" : "s"}`;
    const scope = service.address;
    add(`Fargate vCPU (${label})`, `${tasks} × ${vcpu} vCPU × ${hours} h × ${money(vcpuPrice)}`, count * vcpu * hours * vcpuPrice, [vcpuPath], false, scope);
    add(`Fargate memory (${label})`, `${tasks} × ${gb} GB × ${hours} h × ${money(gbPrice)}`, count * gb * hours * gbPrice, [gbPath], false, scope);
    if (!arm && !os.startsWith("WINDOWS") && count > 0) {
      // Graviton: the same tasks at ARM64's prices, for an image that has an arm64 variant.
      const x86Monthly = count * hours * (vcpu * vcpuPrice + gb * gbPrice);
      const armMonthly = count * hours * (vcpu * table.fargate.armVcpuHour + gb * table.fargate.armGbHour);
      graviton.push({ service: service.address, x86Monthly, armMonthly });
      const cents = (value: number) => `$${value.toFixed(2)}`;
      notes.push(
        `${service.address}: on ARM64 (Graviton) its tasks would cost ${cents(armMonthly)} a month instead of ${cents(x86Monthly)} ` +
          `(${cents(x86Monthly - armMonthly)} less, ${Math.round((100 * (x86Monthly - armMonthly)) / x86Monthly)} %), if its image has an arm64 variant: cpuArchitecture "ARM64"`,
      );
    }
    if (plan.value(service, "network_configuration.0.assign_public_ip") === true) {
      add(
        scoped("Public IPv4 addresses", scope),
        `${tasks} (assign_public_ip) × ${hours} h × ${money(table.publicIpv4Hour)}`,
        count * hours * table.publicIpv4Hour,
        ["publicIpv4Hour"],
        false,
        scope,
      );
    }
  }

  // Load balancers: application ones are priced; their public IPv4 addresses, one per zone.
  let albs = 0;
  let lbAddresses = 0;
  let zonesAssumed = false;
  for (const lb of plan.present("aws_lb", "aws_alb", "aws_elb")) {
    const type = lb.type === "aws_elb" ? "classic" : (stringOr(plan.value(lb, "load_balancer_type")) ?? "application");
    if (type !== "application") {
      notEstimated.add(`${type} load balancers (${lb.address})`);
      continue;
    }
    albs++;
    if (plan.value(lb, "internal") === true || plan.value(lb, "ip_address_type") === "dualstack-without-public-ipv4") continue;
    const subnets = asArray(plan.value(lb, "subnets")).length || asArray(plan.value(lb, "subnet_mapping")).length;
    if (!subnets) zonesAssumed = true;
    lbAddresses += subnets || prices.assumptions.loadBalancerZonesWhenUnknown;
  }
  if (albs) {
    const lcu = prices.assumptions.albLcuPerHour;
    add("Application load balancer", `${albs} × ${hours} h × ${money(table.alb.hour)}`, albs * hours * table.alb.hour, ["alb.hour"]);
    add("Load balancer capacity units", `${albs} × ${lcu} LCU × ${hours} h × ${money(table.alb.lcuHour)}`, albs * lcu * hours * table.alb.lcuHour, ["alb.lcuHour"], true);
  }

  // The shared public addresses: the load balancers', the Elastic IPs and the instances' (the tasks' are their services').
  const eips = plan.present("aws_eip").length;
  const instances = plan.present("aws_instance");
  const instanceAddresses = instances.filter((instance) => plan.value(instance, "associate_public_ip_address") === true).length;
  const sharedAddresses = lbAddresses + eips + instanceAddresses;
  if (sharedAddresses) {
    const parts = [
      lbAddresses ? `${lbAddresses} load balancer${zonesAssumed ? " (zones assumed)" : ""}` : "",
      eips ? `${eips} Elastic IP${eips === 1 ? "" : "s"}` : "",
      instanceAddresses ? `${instanceAddresses} EC2 instance${instanceAddresses === 1 ? "" : "s"}` : "",
    ].filter(Boolean);
    add("Public IPv4 addresses", `${sharedAddresses} (${parts.join(", ")}) × ${hours} h × ${money(table.publicIpv4Hour)}`, sharedAddresses * hours * table.publicIpv4Hour, ["publicIpv4Hour"]);
  }

  const nats = plan.present("aws_nat_gateway").length;
  if (nats) {
    const gb = prices.assumptions.natGatewayGbPerMonth;
    add("NAT gateway hours", `${nats} × ${hours} h × ${money(table.natGateway.hour)}`, nats * hours * table.natGateway.hour, ["natGateway.hour"]);
    add("NAT gateway data", `${nats} × ${gb} GB × ${money(table.natGateway.gb)}`, nats * gb * table.natGateway.gb, ["natGateway.gb"], true);
  }

  // EC2 instances (NAT instances): hours by type, and their root volumes; a type not tabled is not estimated.
  for (const [type, list] of groupBy(instances, (instance) => stringOr(plan.value(instance, "instance_type")) ?? "unknown")) {
    const price = table.ec2InstanceHour?.[type];
    if (price === undefined) {
      notEstimated.add(`EC2 instances of type ${type} (${list.map((instance) => instance.address).join(", ")}): not in the price table`);
      continue;
    }
    add(`EC2 instances (${type})`, `${list.length} × ${hours} h × ${money(price)}`, list.length * hours * price, [`ec2InstanceHour.${type}`]);
  }
  let rootGb = 0;
  let rootSizeAssumed = false;
  for (const instance of instances) {
    const volumeType = stringOr(plan.value(instance, "root_block_device.0.volume_type"));
    if (volumeType !== undefined && volumeType !== "gp3") {
      notEstimated.add(`EBS ${volumeType} root volume of ${instance.address}`);
      continue;
    }
    const size = numberOr(plan.value(instance, "root_block_device.0.volume_size"));
    if (size === undefined) rootSizeAssumed = true;
    rootGb += size ?? prices.assumptions.rootVolumeGbWhenUnknown;
  }
  if (rootGb) {
    add("EBS root volumes (gp3)", `${rootGb} GB${rootSizeAssumed ? " (size assumed)" : ""} × ${money(table.ebsGp3GbMonth)}`, rootGb * table.ebsGp3GbMonth, ["ebsGp3GbMonth"], rootSizeAssumed);
  }

  // VPC endpoints: an interface endpoint is billed per zone (a subnet each) and hour, and per GB; gateway endpoints are free.
  const endpoints = plan.present("aws_vpc_endpoint");
  let endpointZoneHours = 0;
  let interfaceEndpoints = 0;
  let endpointZonesAssumed = false;
  for (const endpoint of endpoints) {
    const type = stringOr(plan.value(endpoint, "vpc_endpoint_type")) ?? "Gateway";
    if (type === "Gateway") continue;
    if (type !== "Interface") {
      notEstimated.add(`${type} VPC endpoints (${endpoint.address})`);
      continue;
    }
    interfaceEndpoints++;
    const subnets =
      asArray(plan.knownValue(endpoint, "subnet_ids")).length ||
      plan.referencedResources(endpoint, "subnet_ids").filter((resource) => resource.type === "aws_subnet").length;
    if (!subnets) endpointZonesAssumed = true;
    endpointZoneHours += (subnets || prices.assumptions.loadBalancerZonesWhenUnknown) * hours;
  }
  const gatewayEndpoints = endpoints.filter((endpoint) => (stringOr(plan.value(endpoint, "vpc_endpoint_type")) ?? "Gateway") === "Gateway").length;
  if (interfaceEndpoints) {
    const gb = prices.assumptions.vpcEndpointGbPerMonth;
    add(
      "VPC interface endpoints",
      `${interfaceEndpoints} × ${endpointZoneHours / hours / interfaceEndpoints} zone${endpointZonesAssumed ? "s (assumed)" : "s"} × ${hours} h × ${money(table.vpcEndpoint.interfaceHour)}`,
      endpointZoneHours * table.vpcEndpoint.interfaceHour,
      ["vpcEndpoint.interfaceHour"],
    );
    add("VPC interface endpoint data", `${interfaceEndpoints} × ${gb} GB × ${money(table.vpcEndpoint.gb)}`, interfaceEndpoints * gb * table.vpcEndpoint.gb, ["vpcEndpoint.gb"], true);
  }

  const zones = plan.present("aws_route53_zone").length;
  if (zones) add("Route53 hosted zones", `${zones} × ${money(table.route53ZoneMonth)}`, zones * table.route53ZoneMonth, ["route53ZoneMonth"]);

  // Log groups: a service's are those its task definition writes to; the others are shared.
  const owners = ownersOf(plan, services);
  const logGroups = groupBy(plan.present("aws_cloudwatch_log_group"), (group) => owners.logGroups.get(group.address) ?? SHARED);
  for (const [scope, groups] of logGroups) {
    const gb = prices.assumptions.logGroupGbPerMonth;
    add(
      scoped("CloudWatch Logs ingestion", scope),
      `${plural(groups.length, "log group")} × ${gb} GB × ${money(table.logsIngestGb)}`,
      groups.length * gb * table.logsIngestGb,
      ["logsIngestGb"],
      true,
      scope,
    );
  }

  // Alarms: a service's are those on it or on its target group.
  const alarms = groupBy(plan.present("aws_cloudwatch_metric_alarm"), (alarm) => alarmScope(plan, alarm, owners.targetGroups));
  for (const [scope, list] of alarms) {
    const highResolution = list.filter((alarm) => (numberOr(plan.value(alarm, "period")) ?? 60) < 60).length;
    const standard = list.length - highResolution;
    if (standard) add(scoped("CloudWatch alarms", scope), `${standard} × ${money(table.alarmMonth)}`, standard * table.alarmMonth, ["alarmMonth"], false, scope);
    if (highResolution) {
      add(
        scoped("CloudWatch alarms, high resolution", scope),
        `${highResolution} × ${money(table.alarmHighResolutionMonth)}`,
        highResolution * table.alarmHighResolutionMonth,
        ["alarmHighResolutionMonth"],
        false,
        scope,
      );
    }
  }

  for (const cluster of plan.present("aws_ecs_cluster")) {
    const settings = asArray(plan.value(cluster, "setting"));
    if (settings.some((setting) => setting?.name === "containerInsights" && setting?.value !== "disabled")) {
      notEstimated.add(`Container Insights metrics (on for ${cluster.address})`);
    }
  }
  for (const namespace of plan.present("aws_service_discovery_http_namespace")) {
    const users = services.filter((service) => plan.referencedResourcesUnder(service, "service_connect_configuration").some((target) => target.address === namespace.address));
    notEstimated.add(
      `AWS Cloud Map${users.length ? " for Service Connect" : ""} (${namespace.address}): registered instances and discovery calls, not in the price table`,
    );
  }
  for (const resource of plan.present(...Object.keys(UNPRICED))) notEstimated.add(UNPRICED[resource.type]);
  // Task definitions no service runs (scheduled and one-off tasks): how long they run is not in the plan.
  const runByServices = new Set(services.map((service) => taskDefinitionOf(plan, service)?.address));
  const standalone = plan.present("aws_ecs_task_definition").filter((task) => !runByServices.has(task.address));
  if (standalone.length) notEstimated.add(`Fargate time of tasks run outside a service (${standalone.map((task) => task.address).join(", ")})`);
  // Autoscaled services are priced at their desired_count.
  for (const target of plan.present("aws_appautoscaling_target")) {
    const id = stringOr(plan.knownValue(target, "resource_id")) ?? "";
    const service = services.find((candidate) => {
      const name = stringOr(plan.value(candidate, "name"));
      return (name !== undefined && id.startsWith("service/") && id.endsWith(`/${name}`)) ||
        plan.referencedResourcesUnder(target, "resource_id").some((resource) => resource.address === candidate.address);
    });
    if (!service) continue;
    const [min, max] = [numberOr(plan.value(target, "min_capacity")), numberOr(plan.value(target, "max_capacity"))];
    notes.push(
      `${service.address}: autoscaled${min !== undefined && max !== undefined ? ` between ${min} and ${max} tasks` : ""}, priced at its desired_count (${numberOr(plan.value(service, "desired_count")) ?? "unknown"})`,
    );
  }

  // Per service in address order, then shared; each scope's lines in the order they were added.
  const serviceOrder = services.map((service) => service.address).sort(compareText);
  const rank = (scope: string) => (scope === SHARED ? serviceOrder.length : serviceOrder.indexOf(scope));
  items.sort((a, b) => rank(a.scope) - rank(b.scope));
  const scopes: CostScope[] = [...serviceOrder, SHARED].map((scope) => {
    const lines = items.filter((item) => item.scope === scope);
    return {
      scope,
      monthly: lines.reduce((sum, item) => sum + item.monthly, 0),
      items: lines.length,
      ...(notPriced.has(scope) ? { fargateNotEstimated: true } : {}),
    };
  });
  const a = prices.assumptions;
  return {
    region,
    regionFrom,
    fallback: !own,
    priceLabel: own ? `${region} prices as of ${prices.asOf}` : `${region ? `${region}: no prices tabled for it:` : "region unknown:"} ${prices.fallback.label} as of ${prices.asOf}`,
    asOf: prices.asOf,
    items,
    total: items.reduce((sum, item) => sum + item.monthly, 0),
    scopes,
    assumptions: [
      `${a.hoursPerMonth} hours a month, everything running all month`,
      `${a.albLcuPerHour} LCU per load balancer on average`,
      `${a.natGatewayGbPerMonth} GB a month through each NAT gateway`,
      ...(interfaceEndpoints ? [`${a.vpcEndpointGbPerMonth} GB a month through each interface endpoint`] : []),
      `${a.logGroupGbPerMonth} GB a month ingested into each log group`,
      "on-demand list prices: no free tier, Savings Plans or Spot",
      ...(gatewayEndpoints ? [`gateway VPC endpoints (${gatewayEndpoints}) are free: no hourly or data charge`] : []),
    ],
    notEstimated: [...notEstimated],
    notes,
    graviton,
  };
}

function taskDefinitionOf(plan: Plan, service: PlanResource): PlanResource | undefined {
  return plan.referencedResources(service, "task_definition").find((resource) => resource.type === "aws_ecs_task_definition");
}

/**
 * What belongs to one service: the log groups its task definition writes to, the target groups its tasks
 * are registered in. A log group or target group two services share is nobody's (shared).
 */
function ownersOf(plan: Plan, services: PlanResource[]): { logGroups: Map<string, string>; targetGroups: Map<string, string> } {
  const logGroups = new Map<string, Set<string>>();
  for (const service of services) {
    const task = taskDefinitionOf(plan, service);
    if (!task) continue;
    for (const group of plan.referencedResourcesUnder(task, "container_definitions")) {
      if (group.type !== "aws_cloudwatch_log_group") continue;
      logGroups.set(group.address, (logGroups.get(group.address) ?? new Set()).add(service.address));
    }
  }
  const single = (map: Map<string, Set<string>>) =>
    new Map([...map].filter(([, owners]) => owners.size === 1).map(([key, owners]) => [key, [...owners][0]]));
  const targetGroups = new Map<string, Set<string>>();
  for (const [group, users] of servicesByTargetGroup(plan)) targetGroups.set(group, new Set(users.map((service) => service.address)));
  return { logGroups: single(logGroups), targetGroups: single(targetGroups) };
}

/** The service an alarm watches (its dimensions name the service, or its target group), else shared. */
function alarmScope(plan: Plan, alarm: PlanResource, targetGroups: Map<string, string>): string {
  const referenced = plan.referencedResourcesUnder(alarm);
  const owners = new Set<string>();
  for (const resource of referenced) {
    if (resource.type === "aws_ecs_service") owners.add(resource.address);
    const owner = targetGroups.get(resource.address);
    if (owner) owners.add(owner);
  }
  return owners.size === 1 ? [...owners][0] : SHARED;
}

function groupBy<T>(list: T[], key: (entry: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const entry of list) map.set(key(entry), [...(map.get(key(entry)) ?? []), entry]);
  return map;
}

/** Whether a service runs on Fargate (launch type or capacity providers), and what to say when it is not priced as such. */
function fargateOf(plan: Plan, service: PlanResource): { priced: boolean; note?: string } {
  const launchType = stringOr(plan.value(service, "launch_type"));
  const providers = asArray(plan.value(service, "capacity_provider_strategy"))
    .map((strategy) => String(strategy?.capacity_provider ?? ""))
    .filter(Boolean);
  if (launchType === "FARGATE") return { priced: true };
  if (launchType === "EC2" || launchType === "EXTERNAL") {
    return { priced: false, note: `${service.address}: ${launchType} launch type, its instances are not estimated` };
  }
  if (providers.length && providers.every((provider) => provider === "FARGATE_SPOT")) {
    return { priced: true, note: `${service.address}: Fargate Spot, priced at on-demand rates (an upper bound)` };
  }
  if (providers.includes("FARGATE_SPOT") && providers.some((provider) => provider.startsWith("FARGATE"))) {
    return { priced: true, note: `${service.address}: partly on Fargate Spot, priced at on-demand rates (an upper bound)` };
  }
  if (providers.some((provider) => provider.startsWith("FARGATE"))) return { priced: true };
  if (providers.length) return { priced: false, note: `${service.address}: capacity providers ${providers.join(", ")} are not estimated` };
  return { priced: true, note: `${service.address}: no launch type or capacity provider: the cluster's default, priced as Fargate` };
}
