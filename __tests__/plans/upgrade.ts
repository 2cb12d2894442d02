// The stacks upgrade.test.ts plans: the current default app (main.ts, as the default app's tests synthesize
// it) against states standing for v0.1.0's applied, v0.1.0's own configuration against its prod state (the
// state's re-check), and a control that breaks the upgrade on purpose. All without refresh, which would
// call AWS; with the tier's other stacks, which have no state to refresh, in the run's one batch.
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { DEFAULT_APP_SECRET } from "../support/canaries";
import { StackToPlan } from "../support/terraform";

export { appToSynthesize } from "./terraform-default-app";

export const RELEASE = "v0.1.0";
export const ENVIRONMENTS = ["prod", "dev"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
/** The environments whose state is re-checked here (FARGATE_UPGRADE_RECHECK=all: dev's too, one more plan). */
export const RECHECKED: readonly Environment[] = process.env.FARGATE_UPGRADE_RECHECK === "all" ? ENVIRONMENTS : ["prod"];
// The ephemeral variable goes to SSM through a write-only argument: in no plan or state.
const VARS = { password: DEFAULT_APP_SECRET };
const FIXTURES = join(__dirname, "..", "fixtures", "upgrade");

/** The state standing for v0.1.0's hello-<environment> applied. */
export function priorState(environment: Environment): any {
  const stateFile = join(FIXTURES, `hello-${environment}.${RELEASE}.tfstate.json`);
  if (!existsSync(stateFile)) {
    throw new Error(
      `${stateFile} is missing: build it with ` +
        "`FARGATE_TF_PLUGIN_MIRROR=/opt/tf-plugins node -r ./scripts/ts-require.js scripts/upgrade-prior-state.ts`",
    );
  }
  return JSON.parse(readFileSync(stateFile, "utf8"));
}

/** The current configuration of hello-<environment>, from the app command's output folder. */
export function currentJson(outdir: string, environment: Environment): string {
  return readFileSync(join(outdir, "stacks", `hello-${environment}`, "cdk.tf.json"), "utf8");
}

/** The current JSON with a `moved` block dropped (the target group's if there is one) and a security group renamed. */
export function breakUpgrade(newJson: string) {
  const config = JSON.parse(newJson);
  const moves: { from: string; to: string }[] = config.moved ?? [];
  if (moves.length === 0) throw new Error("the current configuration has no moved block to drop");
  const dropped = moves.find((move) => move.from.startsWith("aws_lb_target_group.")) ?? moves[0];
  config.moved = moves.filter((move) => move !== dropped);
  const groups = config.resource?.aws_security_group ?? {};
  const groupName = Object.keys(groups).sort()[0];
  if (!groupName) throw new Error("the current configuration has no aws_security_group to rename");
  groups[groupName].name = `${groups[groupName].name}-renamed`; // `name` forces a new security group
  return { json: JSON.stringify(config), droppedMove: dropped, renamedGroup: `aws_security_group.${groupName}` };
}

/** Each environment's upgrade (`upgrade-new-<environment>`), re-check (`upgrade-old-<environment>`) and the control. */
export function stacksToPlan(outdir: string): StackToPlan[] {
  const stacks: StackToPlan[] = [];
  const against = (stack: string, state: any, name: string) => stacks.push({ stack, priorState: state, refresh: false, vars: VARS, name });
  for (const environment of ENVIRONMENTS) {
    const state = priorState(environment);
    const newJson = currentJson(outdir, environment);
    against(newJson, state, `upgrade-new-${environment}`);
    if (RECHECKED.includes(environment)) {
      against(readFileSync(join(FIXTURES, `hello-${environment}.${RELEASE}.tf.json`), "utf8"), state, `upgrade-old-${environment}`);
    }
    if (environment === "prod") against(breakUpgrade(newJson).json, state, "upgrade-control");
  }
  return stacks;
}
