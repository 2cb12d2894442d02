/**
 * Every egress choice of the network (`networkOptions.egress`, `taskSubnets`, `interfaceEndpoints`), planned
 * offline by Terraform on the default app's prod environment and reviewed: what each makes, what the review
 * shows of it, and its monthly cost, which README's "Egress choices" table quotes (compared here, so the
 * README never shows a stale figure). The default choice is the default app itself (main.ts, as `cdktf
 * synth` runs it); the others are main.ts's declaration with only `networkOptions` changed, and a test proves
 * that declaration is main.ts's. They leave off the web ACL, which no network choice changes: what it adds to
 * main.ts's review (main.ts's prod planned without it, compared) is added back to their figures.
 */
import { readFileSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { reviewPlan } from "../src/cli/review/review";
import { runReview } from "../src/cli/review/cli";
import { runAppCommand } from "./support/app-command";
import { PlannedStack, cleanupPlannedStacks, configurationResource, planStacks, plannedResource, resourcesOfType } from "./support/terraform";
import { CHOICES, VARIANTS, appToSynthesize, defaultAppProd, stacksToPlan } from "./plans/terraform-egress";

jest.setTimeout(600_000);

const README = readFileSync(join(__dirname, "..", "README.md"), "utf8");

const MAIN = Object.keys(CHOICES).find((name) => CHOICES[name] === "main.ts")!;

let outdir: string;
const planned: Record<string, PlannedStack> = {};
let withoutWebAcl: PlannedStack;

beforeAll(async () => {
  outdir = runAppCommand(appToSynthesize.env, appToSynthesize.entry);
  let variants: PlannedStack[];
  [planned[MAIN], withoutWebAcl, ...variants] = await planStacks(stacksToPlan(outdir));
  VARIANTS.forEach((name, index) => (planned[name] = variants[index]));
});

afterAll(() => {
  cleanupPlannedStacks();
  rmSync(outdir, { recursive: true, force: true });
});

const plan = (name: string) => planned[name].plan;
const cost = (name: string) => reviewPlan(plan(name)).cost;
/** What the web ACL adds to main.ts's prod a month: the other choices' plans leave it off. */
const webAclMonthly = () => cost(MAIN).total - reviewPlan(withoutWebAcl.plan).cost.total;
/** The monthly total of main.ts's prod with the choice. */
const total = (name: string) => `$${(cost(name).total + (name === MAIN ? 0 : webAclMonthly())).toFixed(2)}`;
const types = (name: string) => new Set(plan(name).resource_changes.map((change: any) => change.type));
const references = (name: string, address: string, argument: string): string[] => [
  ...new Set(JSON.stringify(configurationResource(plan(name), address).expressions[argument]).match(/aws_[a-z0-9_]+\.[a-z0-9_]+/g) ?? []),
];
function reviewText(name: string, ...argv: string[]): { code: number; stdout: string } {
  const file = join(planned[name].dir, `review-${Object.keys(planned).indexOf(name)}-${argv.length}.json`); // the stacks share the batch's dir
  writeFileSync(file, planned[name].planJsonText);
  let stdout = "";
  const code = runReview([file, ...argv], { stdout: (out) => (stdout += out), stderr: () => undefined });
  return { code, stdout };
}

describe("the egress choices, planned on the default app's prod environment", () => {
  test("the declaration here is main.ts's: with main.ts's networkOptions it synthesizes the same resources and outputs", () => {
    // Without cdktf's "//" metadata (construct paths), which only `cdktf synth` writes.
    const withoutMetadata = (json: string) => JSON.parse(json, (key, value) => (key === "//" ? undefined : value));
    const fromMain = withoutMetadata(readFileSync(join(outdir, "stacks", "hello-prod", "cdk.tf.json"), "utf8"));
    const here = withoutMetadata(defaultAppProd({ natGateways: "one-per-az" }));
    for (const block of ["resource", "output", "variable", "moved"]) expect(here[block]).toEqual(fromMain[block]);
  });

  test("each plans only creations, and no violation of the review's --strict policy", () => {
    for (const name of Object.keys(CHOICES)) {
      expect([name, new Set(plan(name).resource_changes.map((change: any) => change.change.actions.join(",")))]).toEqual([name, new Set(["create"])]);
      expect([name, reviewText(name, "--strict").code]).toEqual([name, 0]);
    }
  });

  test("the other choices leave off the web ACL, and only it: what it adds to main.ts's figure is its price, its requests' and its log's", () => {
    const addresses = (plan: any) => plan.resource_changes.map((change: any) => change.address);
    const webAcl = addresses(planned[MAIN].plan).filter((address: string) => !addresses(withoutWebAcl.plan).includes(address));
    expect(webAcl.sort()).toEqual([
      "aws_cloudwatch_log_group.hello_load_balancer_web_acl_log_group",
      "aws_wafv2_web_acl.hello_load_balancer_web_acl",
      "aws_wafv2_web_acl_association.hello_load_balancer_web_acl_association",
      "aws_wafv2_web_acl_logging_configuration.hello_load_balancer_web_acl_logging",
    ]);
    expect(addresses(withoutWebAcl.plan).filter((address: string) => !addresses(planned[MAIN].plan).includes(address))).toEqual([]);
    for (const name of VARIANTS) expect([name, addresses(plan(name)).filter((address: string) => webAcl.includes(address))]).toEqual([name, []]);
    const monthly = (items: Array<{ item: string; monthly: number }>, named: (item: string) => boolean) =>
      items.filter(({ item }) => named(item)).reduce((sum, item) => sum + item.monthly, 0);
    const ingestion = (item: string) => item === "CloudWatch Logs ingestion";
    const webAclLog = monthly(cost(MAIN).items, ingestion) - monthly(reviewPlan(withoutWebAcl.plan).cost.items, ingestion);
    expect(webAclLog).toBeGreaterThan(0);
    expect(webAclMonthly()).toBeCloseTo(monthly(cost(MAIN).items, (item) => item.startsWith("AWS WAF ")) + webAclLog, 6);
  });

  test("every choice has the S3 gateway endpoint on the private route tables, priced free", () => {
    for (const name of Object.keys(CHOICES)) {
      expect(plannedResource(plan(name), "aws_vpc_endpoint.hello_network_s3_endpoint").values.vpc_endpoint_type).toBe("Gateway");
      expect(cost(name).assumptions).toContain("gateway VPC endpoints (1) are free: no hourly or data charge");
    }
  });

  test('"nat-gateway": one NAT gateway and Elastic IP, both private subnets routed through it', () => {
    const name = '"nat-gateway"';
    expect(resourcesOfType(plan(name), "aws_nat_gateway")).toHaveLength(1);
    expect(resourcesOfType(plan(name), "aws_eip")).toHaveLength(1);
    for (const zone of ["a", "b"]) {
      expect(references(name, `aws_route_table.hello_network_private_route_table_${zone}`, "route")).toContain("aws_nat_gateway.hello_network_nat_gateway_a");
    }
  });

  test('"nat-instance-per-az": an instance per zone, no NAT gateway; each private subnet routed to its zone\'s instance; priced by type, volume and address', () => {
    const name = '"nat-instance-per-az"';
    expect(types(name).has("aws_nat_gateway")).toBe(false);
    expect(types(name).has("aws_eip")).toBe(false);
    const instances = resourcesOfType(plan(name), "aws_instance");
    expect(instances.map((instance) => [instance.address, instance.values.instance_type, instance.values.source_dest_check])).toEqual([
      ["aws_instance.hello_network_nat_instance_a", "t4g.nano", false],
      ["aws_instance.hello_network_nat_instance_b", "t4g.nano", false],
    ]);
    for (const zone of ["a", "b"]) {
      expect(references(name, `aws_route_table.hello_network_private_route_table_${zone}`, "route")).toContain(`aws_instance.hello_network_nat_instance_${zone}`);
    }
    const items = cost(name).items.map((item) => [item.item, item.detail]);
    expect(items).toContainEqual(["EC2 instances (t4g.nano)", "2 × 730 h × $0.0046"]);
    expect(items).toContainEqual(["EBS root volumes (gp3)", "16 GB × $0.088"]);
    expect(items).toContainEqual(["Public IPv4 addresses", "4 (2 load balancer, 2 EC2 instances) × 730 h × $0.005"]);
    expect(items.some(([item]) => item.startsWith("NAT gateway"))).toBe(false);
    const text = reviewText(name).stdout;
    expect(text).toContain("aws_instance.hello_network_nat_instance_a");
  });

  test('"nat-instance": one instance, for both zones', () => {
    const name = '"nat-instance"';
    expect(resourcesOfType(plan(name), "aws_instance").map((instance) => instance.address)).toEqual(["aws_instance.hello_network_nat_instance_a"]);
    for (const zone of ["a", "b"]) {
      expect(references(name, `aws_route_table.hello_network_private_route_table_${zone}`, "route")).toContain("aws_instance.hello_network_nat_instance_a");
    }
    expect(cost(name).items.map((item) => item.detail)).toContain("1 × 730 h × $0.0046");
  });

  test('"none": no NAT; the tasks in the public subnets with a public IP each, which the review shows and prices as the service\'s', () => {
    const name = '"none"';
    for (const type of ["aws_nat_gateway", "aws_eip", "aws_instance"]) expect(types(name).has(type)).toBe(false);
    const service = plannedResource(plan(name), "aws_ecs_service.hello_service").values;
    expect(service.network_configuration[0].assign_public_ip).toBe(true);
    expect(references(name, "aws_ecs_service.hello_service", "network_configuration").filter((ref) => ref.startsWith("aws_subnet")).sort()).toEqual([
      "aws_subnet.hello_network_public_subnet_a",
      "aws_subnet.hello_network_public_subnet_b",
    ]);
    const line = cost(name).items.find((item) => item.item === "Public IPv4 addresses (aws_ecs_service.hello_service)")!;
    expect(line).toMatchObject({ detail: "2 tasks (assign_public_ip) × 730 h × $0.005", scope: "aws_ecs_service.hello_service" });
    expect(reviewText(name).stdout).toContain("ECS tasks get a public IPv4 each (assign_public_ip, 2 tasks)");
  });

  test("interface endpoints: five, in the two private subnets, priced per zone-hour and GB", () => {
    for (const name of ['"none"` + `taskSubnets: "private"` + `interfaceEndpoints: true', '"nat-gateway-per-az"` + `interfaceEndpoints: true']) {
      const endpoints = resourcesOfType(plan(name), "aws_vpc_endpoint").filter((endpoint) => endpoint.values.vpc_endpoint_type === "Interface");
      expect(endpoints.map((endpoint) => endpoint.values.service_name).sort()).toEqual(
        ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"].map((service) => `com.amazonaws.eu-west-1.${service}`),
      );
      const items = cost(name).items.map((item) => [item.item, item.detail]);
      expect(items).toContainEqual(["VPC interface endpoints", "5 × 2 zones × 730 h × $0.011"]);
      expect(items).toContainEqual(["VPC interface endpoint data", "5 × 1 GB × $0.01"]);
    }
    const name = '"none"` + `taskSubnets: "private"` + `interfaceEndpoints: true';
    expect(plannedResource(plan(name), "aws_ecs_service.hello_service").values.network_configuration[0].assign_public_ip).toBe(false);
    expect(types(name).has("aws_nat_gateway")).toBe(false);
  });

  test("README's egress table quotes the review's monthly total of each choice", () => {
    const rows = README.split("\n").filter((line) => line.startsWith("| `"));
    for (const name of Object.keys(CHOICES)) {
      const row = rows.find((line) => line.startsWith(`| \`${name}\``));
      expect([name, row === undefined ? "no row" : "row"]).toEqual([name, "row"]);
      const figure = row!.split("|")[2].trim();
      expect([name, figure]).toEqual([name, `**${total(name)}**`]);
    }
  });

  test("X86_64 tasks: the review says what ARM64 would cost", () => {
    const { graviton, notes } = cost('"nat-gateway-per-az"');
    expect(graviton).toHaveLength(1);
    expect(graviton[0].armMonthly).toBeLessThan(graviton[0].x86Monthly);
    expect(notes).toContainEqual(expect.stringMatching(/^aws_ecs_service\.hello_service: on ARM64 \(Graviton\) its tasks would cost \$\d+\.\d\d a month instead of \$\d+\.\d\d/));
    const { x86Monthly, armMonthly } = graviton[0];
    expect(README).toContain(`the default app's prod would cost $${(x86Monthly - armMonthly).toFixed(2)} less a month, ${Math.round((100 * (x86Monthly - armMonthly)) / x86Monthly)} %`);
  });
});
