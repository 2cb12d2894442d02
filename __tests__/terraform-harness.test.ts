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
  planDiagnostics,
  planStacks,
  planSynthesized,
  prefetchPlans,
  plannedResource,
  readPlanFileEntries,
  resourceChange,
  resourcesOfType,
  terraformVersion,
  whereTextAppears,
} from "./support/terraform";
import { BATCH_ROOT_FILE, batchRefusal } from "./support/plan-batch";
import { hclStack } from "./support/plan-hcl";
import { stacksToPlan as reviewHclStacks } from "./plans/review-hcl";
import { stacksToPlan as hardeningCostStacks } from "./plans/review-hardening-cost";

jest.setTimeout(300_000);

const CANARY = "canary-9f2c1d-not-in-plan";
/** The value of a variable that is sensitive but not ephemeral: Terraform stores it in the plan. */
const STORED_VALUE = "stored-4be7a2-in-plan";

/**
 * A tiny stack as cdktf writes it: a log group and a SecureString parameter set from an ephemeral variable;
 * its state in an S3 bucket that does not exist.
 */
function tinyStack(edit: (stack: any) => void = () => undefined): any {
  const stack = {
    "//": { metadata: { stackName: "harness" } },
    terraform: {
      required_providers: { aws: { source: "aws", version: "5.100.0" } },
      backend: { s3: { bucket: "no-such-bucket", key: "harness.tfstate", region: "us-west-2" } },
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

/** The tiny stack as a reviewer writes Terraform, in HCL, without its S3 backend (a plan's JSON shows none). */
const TINY_HCL = `terraform {
  required_providers {
    aws = { source = "aws", version = "5.100.0" }
  }
}

provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { ManagedBy = "fargate-as-code", Stack = "harness" }
  }
}

variable "secret_value" {
  type      = string
  sensitive = true
  ephemeral = true
  nullable  = false
}

resource "aws_cloudwatch_log_group" "logs" {
  name              = "/harness/web"
  retention_in_days = 30
}

resource "aws_ssm_parameter" "secret" {
  name             = "/harness/PASSWORD"
  type             = "SecureString"
  value_wo         = var.secret_value
  value_wo_version = 1
}
`;

/** The stack's JSON as the harness's tests write it: one text per stack, so that equal stacks share a plan. */
const asText = (stack: any) => JSON.stringify(stack, null, 2);

// Without refresh, the default for a stack with no prior state, as the batch proof below plans the tiny stack
// too: one plan of it serves both.
const plan = (stack: any, name: string, vars: Record<string, string> = { secret_value: CANARY }) => planSynthesized(asText(stack), { name, vars });

/** The error a plan is expected to fail with; the temp dir it names (kept for inspection) is removed. */
async function planFailure(stack: any, name: string): Promise<Error> {
  const error: Error = await plan(stack, name).then(
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
    planned = await plan(tinyStack(), "tiny");
  });

  test("plans both resources, with no warning", () => {
    expect(planDiagnostics(planned)).toEqual([]);
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

  test("the plan dir reuses the shared init: copied lock file without the checksums init verified, providers linked, state forced local", () => {
    const lock = fs.readFileSync(path.join(planned.dir, ".terraform.lock.hcl"), "utf8");
    expect(lock).toContain('provider "registry.terraform.io/hashicorp/aws"');
    expect(lock).toContain('version     = "5.100.0"');
    const providers = path.join(planned.dir, ".terraform", "providers");
    expect(fs.lstatSync(providers).isSymbolicLink()).toBe(true);
    // Terraform would hash the provider again on every command: init did, and its lock file keeps the result.
    expect(lock).not.toContain("hashes");
    expect(fs.readFileSync(path.join(fs.realpathSync(providers), "..", "..", ".terraform.lock.hcl"), "utf8")).toMatch(/hashes = \[\s*"h1:/);
    const override = JSON.parse(fs.readFileSync(path.join(planned.dir, OVERRIDE_FILE), "utf8"));
    expect(override.terraform.backend).toEqual({ local: { path: "terraform.tfstate" } });
  });
});

test("within a run, the same stack with the same values is planned once: later plans get a copy", async () => {
  expect(process.env[PLAN_CACHE_ENV]).toBeTruthy(); // jest's global setup made this run's cache
  const first = await plan(tinyStack(), "reuse-first");
  const second = await plan(tinyStack(), "reuse-second");
  expect(second.fromCache).toBe(true);
  expect(second.timings.plan).toBe(0);
  expect(second.dir).not.toBe(first.dir);
  expect(second.planJsonText).toBe(first.planJsonText);
  expect(second.planOutput).toBe(first.planOutput);
  expect(fs.readFileSync(path.join(second.dir, PLAN_FILE))).toEqual(fs.readFileSync(path.join(first.dir, PLAN_FILE)));
  expect(whereTextAppears(second, CANARY)).toEqual([]);
});

describe("several stacks in one Terraform run, each cut out as if planned alone", () => {
  /**
   * Every part the cut renames: aliases (one with the default provider's settings, as a FargateStack in
   * us-east-1 has: each keeps its own block), outputs (one sensitive), plain variables (one sensitive, whose
   * value the plan stores), a moved block, a prior state with an orphan on an alias; and a cloud block.
   */
  const upgraded = tinyStack((stack) => {
    delete stack.terraform.backend;
    stack.terraform.cloud = { organization: "acme", workspaces: { name: "harness" } };
    stack.variable.secret_value.ephemeral = false;
    stack.provider.aws.push({ alias: "us_east_1", region: "us-east-1" }, { ...stack.provider.aws[0], alias: "same_settings" });
    stack.resource.aws_cloudwatch_log_group.east = { provider: "aws.us_east_1", name: "/harness/east" };
    stack.resource.aws_cloudwatch_log_group.aliased = { provider: "aws.same_settings", name: "/harness/aliased" };
    stack.variable.retention = { type: "number" };
    stack.resource.aws_cloudwatch_log_group.logs.retention_in_days = "${var.retention}";
    stack.moved = [{ from: "aws_cloudwatch_log_group.old_logs", to: "aws_cloudwatch_log_group.logs" }];
    stack.output = {
      log_group: { value: "${aws_cloudwatch_log_group.logs.name}" },
      parameter_arn: { value: "${aws_ssm_parameter.secret.arn}", sensitive: true },
    };
  });
  const logGroup = (name: string, region: string) => ({
    schema_version: 0,
    attributes: {
      arn: `arn:aws:logs:${region}:123456789012:log-group:${name}`,
      id: name,
      kms_key_id: "",
      log_group_class: "STANDARD",
      name,
      name_prefix: "",
      retention_in_days: 30,
      skip_destroy: false,
      tags: null,
      tags_all: { ManagedBy: "fargate-as-code", Stack: "harness" },
    },
    sensitive_attributes: [],
    dependencies: ["aws_ssm_parameter.old"],
  });
  const provider = 'provider["registry.terraform.io/hashicorp/aws"]';
  const priorState = {
    version: 4,
    terraform_version: "1.11.4",
    serial: 3,
    lineage: "00000000-0000-4000-8000-000000000001",
    outputs: { log_group: { value: "/harness/web", type: "string" } },
    resources: [
      { mode: "managed", type: "aws_cloudwatch_log_group", name: "old_logs", provider, instances: [logGroup("/harness/web", "eu-west-1")] },
      { mode: "managed", type: "aws_cloudwatch_log_group", name: "gone", provider: `${provider}.us_east_1`, instances: [logGroup("/harness/gone", "us-east-1")] },
    ],
    check_results: null,
  };
  // The tiny stack as planned alone above (its state in S3, its provider shared with upgraded's default one).
  const stacks: Record<string, { stack: any; vars?: Record<string, string>; priorState?: object }> = {
    tiny: { stack: tinyStack() },
    upgraded: { stack: upgraded, vars: { secret_value: STORED_VALUE, retention: "14" }, priorState },
  };
  const toPlan = Object.entries(stacks).map(([name, { stack, vars, priorState }]) => ({
    stack: asText(stack),
    name,
    vars: vars ?? { secret_value: CANARY },
    priorState,
    // A prior state cannot be refreshed offline, and a batch plans all its stacks one way: the tiny stack,
    // with no state, skips the refresh by default, and so shares the batch.
    ...(priorState ? { refresh: false } : {}),
  }));
  const alone: Record<string, PlannedStack> = {};
  const batched: Record<string, PlannedStack> = {};
  beforeAll(async () => {
    const [aloneList, batchList] = await Promise.all([
      // Anew, but the tiny stack's: the run's plan cache holds its plan alone, made above. The batch's cuts are
      // kept out of the cache, where they would serve as the plans alone.
      Promise.all(toPlan.map(({ stack, ...options }) => planSynthesized(stack, { ...options, planAnew: options.name !== "tiny" }))),
      // With the tiny stack's HCL twin, which no test plans alone: its JSON twin's plan alone is its proof.
      planStacks([...toPlan, { stack: hclStack({ "main.tf": TINY_HCL }), name: "tiny-hcl", vars: { secret_value: CANARY } }].map((options) => ({ ...options, planAnew: true }))),
    ]);
    toPlan.forEach(({ name }, index) => {
      alone[name] = aloneList[index];
      batched[name] = batchList[index];
    });
    batched["tiny-hcl"] = batchList[toPlan.length];
  });
  // relevant_attributes come in no fixed order (two plans of one stack alone differ too), and a batch's may
  // hold more: what the root's re-exports of the stack's outputs read.
  const relevantAttributes = (plan: any) => (plan.relevant_attributes ?? []).map((item: any) => JSON.stringify(item));
  const withoutRunDetails = ({ timestamp, relevant_attributes, ...rest }: any) => rest;

  test.each(Object.keys(stacks))("%s: the batch's cut is the plan of the stack alone", (name) => {
    expect(batched[name].dir).not.toBe(alone[name].dir);
    expect(withoutRunDetails(batched[name].plan)).toEqual(withoutRunDetails(alone[name].plan));
    expect(relevantAttributes(batched[name].plan)).toEqual(expect.arrayContaining(relevantAttributes(alone[name].plan)));
    expect(JSON.parse(batched[name].planJsonText)).toEqual(batched[name].plan);
  });

  test("an HCL stack keeps its provider blocks in its module, the offline settings written into them; its cut is the plan of its JSON twin alone", () => {
    // But for JSON syntax, which shows a template's text as its constant value too: HCL's shows none.
    const asHcl = (plan: any) => JSON.parse(JSON.stringify(plan), (key, value) => (key === "constant_value" && /\$\{/.test(value) ? undefined : value));
    expect(withoutRunDetails(batched["tiny-hcl"].plan)).toEqual(withoutRunDetails(asHcl(alone.tiny.plan)));
    expect(relevantAttributes(batched["tiny-hcl"].plan)).toEqual(expect.arrayContaining(relevantAttributes(alone.tiny.plan)));
    const { dir } = batched["tiny-hcl"];
    const root = JSON.parse(fs.readFileSync(path.join(dir, BATCH_ROOT_FILE), "utf8"));
    expect(root.module.stack_3).toEqual({ source: "./stack_3", secret_value: "${var.stack_3__secret_value}" });
    expect(root.variable.stack_3__secret_value).toEqual({ type: "string", sensitive: true, ephemeral: true, nullable: false });
    expect(fs.readdirSync(path.join(dir, "stack_3"))).toEqual(["main.tf"]);
    expect(fs.readFileSync(path.join(dir, "stack_3", "main.tf"), "utf8")).toContain('provider "aws" {\n  access_key = "mock"\n');
    // As an override file beside it, the settings would make Terraform warn that the block is an empty proxy one.
    expect(planDiagnostics(batched["tiny-hcl"])).toEqual([]);
    expect(whereTextAppears(batched["tiny-hcl"], CANARY)).toEqual([]);
  });

  test("the cut renames what the batch prefixed: outputs, variables, provider keys, moved and orphaned resources", () => {
    const plan = batched.upgraded.plan;
    expect(plan.output_changes.log_group.after).toBe("/harness/web");
    expect(plan.output_changes.parameter_arn.after_sensitive).toBe(true);
    expect(plan.variables).toEqual({ retention: { value: "14" }, secret_value: { value: STORED_VALUE } });
    expect(resourceChange(plan, "aws_cloudwatch_log_group.logs")).toMatchObject({
      previous_address: "aws_cloudwatch_log_group.old_logs",
      change: { actions: ["update"], after: { retention_in_days: 14 } },
    });
    expect(resourceChange(plan, "aws_cloudwatch_log_group.gone").change.actions).toEqual(["delete"]);
    expect(configurationResource(plan, "aws_cloudwatch_log_group.east").provider_config_key).toBe("aws.us_east_1");
    expect(configurationResource(plan, "aws_cloudwatch_log_group.aliased").provider_config_key).toBe("aws.same_settings");
    expect(Object.keys(plan.configuration.provider_config).sort()).toEqual(["aws", "aws.same_settings", "aws.us_east_1"]);
    expect(plan.prior_state.values.root_module.resources.map((resource: any) => resource.address).sort()).toEqual([
      "aws_cloudwatch_log_group.gone",
      "aws_cloudwatch_log_group.logs", // moved: the prior state is shown after the move
    ]);
  });

  test("one Terraform run: one plan file, one aws provider block per distinct configuration (and per provider of a stack)", () => {
    const dirs = new Set(Object.values(batched).map((planned) => planned.dir));
    expect(dirs.size).toBe(1);
    const [dir] = dirs;
    const root = JSON.parse(fs.readFileSync(path.join(dir, BATCH_ROOT_FILE), "utf8"));
    // eu-west-1 with the default tags (both stacks' default provider, and upgraded's alias with the same
    // settings: the cut tells their resources apart by configuration), us-east-1 (upgraded's other alias)
    expect(root.provider.aws.map((block: any) => block.region).sort()).toEqual(["eu-west-1", "eu-west-1", "us-east-1"]);
    expect(root.provider.aws.every((block: any) => block.access_key === "mock" && block.skip_requesting_account_id === true)).toBe(true);
    const [tiny, upgradedCall] = Object.values(root.module).map((call: any) => call.providers);
    expect(tiny.aws).toBe(upgradedCall.aws);
    expect(upgradedCall["aws.same_settings"]).not.toBe(upgradedCall.aws);
    expect(whereTextAppears(batched.tiny, CANARY)).toEqual([]);
  });

  test("prefetchPlans plans ahead in one batch per refresh choice; planStacks asking meanwhile waits for their cuts; the same stack with another value or refresh is planned anew, and with no prior state plans the same with refresh", async () => {
    // With refresh, which a stack with no prior state skips unless told.
    const stackToPlan = (stack: any, name: string, vars: Record<string, string>) => ({ stack: asText(stack), name, vars, refresh: true });
    const prefetched = [
      stackToPlan(tinyStack(), "tiny-refreshed", { secret_value: CANARY }), // planned above without refresh
      stackToPlan(tinyStack(), "tiny-other-value", { secret_value: "another-value" }),
      // Another stack, with a deprecated argument: Terraform's warning is in the plan's output.
      stackToPlan(
        tinyStack((stack) => {
          stack.resource.aws_cloudwatch_log_group.logs.retention_in_days = 7;
          stack.resource.aws_iam_role = { legacy: { name: "harness-legacy", assume_role_policy: "{}", managed_policy_arns: [] } };
        }),
        "retention-7",
        { secret_value: CANARY },
      ),
    ];
    let prefetching!: Promise<void>;
    await new Promise<void>((locked, failed) => {
      prefetching = prefetchPlans(prefetched, locked);
      prefetching.catch(failed);
    });
    // The entries are locked: this waits for the prefetch.
    const [withoutRefresh, ...refreshed] = await planStacks([toPlan.find(({ name }) => name === "tiny")!, ...prefetched]);
    await prefetching;
    expect(withoutRefresh.fromCache).toBe(true); // the tiny stack's plan alone
    expect(withoutRefresh.planJsonText).toBe(alone.tiny.planJsonText);
    expect(refreshed.map((planned) => planned.fromCache)).toEqual([true, true, true]);
    // One Terraform run's output, a batch's (its modules), not the tiny stack's alone.
    expect(refreshed.map((planned) => planned.planOutput === refreshed[0].planOutput)).toEqual([true, true, true]);
    expect(refreshed[0].planOutput).toContain('"module.stack_3.aws_iam_role.legacy"');
    expect(refreshed[0].planOutput).not.toBe(alone.tiny.planOutput);
    expect(refreshed.map((planned) => resourcesOfType(planned.plan, "aws_cloudwatch_log_group")[0].values.retention_in_days)).toEqual([30, 30, 7]);
    // With no prior state, nothing to refresh: the plan with refresh is the plan without, which is the default.
    expect(withoutRunDetails(refreshed[0].plan)).toEqual(withoutRunDetails(alone.tiny.plan));
    expect(new Set(relevantAttributes(refreshed[0].plan))).toEqual(new Set(relevantAttributes(alone.tiny.plan)));
    expect(planDiagnostics(refreshed[2])).toEqual([expect.stringMatching(/^Warning: Argument is deprecated\n[\s\S]*managed_policy_arns/)]);
    expect(whereTextAppears(refreshed[0], CANARY)).toEqual([]);
    expect(whereTextAppears(refreshed[1], "another-value")).toEqual([]);
  });

  test("the leak check finds a value that IS stored: a sensitive but not ephemeral variable lands in the saved plan", () => {
    const planned = alone.upgraded;
    // Not visible in the compressed plan file bytes: only in its inflated tfplan entry (and the JSON).
    expect(fs.readFileSync(path.join(planned.dir, PLAN_FILE)).includes(Buffer.from(STORED_VALUE))).toBe(false);
    expect(whereTextAppears(planned, STORED_VALUE)).toEqual(expect.arrayContaining(["plan JSON", `${PLAN_FILE} entry tfplan`]));
  });

  test("a stack with an s3 backend or a cloud block still plans, with local state; an aliased provider gets the offline settings too", () => {
    expect(resourcesOfType(alone.tiny.plan, "aws_ssm_parameter")).toHaveLength(1); // the stack with the s3 backend
    expect(resourcesOfType(alone.upgraded.plan, "aws_ssm_parameter")).toHaveLength(1); // the stack with the cloud block
    expect(resourcesOfType(alone.upgraded.plan, "aws_cloudwatch_log_group").map((group) => group.values.name).sort()).toEqual([
      "/harness/aliased",
      "/harness/east",
      "/harness/web",
    ]);
  });
});

test("a batch that fails is planned stack by stack: the error is the failing stack's own", async () => {
  const missingVariable = tinyStack((stack) => (stack.variable.other_secret = { type: "string", ephemeral: true }));
  missingVariable.resource.aws_ssm_parameter.other = { name: "/harness/OTHER", type: "SecureString", value_wo: "${var.other_secret}", value_wo_version: 1 };
  const error: Error = await planStacks([
    { stack: JSON.stringify(missingVariable), name: "missing-other", vars: { secret_value: CANARY } },
    { stack: JSON.stringify(tinyStack()), name: "fine", vars: { secret_value: CANARY } }, // not planned: the first failure ends it
  ]).then(
    () => new Error("the batch planned, but it was expected to fail"),
    (thrown) => thrown,
  );
  expect(error.message).toMatch(/^"missing-other": `terraform plan/);
  expect(error.message).toContain("No value for required variable");
  expect(error.message).not.toContain(CANARY);
  const dir = /\(in ([^)\n]+)\)/.exec(error.message)?.[1];
  if (dir?.startsWith(os.tmpdir())) fs.rmSync(dir, { recursive: true, force: true });
});

test("a stack whose aws provider settings hold expressions, with import blocks, or in HCL the batch cannot read, is planned alone", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-refusal-"));
  try {
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(tinyStack()));
    expect(batchRefusal(dir)).toBeUndefined();
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(tinyStack((stack) => (stack.provider.aws[0].region = "${var.region}"))));
    expect(batchRefusal(dir)).toBe("its aws provider settings hold expressions");
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(tinyStack((stack) => (stack.import = [{ to: "aws_cloudwatch_log_group.logs", id: "/harness/web" }]))));
    expect(batchRefusal(dir)).toBe("it has import blocks, which only a root module may have");
    // HCL joins a batch only as far as its variables and outputs can be read.
    fs.rmSync(path.join(dir, "cdk.tf.json"));
    fs.writeFileSync(path.join(dir, "main.tf"), TINY_HCL);
    expect(batchRefusal(dir)).toBeUndefined();
    fs.writeFileSync(path.join(dir, "main.tf"), TINY_HCL.replace("  required_providers {", '  backend "s3" {}\n  required_providers {'));
    expect(batchRefusal(dir)).toBe("its terraform block has a backend or cloud block, which a child module's would not apply");
    fs.writeFileSync(path.join(dir, "main.tf"), TINY_HCL.replace("  nullable  = false", '  default   = "x"'));
    expect(batchRefusal(dir)).toBe(`its variable "secret_value" has a default, which a batch's plan would not show`);
    fs.writeFileSync(path.join(dir, "main.tf"), TINY_HCL.replace("  type      = string", "  type = object({\n    name = string\n  })"));
    expect(batchRefusal(dir)).toBe(`its variable "secret_value"'s type spans several lines`);
    fs.writeFileSync(path.join(dir, "main.tf"), `${TINY_HCL}\noutput "token" {\n  value     = var.secret_value\n  ephemeral = true\n}\n`);
    expect(batchRefusal(dir)).toBe(`its output "token" is ephemeral, which a root module cannot re-export`);
    fs.writeFileSync(path.join(dir, "main.tf"), `${TINY_HCL}\nmodule "child" {\n  source = "./child"\n}\n`);
    expect(batchRefusal(dir)).toBe("its HCL has a module block, which a batch's module cannot have");
    fs.writeFileSync(path.join(dir, "main.tf"), `${TINY_HCL}\nvariable "unused" {}\nprovider "aws" { alias = "east" }\n`);
    expect(batchRefusal(dir)).toBe('main.tf: the provider block at line 34 is written on one line, which the batch does not edit');
    fs.writeFileSync(path.join(dir, "main.tf"), `${TINY_HCL}\nvariable "unused" {}\nlocals {\n  policy = <<EOF\n{\n}\nEOF\n}\n`);
    expect(batchRefusal(dir)).toBe("main.tf has heredocs or block comments, which the batch's reader does not read");
    fs.writeFileSync(path.join(dir, "main.tf"), `${TINY_HCL}\nvariable "unused" {}\nprovider "aws" {}\n`);
    expect(batchRefusal(dir)).toBeUndefined();
    // The review's configurations (ARNs ending in /*, comments, nested blocks) all join it.
    expect([...reviewHclStacks(), ...hardeningCostStacks()].map(({ stack }) => batchRefusal(stack))).toEqual([undefined, undefined, undefined]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("planStack plans a stack dir as cdktf writes it, leaving that dir untouched", async () => {
  const stackDir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-stack-"));
  try {
    // The tiny stack's text: its plan is shared; what this test checks is what planStack copies.
    fs.writeFileSync(path.join(stackDir, "cdk.tf.json"), asText(tinyStack()));
    fs.writeFileSync(path.join(stackDir, "terraform.tfstate"), "not state: must not be copied");
    const planned = await planStack(stackDir, { vars: { secret_value: CANARY } });
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

test("an invalid configuration fails at terraform plan, with validate's message", async () => {
  const stack = tinyStack((stack) => (stack.resource.aws_cloudwatch_log_group.logs.retention_in_days = "${aws_s3_bucket.none.id}"));
  const error = await planFailure(stack, "invalid");
  expect(error.message).toMatch(/`terraform plan -input=false[^`]*` failed with exit code 1[\s\S]*Reference to undeclared resource/);
});
