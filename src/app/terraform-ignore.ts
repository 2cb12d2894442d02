import { writeFileSync } from "fs";
import { join } from "path";
import { App, TerraformStack } from "cdktf";

/**
 * What Terraform Cloud may receive from a stack folder: the configuration, never the local working
 * files `cdktf deploy` leaves there (`.terraform/` with its provider symlinks, state, saved plans).
 */
export const TERRAFORM_IGNORE = [
  "# Written by fargate-as-code after synth: upload the configuration only.",
  ".terraform/",
  "*.tfstate",
  "*.tfstate.*",
  "*.tfplan",
  "",
].join("\n");

/** Writes `.terraformignore` into every stack folder of a synthesized app; call it after `app.synth()`. */
export function writeTerraformIgnore(app: App): void {
  for (const stack of app.node.children.filter((child): child is TerraformStack => child instanceof TerraformStack)) {
    writeFileSync(join(app.outdir, "stacks", stack.node.id, ".terraformignore"), TERRAFORM_IGNORE);
  }
}
