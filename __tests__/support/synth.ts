import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Testing } from "cdktf";
import { FargateStack } from "../../src";
import { decodeJsonencode as decode } from "../../src/cli/hcl";

/** The synthesized Terraform JSON of a stack, parsed. */
export interface TerraformJson {
  resource: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  variable?: Record<string, any>;
  output?: Record<string, any>;
  provider: Record<string, any[]>;
  terraform: Record<string, any>;
}

// One output folder for all the stacks of a test file, instead of a new temporary folder per stack.
const outdir = mkdtempSync(join(tmpdir(), "fargate-synth-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** A fresh FargateStack in eu-west-1, as the constructs see it in a real app. */
export function newStack(region = "eu-west-1"): FargateStack {
  return new FargateStack(Testing.app({ outdir, stackTraces: false }), "test", { region });
}

/** Builds constructs in a fresh stack and returns its synthesized JSON, validations included. */
export function synthesize(build: (stack: FargateStack) => void, region?: string): TerraformJson {
  const stack = newStack(region);
  build(stack);
  return JSON.parse(Testing.synth(stack, true));
}

/** The resources of one type, by Terraform name; empty when there are none. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, any> {
  return json.resource[type] ?? {};
}

/** The single resource of a type; fails the test when there is not exactly one. */
export function onlyResource(json: TerraformJson, type: string): any {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/** The validation errors synth reports for the constructs `build` makes; [] when it synthesizes. */
export function synthErrors(build: (stack: FargateStack) => void, region?: string): string[] {
  try {
    synthesize(build, region);
    return [];
  } catch (error) {
    const reports = String((error as Error).message)
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.startsWith("["))
      // Construct paths as users read them: without the ids that take no part in addresses.
      .map((line) => line.replace(/^\[[^\]]*\]/, (path) => path.replace(/\/Default(?=[/\]])/g, "")));
    if (reports.length === 0) throw error; // a crash, not a validation report
    return reports;
  }
}

/**
 * src/cli/hcl.ts's decoder of `${jsonencode(...)}`, typed `any` so that a test can reach into the document:
 * references kept as `"${ref}"` strings, `{"a" = aws_x.y.arn}` → `{ a: "${aws_x.y.arn}" }`.
 */
export const decodeJsonencode: (expression: string) => any = decode;
