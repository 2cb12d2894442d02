import { createHash } from "crypto";
import { IConstruct } from "constructs";
import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";

/**
 * The id of a construct's main resource (as in AWS CDK). It is left out of Terraform addresses, so the
 * role of `TaskRole` "execution_role" is `aws_iam_role.execution_role`, not `execution_role_role`.
 */
export const MAIN_RESOURCE_ID = "Resource";

/**
 * The id of a construct that a shortcut builds on and that takes no part in addresses either: the
 * environment and the web service of `FargateWebApp`, whose resources keep the addresses they had.
 */
export const DEFAULT_CHILD_ID = "Default";

/** The construct's path without the ids that take no part in addresses: `hello-prod/hello/task/execution_role`. */
export function addressPath(scope: IConstruct): string {
  return scope.node.scopes
    .map((part) => part.node.id)
    .filter((id) => id && id !== DEFAULT_CHILD_ID)
    .join("/");
}

/** `httpsListener` → `https_listener`, `PASSWORD` → `password`: the casing Terraform addresses use. */
export function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}

/**
 * A name that fits an AWS length limit. Names that fit are kept as they are; longer ones keep their
 * start and end in a short hash of the whole, so two long names stay distinct and the result is stable.
 */
export function fitName(name: string, maxLength: number): string {
  if (name.length <= maxLength) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 6);
  const head = name.slice(0, maxLength - hash.length - 1).replace(/-+$/, "");
  return `${head}-${hash}`;
}

/**
 * The region of the AWS provider in the construct's stack, when it is a literal. Constructs use it
 * for values AWS wants at synth time (availability zones, the awslogs region) without a data source.
 */
export function providerRegion(scope: IConstruct): string | undefined {
  const stack = TerraformStack.of(scope);
  const provider = stack.node.findAll().find((c): c is AwsProvider => c instanceof AwsProvider && !c.alias);
  const region = provider?.regionInput;
  return region && !region.includes("${") ? region : undefined;
}

/** The AWS partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, `aws` elsewhere. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
