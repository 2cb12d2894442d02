import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runReview } from "../src/cli/review/cli";
import { loadPrices } from "../src/cli/review/cost";

// A real plan's resources edited into a replacement and a deletion: see fixtures/review/README.md.
const FIXTURE = join(__dirname, "fixtures", "review", "replace-and-delete.plan.json");
const repoRoot = join(__dirname, "..");

/** Runs the command in-process: its exit code and what it printed. */
function review(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = runReview(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "fargate-review-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("review command: arguments and exit codes", () => {
  test("--help: usage, options, exit codes and every rule with its lists; exit 0", () => {
    const { code, stdout } = review("--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run review -- PLAN_JSON \[--format text\|markdown\] \[--strict\] \[--region REGION\]/);
    for (const text of ["world-open-port", "iam-wildcard-resource", "iam-admin-policy", "stateful-replace", "secret-in-plan"]) {
      expect(stdout).toContain(`  ${text}: `);
    }
    expect(stdout).toContain("ecr:GetAuthorizationToken");
    expect(stdout).toContain("aws_route53_zone");
    expect(stdout).toContain("Exit codes: 0 reviewed; 1 --strict and a violation; 2 usage error");
    expect(stdout).toContain("  iam-not-action: ");
    expect(stdout).toContain("  --allow-name NAME ");
    expect(stdout).toContain("  --allow-names-file FILE ");
  });

  test("a byte-order mark at the start of the plan is accepted: UTF-8's, and the UTF-16 one PowerShell writes", () => {
    const plain = review(FIXTURE).stdout;
    const text = readFileSync(FIXTURE, "utf8");
    const utf8 = review(file("bom-utf8.json", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")])));
    expect(utf8.code).toBe(0);
    const body = (output: string) => output.split("\n").slice(2).join("\n"); // after the title, which names the file
    expect(body(utf8.stdout)).toBe(body(plain));
    const utf16 = review(file("bom-utf16.json", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])), "--strict");
    expect(utf16.code).toBe(1);
    expect(utf16.stdout).toContain("REPLACES aws_lb.hello_load_balancer");
  });

  test("PLAN_JSON relative to the caller's folder: `npm run review` from another folder, and the `cwd` given", () => {
    const caller = join(dir, "caller");
    mkdirSync(caller, { recursive: true });
    writeFileSync(join(caller, "plan.json"), "\ufeff" + readFileSync(FIXTURE, "utf8"));
    // npm runs the script in the package's root; INIT_CWD says where it was run from.
    const run = spawnSync("npm", ["run", "--silent", "--prefix", repoRoot, "review", "--", "plan.json", "--strict"], { cwd: caller, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("Plan review: plan.json");
    const inProcess = runReview(["plan.json"], { stdout: () => undefined, stderr: () => undefined, cwd: caller });
    expect(inProcess).toBe(0);
    let stderr = "";
    expect(runReview(["plan.json"], { stdout: () => undefined, stderr: (text) => (stderr += text), cwd: dir })).toBe(2);
    expect(stderr).toContain(`review: cannot read plan.json (in ${dir}): no such file`);
  });

  test.each([
    ["no PLAN_JSON", [], /PLAN_JSON is missing/],
    ["an unknown format", ["--format", "html", FIXTURE], /--format is "html": text or markdown/],
    ["--format without a value", ["--format"], /--format needs a value/],
    ["a region that is not one", ["--region", "Ireland", FIXTURE], /--region is "Ireland": an AWS region/],
    ["an unknown option", ["--verbose", FIXTURE], /unknown option --verbose/],
    ["two files", [FIXTURE, FIXTURE], /one PLAN_JSON only/],
    ["a missing file", [join(__dirname, "no-such-plan.json")], /cannot read .*no-such-plan\.json: no such file/],
    ["a directory", [__dirname], /a directory, not a file/],
    ["--allow-name without a value", [FIXTURE, "--allow-name"], /--allow-name needs a value/],
    ["a missing --allow-names-file", [FIXTURE, "--allow-names-file", join(__dirname, "no-such-names.txt")], /cannot read --allow-names-file .*no-such-names\.txt: no such file/],
  ])("usage error, %s: exit 2 with the reason and the usage line", (_, argv, message) => {
    const { code, stdout, stderr } = review(...(argv as string[]));
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).toContain("Usage: npm run review -- PLAN_JSON");
  });

  test("input that is not plan JSON: exit 2, saying what it is and what to run", () => {
    const notJson = review(file("plan.txt", "Terraform will perform the following actions:"));
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/is not JSON \(expected the output of `terraform show -json PLANFILE`\)/);

    const planFile = review(file("plan.tfplan", Buffer.from("PK\u0003\u0004binary")));
    expect(planFile.code).toBe(2);
    expect(planFile.stderr).toContain("it is a saved plan file; give its JSON: terraform show -json PLANFILE > plan.json");

    const config = review(file("cdk.tf.json", JSON.stringify({ provider: { aws: [{ region: "eu-west-1" }] }, resource: {} })));
    expect(config.code).toBe(2);
    expect(config.stderr).toContain("this is Terraform configuration (cdk.tf.json), not a plan");

    const state = review(file("state.json", JSON.stringify({ format_version: "1.0", terraform_version: "1.11.4", values: {} })));
    expect(state.code).toBe(2);
    expect(state.stderr).toContain("not a plan (no planned_values or resource_changes)");

    const array = review(file("array.json", "[]"));
    expect(array.code).toBe(2);
    expect(array.stderr).toContain("not plan JSON: expected an object");
  });

  test("violations are printed but exit 0 without --strict; --strict exits 1", () => {
    const lenient = review(FIXTURE);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain("POLICY VIOLATIONS (2): exit 1 with --strict");
    const strict = review(FIXTURE, "--strict");
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe(lenient.stdout);
    expect(review("--strict", "--format=markdown", FIXTURE).code).toBe(1);
  });

  test("the fixture: the replacement and the deletion flagged loudly, with Terraform's reason and what is lost", () => {
    const { stdout } = review(FIXTURE);
    expect(stdout).toContain("Changes   0 to add, 1 to change, 1 to replace, 1 to destroy — DESTROYS aws_route53_zone.hello_zone, REPLACES aws_lb.hello_load_balancer");
    expect(stdout).toMatch(/!! REPLACE {2}aws_lb\.hello_load_balancer\n +why: an argument that cannot be updated in place changed\n +forced by: name\n +deleted before its replacement is created/);
    expect(stdout).toMatch(/!! DESTROY {2}aws_route53_zone\.hello_zone\n +why: its block was removed from the configuration/);
    expect(stdout).toMatch(/stateful-replace +aws_lb\.hello_load_balancer +replaces aws_lb\.hello_load_balancer: its DNS name changes/);
    expect(stdout).toMatch(/stateful-replace +aws_route53_zone\.hello_zone +destroys aws_route53_zone\.hello_zone: its name servers change/);
    expect(stdout).toContain("3 unchanged");
    // The destroyed zone is not in the estimate any more; the replaced load balancer is.
    expect(stdout).not.toContain("Route53 hosted zones");
    expect(stdout).toContain("Application load balancer");
  });

  test("--region prices another region; a region without prices gets the labelled fallback", () => {
    const prices = loadPrices();
    const ireland = review(FIXTURE);
    expect(ireland.stdout).toContain("(eu-west-1 prices as of " + prices.asOf);
    const virginia = review(FIXTURE, "--region", "us-east-1");
    expect(virginia.stdout).toContain("(us-east-1 prices as of " + prices.asOf);
    expect(virginia.stdout).toMatch(new RegExp(`Application load balancer +1 × 730 h × \\$${prices.regions["us-east-1"].alb.hour}`));
    const mumbai = review(FIXTURE, "--region=ap-south-1");
    expect(mumbai.stdout).toContain("5. Estimated monthly cost (ap-south-1: no prices tabled for it: fallback prices (eu-central-1's, the highest of the tabled regions) as of");
    expect(mumbai.stdout).toContain("† price not confirmed by a retrieved source");
  });

  test("a plan whose region is not a literal asks for --region and prices with the fallback", () => {
    const plan = JSON.parse(readFileSync(FIXTURE, "utf8"));
    plan.configuration.provider_config.aws.expressions.region = { references: ["var.region"] };
    const { code, stdout } = review(file("no-region.json", JSON.stringify(plan)));
    expect(code).toBe(0);
    expect(stdout).toContain("The plan does not give the provider's region as a literal: pass --region to price it.");
    expect(stdout).toContain("region unknown: fallback prices (eu-central-1's, the highest of the tabled regions) as of");
  });

  test("resources in a module: grouped under the module, their configuration and references found inside it", () => {
    const plan = JSON.parse(readFileSync(FIXTURE, "utf8"));
    for (const change of plan.resource_changes) {
      change.address = `module.web.${change.address}`;
      change.module_address = "module.web";
    }
    const root = plan.configuration.root_module;
    plan.configuration.root_module = { module_calls: { web: { source: "./web", module: { resources: root.resources } } } };
    const { code, stdout } = review(file("module.json", JSON.stringify(plan)), "--strict");
    expect(code).toBe(1);
    expect(stdout).toMatch(/ {2}module\.web › hello +0 +1 +1 +1\n/);
    expect(stdout).toContain("!! REPLACE  module.web.aws_lb.hello_load_balancer");
    // The listener's load balancer and the rule's security group are found through the module's configuration.
    expect(stdout).toContain("module.web.aws_lb.hello_load_balancer  443/HTTPS");
    expect(stdout).toContain("→ module.web.aws_security_group.hello_load_balancer_security_group (module.web.aws_lb.hello_load_balancer)");
  });

  test("the price table: dated, sourced, the three regions and a labelled fallback, unconfirmed prices listed", () => {
    const prices = loadPrices();
    expect(prices.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(prices.regions).sort()).toEqual(["eu-central-1", "eu-west-1", "us-east-1"]);
    expect(prices.fallback.label).toMatch(/fallback/);
    for (const service of ["fargate", "alb", "natGateway", "publicIpv4", "route53", "cloudwatch", "ec2", "ebs", "vpcEndpoint"]) {
      expect(prices.sources[service].length).toBeGreaterThan(0);
      expect(prices.sources[service].every((source) => source.startsWith("https://"))).toBe(true);
    }
    for (const region of [...Object.values(prices.regions), prices.fallback]) {
      expect(region.fargate.armVcpuHour).toBeLessThan(region.fargate.x86VcpuHour);
      expect(region.publicIpv4Hour).toBe(0.005);
      // A path's keys may hold dots themselves (ec2InstanceHour.t4g.nano): the longest key that matches is taken.
      const resolve = (node: any, path: string): any =>
        path in (node ?? {}) ? node[path] : Object.keys(node ?? {}).filter((key) => path.startsWith(`${key}.`)).map((key) => resolve(node[key], path.slice(key.length + 1)))[0];
      for (const path of region.unconfirmed) {
        expect(resolve(region, path)).toEqual(expect.any(Number));
      }
      expect(region.ec2InstanceHour["t4g.nano"]).toBeLessThan(region.natGateway.hour);
      expect(region.vpcEndpoint.interfaceHour).toBeGreaterThan(0);
    }
  });

  test("the npm script's command: real exit codes from the process", () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["-r", "./scripts/ts-require.js", "scripts/review.ts", ...args], { cwd: repoRoot, encoding: "utf8" });
    const package_ = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    expect(package_.scripts.review).toBe("node -r ./scripts/ts-require.js scripts/review.ts");
    const strict = run(FIXTURE, "--strict", "--format", "markdown");
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain("> ⚠️ **REPLACE** `aws_lb.hello_load_balancer`");
    expect(run(FIXTURE).status).toBe(0);
    const missing = run("missing.json");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("review: cannot read missing.json: no such file");
  });
});
