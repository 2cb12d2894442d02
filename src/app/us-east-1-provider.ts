import { IConstruct } from "constructs";
import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";

/** The region Route53 keeps a zone's DNSSEC keys and query logs in. */
export const US_EAST_1 = "us-east-1";
/** Resources refer to it as `provider = aws.us_east_1`. */
export const US_EAST_1_ALIAS = "us_east_1";
const US_EAST_1_PROVIDER_ID = "aws_us_east_1";

/**
 * The stack's AWS provider for us-east-1 (`aws.us_east_1`), created with the first resource that AWS wants
 * there whatever the stack's region (Route53's DNSSEC keys and query logs), and tagging what it creates as
 * the stack's own provider does. A stack already in us-east-1 gets the alias too: one code path, same region.
 */
export function usEast1Provider(scope: IConstruct): AwsProvider {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(US_EAST_1_PROVIDER_ID);
  if (existing instanceof AwsProvider) return existing;
  const stackProvider = stack.node.children.find((child): child is AwsProvider => child instanceof AwsProvider && !child.alias);
  return new AwsProvider(stack, US_EAST_1_PROVIDER_ID, {
    alias: US_EAST_1_ALIAS,
    region: US_EAST_1,
    defaultTags: stackProvider?.defaultTags,
  });
}
