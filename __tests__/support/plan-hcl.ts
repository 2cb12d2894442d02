import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { PlanOptions, PlannedStack, planStack } from "./terraform";

/**
 * Plans a Terraform configuration written in plain HCL for a test (`{ "main.tf": "..." }`), the way a
 * reviewer's own Terraform is planned: the files are written to a temp dir and planned by planStack,
 * with the same offline override (mock credentials, skip_* flags, local state) and the same shared
 * `terraform init` (hashicorp/aws from the mirror) as the synthesized stacks. Its AWS provider must be the
 * default `provider "aws"` (the override adds aliases only for JSON configurations), and it may use no
 * data source that calls AWS (aws_caller_identity, aws_ami...): `aws_iam_policy_document` is computed
 * by the provider itself.
 */
export async function planHcl(files: Record<string, string>, options: PlanOptions = {}): Promise<PlannedStack> {
  const dir = mkdtempSync(join(tmpdir(), "fargate-hcl-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return await planStack(dir, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
