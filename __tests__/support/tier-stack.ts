import { Testing } from "cdktf";
import { FargateStack, FargateStackProps } from "../../src";

/** The id of every stack tierStack() makes. */
const TIER_STACK_ID = "tier";

/**
 * A FargateStack in an app of its own, for a Terraform-tier test to declare and plan (eu-west-1 unless
 * `props` say otherwise). Every such stack has the same id, so the same default tags (`Stack: tier`):
 * stacks whose provider settings are the same share one provider configuration in the background batch
 * (plan-batch.ts), where each distinct configuration costs Terraform two provider processes, about 2 s of
 * CPU. The tests tell the stacks apart by the name they plan them under.
 */
export function tierStack(props: Partial<FargateStackProps> = {}): FargateStack {
  return new FargateStack(Testing.app({ stackTraces: false }), TIER_STACK_ID, { region: "eu-west-1", ...props });
}
