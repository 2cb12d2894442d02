import { writeFileSync } from "fs";
import { join } from "path";
import { PlannedStack, cleanupPlannedStacks, planStacks } from "./support/terraform";
import { stacksToPlan } from "./plans/review-hardening-cost";
import { runReview } from "../src/cli/review/cli";
import { CostItem, CostSection } from "../src/cli/review/cost";
import { reviewPlan } from "../src/cli/review/review";

jest.setTimeout(300_000);

/*
 * `npm run review` prices the production hardening: a web ACL (three AWS managed rule groups and a rate-based
 * rule) on an internal load balancer, its access-log bucket (90-day lifecycle), a KMS key for the log groups,
 * VPC flow logs to a log group kept 90 days, and the zone's DNSSEC key and query logs in us-east-1 (kept 30
 * days), in eu-west-1. Planned once offline; every figure below is written out here from prices.json's
 * sources, not read back from the table.
 */

/*
 * The prices, from prices.json's sources (eu-west-1; the query logs in us-east-1), and its assumptions.
 * WAF: $5 a web ACL, $1 a rule, $0.60 a million requests, in every region. KMS: $1 a key, asymmetric too.
 * Vended logs to CloudWatch Logs, first tier: eu-west-1 $0.57 and us-east-1 $0.50 per GB, storage $0.03.
 * S3 Standard $0.023 per GB-month and $0.005 per 1,000 PUTs (eu-west-1: not confirmed, marked).
 */
const HOURS = 730;
const DAYS_PER_MONTH = HOURS / 24;
const REQUESTS_MILLIONS = 10;
const FLOW_LOG_GB = 5;
const ACCESS_LOG_GB = 1;
const QUERY_LOG_GB = 1;

const EXPECTED: Record<string, { monthly: number; detail: string; unconfirmed: boolean; assumed: boolean }> = {
  "AWS WAF web ACL (aws_wafv2_web_acl.web)": { monthly: 5 + 4 * 1, detail: "$5 + 4 rules × $1", unconfirmed: false, assumed: false },
  "AWS WAF requests (aws_wafv2_web_acl.web)": {
    monthly: 1 * REQUESTS_MILLIONS * 0.6,
    detail: "1 associated resource × 10 million requests × $0.60 per million",
    unconfirmed: false,
    assumed: true,
  },
  "KMS key (aws_kms_key.logs)": { monthly: 1, detail: "1 × $1 (symmetric)", unconfirmed: false, assumed: false },
  "KMS key (aws_kms_key.dnssec)": { monthly: 1, detail: "1 × $1 (ECC_NIST_P256 SIGN_VERIFY: asymmetric, the same price)", unconfirmed: false, assumed: false },
  "VPC flow logs (aws_flow_log.main)": { monthly: FLOW_LOG_GB * 0.57, detail: "5 GB × $0.57", unconfirmed: false, assumed: true },
  "VPC flow logs storage (aws_cloudwatch_log_group.flow_logs)": {
    monthly: ((FLOW_LOG_GB * 90) / DAYS_PER_MONTH) * 0.03,
    detail: "5 GB a month kept 90 days = 14.79 GB × $0.03",
    unconfirmed: false,
    assumed: true,
  },
  "Route53 query logs (aws_route53_query_log.main)": { monthly: QUERY_LOG_GB * 0.5, detail: "1 GB × $0.50 (us-east-1)", unconfirmed: false, assumed: true },
  "Route53 query logs storage (aws_cloudwatch_log_group.queries)": {
    monthly: ((QUERY_LOG_GB * 30) / DAYS_PER_MONTH) * 0.03,
    detail: "1 GB a month kept 30 days = 0.99 GB × $0.03 (us-east-1)",
    unconfirmed: false,
    assumed: true,
  },
  "S3 access-log storage (aws_s3_bucket.access_logs)": {
    monthly: ((ACCESS_LOG_GB * 90) / DAYS_PER_MONTH) * 0.023,
    detail: "1 GB a month kept 90 days (lifecycle expiration 90 days) = 2.96 GB × $0.023",
    unconfirmed: true,
    assumed: true,
  },
  "S3 access-log PUT requests (aws_s3_bucket.access_logs)": {
    // A log file per node (a zone each; the subnets are unknown at plan: 2 assumed) every 5 minutes.
    monthly: ((2 * 12 * HOURS) / 1000) * 0.005,
    detail: "2 load balancer zones (assumed) × 12 files an hour × 730 h = 17,520 PUTs × $0.005 per 1,000",
    unconfirmed: true,
    assumed: true,
  },
};

// What the stack has besides the hardening: an internal load balancer (no public address) and the zone.
const REST: Record<string, number> = {
  "Application load balancer": HOURS * 0.0252,
  "Load balancer capacity units": 1 * HOURS * 0.008,
  "Route53 hosted zones": 0.5,
};

let planned: PlannedStack;
let cost: CostSection;

function review(...argv: string[]): { code: number; stdout: string } {
  const file = join(planned.dir, `review-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, planned.planJsonText);
  let stdout = "";
  const code = runReview([file, ...argv], { stdout: (out) => (stdout += out), stderr: (out) => (stdout += out) });
  return { code, stdout };
}

beforeAll(async () => {
  [planned] = await planStacks(stacksToPlan());
  cost = reviewPlan(planned.plan).cost;
});

afterAll(() => cleanupPlannedStacks());

describe("the review prices the production hardening", () => {
  test("a line for each web ACL, KMS key, flow log, access-log bucket and query log, as computed here", () => {
    const byName = new Map<string, CostItem>(cost.items.map((item) => [item.item, item]));
    for (const [name, expected] of Object.entries(EXPECTED)) {
      const item = byName.get(name);
      expect({ name, detail: item?.detail, unconfirmed: item?.unconfirmed, assumed: item?.assumed, scope: item?.scope }).toEqual({
        name,
        detail: expected.detail,
        unconfirmed: expected.unconfirmed,
        assumed: expected.assumed,
        scope: "shared",
      });
      expect(item?.monthly).toBeCloseTo(expected.monthly, 9);
    }
    expect(cost.items.map((item) => item.item).sort()).toEqual([...Object.keys(EXPECTED), ...Object.keys(REST)].sort());
    for (const [name, monthly] of Object.entries(REST)) expect(byName.get(name)?.monthly).toBeCloseTo(monthly, 9);
  });

  test("the total is the hardening's figures and the rest's, and the text prints each line", () => {
    const total = [...Object.values(EXPECTED).map((line) => line.monthly), ...Object.values(REST)].reduce((sum, value) => sum + value, 0);
    expect(cost.total).toBeCloseTo(total, 9);
    expect(total).toBeCloseTo(45.7151, 4);
    const { stdout } = review();
    expect(stdout).toMatch(/AWS WAF web ACL \(aws_wafv2_web_acl\.web\) +\$5 \+ 4 rules × \$1 +\$9\.00/);
    expect(stdout).toMatch(/S3 access-log storage \(aws_s3_bucket\.access_logs\) .* \$0\.07 +†\*/);
    expect(stdout).toMatch(/Total +\$45\.72\n/);
  });

  test("each assumption is stated; nothing hardened is left unpriced, nor priced twice as a plain log group", () => {
    expect(cost.assumptions).toEqual(
      expect.arrayContaining([
        "10 million requests a month through each resource a web ACL is associated with",
        "KMS requests not priced: within the 20,000 a month KMS does not charge for",
        "DNSSEC signing: no Route53 charge of its own (an assumption); its key-signing key's KMS key is priced",
        "5 GB of flow logs a month from each flow log",
        "1 GB of query logs a month from each hosted zone that logs its queries",
        "flow and query logs at vended logs' first tier (to 10 TB a month), stored uncompressed (an upper bound)",
        "1 GB of access logs a month from each load balancer (compressed, as stored), one log file per zone every 5 minutes",
      ]),
    );
    expect(cost.notEstimated.join("\n")).not.toMatch(/KMS|WAF|S3 storage/);
    // Both log groups are the flow and query logs': only queries are left out.
    expect(cost.notEstimated).toContain("CloudWatch Logs queries");
    expect(cost.notEstimated.join("\n")).not.toContain("storage");
    expect(cost.items.some((item) => item.item.startsWith("CloudWatch Logs ingestion"))).toBe(false);
    expect(cost.notes).toContain("aws_kms_key.logs: rotated every 365 days: each of its first 2 rotations adds $1 a month ($3 a month from then on)");
  });

  test("--strict passes: bucket and key policies with service principals, Resource \"*\" in key policies, the ELB account", () => {
    const { code, stdout } = review("--strict");
    expect(reviewPlan(planned.plan).violations).toEqual([]);
    expect(code).toBe(0);
    expect(stdout).not.toContain("POLICY VIOLATIONS");
    // A key policy's "*" is the key: not marked as a grant on all resources.
    const keyPolicies = stdout.slice(stdout.indexOf("    aws_kms_key.dnssec\n"), stdout.indexOf("4. Secrets"));
    expect(keyPolicies).toContain("kms:Sign  on  *");
    expect(keyPolicies).not.toContain("all resources");
  });
});

/** A plan of the shape `terraform show -json` gives, written by hand for what a planned stack does not show. */
function handPlan(region: string | undefined, resources: Array<{ address: string; after: object; references?: Record<string, string> }>): object {
  const parts = (address: string) => ({ type: address.split(".")[0], name: address.split(".")[1] });
  return {
    format_version: "1.2",
    configuration: {
      ...(region ? { provider_config: { aws: { name: "aws", expressions: { region: { constant_value: region } } } } } : {}),
      root_module: {
        resources: resources.map(({ address, references = {} }) => ({
          address,
          mode: "managed",
          ...parts(address),
          expressions: Object.fromEntries(Object.entries(references).map(([argument, target]) => [argument, { references: [`${target}.arn`, target] }])),
        })),
      },
    },
    resource_changes: resources.map(({ address, after }) => ({
      address,
      mode: "managed",
      ...parts(address),
      change: { actions: ["create"], before: null, after, after_unknown: {} },
    })),
  };
}

describe("what the planned stack does not show (hand-written plans)", () => {
  const edges = reviewPlan(
    handPlan("us-east-1", [
      { address: "aws_lb.one", after: { load_balancer_type: "application", internal: true, subnets: ["subnet-a", "subnet-b", "subnet-c"], access_logs: [{ bucket: "versioned-logs", enabled: true }] } },
      { address: "aws_s3_bucket.versioned", after: { bucket: "versioned-logs" } },
      { address: "aws_s3_bucket_versioning.versioned", after: { versioning_configuration: [{ status: "Enabled" }] }, references: { bucket: "aws_s3_bucket.versioned" } },
      {
        address: "aws_s3_bucket_lifecycle_configuration.versioned",
        after: { rule: [{ status: "Enabled", expiration: [{ days: 30 }], noncurrent_version_expiration: [{ noncurrent_days: 7 }] }] },
        references: { bucket: "aws_s3_bucket.versioned" },
      },
      { address: "aws_lb.two", after: { load_balancer_type: "application", internal: true, subnets: ["subnet-a", "subnet-b"], access_logs: [{ bucket: "forever-logs", enabled: true }] } },
      { address: "aws_s3_bucket.forever", after: { bucket: "forever-logs" } },
      { address: "aws_s3_bucket_versioning.forever", after: { versioning_configuration: [{ status: "Enabled" }] }, references: { bucket: "aws_s3_bucket.forever" } },
      { address: "aws_s3_bucket_lifecycle_configuration.forever", after: { rule: [{ status: "Enabled", expiration: [{ days: 30 }] }] }, references: { bucket: "aws_s3_bucket.forever" } },
      { address: "aws_s3_bucket.data", after: { bucket: "data" } },
      { address: "aws_flow_log.to_s3", after: { log_destination_type: "s3" } },
      { address: "aws_flow_log.kept_forever", after: { log_destination_type: "cloud-watch-logs" }, references: { log_destination: "aws_cloudwatch_log_group.forever" } },
      { address: "aws_cloudwatch_log_group.forever", after: { retention_in_days: 0 } },
      { address: "aws_cloudwatch_log_group.app", after: { retention_in_days: 7 } },
      {
        address: "aws_wafv2_web_acl.bots",
        after: { rule: [{ name: "bots", statement: [{ managed_rule_group_statement: [{ vendor_name: "AWS", name: "AWSManagedRulesBotControlRuleSet" }] }] }] },
      },
      {
        address: "aws_wafv2_web_acl.json",
        after: {
          rule: [],
          rule_json: JSON.stringify([
            { Name: "common", Statement: { ManagedRuleGroupStatement: { VendorName: "AWS", Name: "AWSManagedRulesCommonRuleSet" } } },
            { Name: "rate", Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: "IP" } } },
          ]),
        },
      },
    ]),
  ).cost;
  const line = (name: string) => edges.items.find((item) => item.item === name);

  test("a versioned bucket keeps a log for its expiration and its noncurrent expiration; without the latter, for ever", () => {
    // us-east-1: $0.023 per GB-month, $0.005 per 1,000 PUTs; 1 GB a month kept 30 + 7 days.
    expect(line("S3 access-log storage (aws_s3_bucket.versioned)")?.detail).toBe(
      "1 GB a month kept 37 days (lifecycle expiration 30 days, then 7 as a noncurrent version) = 1.22 GB × $0.023",
    );
    expect(line("S3 access-log storage (aws_s3_bucket.versioned)")?.monthly).toBeCloseTo(((1 * 37) / (730 / 24)) * 0.023, 9);
    // The load balancer names its bucket literally: its 3 zones are known.
    expect(line("S3 access-log PUT requests (aws_s3_bucket.versioned)")?.monthly).toBeCloseTo(((3 * 12 * 730) / 1000) * 0.005, 9);
    expect(line("S3 access-log storage (aws_s3_bucket.forever)")).toBeUndefined();
    expect(edges.notEstimated).toContain(
      "storage of the access logs in aws_s3_bucket.forever: versioned, and no lifecycle rule expires noncurrent versions: they grow without end",
    );
    expect(line("S3 access-log PUT requests (aws_s3_bucket.forever)")?.monthly).toBeCloseTo(((2 * 12 * 730) / 1000) * 0.005, 9);
    // A bucket no load balancer logs to is still not estimated.
    expect(edges.notEstimated).toContain("S3 storage and requests");
  });

  test("a flow log to S3 is not estimated; one to a log group that never expires, its ingestion only", () => {
    expect(edges.notEstimated).toContain("VPC flow logs delivered to s3 (aws_flow_log.to_s3)");
    expect(line("VPC flow logs (aws_flow_log.kept_forever)")?.monthly).toBeCloseTo(5 * 0.5, 9);
    expect(edges.notEstimated).toContain("storage of aws_cloudwatch_log_group.forever: it never expires, so it grows by 5 GB a month");
    // The other log group is a plain one: its ingestion assumed, its storage not estimated.
    expect(line("CloudWatch Logs ingestion")?.detail).toBe("1 log group × 1 GB × $0.50");
    expect(edges.notEstimated).toContain("CloudWatch Logs queries, and the storage of the log groups other than flow and query logs'");
  });

  test("a paid managed rule group is not estimated; rules are counted from rule_json too; no association, no requests", () => {
    expect(line("AWS WAF web ACL (aws_wafv2_web_acl.bots)")?.detail).toBe("$5 + 1 rule × $1");
    expect(edges.notEstimated).toContain("the AWSManagedRulesBotControlRuleSet rule group's subscription and requests (aws_wafv2_web_acl.bots)");
    expect(line("AWS WAF web ACL (aws_wafv2_web_acl.json)")?.detail).toBe("$5 + 2 rules × $1");
    expect(edges.notEstimated.join("\n")).not.toContain("AWSManagedRulesCommonRuleSet");
    expect(edges.items.filter((item) => item.item.startsWith("AWS WAF requests"))).toEqual([]);
    expect(edges.notes).toContain("aws_wafv2_web_acl.bots: associated with nothing in this plan: its requests are not estimated");
    expect(edges.assumptions.join("\n")).not.toContain("million requests");
  });

  test("a key policy's Resource \"*\" is the key itself; the same statement in a topic policy covers all resources", () => {
    const statement = { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "kms:Decrypt", Resource: "*" };
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
    const { resourcePolicies } = reviewPlan(
      handPlan(undefined, [
        { address: "aws_kms_key.key", after: { policy } },
        { address: "aws_sns_topic_policy.topic", after: { policy } },
      ]),
    ).iam;
    const allResources = (address: string) => resourcePolicies.find((view) => view.address === address)?.statements?.map((read) => read.allResources);
    expect(allResources("aws_kms_key.key")).toEqual([false]);
    expect(allResources("aws_sns_topic_policy.topic")).toEqual([true]);
  });
});
