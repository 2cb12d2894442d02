// The Terraform tier harness itself: a tiny hand-written stack planned offline by the real
// Terraform CLI and hashicorp/aws provider. Fails (never skips) when Terraform is missing.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  OVERRIDE_FILE,
  PLAN_CACHE_ENV,
  PLAN_FILE,
  PlannedStack,
  cleanupPlannedStacks,
  configurationResource,
  planStack,
  planSynthesized,
  plannedResource,
  readPlanFileEntries,
  resourceChange,
  resourcesOfType,
  terraformVersion,
  whereTextAppears,
} from "./support/terraform";

jest.setTimeout(300_000);

const CANARY = "canary-9f2c1d-not-in-plan";

/** A tiny stack as cdktf writes it: a log group and a SecureString parameter set from an ephemeral variable. */
function tinyStack(edit: (stack: any) => void = () => undefined): any {
  const stack = {
    "//": { metadata: { stackName: "harness" } },
    terraform: {
      required_providers: { aws: { source: "aws", version: "5.100.0" } },
      backend: { local: { path: "/nonexistent/dir/terraform.harness.tfstate" } },
    },
    provider: {
      aws: [{ region: "eu-west-1", default_tags: [{ tags: { ManagedBy: "fargate-as-code", Stack: "harness" } }] }],
    },
    variable: {
      secret_value: { type: "string", sensitive: true, ephemeral: true, nullable: false },
    },
    resource: {
      aws_cloudwatch_log_group: { logs: { name: "/harness/web", retention_in_days: 30 } },
      aws_ssm_parameter: {
        secret: {
          name: "/harness/PASSWORD",
          type: "SecureString",
          value_wo: "${var.secret_value}",
          value_wo_version: 1,
        },
      },
    },
  };
  edit(stack);
  return stack;
}

/** Plans without `terraform validate` unless asked: only the tests of validate itself read its output. */
const plan = (stack: any, name: string, vars: Record<string, string> = { secret_value: CANARY }, validate = false) =>
  planSynthesized(JSON.stringify(stack, null, 2), { name, vars, validate });

/** The error a plan is expected to fail with; the temp dir it names (kept for inspection) is removed. */
async function planFailure(stack: any, name: string): Promise<Error> {
  const error: Error = await plan(stack, name, undefined, true).then(
    () => new Error(`"${name}" planned, but it was expected to fail`),
    (thrown) => thrown,
  );
  const dir = /\(in ([^)\n]+)\)/.exec(error.message)?.[1];
  if (dir?.startsWith(os.tmpdir())) fs.rmSync(dir, { recursive: true, force: true });
  return error;
}

afterAll(() => cleanupPlannedStacks());

test("Terraform 1.11 or later is on PATH", () => {
  expect(terraformVersion()).toMatch(/^1\.(1[1-9]|[2-9]\d)\.\d+/);
});

describe("a tiny stack planned offline", () => {
  let planned: PlannedStack;
  beforeAll(async () => {
    planned = await plan(tinyStack(), "tiny", undefined, true);
  });

  test("validates and plans both resources", () => {
    expect(planned.validateOutput).toContain("The configuration is valid");
    expect(planned.plan.errored).toBe(false);
    expect(planned.plan.applyable).toBe(true);
    expect(planned.plan.resource_changes.map((change: any) => change.address).sort()).toEqual([
      "aws_cloudwatch_log_group.logs",
      "aws_ssm_parameter.secret",
    ]);
    expect(resourceChange(planned.plan, "aws_ssm_parameter.secret").change.actions).toEqual(["create"]);
  });

  test("the offline override merges into the stack's provider block: region and default_tags stay", () => {
    const provider = planned.plan.configuration.provider_config.aws.expressions;
    expect(provider.region).toEqual({ constant_value: "eu-west-1" });
    expect(provider.access_key).toEqual({ constant_value: "mock" });
    expect(provider.skip_requesting_account_id).toEqual({ constant_value: true });
    const [logGroup] = resourcesOfType(planned.plan, "aws_cloudwatch_log_group");
    expect(logGroup.values).toMatchObject({
      name: "/harness/web",
      retention_in_days: 30,
      tags_all: { ManagedBy: "fargate-as-code", Stack: "harness" },
    });
  });

  test("the write-only value is planned from the variable, and null in the plan", () => {
    const parameter = plannedResource(planned.plan, "aws_ssm_parameter.secret");
    expect(parameter.values).toMatchObject({ type: "SecureString", value_wo: null, value_wo_version: 1 });
    expect(resourceChange(planned.plan, "aws_ssm_parameter.secret").change.after_sensitive).toMatchObject({ value_wo: true });
    expect(configurationResource(planned.plan, "aws_ssm_parameter.secret").expressions.value_wo.references).toEqual([
      "var.secret_value",
    ]);
    expect(planned.plan.variables?.secret_value).toBeUndefined();
  });

  test("the secret value is nowhere: plan JSON, plan output, saved plan (raw and inflated), temp dir files", () => {
    expect(planned.planJsonText).not.toContain(CANARY);
    expect(fs.readFileSync(path.join(planned.dir, PLAN_FILE)).includes(Buffer.from(CANARY))).toBe(false);
    const entries = readPlanFileEntries(path.join(planned.dir, PLAN_FILE));
    expect([...entries.keys()]).toEqual(expect.arrayContaining(["tfplan", "tfstate", "tfconfig/m-/cdk.tf.json"]));
    expect(whereTextAppears(planned, CANARY)).toEqual([]);
  });

  test("the plan dir reuses the shared init: copied lock file, providers linked, state forced local", () => {
    const lock = fs.readFileSync(path.join(planned.dir, ".terraform.lock.hcl"), "utf8");
    expect(lock).toContain('provider "registry.terraform.io/hashicorp/aws"');
    expect(lock).toContain('version     = "5.100.0"');
    expect(fs.lstatSync(path.join(planned.dir, ".terraform", "providers")).isSymbolicLink()).toBe(true);
    const override = JSON.parse(fs.readFileSync(path.join(planned.dir, OVERRIDE_FILE), "utf8"));
    expect(override.terraform.backend).toEqual({ local: { path: "terraform.tfstate" } });
    expect(fs.existsSync("/nonexistent/dir")).toBe(false);
  });
});

test("within a run, the same stack with the same values is planned once: later plans get a copy; other values are planned anew", async () => {
  expect(process.env[PLAN_CACHE_ENV]).toBeTruthy(); // jest's global setup made this run's cache
  const first = await plan(tinyStack(), "reuse-first", undefined, true);
  const second = await plan(tinyStack(), "reuse-second", undefined, true);
  expect(second.fromCache).toBe(true);
  expect(second.timings.plan).toBe(0);
  expect(second.dir).not.toBe(first.dir);
  expect(second.planJsonText).toBe(first.planJsonText);
  expect(second.validateOutput).toContain("The configuration is valid");
  expect(fs.readFileSync(path.join(second.dir, PLAN_FILE))).toEqual(fs.readFileSync(path.join(first.dir, PLAN_FILE)));
  expect(whereTextAppears(second, CANARY)).toEqual([]);
  const otherValue = await plan(tinyStack(), "reuse-other", { secret_value: "another-value" });
  expect(otherValue.fromCache).toBe(false);
  expect(otherValue.validateOutput).toBe("");
});

test("the leak check finds a value that IS stored: a sensitive but not ephemeral variable lands in the saved plan", async () => {
  const planned = await plan(tinyStack((stack) => (stack.variable.secret_value.ephemeral = false)), "control");
  // Not visible in the compressed plan file bytes: only in its inflated tfplan entry (and the JSON).
  expect(fs.readFileSync(path.join(planned.dir, PLAN_FILE)).includes(Buffer.from(CANARY))).toBe(false);
  expect(whereTextAppears(planned, CANARY)).toEqual(expect.arrayContaining(["plan JSON", `${PLAN_FILE} entry tfplan`]));
});

test("a stack with an s3 backend still plans, with local state", async () => {
  const planned = await plan(
    tinyStack((stack) => (stack.terraform.backend = { s3: { bucket: "no-such-bucket", key: "harness.tfstate", region: "eu-west-1" } })),
    "s3-backend",
  );
  expect(resourcesOfType(planned.plan, "aws_ssm_parameter")).toHaveLength(1);
});

test("a stack with a cloud block still plans, with local state", async () => {
  const planned = await plan(
    tinyStack((stack) => {
      delete stack.terraform.backend;
      stack.terraform.cloud = { organization: "acme", workspaces: { name: "harness" } };
    }),
    "cloud-block",
  );
  expect(resourcesOfType(planned.plan, "aws_cloudwatch_log_group")).toHaveLength(1);
});

test("an aliased aws provider gets the offline settings too", async () => {
  const planned = await plan(
    tinyStack((stack) => {
      stack.provider.aws.push({ alias: "us_east_1", region: "us-east-1" });
      stack.resource.aws_cloudwatch_log_group.east = { provider: "aws.us_east_1", name: "/harness/east" };
    }),
    "alias",
  );
  expect(resourcesOfType(planned.plan, "aws_cloudwatch_log_group").map((group) => group.values.name).sort()).toEqual([
    "/harness/east",
    "/harness/web",
  ]);
});

test("planStack plans a stack dir as cdktf writes it, leaving that dir untouched", async () => {
  const stackDir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-stack-"));
  try {
    fs.writeFileSync(path.join(stackDir, "cdk.tf.json"), JSON.stringify(tinyStack()));
    fs.writeFileSync(path.join(stackDir, "terraform.tfstate"), "not state: must not be copied");
    const planned = await planStack(stackDir, { vars: { secret_value: CANARY }, validate: false });
    expect(resourcesOfType(planned.plan, "aws_ssm_parameter")).toHaveLength(1);
    expect(fs.existsSync(path.join(planned.dir, "terraform.tfstate"))).toBe(false);
    expect(fs.readdirSync(stackDir).sort()).toEqual(["cdk.tf.json", "terraform.tfstate"]);
  } finally {
    fs.rmSync(stackDir, { recursive: true, force: true });
  }
});

test("a terraform failure names the command and exit code, and never shows the variable values", async () => {
  const stack = tinyStack((stack) => {
    stack.variable.other_secret = { type: "string", sensitive: true, ephemeral: true };
    stack.resource.aws_ssm_parameter.other = {
      name: "/harness/OTHER",
      type: "SecureString",
      value_wo: "${var.other_secret}",
      value_wo_version: 1,
    };
  });
  const error = await planFailure(stack, "missing-var");
  expect(error.message).toContain("`terraform plan -input=false");
  expect(error.message).toContain("failed with exit code 1");
  expect(error.message).toContain('No value for required variable');
  expect(error.message).toContain("other_secret");
  expect(error.message).not.toContain(CANARY);
});

test("an invalid configuration fails at terraform validate", async () => {
  const stack = tinyStack((stack) => (stack.resource.aws_cloudwatch_log_group.logs.retention_in_days = "${aws_s3_bucket.none.id}"));
  const error = await planFailure(stack, "invalid");
  expect(error.message).toMatch(/`terraform validate -no-color` failed with exit code 1[\s\S]*undeclared resource/);
});
