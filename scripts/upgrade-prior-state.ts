/**
 * Writes the states the upgrade test plans against: __tests__/fixtures/upgrade/hello-<env>.v0.1.0.tfstate.json,
 * "the v0.1.0 default app, applied", built without AWS from hello-<env>.v0.1.0.tf.json by
 * __tests__/support/prior-state.ts (offline plans with the real AWS provider; ~40 s per stack).
 * The test re-checks each state (the v0.1.0 configuration plans no change against it), so run this
 * again only when that check fails after a Terraform or provider change, and commit what it writes:
 *
 *   FARGATE_TF_PLUGIN_MIRROR=/opt/tf-plugins node -r ./scripts/ts-require.js scripts/upgrade-prior-state.ts [prod] [dev]
 */
import * as fs from "fs";
import * as path from "path";
import { buildPriorState } from "../__tests__/support/prior-state";
import { cleanupPlannedStacks } from "../__tests__/support/terraform";

const FIXTURES = path.join(__dirname, "..", "__tests__", "fixtures", "upgrade");
const RELEASE = "v0.1.0";
// The stacks' only variable is the ephemeral `password`, written to SSM through a write-only
// argument: it is in no plan and no state, any value does.
const VARS = { password: "prior-state-placeholder" };

async function main(): Promise<void> {
  const environments = process.argv.slice(2).length ? process.argv.slice(2) : ["prod", "dev"];
  for (const environment of environments) {
    const config = path.join(FIXTURES, `hello-${environment}.${RELEASE}.tf.json`);
    if (!fs.existsSync(config)) throw new Error(`no ${config}`);
    const started = Date.now();
    const built = await buildPriorState(fs.readFileSync(config, "utf8"), {
      vars: VARS,
      name: `prior-${environment}`,
      log: (message) => console.log(message),
    });
    const target = path.join(FIXTURES, `hello-${environment}.${RELEASE}.tfstate.json`);
    fs.writeFileSync(target, JSON.stringify(built.state, null, 2) + "\n");
    console.log(
      `${path.relative(process.cwd(), target)}: ${built.state.resources.length} resources, converged in ` +
        `${built.rounds} rounds, ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }
}

main()
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(cleanupPlannedStacks);
