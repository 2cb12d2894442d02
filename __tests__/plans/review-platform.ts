// The stack review-platform.test.ts plans: examples/platform.ts, as terraform-platform.test.ts plans it.
import { StackToPlan } from "../support/terraform";
import { platformProd } from "./terraform-platform";

export { appToSynthesize } from "./terraform-platform";

export function stacksToPlan(outdir: string): StackToPlan[] {
  return [platformProd(outdir)];
}
