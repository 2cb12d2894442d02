/**
 * Section 1, the changes: counts by action, by group (the app or construct an address starts with, after
 * its `module.` prefix: `aws_lb.hello_load_balancer` is in group `hello`), and every replacement and
 * deletion on its own line with Terraform's reason.
 */
import { ChangeKind, Plan, PlanResource } from "./plan";
import { STATEFUL_TYPES, Violation } from "./rules";
import { compareText } from "./exposure";

export type Counts = Record<ChangeKind, number>;

export interface ChangedResource {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  readonly group: string;
}

export interface ChangeGroup {
  readonly name: string;
  readonly counts: Counts;
  /** Every resource the plan does something to (no-op excluded), sorted by address. */
  readonly resources: ChangedResource[];
}

/** A replacement or deletion, shown loudly. */
export interface FlaggedChange {
  readonly address: string;
  readonly kind: "replace" | "delete";
  /** Terraform's order for a replacement: the old object deleted first (downtime) or last. */
  readonly order?: "delete-first" | "create-first";
  /** Terraform's `action_reason`, in words. */
  readonly reason?: string;
  /** The arguments that force the replacement (`replace_paths`). */
  readonly replacePaths: string[];
  /** What is lost, for a type `stateful-replace` protects. */
  readonly stateful?: string;
}

export interface ChangesSection {
  readonly counts: Counts;
  readonly groups: ChangeGroup[];
  readonly flagged: FlaggedChange[];
  readonly imports: string[];
  readonly moves: Array<{ from: string; to: string }>;
  readonly violations: Violation[];
}

const REASONS: Record<string, string> = {
  replace_because_tainted: "the object is tainted",
  replace_because_cannot_update: "an argument that cannot be updated in place changed",
  replace_by_request: "replacement was requested (-replace)",
  replace_by_triggers: "replace_triggered_by fired",
  delete_because_no_resource_config: "its block was removed from the configuration",
  delete_because_no_module: "its module was removed from the configuration",
  delete_because_wrong_repetition: "count/for_each was added or removed",
  delete_because_count_index: "its count index is now out of range",
  delete_because_each_key: "its for_each key is gone",
  delete_because_no_move_target: "the target of its moved block does not exist",
  read_because_config_unknown: "its configuration depends on values known only at apply",
  read_because_dependency_pending: "it depends on a change not applied yet",
};

export function emptyCounts(): Counts {
  return { create: 0, update: 0, replace: 0, delete: 0, read: 0, "no-op": 0, forget: 0 };
}

/** The group of an address: its module path, then the first word of the resource name. */
export function groupOf(resource: Pick<PlanResource, "moduleAddress" | "name">): string {
  const word = resource.name.split("_")[0] || resource.name;
  return resource.moduleAddress ? `${resource.moduleAddress} › ${word}` : word;
}

export function reviewChanges(plan: Plan): ChangesSection {
  const counts = emptyCounts();
  const groups = new Map<string, ChangeGroup>();
  const flagged: FlaggedChange[] = [];
  const violations: Violation[] = [];
  for (const resource of plan.resources) {
    if (resource.mode === "data" && resource.kind !== "read") continue; // data sources read at plan time
    counts[resource.kind]++;
    if (resource.kind === "no-op") continue;
    const name = groupOf(resource);
    const group = groups.get(name) ?? { name, counts: emptyCounts(), resources: [] };
    group.counts[resource.kind]++;
    group.resources.push({ address: resource.address, type: resource.type, kind: resource.kind, group: name });
    groups.set(name, group);
    if ((resource.kind === "replace" || resource.kind === "delete") && resource.mode === "managed") {
      const stateful = STATEFUL_TYPES[resource.type];
      flagged.push({
        address: resource.address,
        kind: resource.kind,
        order: resource.replaceOrder,
        reason: resource.actionReason ? (REASONS[resource.actionReason] ?? resource.actionReason) : undefined,
        replacePaths: resource.replacePaths,
        stateful,
      });
      if (stateful) {
        violations.push({
          rule: "stateful-replace",
          address: resource.address,
          message: `${resource.kind === "replace" ? "replaces" : "destroys"} ${resource.address}: ${stateful}`,
        });
      }
    }
  }
  for (const group of groups.values()) group.resources.sort((a, b) => compareText(a.address, b.address));
  return {
    counts,
    groups: [...groups.values()].sort((a, b) => compareText(a.name, b.name)),
    flagged: flagged.sort((a, b) => (a.kind === b.kind ? compareText(a.address, b.address) : a.kind === "delete" ? -1 : 1)),
    imports: plan.resources.filter((resource) => resource.importing).map((resource) => resource.address),
    moves: plan.resources
      .filter((resource) => resource.previousAddress)
      .map((resource) => ({ from: resource.previousAddress as string, to: resource.address })),
    violations,
  };
}
