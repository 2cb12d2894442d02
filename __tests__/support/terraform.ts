/**
 * The Terraform tier: runs the real Terraform CLI and the real hashicorp/aws provider on synthesized
 * stacks, offline and without an AWS account (`plan -out` and `show -json`; `plan` validates the configuration
 * first and prints validate's diagnostics).
 *
 * How a stack is made plannable offline, without touching the synthesized files:
 * - The stack is copied to a fresh temp dir and `zz_offline_override.tf.json` is written beside it.
 *   Terraform merges `*_override.tf.json` into the blocks with the same header: the override's
 *   `provider "aws"` entries (one per alias the stack declares, plus the default one) add mock keys
 *   and the skip_* switches, while the stack's region and default_tags stay; its
 *   `terraform.backend "local"` replaces the stack's `backend` or `cloud` block, so state is local.
 * - Provider installation happens once: `terraform init` runs in a shared dir under os.tmpdir(),
 *   keyed by everything that decides its result (Terraform version, CLI config, mirror contents,
 *   required_providers). It is guarded by a mkdir lock and published by an atomic rename, so
 *   parallel jest workers share it and later runs reuse it. Each plan dir gets a copy of its
 *   `.terraform.lock.hcl` (without the checksums init verified) and of `.terraform/terraform.tfstate` (the backend settings, the same
 *   relative local path everywhere) and a symlink to its `.terraform/providers`: no init per plan.
 * - `FARGATE_TF_PLUGIN_MIRROR` (a filesystem mirror dir, the parent of `registry.terraform.io`)
 *   makes hashicorp/aws install from that mirror; otherwise the normal registry installation runs.
 *   Either way the harness writes its own CLI config and passes it as TF_CLI_CONFIG_FILE.
 * - Within one jest run, a plan is made once: `FARGATE_TF_PLAN_CACHE` (a fresh dir per run, from
 *   __tests__/support/global-setup.js) holds each plan's products (plan file, its JSON, Terraform's output),
 *   keyed by the content of every file planned (configuration, override, lock file, prior state), the
 *   variable values, the plan options, and the shared init dir (which stands for the Terraform version, CLI
 *   config, mirror and providers). A second plan of the same key, in any file or worker, copies them into its
 *   own fresh dir instead of running Terraform; while the first is still planning, it waits on its lock.
 *   Failed plans are not cached. Without the variable (a script, another runner) every plan runs.
 * - A plan may start from a given state (`priorState`, written as the plan dir's local state file) and
 *   skip the refresh (`refresh: false`, which would call AWS): how an upgrade is planned offline, see
 *   prior-state.ts. Without a prior state there is nothing to refresh, and a plan skips it unless told
 *   otherwise: stacks with and without a prior state then share a batch (the harness proves that such a plan
 *   is the same either way). `providerSchemas()` reads the provider schemas in the shared init dir.
 * - Terraform runs with TF_* and AWS_* variables removed from its environment (no TF_CLI_ARGS,
 *   TF_LOG, TF_DATA_DIR, AWS_PROFILE... from the caller's shell), with checkpoint calls off.
 *   Variable values are passed only as TF_VAR_<name> (never in argv) and are redacted from error
 *   messages (values of 3 characters or more).
 *
 * Missing Terraform is an error, never a skip.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { BatchMember, MemberLayout, batchRefusal, isHcl, layOutBatch, memberPlan } from "./plan-batch";
import { asArray, readConfigFiles, sortKeys } from "./terraform-json";

export interface PlanOptions {
  /** Values of the stack's input variables, passed as TF_VAR_<name>; never written or printed. */
  vars?: Record<string, string>;
  /** A label for the temp dir and error messages. */
  name?: string;
  /**
   * A Terraform state (format version 4, as an object or its JSON text) to plan against: written as
   * the plan dir's local state file before `terraform plan`, so the plan shows the changes from it.
   */
  priorState?: object | string;
  /**
   * false: plan with `-refresh=false` (the prior state is taken as it is; refreshing would call AWS).
   * @default true with a prior state; false without one, which has nothing to refresh
   */
  refresh?: boolean;
  /**
   * true: plan with Terraform even when this run planned the same stack already (alone, or in a batch whose
   * cut the plan cache keeps), and keep the plan out of the cache: for the harness's proof that a batch's
   * cut is the stack's plan alone.
   * @default false
   */
  planAnew?: boolean;
}

export interface PlannedStack {
  /** The temp dir the plan ran in (kept until removePlannedStack / cleanupPlannedStacks). */
  dir: string;
  /** `terraform show -json` of the saved plan, parsed. */
  plan: any;
  /** The same JSON, as Terraform printed it. */
  planJsonText: string;
  /**
   * What `terraform plan -json` printed: its machine-readable messages, one JSON object a line (stdout), then
   * stderr. planDiagnostics() reads its warnings and errors. Plans run with `-json`: Terraform's
   * human-readable rendering of every change costs CPU (a seventh of a batch's plan, most of it on the WAF
   * web ACLs' deeply nested rules) and shows nothing the plan JSON does not hold.
   */
  planOutput: string;
  /** Milliseconds spent: `init` is 0 when the shared init dir was already there; `plan` and `show` are 0 when fromCache. */
  timings: { init: number; plan: number; show: number };
  /** true: this run had already planned the same configuration with the same options; its products were copied here. */
  fromCache: boolean;
}

export const MIRROR_ENV = "FARGATE_TF_PLUGIN_MIRROR";
/** The dir of this run's plan cache (set by jest's global setup); unset: every plan runs Terraform. */
export const PLAN_CACHE_ENV = "FARGATE_TF_PLAN_CACHE";
export const OVERRIDE_FILE = "zz_offline_override.tf.json";
export const PLAN_FILE = "plan.tfplan";
const LOCAL_STATE = "terraform.tfstate";
const MIN_VERSION = [1, 11, 0]; // ephemeral variables (1.10) and write-only attributes (1.11)
const HARNESS_VERSION = "1";
const SHARED_ROOT = path.join(os.tmpdir(), "fargate-tf-shared");
export const PLAN_DIR_PREFIX = "fargate-tf-plan-";
const STALE_PLAN_DIR_MS = 6 * 3600_000;
const INIT_TIMEOUT_MS = 20 * 60_000;
const COMMAND_TIMEOUT_MS = 10 * 60_000;
const LOCK_WAIT_MS = 25 * 60_000;
const MAX_ERROR_OUTPUT = 6000;

const OFFLINE_PROVIDER_SETTINGS = {
  access_key: "mock",
  secret_key: "mock",
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
};

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** The version of the `terraform` on PATH ("1.11.4"); throws when it is missing or older than 1.11. */
export function terraformVersion(): string {
  if (cachedVersion) return cachedVersion;
  // Every test file (a fresh module registry) asks: the answer is kept beside the shared init, keyed by the
  // binary that would run, so that a different or replaced terraform is asked again.
  const binary = terraformOnPath();
  const stat = binary && fs.statSync(binary);
  const answerFile = stat && path.join(SHARED_ROOT, `version-${sha256(`${binary}\0${stat.size}\0${stat.mtimeMs}`).slice(0, 16)}.json`);
  let output = answerFile ? readIfExists(answerFile) : undefined;
  if (output === undefined) output = askTerraformVersion();
  const version = String(JSON.parse(output).terraform_version ?? "");
  const parts = (/^(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  const differs = MIN_VERSION.findIndex((min, i) => parts[i] !== min);
  if (parts.length !== 3 || (differs >= 0 && parts[differs] < MIN_VERSION[differs])) {
    throw new Error(`Terraform tier: needs Terraform >= ${MIN_VERSION.join(".")}, found "${version}" on PATH`);
  }
  if (answerFile) {
    fs.mkdirSync(SHARED_ROOT, { recursive: true });
    writeAtomically(answerFile, output);
  }
  cachedVersion = version;
  return version;
}

function askTerraformVersion(): string {
  try {
    return execFileSync("terraform", ["version", "-json"], {
      env: terraformEnv(os.devNull),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
  } catch (error: any) {
    if (error?.code === "ENOENT") throw new Error(missingTerraformMessage());
    throw new Error(
      `Terraform tier: \`terraform version -json\` failed (exit code ${error?.status ?? "?"}): ` +
        trimOutput(String(error?.stderr ?? error?.message ?? error)),
    );
  }
}

/** The file `terraform` runs as, found on PATH as spawn finds it; undefined when there is none. */
function terraformOnPath(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const file = path.resolve(dir || ".", "terraform");
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here: the next PATH entry
    }
  }
  return undefined;
}

/**
 * Plans a synthesized stack dir (one holding cdk.tf.json, like cdktf.out/stacks/<stack>): copies it
 * to a fresh temp dir (without any .terraform, state or plan files), makes it plannable offline, and
 * runs `terraform plan -out plan.tfplan` and `terraform show -json plan.tfplan`.
 */
export async function planStack(stackDir: string, options: PlanOptions = {}): Promise<PlannedStack> {
  const source = path.resolve(stackDir);
  if (!fs.statSync(source, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`planStack: ${source} is not a directory`);
  }
  if (!fs.readdirSync(source).some((file) => file.endsWith(".tf.json") || file.endsWith(".tf"))) {
    throw new Error(`planStack: ${source} holds no Terraform configuration (expected cdk.tf.json)`);
  }
  return planInDir(copyStackDir(source, options), options);
}

/** A stack dir copied to a fresh plan dir, without what an earlier local terraform run left there. */
function copyStackDir(source: string, options: PlanOptions): string {
  const dir = newPlanDir(options.name ?? path.basename(source));
  copyStackFiles(source, dir);
  return dir;
}

/** A stack's files copied to `target`, without what an earlier local terraform run left there. */
function copyStackFiles(source: string, target: string): void {
  fs.cpSync(source, target, { recursive: true, filter: (from) => from === source || !isLocalArtifact(path.basename(from)) });
}

/**
 * Plans synthesized Terraform JSON: the string `Testing.synth(stack)` returns (written as
 * cdk.tf.json in a fresh temp dir), or the outdir `Testing.fullSynth(stack)` returns (its only
 * stacks/<stack> dir is planned). See planStack.
 */
export async function planSynthesized(cdkTfJson: string, options: PlanOptions = {}): Promise<PlannedStack> {
  if (!cdkTfJson.trimStart().startsWith("{")) {
    return planStack(synthesizedStackDir(cdkTfJson.trim()), options);
  }
  return planInDir(writeSynthesized(cdkTfJson, options.name ?? "synth"), options);
}

/** Synthesized Terraform JSON written as cdk.tf.json in a fresh plan dir (its path returned); throws when it is not JSON. */
function writeSynthesized(cdkTfJson: string, name: string): string {
  try {
    JSON.parse(cdkTfJson);
  } catch (error) {
    throw new Error(`planSynthesized: the synthesized configuration is not valid JSON: ${(error as Error).message}`);
  }
  const dir = newPlanDir(name);
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), cdkTfJson);
  return dir;
}

/**
 * Initializes a stack's state backend as `terraform init` does, offline: a fresh temp dir holding only the
 * `backend` or `cloud` settings of `terraformBlock` (no provider to install: the plans check the rest), and
 * returns what init printed, whether it succeeded or not. Init checks the settings against the backend's
 * schema (`terraform validate` does not look at them), then reaches the backend: a local one initializes, a
 * cloud or S3 one then fails. Hermetic on any machine: no credentials (AWS's files pointed at nothing) and
 * no network (every request through a proxy that refuses it), so that no test ever reaches a real service.
 */
export async function initBackend(terraformBlock: { backend?: unknown; cloud?: unknown }, name = "backend"): Promise<{ initialized: boolean; output: string }> {
  terraformVersion();
  const dir = newPlanDir(name);
  plannedDirs.add(dir);
  const { backend, cloud } = terraformBlock;
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: { backend, cloud } }));
  const nowhere = "http://127.0.0.1:9"; // the discard port, closed on any usual machine: a request fails at once
  const env = {
    ...terraformEnv(writeCliConfig()),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "no-credentials"),
    AWS_CONFIG_FILE: path.join(dir, "no-config"),
    HTTPS_PROXY: nowhere,
    HTTP_PROXY: nowhere,
    NO_PROXY: "",
    no_proxy: "",
  };
  return runTerraform(["init", "-input=false", "-no-color"], dir, env, { label: name, secrets: [] }).then(
    ({ stdout, stderr }) => ({ initialized: true, output: stdout + stderr }),
    (error: Error) => ({ initialized: false, output: error.message }),
  );
}

/**
 * `terraform providers schema -json`, parsed, for the providers a synthesized configuration requires
 * (its Terraform JSON text; hashicorp/aws when it requires none). Runs in the shared init dir the
 * plans use (no init of its own) and is cached there and in memory: the provider's schema versions
 * and attribute types, e.g. `.provider_schemas["registry.terraform.io/hashicorp/aws"].resource_schemas`.
 */
export async function providerSchemas(cdkTfJson = "{}"): Promise<any> {
  terraformVersion();
  let json: any;
  try {
    json = JSON.parse(cdkTfJson);
  } catch (error) {
    throw new Error(`providerSchemas: the configuration is not valid JSON: ${(error as Error).message}`);
  }
  const requiredProviders: Record<string, any> = {};
  for (const block of asArray(json?.terraform)) {
    for (const providers of asArray(block?.required_providers)) Object.assign(requiredProviders, providers);
  }
  if (Object.keys(requiredProviders).length === 0) requiredProviders.aws = { source: "hashicorp/aws" };
  const cliConfigFile = writeCliConfig();
  const init = await sharedInit(requiredProviders, cliConfigFile);
  let pending = schemaCache.get(init.dir);
  if (!pending) {
    pending = (async () => {
      const cached = path.join(init.dir, "providers-schema.json");
      let text = readIfExists(cached);
      if (text === undefined) {
        const env = terraformEnv(cliConfigFile);
        text = (await runTerraform(["providers", "schema", "-json"], init.dir, env, { label: "providers schema", secrets: [] })).stdout;
        JSON.parse(text); // only a complete answer is cached
        writeAtomically(cached, text);
      }
      return JSON.parse(text);
    })();
    schemaCache.set(init.dir, pending);
    pending.catch(() => schemaCache.delete(init.dir));
  }
  return pending;
}

/** Removes a planned stack's temp dir. */
export function removePlannedStack(planned: PlannedStack): void {
  fs.rmSync(planned.dir, { recursive: true, force: true });
  plannedDirs.delete(planned.dir);
}

/** Removes the temp dirs of every stack this process planned successfully (call it in afterAll). */
export function cleanupPlannedStacks(): void {
  for (const dir of plannedDirs) fs.rmSync(dir, { recursive: true, force: true });
  plannedDirs.clear();
}

// ---------------------------------------------------------------------------------------------
// Assertion helpers on `terraform show -json` output
// ---------------------------------------------------------------------------------------------

/** Managed resources of a type in planned_values, root module and child modules alike. */
export function resourcesOfType(plan: any, type: string): any[] {
  const found: any[] = [];
  const walk = (module: any) => {
    if (!module) return;
    for (const resource of module.resources ?? []) {
      if (resource.type === type && resource.mode === "managed") found.push(resource);
    }
    for (const child of module.child_modules ?? []) walk(child);
  };
  walk(plan?.planned_values?.root_module);
  return found;
}

/** One resource of planned_values by address (its `values` hold what is known at plan time). */
export function plannedResource(plan: any, address: string): any {
  const all: any[] = [];
  const walk = (module: any) => {
    if (!module) return;
    all.push(...(module.resources ?? []));
    for (const child of module.child_modules ?? []) walk(child);
  };
  walk(plan?.planned_values?.root_module);
  return findByAddress(all, address, "planned_values");
}

/** The resource_changes entry for an address: `change.actions`, `change.after`, `change.after_unknown`... */
export function resourceChange(plan: any, address: string): any {
  return findByAddress(plan?.resource_changes ?? [], address, "resource_changes");
}

/**
 * A root module resource as configured: `expressions` maps each argument to `{ constant_value }`
 * or `{ references: [...] }`, which tells what a value unknown at plan time will come from.
 */
export function configurationResource(plan: any, address: string): any {
  return findByAddress(plan?.configuration?.root_module?.resources ?? [], address, "configuration.root_module");
}

/**
 * Every place the exact text appears in what a plan left behind: the plan JSON, the plan output,
 * every file of the plan dir (symlinks such as .terraform/providers are not followed),
 * and every entry of the saved plan file, inflated (it is a zip archive: a raw byte search of it
 * cannot see a value stored compressed). [] when it appears nowhere.
 */
export function whereTextAppears(planned: PlannedStack, text: string): string[] {
  if (!text) throw new Error("whereTextAppears: empty text");
  const needle = Buffer.from(text);
  const places: string[] = [];
  if (planned.planJsonText.includes(text)) places.push("plan JSON");
  if (planned.planOutput.includes(text)) places.push("plan output");
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && fs.readFileSync(file).includes(needle)) places.push(path.relative(planned.dir, file));
    }
  };
  walk(planned.dir);
  for (const [name, content] of readPlanFileEntries(path.join(planned.dir, PLAN_FILE))) {
    if (content.includes(needle)) places.push(`${PLAN_FILE} entry ${name}`);
  }
  return places;
}

/**
 * The warnings and errors of a plan's output, each once, as Terraform prints them for people:
 * "Warning: <summary>" or "Error: <summary>", then where and the detail. [] when there are none.
 */
export function planDiagnostics(planned: Pick<PlannedStack, "planOutput">): string[] {
  return diagnosticsOf(planned.planOutput);
}

function diagnosticsOf(jsonLines: string): string[] {
  const found: string[] = [];
  for (const line of jsonLines.split("\n")) {
    let message: any;
    try {
      message = JSON.parse(line);
    } catch {
      continue; // stderr's text, or not a message
    }
    const diagnostic = message?.type === "diagnostic" ? message.diagnostic : undefined;
    if (!diagnostic) continue;
    const where = diagnostic.range ? `\n  on ${diagnostic.range.filename} line ${diagnostic.range.start?.line}` : "";
    const code = diagnostic.snippet?.code ? `:\n  ${diagnostic.snippet.code.trim()}` : "";
    const detail = diagnostic.detail ? `\n\n${diagnostic.detail}` : "";
    found.push(`${diagnostic.severity === "error" ? "Error" : "Warning"}: ${diagnostic.summary}${where}${code}${detail}`);
  }
  return [...new Set(found)]; // validation's, repeated by the plan's walk
}

/** The entries of a saved plan file (a zip archive: tfplan, tfstate, tfconfig/..., lock file), inflated. */
export function readPlanFileEntries(planFile: string): Map<string, Buffer> {
  const zip = fs.readFileSync(planFile);
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${planFile} is not a zip archive`);
  const entries = new Map<string, Buffer>();
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${planFile}: bad zip central directory`);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (size === 0xffffffff || local === 0xffffffff) throw new Error(`${planFile}: zip64 entries are not supported`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    if (method === 0) entries.set(name, data);
    else if (method === 8) entries.set(name, zlib.inflateRawSync(data));
    else throw new Error(`${planFile}: entry ${name} uses zip method ${method}`);
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Planning
// ---------------------------------------------------------------------------------------------

let cachedVersion: string | undefined;
const sharedInits = new Map<string, Promise<{ dir: string; ms: number }>>();
const plannedDirs = new Set<string>();
const schemaCache = new Map<string, Promise<any>>();
let sweptOldPlanDirs = false;

async function planInDir(dir: string, options: PlanOptions): Promise<PlannedStack> {
  return keepingFailedPlanDir(dir, async () => {
    const ready = await readyAlone(dir, options);
    const run = await runPlan(dir, ready, options);
    const plan = parsePlanJson(run.products.planJsonText, ready.label, dir);
    plannedDirs.add(dir);
    return { dir, plan, planJsonText: run.products.planJsonText, ...plannedRun(run) };
  });
}

/** A plan dir ready for `terraform plan`: its configuration, the shared init's providers, and its plan cache key. */
interface ReadyDir {
  label: string;
  vars: Record<string, string>;
  init: { dir: string; ms: number };
  cliConfigFile: string;
  key: string;
}

/** A dir holding one stack made ready to plan alone: its prior state, the offline override, the shared init. */
async function readyAlone(dir: string, options: PlanOptions): Promise<ReadyDir> {
  const label = options.name ? `"${options.name}"` : dir;
  const vars = options.vars ?? {};
  checkVariables(label, vars);
  if (options.priorState !== undefined) writePriorState(dir, label, options.priorState);
  terraformVersion();
  const config = readStackConfig(dir);
  fs.writeFileSync(path.join(dir, OVERRIDE_FILE), JSON.stringify(offlineOverride(config.awsAliases), null, 2) + "\n");
  return readyDir(dir, label, config.requiredProviders, vars, options);
}

async function readyDir(
  dir: string,
  label: string,
  requiredProviders: Record<string, any>,
  vars: Record<string, string>,
  options: PlanOptions,
): Promise<ReadyDir> {
  const { init, cliConfigFile } = await linkSharedInit(dir, requiredProviders);
  // The local backend the override sets, as the shared init initialized it: no init per plan.
  fs.copyFileSync(path.join(init.dir, ".terraform", "terraform.tfstate"), path.join(dir, ".terraform", "terraform.tfstate"));
  return { label, vars, init, cliConfigFile, key: planKey(dir, init.dir, vars, options) };
}

/**
 * The shared init's lock file copied into `dir` and its installed providers linked there, as `terraform init`
 * would leave them, but for the providers' checksums: the shared init checked the providers against them when
 * it installed them, and with them Terraform hashes every provider again on every command (all 700 MB of
 * hashicorp/aws, half a second of CPU each time).
 */
async function linkSharedInit(dir: string, requiredProviders: Record<string, any>): Promise<Pick<ReadyDir, "init" | "cliConfigFile">> {
  const cliConfigFile = writeCliConfig();
  const init = await sharedInit(requiredProviders, cliConfigFile);
  const lock = fs.readFileSync(path.join(init.dir, ".terraform.lock.hcl"), "utf8");
  fs.writeFileSync(path.join(dir, ".terraform.lock.hcl"), lock.replace(/^[ \t]*hashes[ \t]*=[ \t]*\[[^\]]*\][ \t]*\n/gm, ""));
  fs.mkdirSync(path.join(dir, ".terraform"), { recursive: true });
  fs.symlinkSync(path.join(init.dir, ".terraform", "providers"), path.join(dir, ".terraform", "providers"), "dir");
  return { init, cliConfigFile };
}

/**
 * Plans the stacks in one Terraform run (see plan-batch.ts) and gives each its own plan, cut out of the
 * batch's as if it had been planned alone; `dir`, `planOutput` and `timings` are the
 * batch's. Stacks planned with refresh and without it go in two batches. A stack that cannot join a batch
 * (plan-batch.ts's batchRefusal), or a batch of one, is planned alone. When a batch fails, its stacks are
 * planned alone one by one until one fails, so that the error is that stack's own.
 *
 * Within a jest run, a stack this run already planned (alone, or in any batch: the cut of a batch is kept in
 * the plan cache under the key of the stack alone) is not planned again, and one being planned by another
 * process (prefetchPlans) is waited for.
 */
export async function planStacks(stacks: StackToPlan[]): Promise<PlannedStack[]> {
  const sources = stacks.map(({ stack }) => stackSource(stack));
  const planAlone = (index: number) => {
    const { stack, ...options } = stacks[index];
    return planStack(sources[index], options);
  };
  const results = new Map<number, PlannedStack>();
  const keys = new Map<number, string>();
  const toBatch: number[] = [];
  for (const [index, source] of sources.entries()) {
    if (batchRefusal(source)) continue;
    const { key, planned } = stacks[index].planAnew ? {} : await plannedEarlier(source, stacks[index]);
    if (planned) results.set(index, planned);
    else {
      if (key) keys.set(index, key);
      toBatch.push(index);
    }
  }
  for (const [refresh, batched] of batchesByRefresh(toBatch, (index) => stacks[index])) {
    const dir = newPlanDir("batch");
    try {
      const members = await planBatch(dir, refresh, batched.map((index) => ({ source: sources[index], options: stacks[index] })));
      batched.forEach((index, position) => {
        results.set(index, members[position]);
        publishCut(keys.get(index), members[position]);
      });
    } catch (error) {
      try {
        for (const index of batched) results.set(index, await planAlone(index));
      } catch (ownError) {
        fs.rmSync(dir, { recursive: true, force: true }); // the failing stack's own plan dir is kept instead
        throw ownError;
      }
      throw error; // every stack planned alone: the batch itself is at fault
    }
  }
  for (let index = 0; index < stacks.length; index++) {
    if (!results.has(index)) results.set(index, await planAlone(index));
  }
  return stacks.map((_, index) => results.get(index)!);
}

/**
 * Plans stacks ahead, for the test files of this jest run that will ask for them (run by
 * __tests__/support/prefetch-plans.js, which jest's global setup starts): locks each stack's plan cache
 * entry, calls `locked` (from then on a test file that asks for one of them waits for it), plans them in
 * batches as planStacks does, and publishes each stack's cut. Stacks that planStacks would plan alone, are
 * already cached or locked elsewhere, or would make a batch of one are left to the test files; so is every
 * stack of a batch that fails, whose test files then plan it and report its own error.
 */
export async function prefetchPlans(stacks: StackToPlan[], locked: () => void): Promise<void> {
  const cacheRoot = process.env[PLAN_CACHE_ENV];
  if (!cacheRoot) return locked();
  const held: string[] = [];
  try {
    const toBatch: Array<{ source: string; options: StackToPlan; key: string }> = [];
    for (const options of stacks) {
      const source = stackSource(options.stack);
      if (batchRefusal(source)) continue;
      const key = await aloneKey(source, options);
      const entry = path.join(cacheRoot, key);
      if (fs.existsSync(entry) || !tryLock(`${entry}.lock`)) continue;
      held.push(`${entry}.lock`);
      toBatch.push({ source, options, key });
    }
    locked();
    for (const [refresh, members] of batchesByRefresh(toBatch, ({ options }) => options)) {
      const planned = await planBatch(newPlanDir("prefetch"), refresh, members);
      members.forEach(({ key }, index) => publishCut(key, planned[index]));
    }
  } finally {
    for (const lock of held) fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Whether a plan refreshes: see PlanOptions.refresh. */
function refreshes(options: PlanOptions): boolean {
  return options.refresh ?? options.priorState !== undefined;
}

/** Stacks grouped in batches: a batch plans all its stacks with refresh or all without. A group of one is no batch. */
function batchesByRefresh<T>(stacks: T[], optionsOf: (stack: T) => PlanOptions): Map<boolean, T[]> {
  const batches = new Map<boolean, T[]>();
  for (const stack of stacks) {
    const refresh = refreshes(optionsOf(stack));
    batches.set(refresh, [...(batches.get(refresh) ?? []), stack]);
  }
  for (const [refresh, batched] of batches) if (batched.length < 2) batches.delete(refresh);
  return batches;
}

/** The key of a stack planned alone, and its plan if this run made it already (waiting while another process makes it). */
async function plannedEarlier(source: string, options: PlanOptions): Promise<{ key?: string; planned?: PlannedStack }> {
  const cacheRoot = process.env[PLAN_CACHE_ENV];
  if (!cacheRoot) return {};
  const dir = copyStackDir(source, options);
  try {
    const ready = await readyAlone(dir, options);
    const entry = path.join(cacheRoot, ready.key);
    await lockReleased(`${entry}.lock`, "plan cache");
    const products = reuseCached(entry, dir);
    if (!products) {
      fs.rmSync(dir, { recursive: true, force: true });
      return { key: ready.key };
    }
    plannedDirs.add(dir);
    const plan = parsePlanJson(products.planJsonText, ready.label, dir);
    return { key: ready.key, planned: { dir, plan, planJsonText: products.planJsonText, planOutput: products.planOutput, timings: { init: 0, plan: 0, show: 0 }, fromCache: true } };
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The plan cache key of a stack planned alone. */
async function aloneKey(source: string, options: PlanOptions): Promise<string> {
  const dir = copyStackDir(source, options);
  try {
    return (await readyAlone(dir, options)).key;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A batch member's cut, kept in the plan cache under its key alone, with the batch's plan file. */
function publishCut(key: string | undefined, member: PlannedStack): void {
  const cacheRoot = process.env[PLAN_CACHE_ENV];
  if (!cacheRoot || !key) return;
  publish(path.join(cacheRoot, key), member.dir, [PLAN_FILE], { planJsonText: member.planJsonText, planOutput: member.planOutput });
}

/** A stack for planStacks: its source as planStack or planSynthesized take it, and its own options. */
export interface StackToPlan extends PlanOptions {
  /** A synthesized stack dir, a `Testing.fullSynth` outdir holding one stack, `Testing.synth`'s JSON, or a dir of HCL files. */
  stack: string;
}

async function planBatch(dir: string, refresh: boolean, members: Array<{ source: string; options: PlanOptions }>): Promise<PlannedStack[]> {
  const label = `batch of ${members.map(({ options }, index) => `"${options.name ?? `stack ${index + 1}`}"`).join(", ")}`;
  return keepingFailedPlanDir(dir, async () => {
    const batchMembers: BatchMember[] = members.map(({ source, options }, index) => {
      const vars = options.vars ?? {};
      checkVariables(`"${options.name ?? source}"`, vars);
      const key = `stack_${index + 1}`;
      copyStackFiles(source, path.join(dir, key));
      return { key, vars, priorState: options.priorState };
    });
    terraformVersion();
    const layout = layOutBatch(dir, batchMembers, OFFLINE_PROVIDER_SETTINGS);
    if (layout.priorState !== undefined) writePriorState(dir, label, layout.priorState);
    const run = await runPlan(dir, await readyDir(dir, label, layout.requiredProviders, layout.vars, { refresh }), { refresh });
    const batchPlan = parsePlanJson(run.products.planJsonText, label, dir);
    plannedDirs.add(dir);
    return layout.members.map((member: MemberLayout) => {
      const plan = memberPlan(batchPlan, member);
      return { dir, plan, planJsonText: JSON.stringify(plan), ...plannedRun(run) };
    });
  });
}

/** A planStacks source as a stack dir: JSON text is written to a fresh dir. */
function stackSource(stack: string): string {
  if (!stack.trimStart().startsWith("{")) return synthesizedStackDir(stack.trim());
  const dir = writeSynthesized(stack, "source");
  plannedDirs.add(dir);
  return dir;
}

/** A failing terraform command leaves its dir for inspection (its path is in the message); a failure before any ran leaves nothing worth keeping. */
async function keepingFailedPlanDir<T>(dir: string, plan: () => Promise<T>): Promise<T> {
  try {
    return await plan();
  } catch (error) {
    if (!fs.existsSync(path.join(dir, ".terraform", "terraform.tfstate"))) fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function checkVariables(label: string, vars: Record<string, string>): void {
  for (const name of Object.keys(vars)) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new Error(`${label}: invalid variable name "${name}"`);
    if (typeof vars[name] !== "string") throw new Error(`${label}: variable "${name}" must be given as a string`);
  }
}

function writePriorState(dir: string, label: string, priorState: object | string): void {
  const state = typeof priorState === "string" ? priorState : JSON.stringify(priorState, null, 2);
  if (JSON.parse(state)?.version !== 4) throw new Error(`${label}: priorState must be a Terraform state of format version 4`);
  fs.writeFileSync(path.join(dir, LOCAL_STATE), state);
}

interface PlanRun {
  products: PlanProducts;
  timings: PlannedStack["timings"];
  fromCache: boolean;
}

function plannedRun(run: PlanRun): Pick<PlannedStack, "planOutput" | "timings" | "fromCache"> {
  return { planOutput: run.products.planOutput, timings: run.timings, fromCache: run.fromCache };
}

function parsePlanJson(text: string, label: string, dir: string): any {
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${label}: terraform show -json printed no JSON (${(error as Error).message}): ${trimOutput(text)}`);
  }
  if (parsed.errored) throw new Error(`${label}: the saved plan is marked errored (in ${dir})`);
  return parsed;
}

/** plan and show in a ready dir, through the plan cache. */
async function runPlan(dir: string, { label, vars, init, cliConfigFile, key }: ReadyDir, options: PlanOptions): Promise<PlanRun> {
  const secrets = Object.values(vars).filter((value) => value.length >= 3); // shorter ones: not worth redacting
  const initMs = init.ms;
  init.ms = 0; // only the first plan that waited for it reports the init time
  const env = terraformEnv(cliConfigFile);
  const planEnv = { ...env };
  for (const [name, value] of Object.entries(vars)) planEnv[`TF_VAR_${name}`] = value;
  const terraform = (args: string[], environment = env) => runTerraform(args, dir, environment, { label, secrets });

  const timings = { init: initMs, plan: 0, show: 0 };
  const plan = async (): Promise<PlanProducts> => {
    let started = Date.now();
    const planArgs = ["plan", "-input=false", "-json", "-lock=false", `-out=${PLAN_FILE}`];
    if (!refreshes(options)) planArgs.push("-refresh=false");
    const planned = await terraform(planArgs, planEnv);
    timings.plan = Date.now() - started;
    started = Date.now();
    const show = await terraform(["show", "-json", "-no-color", PLAN_FILE]);
    timings.show = Date.now() - started;
    return { planJsonText: show.stdout, planOutput: planned.stdout + planned.stderr };
  };

  const cacheRoot = process.env[PLAN_CACHE_ENV];
  const { products, fromCache } = cacheRoot && !options.planAnew
    ? await planThroughCache(path.join(cacheRoot, key), dir, plan)
    : { products: await plan(), fromCache: false };
  return { products, timings, fromCache };
}

/** What a plan leaves besides the files Terraform writes in its dir. */
interface PlanProducts {
  planJsonText: string;
  planOutput: string;
}

// ---------------------------------------------------------------------------------------------
// Plan cache
// ---------------------------------------------------------------------------------------------

const CACHE_FILES = "files";
const CACHE_PRODUCTS = "products.json";

/**
 * Everything that decides a plan, hashed: each file of the plan dir as it is before Terraform runs
 * (configuration, override, lock file, prior state; not .terraform, which is the same for every plan
 * of one init dir), the init dir, the variable values and the plan options.
 */
function planKey(dir: string, initDir: string, vars: Record<string, string>, options: PlanOptions): string {
  const hash = crypto.createHash("sha256");
  hash.update(JSON.stringify([HARNESS_VERSION, initDir, sortKeys(vars), refreshes(options)]));
  for (const file of filesUnder(dir)) {
    hash.update(`\0${file}\0`);
    hash.update(fs.readFileSync(path.join(dir, file)));
  }
  return hash.digest("hex").slice(0, 32);
}

/**
 * The products of `plan` run in `dir`, or of the same plan made earlier in this run (its files copied into
 * `dir`). The first to plan a key holds its lock until it has published the files Terraform wrote and
 * what it printed, by an atomic rename; the others wait for it rather than plan twice.
 */
async function planThroughCache(
  entry: string,
  dir: string,
  plan: () => Promise<PlanProducts>,
): Promise<{ products: PlanProducts; fromCache: boolean }> {
  const reuse = () => {
    const products = reuseCached(entry, dir);
    return products && { products, fromCache: true };
  };
  const cached = reuse();
  if (cached) return cached;
  fs.mkdirSync(path.dirname(entry), { recursive: true });
  return withLock(`${entry}.lock`, "plan cache", async () => {
    const cachedMeanwhile = reuse();
    if (cachedMeanwhile) return cachedMeanwhile;
    const before = new Set(filesUnder(dir));
    const products = await plan();
    publish(entry, dir, filesUnder(dir).filter((file) => !before.has(file)), products);
    return { products, fromCache: false };
  });
}

/** A cache entry's products, its files copied into `dir`; undefined when the entry is not there. */
function reuseCached(entry: string, dir: string): PlanProducts | undefined {
  const text = readIfExists(path.join(entry, CACHE_PRODUCTS));
  if (text === undefined) return undefined;
  fs.cpSync(path.join(entry, CACHE_FILES), dir, { recursive: true });
  return JSON.parse(text);
}

/** Publishes a cache entry by an atomic rename: the files (paths relative to `dir`) and the products. */
function publish(entry: string, dir: string, files: string[], products: PlanProducts): void {
  const staging = `${entry}.staging-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  try {
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(staging, CACHE_FILES, file)), { recursive: true });
      fs.copyFileSync(path.join(dir, file), path.join(staging, CACHE_FILES, file));
    }
    fs.mkdirSync(path.join(staging, CACHE_FILES), { recursive: true });
    fs.writeFileSync(path.join(staging, CACHE_PRODUCTS), JSON.stringify(products));
    fs.renameSync(staging, entry);
  } catch (error: any) {
    // Another process published the same plan first: keep its entry.
    if (!fs.existsSync(path.join(entry, CACHE_PRODUCTS))) throw error;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The files under a plan dir (paths relative to it, sorted), .terraform aside. */
function filesUnder(dir: string, relative = ""): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
    const file = path.join(relative, entry.name);
    if (entry.isDirectory() && file !== ".terraform") found.push(...filesUnder(dir, file));
    else if (entry.isFile()) found.push(file);
  }
  return found.sort();
}

interface StackConfig {
  requiredProviders: Record<string, any>;
  awsAliases: string[];
}

/** What the override and the shared init need from the stack's JSON files. */
function readStackConfig(dir: string): StackConfig {
  const requiredProviders: Record<string, any> = {};
  const aliases = new Set<string>();
  for (const [file, json] of readConfigFiles(dir)) {
    if (json.module && Object.keys(json.module).length > 0) {
      throw new Error(`${file}: module blocks need their own terraform init, which this harness does not run`);
    }
    for (const block of asArray(json.terraform)) {
      for (const providers of asArray(block?.required_providers)) Object.assign(requiredProviders, providers);
    }
    for (const provider of asArray(json.provider?.aws)) {
      if (provider?.alias) aliases.add(String(provider.alias));
    }
  }
  if (Object.keys(requiredProviders).length === 0) requiredProviders.aws = { source: "hashicorp/aws" };
  return { requiredProviders, awsAliases: [...aliases].sort() };
}

/** The override: offline settings merged into each aws provider block, local state instead of any backend or cloud. */
function offlineOverride(awsAliases: string[]): any {
  return {
    "//": "Written by __tests__/support/terraform.ts: offline aws provider, local state.",
    terraform: { backend: { local: { path: LOCAL_STATE } } },
    provider: {
      // The default configuration may be overridden even when the stack has none; an aliased one
      // must exist in the stack ("Missing base provider configuration for override").
      aws: [{ ...OFFLINE_PROVIDER_SETTINGS }, ...awsAliases.map((alias) => ({ alias, ...OFFLINE_PROVIDER_SETTINGS }))],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Shared init
// ---------------------------------------------------------------------------------------------

/** The CLI config every terraform process of this harness uses; the same content gives the same file. */
function writeCliConfig(): string {
  const mirror = process.env[MIRROR_ENV];
  let text = "# Written by __tests__/support/terraform.ts.\n";
  if (mirror) {
    const root = path.resolve(mirror);
    if (!fs.statSync(path.join(root, "registry.terraform.io", "hashicorp", "aws"), { throwIfNoEntry: false })?.isDirectory()) {
      throw new Error(
        `${MIRROR_ENV}=${mirror} is not a provider mirror: expected ${root}/registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/`,
      );
    }
    text +=
      "provider_installation {\n" +
      `  filesystem_mirror {\n    path    = ${JSON.stringify(root)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n` +
      '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n' +
      "}\n";
  } else {
    text += "# Default provider installation (no FARGATE_TF_PLUGIN_MIRROR).\n";
  }
  fs.mkdirSync(SHARED_ROOT, { recursive: true });
  const file = path.join(SHARED_ROOT, `cli-${sha256(text).slice(0, 16)}.tfrc`);
  if (readIfExists(file) !== text) writeAtomically(file, text);
  return file;
}

function sharedInit(requiredProviders: Record<string, any>, cliConfigFile: string): Promise<{ dir: string; ms: number }> {
  const cliConfig = fs.readFileSync(cliConfigFile, "utf8");
  const key = sha256(
    JSON.stringify([HARNESS_VERSION, terraformVersion(), cliConfig, mirrorFingerprint(), sortKeys(requiredProviders)]),
  ).slice(0, 20);
  let pending = sharedInits.get(key);
  if (!pending) {
    pending = initSharedDir(key, requiredProviders, cliConfigFile);
    sharedInits.set(key, pending);
    pending.catch(() => sharedInits.delete(key));
  }
  return pending;
}

async function initSharedDir(key: string, requiredProviders: Record<string, any>, cliConfigFile: string) {
  const dir = path.join(SHARED_ROOT, `init-${key}`);
  if (isInitialized(dir)) return { dir, ms: 0 };
  return withLock(`${dir}.lock`, "shared terraform init", async () => {
    if (isInitialized(dir)) return { dir, ms: 0 };
    const started = Date.now();
    const staging = `${dir}.staging-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
    fs.mkdirSync(staging, { recursive: true });
    try {
      fs.writeFileSync(
        path.join(staging, "main.tf.json"),
        JSON.stringify({ terraform: { required_providers: requiredProviders, backend: { local: { path: LOCAL_STATE } } } }, null, 2),
      );
      await runTerraform(["init", "-input=false", "-no-color"], staging, terraformEnv(cliConfigFile), {
        label: "shared init",
        secrets: [],
        timeoutMs: INIT_TIMEOUT_MS,
      });
      const lock = fs.readFileSync(path.join(staging, ".terraform.lock.hcl"), "utf8");
      for (const name of Object.keys(requiredProviders)) {
        if (!lock.includes(`/${providerSource(requiredProviders[name], name)}"`)) {
          throw new Error(`terraform init in ${staging} did not lock provider ${name}:\n${lock}`);
        }
      }
      fs.writeFileSync(path.join(staging, "READY"), `${new Date().toISOString()}\n`);
      fs.rmSync(dir, { recursive: true, force: true }); // an incomplete leftover, if any
      try {
        fs.renameSync(staging, dir);
      } catch (error) {
        if (!isInitialized(dir)) throw error; // else another process won the race: use its dir
        fs.rmSync(staging, { recursive: true, force: true });
      }
      return { dir, ms: Date.now() - started };
    } catch (error) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw error;
    }
  });
}

function isInitialized(dir: string): boolean {
  return ["READY", ".terraform.lock.hcl", ".terraform/terraform.tfstate", ".terraform/providers"].every((file) =>
    fs.existsSync(path.join(dir, file)),
  );
}

/** Sizes and mtimes of the mirror's files, so a changed mirror gets a fresh init. */
function mirrorFingerprint(): string[] {
  const mirror = process.env[MIRROR_ENV];
  if (!mirror) return [];
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (stat?.isDirectory() && depth < 6) walk(file, depth + 1);
      else if (stat?.isFile()) found.push(`${path.relative(mirror, file)}:${stat.size}:${stat.mtimeMs}`);
    }
  };
  walk(path.resolve(mirror), 0);
  return found.sort();
}

async function withLock<T>(lockDir: string, what: string, work: () => Promise<T>): Promise<T> {
  while (!tryLock(lockDir)) await lockReleased(lockDir, what);
  try {
    return await work();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Takes the lock if it is free (true), or leaves it to its holder (false). */
function tryLock(lockDir: string): boolean {
  try {
    fs.mkdirSync(lockDir);
  } catch (error: any) {
    if (error?.code !== "EEXIST") throw error;
    return false;
  }
  fs.writeFileSync(path.join(lockDir, "owner"), `${process.pid} ${os.hostname()}\n`);
  return true;
}

/** Returns once the lock is free (a stale one, whose holder is gone, is removed). */
async function lockReleased(lockDir: string, what: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (fs.existsSync(lockDir)) {
    if (lockIsStale(lockDir)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for the ${what} lock ${lockDir}; remove it if no test run uses it`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function lockIsStale(lockDir: string): boolean {
  const stat = fs.statSync(lockDir, { throwIfNoEntry: false });
  if (!stat) return false; // released meanwhile: try again
  const owner = (readIfExists(path.join(lockDir, "owner")) ?? "").trim().split(" ");
  const pid = parseInt(owner[0] ?? "", 10);
  if (!pid || owner[1] !== os.hostname()) return Date.now() - stat.mtimeMs > (pid ? LOCK_WAIT_MS : 60_000);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error: any) {
    return error?.code === "ESRCH";
  }
}

// ---------------------------------------------------------------------------------------------
// Running terraform
// ---------------------------------------------------------------------------------------------

/** The environment of every terraform process: the caller's, without TF_* and AWS_* settings. */
function terraformEnv(cliConfigFile: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(TF_|AWS_)/i.test(name) || /^CHECKPOINT_/i.test(name)) continue;
    env[name] = value;
  }
  return {
    ...env,
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

interface RunOptions {
  label: string;
  secrets: string[];
  timeoutMs?: number;
}

function runTerraform(args: string[], cwd: string, env: Record<string, string>, options: RunOptions) {
  const command = `terraform ${args.join(" ")}`;
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn("terraform", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      reject(new Error(`${missingTerraformMessage()} (${(error as Error).message})`));
      return;
    }
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk));
    const timeoutMs = options.timeoutMs ?? COMMAND_TIMEOUT_MS;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
    }, timeoutMs);
    child.on("error", (error: any) => {
      clearTimeout(timer);
      reject(new Error(error?.code === "ENOENT" ? missingTerraformMessage() : `${command} could not start: ${error?.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const out = Buffer.concat(stdout).toString("utf8");
      const err = Buffer.concat(stderr).toString("utf8");
      if (code === 0) {
        resolve({ stdout: out, stderr: err });
        return;
      }
      const status = timedOut
        ? `timed out after ${timeoutMs / 1000}s`
        : code === null
          ? `was killed by ${signal}`
          : `failed with exit code ${code}`;
      // -json prints the diagnostics on stdout, one JSON message a line: shown as Terraform shows them to people.
      const diagnostics = args.includes("-json") ? diagnosticsOf(out).join("\n\n") : "";
      const details = redact([diagnostics, err.trim()].filter(Boolean).join("\n") || out.trim(), options.secrets);
      reject(new Error(`${options.label}: \`${command}\` ${status} (in ${cwd})\n${trimOutput(details)}${hint(details)}`));
    });
  });
}

function hint(output: string): string {
  if (/registry\.terraform\.io|Failed to query available provider packages|Failed to install provider/.test(output)) {
    return `\n(hint: set ${MIRROR_ENV} to a filesystem mirror holding registry.terraform.io/hashicorp/aws, e.g. /opt/tf-plugins, when there is no registry access)`;
  }
  if (/IMDS|no valid credential sources|dial tcp|no such host|i\/o timeout/.test(output)) {
    return "\n(hint: something in the plan tried to reach AWS; data sources and provider lookups cannot run offline)";
  }
  return "";
}

function missingTerraformMessage(): string {
  return (
    "Terraform tier: `terraform` was not found on PATH. Install Terraform >= 1.11 " +
    "(https://developer.hashicorp.com/terraform/install); this tier fails, it does not skip, without it."
  );
}

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------

function newPlanDir(name: string): string {
  sweepOldPlanDirs();
  const label = name.replace(/[^A-Za-z0-9_.-]+/g, "-").slice(0, 40) || "stack";
  return fs.mkdtempSync(path.join(os.tmpdir(), `${PLAN_DIR_PREFIX}${label}-`));
}

/** Plan dirs left by earlier runs (failed plans, or no cleanup) go after a few hours. */
function sweepOldPlanDirs(): void {
  if (sweptOldPlanDirs) return;
  sweptOldPlanDirs = true;
  for (const entry of fs.readdirSync(os.tmpdir())) {
    if (!entry.startsWith(PLAN_DIR_PREFIX)) continue;
    const dir = path.join(os.tmpdir(), entry);
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (stat && Date.now() - stat.mtimeMs > STALE_PLAN_DIR_MS) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Files of an earlier local terraform run that must not be copied into a plan dir. */
function isLocalArtifact(name: string): boolean {
  return (
    name === ".terraform" ||
    name === ".terraform.lock.hcl" ||
    name === OVERRIDE_FILE ||
    /\.tfstate(\.backup)?$/.test(name) ||
    /\.tfplan$/.test(name)
  );
}

function synthesizedStackDir(dir: string): string {
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`planSynthesized: expected Terraform JSON or a synthesized outdir, got "${dir.slice(0, 80)}"`);
  }
  if (fs.existsSync(path.join(dir, "cdk.tf.json")) || isHcl(dir)) return dir;
  const stacks = path.join(dir, "stacks");
  const names = fs.existsSync(stacks) ? fs.readdirSync(stacks) : [];
  if (names.length !== 1) throw new Error(`planSynthesized: expected one stack under ${stacks}, found ${names.length}`);
  return path.join(stacks, names[0]);
}

function findByAddress(items: any[], address: string, where: string): any {
  const found = items.find((item) => item?.address === address);
  if (found) return found;
  const known = items.map((item) => item?.address).slice(0, 50);
  throw new Error(`no ${address} in ${where}; it has: ${known.join(", ") || "nothing"}`);
}

function providerSource(requirement: any, name: string): string {
  const source = String(requirement?.source ?? name);
  return source.includes("/") ? source.split("/").slice(-2).join("/") : `hashicorp/${source}`;
}

function redact(text: string, secrets: string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join("(redacted)");
  return result;
}

function trimOutput(text: string): string {
  if (text.length <= MAX_ERROR_OUTPUT) return text;
  const head = text.slice(0, MAX_ERROR_OUTPUT - 2000);
  return `${head}\n… (${text.length - MAX_ERROR_OUTPUT} characters cut) …\n${text.slice(-2000)}`;
}

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error: any) {
    if (error?.code === "ENOENT") return undefined;
    throw error;
  }
}

function writeAtomically(file: string, text: string): void {
  const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}
