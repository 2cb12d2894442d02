/**
 * Section 5, an estimate of what the stack costs a month once the plan is applied (every resource it will
 * have, not only the new ones), from the dated price table `prices.json` and stated assumptions: Fargate
 * (task size × desired count × hours, ARM64 priced as Graviton, and what an X86_64 service would cost on
 * ARM64), load balancer hours and LCUs, NAT gateway hours and data, NAT instances (EC2 hours by type, root
 * volumes), VPC interface endpoints (per zone-hour and GB; gateway endpoints are free), public IPv4
 * addresses (load balancers, Elastic IPs, instances, tasks), hosted zones, log ingestion and alarms, and the
 * production hardening (hardeningCost): AWS WAF web ACLs, KMS keys, VPC flow logs, the load balancers'
 * access-log buckets and Route53 query logs.
 *
 * Each line has a scope: the ECS service it is for (its tasks, their public addresses, the log groups its
 * task definition writes to, the alarms on it or on its target group) or `shared` (the load balancer, NAT
 * gateways, zones, and what no single service owns), so that an environment of many services reads as a
 * cost per service plus the shared part once.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { Json, Plan, PlanResource } from "./plan";
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
  /** AWS WAF: a web ACL and a rule (a rule group, managed or not, counts as one) a month, a million requests inspected. */
  readonly waf: { webAclMonth: number; ruleMonth: number; millionRequests: number };
  /** A customer managed KMS key a month, symmetric or asymmetric. */
  readonly kmsKeyMonth: number;
  /** Vended logs (flow logs, query logs) delivered to CloudWatch Logs, per GB: the first tier (up to 10 TB a month). */
  readonly vendedLogsIngestGb: number;
  /** CloudWatch Logs storage per GB-month. */
  readonly logsStorageGbMonth: number;
  /** S3 Standard per GB-month (the first 50 TB), PUT requests per 1,000. */
  readonly s3: { standardGbMonth: number; putThousand: number };
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
    /** The Fargate Spot discount off on-demand (an assumption: AWS says "up to 70%"). */
    fargateSpotDiscount: number;
    /** How long a scheduled task's run lasts, in minutes (an assumption). */
    scheduledTaskRunMinutes: number;
    /** Requests a month through each resource a web ACL is associated with (a load balancer). */
    albRequestsPerMonth: number;
    flowLogGbPerMonth: number;
    /** Access logs a load balancer writes to S3 a month, compressed as stored. */
    accessLogGbPerMonth: number;
    queryLogGbPerMonth: number;
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

/** An EventBridge Scheduler schedule running an ECS task definition. */
export interface ScheduledTaskCost {
  /** The schedule's address. */
  readonly address: string;
  readonly expression: string;
  readonly timeZone: string;
  /** The task definition it runs (its address), when the plan says. */
  readonly taskDefinition?: string;
  /** Estimated runs a month, or undefined: "not estimated". */
  readonly runsPerMonth?: number;
  /** What its runs cost a month, or undefined when not estimated. */
  readonly monthly?: number;
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
  /** The schedules running ECS tasks, each with its runs a month (their cost lines are shared). */
  readonly schedules: ScheduledTaskCost[];
}

const PRICE_FILE = join(__dirname, "prices.json");

/** The dated price table kept beside this file. */
export function loadPrices(file = PRICE_FILE): PriceTable {
  const table = JSON.parse(readFileSync(file, "utf8")) as PriceTable;
  if (!table.asOf || !table.regions || !table.fallback || !table.assumptions) throw new Error(`${file}: not a price table`);
  return table;
}

const LOGS_NOT_ESTIMATED = "CloudWatch Logs storage and queries";

/** Types that cost money this estimate does not price, and what to look at instead. */
const UNPRICED: Record<string, string> = {
  aws_secretsmanager_secret: "Secrets Manager secrets",
  aws_db_instance: "RDS instances",
  aws_rds_cluster: "Aurora clusters",
  aws_efs_file_system: "EFS storage",
  aws_elasticache_cluster: "ElastiCache",
  aws_elasticache_replication_group: "ElastiCache",
  aws_cloudfront_distribution: "CloudFront",
  // A load balancer's access-log bucket is priced (hardeningCost); other buckets are not.
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
    LOGS_NOT_ESTIMATED,
    "Route53 queries (alias queries to AWS resources are free)",
  ]);
  const unconfirmed = (path: string) => unconfirmedIn(table, path);
  const add = (item: string, detail: string, monthly: number, pricePaths: string[], assumed = false, scope = SHARED) => {
    if (monthly > 0) items.push({ item, detail, monthly, unconfirmed: pricePaths.some(unconfirmed), assumed, scope });
  };
  const scoped = (label: string, scope: string) => (scope === SHARED ? label : `${label} (${scope})`);

  // Fargate: each service's tasks, sized by its task definition; an autoscaled one from its minimum to its maximum.
  const services = plan.present("aws_ecs_service");
  const notPriced = new Set<string>();
  const scaling = autoscalingOf(plan, services);
  const spotDiscount = prices.assumptions.fargateSpotDiscount ?? 0;
  let anyAutoscaled = false;
  let anySpot = false;
  const cents = (value: number) => `$${value.toFixed(2)}`;
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
    const range = scaling.get(service.address);
    let count = range?.min ?? numberOr(plan.value(service, "desired_count"));
    if (count === undefined) {
      count = 1;
      notes.push(`${service.address}: desired_count unknown, 1 task assumed`);
    }
    if (range) anyAutoscaled = true;
    else {
      const target = plan.present("aws_appautoscaling_target").find((candidate) => scalesService(plan, candidate, service));
      if (target) notes.push(`${service.address}: autoscaled, its minimum and maximum unknown at plan time: priced at its desired_count (${count})`);
    }
    const strategy = strategyOf(plan, service);
    const spot = strategy.some((entry) => entry.provider === "FARGATE_SPOT");
    if (spot) anySpot = true;
    // Task-hours worth of on-demand per task: the Spot share at its discount.
    const split = (n: number) => splitTasks(n, strategy);
    const factor = (n: number) => {
      const { onDemand, spotTasks } = split(n);
      return onDemand + spotTasks * (1 - spotDiscount);
    };
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
    const counted = count;
    const tasks = range ? `${range.min}–${range.max} tasks` : `${count} task${count === 1 ? "" : "s"}`;
    const shares = (n: number) => {
      const { onDemand, spotTasks } = split(n);
      return `${onDemand} on-demand + ${spotTasks} Spot`;
    };
    const spotPart = spot
      ? ` (${range ? `${shares(range.min)} at ${range.min}, ${shares(range.max)} at ${range.max}` : shares(count)}; ` +
        `${strategy.map((entry) => `${entry.provider}${entry.base ? ` base ${entry.base}` : ""} weight ${entry.weight}`).join(", ")}; Spot at ${Math.round(spotDiscount * 100)} % off)`
      : "";
    const scope = service.address;
    const fargateLine = (what: string, size: number, unit: string, price: number, path: string) => {
      const monthlyAt = (n: number) => factor(n) * size * hours * price;
      const figures = range ? `: ${cents(monthlyAt(range.min))}–${cents(monthlyAt(range.max))} a month, counted at ${range.min}` : "";
      add(`Fargate ${what} (${label})`, `${tasks}${spotPart} × ${size} ${unit} × ${hours} h × ${money(price)}${figures}`, monthlyAt(counted), [path], spot, scope);
    };
    fargateLine("vCPU", vcpu, "vCPU", vcpuPrice, vcpuPath);
    fargateLine("memory", gb, "GB", gbPrice, gbPath);
    if (!arm && !os.startsWith("WINDOWS") && count > 0) {
      // Graviton: the same tasks at ARM64's prices, for an image that has an arm64 variant.
      const x86Monthly = factor(count) * hours * (vcpu * vcpuPrice + gb * gbPrice);
      const armMonthly = factor(count) * hours * (vcpu * table.fargate.armVcpuHour + gb * table.fargate.armGbHour);
      graviton.push({ service: service.address, x86Monthly, armMonthly });
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
    const zones = loadBalancerZones(plan, lb, prices);
    if (zones.assumed) zonesAssumed = true;
    lbAddresses += zones.count;
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

  // The hardening: its log groups and buckets are priced by what delivers to them, not as plain ones.
  const hardening = hardeningCost(plan, prices, table);
  for (const { item, detail, monthly, paths, prices: priced, assumed } of hardening.lines) {
    if (monthly > 0) items.push({ item, detail, monthly, unconfirmed: paths.some((path) => unconfirmedIn(priced, path)), assumed, scope: SHARED });
  }
  hardening.notes.forEach((note) => notes.push(note));
  hardening.notEstimated.forEach((text) => notEstimated.add(text));

  // Log groups: a service's are those its task definition writes to; the others are shared.
  const owners = ownersOf(plan, services);
  const plainLogGroups = plan.present("aws_cloudwatch_log_group").filter((group) => !hardening.priced.has(group.address));
  if (plainLogGroups.length < plan.present("aws_cloudwatch_log_group").length) {
    notEstimated.delete(LOGS_NOT_ESTIMATED);
    notEstimated.add(plainLogGroups.length ? "CloudWatch Logs queries, and the storage of the log groups other than flow and query logs'" : "CloudWatch Logs queries");
  }
  const logGroups = groupBy(plainLogGroups, (group) => owners.logGroups.get(group.address) ?? SHARED);
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
  for (const resource of plan.present(...Object.keys(UNPRICED))) if (!hardening.priced.has(resource.address)) notEstimated.add(UNPRICED[resource.type]);
  // Task definitions no service runs (scheduled and one-off tasks): how long they run is not in the plan.
  const runByServices = new Set(services.map((service) => taskDefinitionOf(plan, service)?.address));
  // Scheduled tasks: runs a month from the schedule's expression × an assumed run duration × the task's size.
  const schedules: ScheduledTaskCost[] = [];
  const runMinutes = prices.assumptions.scheduledTaskRunMinutes;
  for (const schedule of plan.present("aws_scheduler_schedule")) {
    const task = plan.referencedResourcesUnder(schedule, "target").find((resource) => resource.type === "aws_ecs_task_definition");
    if (!task) continue;
    const expression = stringOr(plan.value(schedule, "schedule_expression")) ?? "unknown";
    const timeZone = stringOr(plan.value(schedule, "schedule_expression_timezone")) ?? "UTC";
    const disabled = stringOr(plan.value(schedule, "state")) === "DISABLED";
    const runs = disabled ? 0 : runsPerMonth(expression, hours);
    const taskCount = numberOr(plan.value(schedule, "target.0.ecs_parameters.0.task_count")) ?? 1;
    const cpu = numberOr(plan.value(task, "cpu"));
    const memory = numberOr(plan.value(task, "memory"));
    const where = `${schedule.address}: ${expression} (${timeZone})`;
    if (runs === undefined) {
      notes.push(`${where}: runs a month not estimated (only rate() and simple cron() expressions are)`);
      schedules.push({ address: schedule.address, expression, timeZone, taskDefinition: task.address });
      continue;
    }
    if (cpu === undefined || memory === undefined) {
      notes.push(`${where}: ${task.address}'s cpu/memory unknown at plan time: not estimated`);
      schedules.push({ address: schedule.address, expression, timeZone, taskDefinition: task.address, runsPerMonth: runs });
      continue;
    }
    const arm = stringOr(plan.value(task, "runtime_platform.0.cpu_architecture")) === "ARM64";
    const [vcpuPrice, gbPrice, vcpuPath, gbPath] = arm
      ? [table.fargate.armVcpuHour, table.fargate.armGbHour, "fargate.armVcpuHour", "fargate.armGbHour"]
      : [table.fargate.x86VcpuHour, table.fargate.x86GbHour, "fargate.x86VcpuHour", "fargate.x86GbHour"];
    const vcpu = cpu / 1024;
    const gb = memory / 1024;
    const monthly = runs * taskCount * (runMinutes / 60) * (vcpu * vcpuPrice + gb * gbPrice);
    schedules.push({ address: schedule.address, expression, timeZone, taskDefinition: task.address, runsPerMonth: runs, monthly });
    const runsText = disabled ? "0 runs (DISABLED)" : `~${Number(runs.toFixed(1))} runs`;
    add(
      `Scheduled task (${arm ? "ARM64" : "X86_64"}, ${schedule.address})`,
      `${expression} ${timeZone}: ${runsText}${taskCount === 1 ? "" : ` × ${taskCount} tasks`} × ${runMinutes} min × (${vcpu} vCPU × ${money(vcpuPrice)} + ${gb} GB × ${money(gbPrice)})`,
      monthly,
      [vcpuPath, gbPath],
      true,
    );
  }
  const bySchedules = new Set(schedules.filter((schedule) => schedule.monthly !== undefined).map((schedule) => schedule.taskDefinition));
  const standalone = plan
    .present("aws_ecs_task_definition")
    .filter((task) => !runByServices.has(task.address) && !bySchedules.has(task.address));
  if (standalone.length) notEstimated.add(`Fargate time of tasks run outside a service (${standalone.map((task) => task.address).join(", ")})`);

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
      anySpot
        ? `on-demand list prices, no free tier or Savings Plans; Fargate Spot at ${Math.round(spotDiscount * 100)} % below on-demand (an assumption: AWS says "up to 70%", it varies)`
        : "on-demand list prices: no free tier, Savings Plans or Spot",
      ...(anyAutoscaled ? ["autoscaled services counted at their minimum; the range is in each line"] : []),
      ...(schedules.some((schedule) => schedule.monthly !== undefined) ? [`each scheduled task run lasts ${runMinutes} minutes`] : []),
      ...(gatewayEndpoints ? [`gateway VPC endpoints (${gatewayEndpoints}) are free: no hourly or data charge`] : []),
      ...hardening.assumptions,
    ],
    notEstimated: [...notEstimated],
    notes,
    graviton,
    schedules,
  };
}

/** A price as the table has it: `$0.045`, `$5`, `$0.60`. */
function money(value: number): string {
  return `$${value < 1 && String(value).split(".")[1]?.length === 1 ? value.toFixed(2) : value}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Whether a region's price path is an assumption (not confirmed by a retrieved source). */
function unconfirmedIn(prices: RegionPrices, path: string): boolean {
  return prices.unconfirmed.includes(path) || prices.unconfirmed.includes("*");
}

/** A load balancer's zones (a subnet each), or the assumed number when the plan does not say. */
function loadBalancerZones(plan: Plan, lb: PlanResource, prices: PriceTable): { count: number; assumed: boolean } {
  const subnets = asArray(plan.value(lb, "subnets")).length || asArray(plan.value(lb, "subnet_mapping")).length;
  return subnets ? { count: subnets, assumed: false } : { count: prices.assumptions.loadBalancerZonesWhenUnknown, assumed: true };
}

/** A cost line of the hardening, with the region's prices it uses (us-east-1's for Route53 query logs). */
interface HardeningLine {
  readonly item: string;
  readonly detail: string;
  readonly monthly: number;
  readonly paths: string[];
  readonly prices: RegionPrices;
  readonly assumed: boolean;
}

interface HardeningCost {
  readonly lines: HardeningLine[];
  /** The log groups and buckets these lines price: not priced again as plain log groups, nor listed as unpriced buckets. */
  readonly priced: Set<string>;
  readonly assumptions: string[];
  readonly notEstimated: string[];
  readonly notes: string[];
}

/**
 * AWS managed rule groups with a subscription and a per-request fee of their own; the others (the core rule
 * set, known bad inputs, the IP reputation list...) cost only their rule (https://aws.amazon.com/waf/pricing/).
 */
const PAID_MANAGED_RULE_GROUPS = ["AWSManagedRulesBotControlRuleSet", "AWSManagedRulesATPRuleSet", "AWSManagedRulesACFPRuleSet", "AWSManagedRulesAntiDDoSRuleSet"];

/** Route53 writes query logs only to a log group in us-east-1 (https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateQueryLoggingConfig.html). */
const QUERY_LOG_REGION = "us-east-1";

/** A key's rotations that KMS charges $1 a month each for; later ones are free (the 2024 cap, prices.json `sources.kms`). */
const CHARGED_ROTATIONS = 2;

/** ALB writes a log file per node every 5 minutes (prices.json `sources.s3`); a node per zone is assumed. */
const ACCESS_LOG_FILES_PER_HOUR = 12;

/**
 * The production hardening: each web ACL (its monthly fee and rules, and the requests of what it is associated
 * with), each customer managed KMS key, VPC flow logs and Route53 query logs (vended-logs ingestion, and storage
 * for their log group's retention), and each bucket load balancers write access logs to (storage for its
 * lifecycle's retention, PUTs of the log files). Everything assumed is in `prices.assumptions`.
 */
function hardeningCost(plan: Plan, prices: PriceTable, table: RegionPrices): HardeningCost {
  const a = prices.assumptions;
  const daysPerMonth = a.hoursPerMonth / 24;
  const queryLogPrices = prices.regions[QUERY_LOG_REGION] ?? prices.fallback;
  const lines: HardeningLine[] = [];
  const cost: HardeningCost = { lines, priced: new Set(), assumptions: [], notEstimated: [], notes: [] };
  const line = (item: string, detail: string, monthly: number, paths: string[], assumed: boolean, region = table) =>
    lines.push({ item, detail, monthly, paths, prices: region, assumed });
  const gb = (value: number) => `${Number(value.toFixed(2))} GB`;

  const associations = plan.present("aws_wafv2_web_acl_association");
  let requestsPriced = false;
  for (const acl of plan.present("aws_wafv2_web_acl")) {
    const rules = webAclRules(plan, acl);
    if (!rules) cost.notes.push(`${acl.address}: its rules are unknown at plan: priced without them`);
    const count = rules?.length ?? 0;
    const waf = table.waf;
    line(`AWS WAF web ACL (${acl.address})`, `${money(waf.webAclMonth)} + ${plural(count, "rule")} × ${money(waf.ruleMonth)}`, waf.webAclMonth + count * waf.ruleMonth, ["waf.webAclMonth", "waf.ruleMonth"], false);
    for (const name of (rules ?? []).map(managedRuleGroupName).filter((name) => PAID_MANAGED_RULE_GROUPS.includes(name ?? ""))) {
      cost.notEstimated.push(`the ${name} rule group's subscription and requests (${acl.address})`);
    }
    const associated = associations.filter((association) => plan.referencedResources(association, "web_acl_arn").some((target) => target.address === acl.address)).length;
    if (!associated) {
      cost.notes.push(`${acl.address}: associated with nothing in this plan: its requests are not estimated`);
      continue;
    }
    const millions = a.albRequestsPerMonth / 1e6;
    requestsPriced = true;
    line(
      `AWS WAF requests (${acl.address})`,
      `${plural(associated, "associated resource")} × ${millions} million requests × ${money(waf.millionRequests)} per million`,
      associated * millions * waf.millionRequests,
      ["waf.millionRequests"],
      true,
    );
  }
  if (requestsPriced) cost.assumptions.push(`${a.albRequestsPerMonth / 1e6} million requests a month through each resource a web ACL is associated with`);

  const keys = plan.present("aws_kms_key");
  for (const key of keys) {
    const spec = stringOr(plan.value(key, "customer_master_key_spec")) ?? "SYMMETRIC_DEFAULT";
    const usage = stringOr(plan.value(key, "key_usage"));
    const kind = spec === "SYMMETRIC_DEFAULT" ? "symmetric" : `${[spec, usage].filter(Boolean).join(" ")}: asymmetric, the same price`;
    line(`KMS key (${key.address})`, `1 × ${money(table.kmsKeyMonth)} (${kind})`, table.kmsKeyMonth, ["kmsKeyMonth"], false);
    if (plan.value(key, "enable_key_rotation") === true) {
      const days = numberOr(plan.value(key, "rotation_period_in_days")) ?? 365;
      cost.notes.push(
        `${key.address}: rotated every ${days} days: each of its first ${CHARGED_ROTATIONS} rotations adds ${money(table.kmsKeyMonth)} a month ` +
          `(${money((CHARGED_ROTATIONS + 1) * table.kmsKeyMonth)} a month from then on)`,
      );
    }
  }
  if (keys.length) cost.assumptions.push("KMS requests not priced: within the 20,000 a month KMS does not charge for");
  if (plan.present("aws_route53_hosted_zone_dnssec", "aws_route53_key_signing_key").length) {
    cost.assumptions.push("DNSSEC signing: no Route53 charge of its own (an assumption); its key-signing key's KMS key is priced");
  }

  // Vended logs: ingestion at the first tier's price, and storage for the log group's retention (uncompressed: an upper bound).
  const vendedLogs = (label: string, source: PlanResource, group: PlanResource | undefined, gbPerMonth: number, region: RegionPrices) => {
    const where = region === table ? "" : ` (${QUERY_LOG_REGION})`;
    line(`${label} (${source.address})`, `${gb(gbPerMonth)} × ${money(region.vendedLogsIngestGb)}${where}`, gbPerMonth * region.vendedLogsIngestGb, ["vendedLogsIngestGb"], true, region);
    if (!group) {
      cost.notEstimated.push(`storage of ${label} (${source.address}): its log group is not in this plan`);
      return;
    }
    cost.priced.add(group.address);
    const days = numberOr(plan.value(group, "retention_in_days"));
    if (!days) {
      cost.notEstimated.push(
        plan.isUnknown(group, "retention_in_days")
          ? `storage of ${group.address}: its retention is unknown at plan`
          : `storage of ${group.address}: it never expires, so it grows by ${gb(gbPerMonth)} a month`,
      );
      return;
    }
    const stored = (gbPerMonth * days) / daysPerMonth;
    line(
      `${label} storage (${group.address})`,
      `${gb(gbPerMonth)} a month kept ${days} days = ${gb(stored)} × ${money(region.logsStorageGbMonth)}${where}`,
      stored * region.logsStorageGbMonth,
      ["logsStorageGbMonth"],
      true,
      region,
    );
  };
  const logGroupOf = (resource: PlanResource, ...paths: string[]) =>
    paths.flatMap((path) => plan.referencedResources(resource, path)).find((target) => target.type === "aws_cloudwatch_log_group");

  const flowLogs = plan.present("aws_flow_log");
  for (const flowLog of flowLogs) {
    const destination = stringOr(plan.value(flowLog, "log_destination_type")) ?? "cloud-watch-logs";
    if (destination !== "cloud-watch-logs") cost.notEstimated.push(`VPC flow logs delivered to ${destination} (${flowLog.address})`);
    else vendedLogs("VPC flow logs", flowLog, logGroupOf(flowLog, "log_destination", "log_group_name"), a.flowLogGbPerMonth, table);
  }
  if (flowLogs.length) cost.assumptions.push(`${a.flowLogGbPerMonth} GB of flow logs a month from each flow log`);
  const queryLogs = plan.present("aws_route53_query_log");
  for (const queryLog of queryLogs) {
    vendedLogs("Route53 query logs", queryLog, logGroupOf(queryLog, "cloudwatch_log_group_arn"), a.queryLogGbPerMonth, queryLogPrices);
  }
  if (queryLogs.length) cost.assumptions.push(`${a.queryLogGbPerMonth} GB of query logs a month from each hosted zone that logs its queries`);
  if (flowLogs.length || queryLogs.length) {
    cost.assumptions.push("flow and query logs at vended logs' first tier (to 10 TB a month), stored uncompressed (an upper bound)");
  }

  // Access-log buckets: storage for the retention their lifecycle gives the logs, and the PUTs of the log files.
  const writers = new Map<string, { bucket: PlanResource; zones: number; zonesAssumed: boolean; loadBalancers: number }>();
  for (const lb of plan.present("aws_lb", "aws_alb")) {
    if (plan.value(lb, "access_logs.0.enabled") !== true) continue;
    const bucket = accessLogBucket(plan, lb);
    if (!bucket) continue;
    const zones = loadBalancerZones(plan, lb, prices);
    const entry = writers.get(bucket.address) ?? { bucket, zones: 0, zonesAssumed: false, loadBalancers: 0 };
    writers.set(bucket.address, { bucket, zones: entry.zones + zones.count, zonesAssumed: entry.zonesAssumed || zones.assumed, loadBalancers: entry.loadBalancers + 1 });
  }
  for (const { bucket, zones, zonesAssumed, loadBalancers } of writers.values()) {
    cost.priced.add(bucket.address);
    const gbPerMonth = loadBalancers * a.accessLogGbPerMonth;
    const retention = bucketRetention(plan, bucket);
    if (retention.days === undefined) cost.notEstimated.push(`storage of the access logs in ${bucket.address}: ${retention.why}`);
    else {
      const stored = (gbPerMonth * retention.days) / daysPerMonth;
      line(
        `S3 access-log storage (${bucket.address})`,
        `${gb(gbPerMonth)} a month kept ${retention.days} days (${retention.why}) = ${gb(stored)} × ${money(table.s3.standardGbMonth)}`,
        stored * table.s3.standardGbMonth,
        ["s3.standardGbMonth"],
        true,
      );
    }
    const puts = zones * ACCESS_LOG_FILES_PER_HOUR * a.hoursPerMonth;
    line(
      `S3 access-log PUT requests (${bucket.address})`,
      `${plural(zones, "load balancer zone")}${zonesAssumed ? " (assumed)" : ""} × ${ACCESS_LOG_FILES_PER_HOUR} files an hour × ${a.hoursPerMonth} h = ${puts.toLocaleString("en-US")} PUTs × ${money(table.s3.putThousand)} per 1,000`,
      (puts / 1000) * table.s3.putThousand,
      ["s3.putThousand"],
      true,
    );
  }
  if (writers.size) {
    cost.assumptions.push(`${a.accessLogGbPerMonth} GB of access logs a month from each load balancer (compressed, as stored), one log file per zone every 5 minutes`);
  }
  return cost;
}

/** A web ACL's rules: its `rule` blocks, or the rules of its `rule_json`; undefined when unknown at plan. */
function webAclRules(plan: Plan, acl: PlanResource): Json[] | undefined {
  const json = stringOr(plan.value(acl, "rule_json"));
  if (json !== undefined) {
    try {
      const rules = JSON.parse(json);
      return Array.isArray(rules) ? rules : undefined;
    } catch {
      return undefined;
    }
  }
  return plan.isUnknown(acl, "rule") ? undefined : asArray(plan.value(acl, "rule"));
}

/** The AWS managed rule group a rule runs, from a `rule` block or a `rule_json` rule. */
function managedRuleGroupName(rule: Json): string | undefined {
  const name = rule?.statement?.[0]?.managed_rule_group_statement?.[0]?.name ?? rule?.Statement?.ManagedRuleGroupStatement?.Name;
  return typeof name === "string" ? name : undefined;
}

/** The bucket of this plan a load balancer writes its access logs to: by reference, or by its literal name. */
function accessLogBucket(plan: Plan, lb: PlanResource): PlanResource | undefined {
  const referenced = plan.referencedResources(lb, "access_logs.0.bucket").find((target) => target.type === "aws_s3_bucket");
  if (referenced) return referenced;
  const name = stringOr(plan.knownValue(lb, "access_logs.0.bucket"));
  return name === undefined ? undefined : plan.present("aws_s3_bucket").find((bucket) => stringOr(plan.knownValue(bucket, "bucket")) === name);
}

/**
 * How long a bucket keeps an object: the longest expiration of its enabled lifecycle rules, plus, when it is
 * versioned, the noncurrent-version expiration that then deletes the version an expiration leaves behind.
 * Undefined days, with why, when objects stay for ever or the plan does not say.
 */
function bucketRetention(plan: Plan, bucket: PlanResource): { days?: number; why: string } {
  const refersToBucket = (resource: PlanResource) => plan.referencedResources(resource, "bucket").some((target) => target.address === bucket.address);
  const rules = plan
    .present("aws_s3_bucket_lifecycle_configuration")
    .filter(refersToBucket)
    .flatMap((configuration) => asArray(plan.value(configuration, "rule")))
    .filter((rule) => rule?.status === "Enabled");
  const longest = (days: Array<number | undefined>) => Math.max(0, ...days.map((value) => Number(value) || 0)) || undefined;
  const expiration = longest(rules.map((rule) => rule?.expiration?.[0]?.days));
  if (!expiration) return { why: "no lifecycle rule of this plan expires them: they grow without end" };
  const versioned = plan
    .present("aws_s3_bucket_versioning")
    .filter(refersToBucket)
    .some((versioning) => plan.value(versioning, "versioning_configuration.0.status") === "Enabled");
  if (!versioned) return { days: expiration, why: `lifecycle expiration ${expiration} days` };
  const noncurrent = longest(rules.map((rule) => rule?.noncurrent_version_expiration?.[0]?.noncurrent_days));
  if (!noncurrent) return { why: "versioned, and no lifecycle rule expires noncurrent versions: they grow without end" };
  return { days: expiration + noncurrent, why: `lifecycle expiration ${expiration} days, then ${noncurrent} as a noncurrent version` };
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
  if (providers.length && providers.every((provider) => provider === "FARGATE" || provider === "FARGATE_SPOT")) return { priced: true };
  if (providers.some((provider) => provider.startsWith("FARGATE"))) return { priced: true };
  if (providers.length) return { priced: false, note: `${service.address}: capacity providers ${providers.join(", ")} are not estimated` };
  return { priced: true, note: `${service.address}: no launch type or capacity provider: the cluster's default, priced as Fargate` };
}

/** The autoscaling target's minimum and maximum of each service it scales (both known at plan time). */
function autoscalingOf(plan: Plan, services: PlanResource[]): Map<string, { min: number; max: number }> {
  const ranges = new Map<string, { min: number; max: number }>();
  for (const target of plan.present("aws_appautoscaling_target")) {
    const service = services.find((candidate) => scalesService(plan, target, candidate));
    const [min, max] = [numberOr(plan.value(target, "min_capacity")), numberOr(plan.value(target, "max_capacity"))];
    if (service && min !== undefined && max !== undefined) ranges.set(service.address, { min, max });
  }
  return ranges;
}

/** Whether an autoscaling target's resource_id (`service/<cluster>/<name>`) names the service, literally or by reference. */
function scalesService(plan: Plan, target: PlanResource, service: PlanResource): boolean {
  if (stringOr(plan.value(target, "service_namespace")) !== undefined && stringOr(plan.value(target, "service_namespace")) !== "ecs") return false;
  const id = stringOr(plan.knownValue(target, "resource_id")) ?? "";
  const name = stringOr(plan.value(service, "name"));
  if (name !== undefined && id.startsWith("service/") && id.endsWith(`/${name}`)) return true;
  return plan.referencedResourcesUnder(target, "resource_id").some((resource) => resource.address === service.address);
}

interface StrategyEntry {
  readonly provider: string;
  readonly base: number;
  readonly weight: number;
}

/** A service's capacity provider strategy (empty when it has a launch type or none). */
function strategyOf(plan: Plan, service: PlanResource): StrategyEntry[] {
  if (stringOr(plan.value(service, "launch_type"))) return [];
  return asArray(plan.value(service, "capacity_provider_strategy"))
    .map((entry) => ({ provider: String(entry?.capacity_provider ?? ""), base: Number(entry?.base ?? 0) || 0, weight: Number(entry?.weight ?? 0) || 0 }))
    .filter((entry) => entry.provider);
}

/**
 * How ECS splits `count` tasks over a capacity provider strategy: the base on its provider first, the rest by
 * weight (rounded to whole tasks); what is on FARGATE_SPOT is the Spot share.
 */
export function splitTasks(count: number, strategy: { provider: string; base?: number; weight?: number }[]): { onDemand: number; spotTasks: number } {
  if (!strategy.some((entry) => entry.provider === "FARGATE_SPOT")) return { onDemand: count, spotTasks: 0 };
  const baseEntry = strategy.find((entry) => (entry.base ?? 0) > 0);
  const base = Math.min(count, baseEntry?.base ?? 0);
  const rest = count - base;
  const total = strategy.reduce((sum, entry) => sum + (entry.weight ?? 0), 0);
  const spotWeight = strategy.filter((entry) => entry.provider === "FARGATE_SPOT").reduce((sum, entry) => sum + (entry.weight ?? 0), 0);
  const spotRest = total > 0 ? Math.round((rest * spotWeight) / total) : baseEntry?.provider === "FARGATE_SPOT" ? rest : 0;
  const spotTasks = (baseEntry?.provider === "FARGATE_SPOT" ? base : 0) + spotRest;
  return { onDemand: count - spotTasks, spotTasks };
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/**
 * The values a simple cron field takes: `*`, single values, lists, ranges (`MON-FRI`, `1-5`) and steps
 * (`* /15`, `0/15`, `10-50/10`); undefined for anything else (`L`, `W`, `#`...).
 */
function cronValues(field: string, low: number, high: number, names: string[] = [], nameBase = low): number[] | undefined {
  const value = (text: string): number | undefined => {
    const index = names.indexOf(text.toUpperCase());
    if (index >= 0) return index + nameBase;
    return /^\d+$/.test(text) ? Number(text) : undefined;
  };
  const values = new Set<number>();
  for (const part of field.split(",")) {
    const match = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!match) return undefined;
    const step = match[2] === undefined ? 1 : Number(match[2]);
    if (step < 1) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (match[1] === "*") [from, to] = [low, high];
    else if (match[1].includes("-")) {
      const [a, b, ...more] = match[1].split("-");
      if (more.length) return undefined;
      [from, to] = [value(a), value(b)];
    } else {
      from = value(match[1]);
      to = match[2] === undefined ? from : high;
    }
    if (from === undefined || to === undefined || from < low || to > high || from > to) return undefined;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return [...values];
}

/**
 * Runs a month (of `hoursPerMonth` hours) of an EventBridge Scheduler expression: `rate(N minutes|hours|days)`
 * and the simple forms of `cron(minutes hours day-of-month month day-of-week year)`; undefined when not estimated.
 */
export function runsPerMonth(expression: string, hoursPerMonth = 730): number | undefined {
  const days = hoursPerMonth / 24;
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression.trim());
  if (rate) {
    const every = Number(rate[1]);
    if (every < 1) return undefined;
    const perHour = rate[2].startsWith("minute") ? 60 / every : rate[2].startsWith("hour") ? 1 / every : 1 / (24 * every);
    return perHour * hoursPerMonth;
  }
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (!cron) return undefined;
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields;
  if (year !== "*") return undefined;
  const minutes = cronValues(minute, 0, 59);
  const hoursOfDay = cronValues(hour, 0, 23);
  const months = month === "?" ? undefined : cronValues(month, 1, 12, MONTHS, 1);
  if (!minutes || !hoursOfDay || !months) return undefined;
  const any = (field: string) => field === "*" || field === "?";
  let daysPerMonth: number;
  if (any(dayOfMonth) && any(dayOfWeek)) daysPerMonth = days;
  else if (any(dayOfWeek)) {
    const list = cronValues(dayOfMonth, 1, 31);
    if (!list) return undefined;
    // The days of a month there are in an average month: the 29th is missing from most Februaries, the 31st from 5 months in 12.
    const share = (day: number) => (day <= 28 ? 1 : day === 29 ? 11.25 / 12 : day === 30 ? 11 / 12 : 7 / 12);
    daysPerMonth = (list.reduce((sum, day) => sum + share(day), 0) * days) / (365.25 / 12);
  } else if (any(dayOfMonth)) {
    const list = cronValues(dayOfWeek, 1, 7, WEEKDAYS, 1);
    if (!list) return undefined;
    daysPerMonth = (list.length / 7) * days;
  } else return undefined;
  return minutes.length * hoursOfDay.length * daysPerMonth * (months.length / 12);
}
