import { execFile } from "child_process";
import { existsSync, readFileSync } from "fs";
import { isAbsolute, join } from "path";
import { listStacks, UsageError } from "../status/stack";

/*
 * Reading the stack's one-off tasks from its Terraform outputs. Each declared one-off task has an output
 * named `…_run_task` whose value holds what RunTask needs (cluster, task definition ARN, container,
 * subnets, security groups) and where the container logs. Those values exist only after apply, so they
 * come from `terraform output -json` in cdktf.out/stacks/<stack> (what `cdktf deploy` leaves initialised,
 * a `cloud` block included), or from a file holding what that command prints (`--outputs FILE`).
 */

/** One one-off task, as its `_run_task` output describes it. */
export interface RunTaskTarget {
  /** The Terraform output it was read from, e.g. `hello_migrate_run_task`. */
  readonly output: string;
  readonly name: string;
  readonly cluster: string;
  readonly taskDefinition: string;
  readonly container: string;
  readonly subnets: string[];
  readonly securityGroups: string[];
  readonly assignPublicIp: boolean;
  readonly logGroup?: string;
  readonly logStreamPrefix?: string;
  readonly region?: string;
  /** `FARGATE` (the default) or `FARGATE_SPOT`. */
  readonly capacityProvider?: string;
}

/** What `terraform output -json` prints: `{ "<name>": { "value": …, "type": …, "sensitive": false } }`. */
export type TerraformOutputs = Record<string, { value?: unknown; type?: unknown; sensitive?: boolean }>;

/** An output's name marks it as a one-off task's. */
export const RUN_TASK_SUFFIX = "_run_task";

/** A `terraform output` that failed for a reason other than the setup (state backend credentials, network): exit 3. */
export class OutputsReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputsReadError";
  }
}

/** Runs Terraform: resolves with its exit code and output, or an `error` when it could not be started. */
export type TerraformRunner = (
  args: string[],
  cwd: string,
) => Promise<{ code: number | null; stdout: string; stderr: string; error?: NodeJS.ErrnoException }>;

/** The Terraform binary: TERRAFORM_BINARY_NAME (as cdktf reads it, e.g. `tofu`), else `terraform`. */
export function terraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.TERRAFORM_BINARY_NAME || "terraform";
}

/** `terraform <args>` in a folder, with no colours and no prompts. */
export const runTerraform: TerraformRunner = (args, cwd) =>
  new Promise((resolve) => {
    execFile(
      terraformBinary(),
      args,
      {
        cwd,
        env: { ...process.env, TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { code?: unknown; killed?: boolean }) | null;
        if (failure?.killed) {
          resolve({ code: null, stdout, stderr, error: Object.assign(new Error("it did not finish within 120 s"), { code: "ETIMEDOUT" }) });
        } else if (failure && typeof failure.code === "string") resolve({ code: null, stdout, stderr, error: failure });
        else resolve({ code: failure ? (typeof failure.code === "number" ? failure.code : 1) : 0, stdout, stderr });
      },
    );
  });

/** `--outputs FILE`: the JSON `terraform output -json` prints. */
export function readOutputsFile(file: string): TerraformOutputs {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read --outputs ${file}: ${(error as Error).message}`);
  }
  return parseOutputs(text, `--outputs ${file}`);
}

/** The JSON of `terraform output -json`; `source` names where it came from in messages. */
export function parseOutputs(text: string, source: string): TerraformOutputs {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not JSON (${(error as Error).message}): give what \`terraform output -json\` prints`);
  }
  if (!isObject(json) || Object.values(json).some((output) => !isObject(output) || !("value" in output))) {
    throw new UsageError(
      `${source} is not what \`terraform output -json\` prints ({ "<name>": { "value": …, "type": …, "sensitive": false } })`,
    );
  }
  return json as TerraformOutputs;
}

/** The stack's folder in the synthesized output (cdktf.json's "output", else cdktf.out), where `cdktf deploy` ran Terraform. */
export function stackDirectory(cwd: string, stack: string): string {
  let output: unknown;
  const config = join(cwd, "cdktf.json");
  try {
    output = existsSync(config) ? JSON.parse(readFileSync(config, "utf8")).output : undefined;
  } catch {
    output = undefined;
  }
  const name = typeof output === "string" && output ? output : "cdktf.out";
  const outdir = isAbsolute(name) ? name : join(cwd, name);
  if (!existsSync(outdir)) {
    throw new UsageError(`no synthesized output at ${outdir}: run \`npx cdktf synth\` (or deploy) first, or give --outputs FILE`);
  }
  const stacks = listStacks(outdir);
  if (!stacks.includes(stack)) {
    throw new UsageError(
      `no stack "${stack}" in ${outdir}; the stacks there: ${stacks.length ? stacks.join(", ") : "none (run `npx cdktf synth`)"}`,
    );
  }
  return join(outdir, "stacks", stack);
}

/** `terraform output -json` in the stack's folder. */
export async function readTerraformOutputs(directory: string, terraform: TerraformRunner): Promise<TerraformOutputs> {
  const binary = terraformBinary();
  const result = await terraform(["output", "-no-color", "-json"], directory);
  if (result.error) {
    if (result.error.code === "ENOENT") {
      throw new UsageError(
        `${binary} is not installed (or not on PATH): install Terraform, set TERRAFORM_BINARY_NAME, or give --outputs FILE (terraform output -json > outputs.json)`,
      );
    }
    throw new OutputsReadError(`\`${binary} output -json\` in ${directory} failed: ${result.error.message}`);
  }
  if (result.code !== 0) {
    const message = firstError(result.stderr || result.stdout);
    // Not initialised: a setup problem (2). Anything else reads the state backend: credentials, network (3).
    if (/terraform init|initialization required|not installed|Module not installed|Backend configuration changed|Required plugins/i.test(result.stderr)) {
      throw new UsageError(
        `\`${binary} output -json\` in ${directory} failed: ${message}\nThe stack's folder is initialised by \`npx cdktf deploy\` (or \`${binary} init\` there); or give --outputs FILE`,
      );
    }
    throw new OutputsReadError(`\`${binary} output -json\` in ${directory} failed: ${message}`);
  }
  return parseOutputs(result.stdout, `\`${binary} output -json\` in ${directory}`);
}

/** The one-off tasks among the outputs, by output name. */
export function runTaskTargets(outputs: TerraformOutputs): RunTaskTarget[] {
  return Object.entries(outputs)
    .filter(([name]) => name.endsWith(RUN_TASK_SUFFIX))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, output]) => toTarget(name, output.value));
}

/**
 * The task named `task`: an output whose value's `name` is `task` (or, to tell two apart, the output's
 * own name, with or without `_run_task`). A usage error lists the names there are.
 */
export function findTask(outputs: TerraformOutputs, task: string, stack: string, source: string): RunTaskTarget {
  const targets = runTaskTargets(outputs);
  if (targets.length === 0) {
    throw new UsageError(
      Object.keys(outputs).length === 0
        ? `stack ${stack} has no outputs in ${source}: deploy it first (npx cdktf deploy ${stack})`
        : `stack ${stack} declares no one-off task: none of its outputs (${Object.keys(outputs).sort().join(", ")}) ends in ${RUN_TASK_SUFFIX}`,
    );
  }
  const byOutput = targets.filter((target) => target.output === task || target.output === `${task}${RUN_TASK_SUFFIX}`);
  if (byOutput.length === 1) return byOutput[0];
  const byName = targets.filter((target) => target.name === task);
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) {
    throw new UsageError(
      `${byName.length} one-off tasks of stack ${stack} are named "${task}": name one by its output, ${byName.map((target) => target.output).join(" or ")}`,
    );
  }
  const names = [...new Set(targets.map((target) => target.name))];
  throw new UsageError(`stack ${stack} has no one-off task "${task}"; its tasks: ${names.join(", ")}`);
}

function toTarget(output: string, value: unknown): RunTaskTarget {
  if (!isObject(value)) throw new UsageError(`output ${output} is not an object: ${JSON.stringify(value)}`);
  const text = (field: string, required: boolean): string | undefined => {
    const raw = value[field];
    if (typeof raw === "string" && raw !== "") return raw;
    if (required || (raw !== undefined && raw !== null && raw !== "")) {
      throw new UsageError(`output ${output} has no ${required ? "" : "valid "}"${field}" (a string): ${JSON.stringify(raw)}`);
    }
    return undefined;
  };
  const list = (field: string): string[] => {
    const raw = value[field];
    if (!Array.isArray(raw) || raw.length === 0 || raw.some((item) => typeof item !== "string")) {
      throw new UsageError(`output ${output} has no "${field}" (a non-empty list of strings): ${JSON.stringify(raw)}`);
    }
    return raw as string[];
  };
  const publicIp = value.assign_public_ip;
  if (publicIp !== undefined && publicIp !== null && typeof publicIp !== "boolean") {
    throw new UsageError(`output ${output}'s "assign_public_ip" is not true or false: ${JSON.stringify(publicIp)}`);
  }
  return {
    output,
    name: text("name", true) as string,
    cluster: text("cluster", true) as string,
    taskDefinition: text("task_definition", true) as string,
    container: text("container", true) as string,
    subnets: list("subnets"),
    securityGroups: list("security_groups"),
    assignPublicIp: publicIp === true,
    logGroup: text("log_group", false),
    logStreamPrefix: text("log_stream_prefix", false),
    region: text("region", false),
    capacityProvider: text("capacity_provider", false),
  };
}

/** The first `Error: …` line Terraform printed, without its box-drawing frame. */
function firstError(text: string): string {
  const lines = text
    .split("\n")
    .map((line) => line.replace(/^[│╷╵\s]+/, "").trim())
    .filter(Boolean);
  return lines.find((line) => line.startsWith("Error")) ?? lines[0] ?? "no output";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
