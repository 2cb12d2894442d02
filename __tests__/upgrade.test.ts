/**
 * Upgrading from the previous release: a user who deployed v0.1.0's default app (hello-dev, hello-prod)
 * and runs the current code's `cdktf deploy` must lose no resource: nothing destroyed, nothing replaced but
 * the task definition, whose new revision the service rolls to as it does to a new image (`isNewRevision`).
 *
 * The current app's synthesized stacks are planned by the real Terraform and AWS provider, offline,
 * against a state standing for v0.1.0 applied (__tests__/fixtures/upgrade/hello-<env>.v0.1.0.tfstate.json,
 * built from v0.1.0's synthesized JSON by scripts/upgrade-prior-state.ts, see support/prior-state.ts),
 * with -refresh=false. The prod state is re-checked here: v0.1.0's own configuration plans no change
 * against it (the script checked both states so when it wrote them; FARGATE_UPGRADE_RECHECK=all re-checks
 * dev's too, one more plan). A control plan (the current JSON with a `moved` block dropped and a
 * security group renamed) shows that the checks do catch a destroy and a replace.
 * The 4 plans (__tests__/plans/upgrade.ts) are in the run's batch of the tier's stacks (support/plan-batch.ts),
 * each cut out as if planned alone: the others have no state to refresh, so they are planned without refresh
 * too. Alone, each took about 15 s of CPU.
 */
import { readFileSync, rmSync } from "fs";
import { join } from "path";
import { runAppCommand } from "./support/app-command";
import { pendingChanges } from "./support/prior-state";
import { PlannedStack, cleanupPlannedStacks, planStacks } from "./support/terraform";
import { ENVIRONMENTS, Environment, RECHECKED, RELEASE, appToSynthesize, breakUpgrade, currentJson, priorState, stacksToPlan } from "./plans/upgrade";

jest.setTimeout(300_000);

interface Upgrade {
  priorState: any;
  oldPlan?: PlannedStack; // v0.1.0's configuration against its state: the state's re-check
  newPlan: PlannedStack; // the current configuration against v0.1.0's state: the upgrade
}

let outdir: string;
const upgrades = {} as Record<Environment, Upgrade>;
let control: { plan: PlannedStack; droppedMove: { from: string; to: string }; renamedGroup: string };
let setupMs = 0;
let planCount = 0;

beforeAll(async () => {
  const started = Date.now();
  outdir = runAppCommand(appToSynthesize.env, appToSynthesize.entry);
  const stacks = stacksToPlan(outdir);
  planCount = stacks.length;
  const planned = await planStacks(stacks);
  const byName = (name: string) => planned[stacks.findIndex((stack) => stack.name === name)];
  for (const environment of ENVIRONMENTS) {
    upgrades[environment] = {
      priorState: priorState(environment),
      newPlan: byName(`upgrade-new-${environment}`),
      oldPlan: RECHECKED.includes(environment) ? byName(`upgrade-old-${environment}`) : undefined,
    };
  }
  const { droppedMove, renamedGroup } = breakUpgrade(currentJson(outdir, "prod"));
  control = { plan: byName("upgrade-control"), droppedMove, renamedGroup };
  setupMs = Date.now() - started;
});

afterAll(() => {
  cleanupPlannedStacks();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Reading a plan
// ---------------------------------------------------------------------------------------------

/** "default_action[0].type" for Terraform's ["default_action", 0, "type"]. */
function formatPath(path: (string | number)[]): string {
  return path.map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`)).join("");
}

function describeChange(change: any): string {
  let text = `${change.address} (${change.change.actions.join(",")})`;
  if (change.previous_address) text += ` moved from ${change.previous_address}`;
  if (change.action_reason) text += ` [${change.action_reason}]`;
  if (change.change.replace_paths?.length) {
    text += `, replaced because of: ${change.change.replace_paths.map(formatPath).join(", ")}`;
  }
  return text;
}

/**
 * The one replacement an upgrade may plan: a new revision of the task definition. ECS never changes a
 * revision in place (new container definitions or volumes register a new one), and the service rolls to it
 * by a deployment, as to a new image: nothing is lost. The read-only root file system with its scratch
 * volumes, a default since v0.1.0, makes one.
 */
function isNewRevision(change: any): boolean {
  const paths: string[] = (change.change.replace_paths ?? []).map(formatPath);
  return (
    change.address === "aws_ecs_task_definition.hello_task" &&
    !change.previous_address &&
    paths.length > 0 &&
    paths.every((path) => ["container_definitions", "volume"].includes(path))
  );
}

interface Summary {
  /** Destroys and replaces: every change whose actions include "delete", with what forces it, but a new task definition revision. */
  destroyed: string[];
  /** The task definition's new revision, if the upgrade makes one. */
  revisions: string[];
  updates: string[];
  creates: string[];
  moved: { address: string; from: string; actions: string }[];
}

function summarize(plan: any): Summary {
  const changes: any[] = plan.resource_changes ?? [];
  const withAction = (action: string) =>
    changes.filter((change) => change.change.actions.join() === action).map((change) => change.address);
  return {
    destroyed: changes.filter((change) => change.change.actions.includes("delete") && !isNewRevision(change)).map(describeChange),
    revisions: changes.filter(isNewRevision).map(describeChange),
    updates: withAction("update"),
    creates: withAction("create"),
    moved: changes
      .filter((change) => change.previous_address)
      .map((change) => ({ address: change.address, from: change.previous_address, actions: change.change.actions.join(",") })),
  };
}

function report(environment: string, summary: Summary): string {
  const list = (items: string[]) => (items.length ? items.map((item) => `\n    ${item}`).join("") : " none");
  return (
    `upgrading hello-${environment} from ${RELEASE}:` +
    `\n  destroys or replaces:${list(summary.destroyed)}` +
    `\n  new task definition revisions:${list(summary.revisions)}` +
    `\n  updates in place:${list(summary.updates)}` +
    `\n  creates:${list(summary.creates)}` +
    `\n  moves:${list(summary.moved.map((move) => `${move.from} -> ${move.address} (${move.actions})`))}`
  );
}

/** The state's instance addresses: aws_x.y, aws_x.y["key"]. */
function stateAddresses(state: any): string[] {
  return state.resources.flatMap((resource: any) =>
    resource.instances.map((instance: any) => {
      const key = instance.index_key;
      const base = `${resource.type}.${resource.name}`;
      return key === undefined ? base : `${base}[${typeof key === "string" ? JSON.stringify(key) : key}]`;
    }),
  );
}

/** The old addresses the plan does not keep: neither planned (other than deleted) at that address nor moved from it. */
function lostAddresses(plan: any, state: any): string[] {
  const changes: any[] = plan.resource_changes ?? [];
  return stateAddresses(state).filter(
    (address) =>
      !changes.some(
        (change) =>
          (change.previous_address === address || (change.address === address && !change.previous_address)) &&
          (!change.change.actions.includes("delete") || isNewRevision(change)),
      ),
  );
}

const change = (plan: any, address: string) => {
  const found = (plan.resource_changes ?? []).find((item: any) => item.address === address);
  if (!found) throw new Error(`no ${address} in the plan: ${plan.resource_changes.map((item: any) => item.address).join(", ")}`);
  return found;
};

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe.each(ENVIRONMENTS)(`upgrading hello-%s from ${RELEASE}`, (environment) => {
  const upgrade = () => upgrades[environment];

  // Only the re-checked environments have this test (the others' states were checked by the script that wrote them).
  if (RECHECKED.includes(environment)) {
    test(`the ${RELEASE} state is faithful: ${RELEASE}'s configuration plans no change at all against it`, () => {
      const { plan } = upgrade().oldPlan!;
      expect(pendingChanges(plan)).toEqual([]);
      expect(plan.resource_changes.map((item: any) => item.address).sort()).toEqual(stateAddresses(upgrade().priorState).sort());
    });
  }

  test("destroys nothing and replaces nothing but the task definition's revision", () => {
    const summary = summarize(upgrade().newPlan.plan);
    console.log(`${report(environment, summary)}\n  (setup: synth, then ${planCount} plans in the run's batch: ${setupMs} ms)`);
    if (summary.destroyed.length > 0) throw new Error(report(environment, summary));
    expect(summary.destroyed).toEqual([]);
  });

  test("a new task definition revision, for the read-only root file system and its scratch volumes, that the service rolls to in place", () => {
    const plan = upgrade().newPlan.plan;
    expect(summarize(plan).revisions).toEqual([
      "aws_ecs_task_definition.hello_task (delete,create) [replace_because_cannot_update], replaced because of: volume, container_definitions",
    ]);
    expect(change(plan, "aws_ecs_task_definition.hello_task").change.after.volume.map((volume: any) => volume.name).sort()).toEqual(["scratch-1", "scratch-2"]);
    expect(change(plan, "aws_ecs_service.hello_service").change.actions).toEqual(["update"]);
  });

  test("keeps every resource: each old address is still planned, or is the previous_address of a moved one", () => {
    expect(lostAddresses(upgrade().newPlan.plan, upgrade().priorState)).toEqual([]);
  });

  test("moved resources keep their object: previous_address set, no-op or in-place update", () => {
    const { moved } = summarize(upgrade().newPlan.plan);
    expect(moved).toContainEqual({
      address: "aws_lb_target_group.hello_target_group",
      from: "aws_lb_target_group.hello_load_balancer_target_group",
      actions: expect.stringMatching(/^(no-op|update)$/),
    });
    for (const move of moved) expect(`${move.address}: ${move.actions}`).toMatch(/: (no-op|update)$/);
    // each moved block of the configuration was applied to a resource of the state
    const movedBlocks = JSON.parse(readFileSync(join(outdir, "stacks", `hello-${environment}`, "cdk.tf.json"), "utf8")).moved ?? [];
    expect(moved.map((move) => `${move.from} -> ${move.address}`).sort()).toEqual(
      movedBlocks.map((block: any) => `${block.from} -> ${block.to}`).sort(),
    );
  });

  test("the HTTPS listener is updated in place: its default action becomes a 404; a listener rule forwards to the same target group", () => {
    const plan = upgrade().newPlan.plan;
    const listener = change(plan, "aws_lb_listener.hello_load_balancer_https_listener");
    expect(listener.change.actions).toEqual(["update"]);
    expect(listener.change.before.default_action[0].type).toBe("forward");
    expect(listener.change.after.default_action[0]).toMatchObject({
      type: "fixed-response",
      fixed_response: [expect.objectContaining({ status_code: "404" })],
    });

    const rules = plan.resource_changes.filter((item: any) => item.type === "aws_lb_listener_rule");
    expect(rules.map((rule: any) => rule.change.actions)).toEqual([["create"]]);
    const targetGroup = change(plan, "aws_lb_target_group.hello_target_group");
    // the new rule hangs on the existing listener and forwards to the existing (moved) target group
    expect(rules[0].change.after.listener_arn).toBe(listener.change.before.arn);
    expect(rules[0].change.after.action[0]).toMatchObject({ type: "forward", target_group_arn: targetGroup.change.before.arn });
  });
});

describe("control: the same checks catch a destroy and a replace", () => {
  test(`the current JSON without a moved block, and with a security group renamed, plans deletes`, () => {
    const plan = control.plan.plan;
    const summary = summarize(plan);
    console.log(`control, what the "destroys nothing" test would report:\n${report("prod", summary)}`);
    const { from, to } = control.droppedMove;
    expect(change(plan, from).change.actions).toEqual(["delete"]);
    expect(change(plan, to).change.actions).toEqual(["create"]);
    const group = change(plan, control.renamedGroup);
    expect([["delete", "create"], ["create", "delete"]]).toContainEqual(group.change.actions);
    expect(group.change.replace_paths).toContainEqual(["name"]);
    expect(summary.destroyed).toEqual(
      expect.arrayContaining([`${from} (delete) [delete_because_no_resource_config]`, expect.stringContaining(`${control.renamedGroup} (`)]),
    );
    expect(summary.destroyed.find((line) => line.startsWith(`${control.renamedGroup} (`))).toContain("replaced because of: name");
    expect(lostAddresses(plan, upgrades.prod.priorState)).toEqual(expect.arrayContaining([from, control.renamedGroup]));
  });
});
