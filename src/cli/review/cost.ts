/**
 * Section 5, an estimate of what the stack costs a month once the plan is applied (every resource it will
 * have, not only the new ones), from the dated price table `prices.json` and stated assumptions: Fargate
 * (task size × desired count × hours, ARM64 priced as Graviton), load balancer hours and LCUs, NAT gateway
 * hours and data, public IPv4 addresses, hosted zones, log ingestion and alarms.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { Plan, PlanResource } from "./plan";
import { numberOr, stringOr, asArray } from "./exposure";

export interface RegionPrices {
  readonly fargate: { x86VcpuHour: number; x86GbHour: number; armVcpuHour: number; armGbHour: number };
  readonly alb: { hour: number; lcuHour: number };
  readonly natGateway: { hour: number; gb: number };
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
}

export interface CostSection {
  /** The region priced, or undefined when the plan does not say and --region was not given. */
  readonly region?: string;
  readonly regionFrom: "--region" | "provider" | "unknown";
  /** Whether the region's own prices were used, or the fallback. */
  readonly fallback: boolean;
  readonly priceLabel: string;
  readonly asOf: string;
  readonly items: CostItem[];
  readonly total: number;
  readonly assumptions: string[];
  readonly notEstimated: string[];
  readonly notes: string[];
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
  aws_instance: "EC2 instances",
  aws_efs_file_system: "EFS storage",
  aws_elasticache_cluster: "ElastiCache",
  aws_elasticache_replication_group: "ElastiCache",
  aws_vpc_endpoint: "VPC interface endpoints",
  aws_wafv2_web_acl: "WAF",
  aws_cloudfront_distribution: "CloudFront",
  aws_s3_bucket: "S3 storage and requests",
  aws_ecr_repository: "ECR storage",
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
  const notEstimated = new Set<string>([
    "data transfer out to the internet and between zones",
    "CloudWatch Logs storage and queries",
    "Route53 queries (alias queries to AWS resources are free)",
  ]);
  const unconfirmed = (path: string) => table.unconfirmed.includes(path) || table.unconfirmed.includes("*");
  const money = (value: number) => `$${value < 1 && String(value).split(".")[1]?.length === 1 ? value.toFixed(2) : value}`;
  const add = (item: string, detail: string, monthly: number, pricePaths: string[], assumed = false) => {
    if (monthly > 0) items.push({ item, detail, monthly, unconfirmed: pricePaths.some(unconfirmed), assumed });
  };

  // Fargate: each service's tasks, sized by its task definition.
  let publicTaskAddresses = 0;
  for (const service of plan.present("aws_ecs_service")) {
    const fargate = fargateOf(plan, service);
    if (!fargate.priced) {
      if (fargate.note) notes.push(fargate.note);
      continue;
    }
    const task = plan.referencedResources(service, "task_definition").find((resource) => resource.type === "aws_ecs_task_definition");
    if (!task) {
      notes.push(`${service.address}: its task definition is not in this plan, so its size is unknown: not estimated`);
      continue;
    }
    const cpu = numberOr(plan.value(task, "cpu"));
    const memory = numberOr(plan.value(task, "memory"));
    if (cpu === undefined || memory === undefined) {
      notes.push(`${task.address}: cpu/memory unknown at plan time: not estimated`);
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
    add(`Fargate vCPU (${label})`, `${tasks} × ${vcpu} vCPU × ${hours} h × ${money(vcpuPrice)}`, count * vcpu * hours * vcpuPrice, [vcpuPath]);
    add(`Fargate memory (${label})`, `${tasks} × ${gb} GB × ${hours} h × ${money(gbPrice)}`, count * gb * hours * gbPrice, [gbPath]);
    if (plan.value(service, "network_configuration.0.assign_public_ip") === true) publicTaskAddresses += count;
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

  const eips = plan.present("aws_eip").length;
  const addresses = lbAddresses + eips + publicTaskAddresses;
  if (addresses) {
    const parts = [
      lbAddresses ? `${lbAddresses} load balancer${zonesAssumed ? " (zones assumed)" : ""}` : "",
      eips ? `${eips} Elastic IP${eips === 1 ? "" : "s"}` : "",
      publicTaskAddresses ? `${publicTaskAddresses} task${publicTaskAddresses === 1 ? "" : "s"}` : "",
    ].filter(Boolean);
    add("Public IPv4 addresses", `${addresses} (${parts.join(", ")}) × ${hours} h × ${money(table.publicIpv4Hour)}`, addresses * hours * table.publicIpv4Hour, ["publicIpv4Hour"]);
  }

  const nats = plan.present("aws_nat_gateway").length;
  if (nats) {
    const gb = prices.assumptions.natGatewayGbPerMonth;
    add("NAT gateway hours", `${nats} × ${hours} h × ${money(table.natGateway.hour)}`, nats * hours * table.natGateway.hour, ["natGateway.hour"]);
    add("NAT gateway data", `${nats} × ${gb} GB × ${money(table.natGateway.gb)}`, nats * gb * table.natGateway.gb, ["natGateway.gb"], true);
  }

  const zones = plan.present("aws_route53_zone").length;
  if (zones) add("Route53 hosted zones", `${zones} × ${money(table.route53ZoneMonth)}`, zones * table.route53ZoneMonth, ["route53ZoneMonth"]);

  const logGroups = plan.present("aws_cloudwatch_log_group").length;
  if (logGroups) {
    const gb = prices.assumptions.logGroupGbPerMonth;
    add("CloudWatch Logs ingestion", `${logGroups} log group${logGroups === 1 ? "" : "s"} × ${gb} GB × ${money(table.logsIngestGb)}`, logGroups * gb * table.logsIngestGb, ["logsIngestGb"], true);
  }

  const alarms = plan.present("aws_cloudwatch_metric_alarm");
  const highResolution = alarms.filter((alarm) => (numberOr(plan.value(alarm, "period")) ?? 60) < 60).length;
  const standard = alarms.length - highResolution;
  if (standard) add("CloudWatch alarms", `${standard} × ${money(table.alarmMonth)}`, standard * table.alarmMonth, ["alarmMonth"]);
  if (highResolution) {
    add("CloudWatch alarms, high resolution", `${highResolution} × ${money(table.alarmHighResolutionMonth)}`, highResolution * table.alarmHighResolutionMonth, ["alarmHighResolutionMonth"]);
  }

  for (const cluster of plan.present("aws_ecs_cluster")) {
    const settings = asArray(plan.value(cluster, "setting"));
    if (settings.some((setting) => setting?.name === "containerInsights" && setting?.value !== "disabled")) {
      notEstimated.add(`Container Insights metrics (on for ${cluster.address})`);
    }
  }
  for (const resource of plan.present(...Object.keys(UNPRICED))) notEstimated.add(UNPRICED[resource.type]);

  const a = prices.assumptions;
  return {
    region,
    regionFrom,
    fallback: !own,
    priceLabel: own ? `${region} prices as of ${prices.asOf}` : `${region ? `${region}: no prices tabled for it:` : "region unknown:"} ${prices.fallback.label} as of ${prices.asOf}`,
    asOf: prices.asOf,
    items,
    total: items.reduce((sum, item) => sum + item.monthly, 0),
    assumptions: [
      `${a.hoursPerMonth} hours a month, everything running all month`,
      `${a.albLcuPerHour} LCU per load balancer on average`,
      `${a.natGatewayGbPerMonth} GB a month through each NAT gateway`,
      `${a.logGroupGbPerMonth} GB a month ingested into each log group`,
      "on-demand list prices: no free tier, Savings Plans or Spot",
    ],
    notEstimated: [...notEstimated],
    notes,
  };
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
  if (providers.some((provider) => provider.startsWith("FARGATE"))) return { priced: true };
  if (providers.length) return { priced: false, note: `${service.address}: capacity providers ${providers.join(", ")} are not estimated` };
  return { priced: true, note: `${service.address}: no launch type or capacity provider: the cluster's default, priced as Fargate` };
}
