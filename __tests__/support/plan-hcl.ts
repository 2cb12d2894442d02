import { createHash } from "crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { PLAN_DIR_PREFIX } from "./terraform";

/**
 * A Terraform configuration written in plain HCL for a test (`{ "main.tf": "..." }`), as a dir that
 * planStacks plans the way a reviewer's own Terraform is planned: with the same offline override (mock
 * credentials, skip_* flags, local state) and the same shared `terraform init` (hashicorp/aws from the
 * mirror) as the synthesized stacks, alone or in a batch (plan-batch.ts). Its AWS provider must be the default
 * `provider "aws"` (the override adds aliases only for JSON configurations), and it may use no data source
 * that calls AWS (aws_caller_identity, aws_ami...): `aws_iam_policy_document` is computed by the provider
 * itself. The dir is named by the files' content, so that a test file and the background batch
 * (prefetch-plans.js) name the same one; it goes with the plan dirs of the past runs.
 */
export function hclStack(files: Record<string, string>): string {
  const dir = join(tmpdir(), `${PLAN_DIR_PREFIX}hcl-${createHash("sha256").update(JSON.stringify(files)).digest("hex").slice(0, 24)}`);
  if (existsSync(dir)) return dir;
  const staging = `${dir}.${process.pid}`;
  mkdirSync(staging, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(staging, name), text);
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process made it first, with the same files
  }
  return dir;
}
