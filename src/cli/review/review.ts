/**
 * A review of a Terraform plan, for a human with a minute: what changes (replacements and deletions
 * loudly), what the internet can reach, who may do what (IAM), where secrets come from and whether a value
 * leaked into the plan, what it costs a month, and the policy violations `--strict` fails on.
 */
import { ChangesSection, reviewChanges } from "./changes";
import { CostSection, PriceTable, SHARED, estimateCost } from "./cost";
import { ExposureSection, UNKNOWN_AT_PLAN, reviewExposure } from "./exposure";
import { IamSection, reviewIam } from "./iam";
import { Json, Plan } from "./plan";
import { Violation } from "./rules";
import { SecretsSection, reviewSecrets } from "./secrets";

export interface ReviewOptions {
  /** Price the estimate for this region instead of the provider's. */
  readonly region?: string;
  /** The plan file's name, for the heading. */
  readonly source?: string;
  readonly prices?: PriceTable;
  /** Secret-looking names that are not secrets (`--allow-name`): not flagged. */
  readonly allowNames?: readonly string[];
}

export interface Review {
  readonly source?: string;
  readonly terraformVersion?: string;
  readonly changes: ChangesSection;
  readonly exposure: ExposureSection;
  readonly iam: IamSection;
  readonly secrets: SecretsSection;
  readonly cost: CostSection;
  /** Every violation, the sections' together. */
  readonly violations: Violation[];
  /** One line per section, for the top of the review. */
  readonly summary: Array<[string, string]>;
}

/** Reviews the parsed output of `terraform show -json PLANFILE`; throws NotAPlanError for other JSON. */
export function reviewPlan(raw: Json, options: ReviewOptions = {}): Review {
  const plan = new Plan(raw);
  const changes = reviewChanges(plan);
  const exposure = reviewExposure(plan);
  const iam = reviewIam(plan);
  const secrets = reviewSecrets(plan, iam, { allowNames: options.allowNames });
  const cost = estimateCost(plan, options.region, options.prices);
  const violations = [...changes.violations, ...exposure.violations, ...iam.violations, ...secrets.violations];
  const review = { source: options.source, terraformVersion: plan.terraformVersion, changes, exposure, iam, secrets, cost, violations };
  return { ...review, summary: summarize(review) };
}

export function formatMoney(value: number): string {
  return `$${value.toFixed(2)}`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `51 to add, 0 to change, 1 to replace, 1 to destroy` (+ read/forget when there are some). */
export function countsLine(counts: ChangesSection["counts"]): string {
  const parts = [`${counts.create} to add`, `${counts.update} to change`, `${counts.replace} to replace`, `${counts.delete} to destroy`];
  if (counts.read) parts.push(`${counts.read} to read`);
  if (counts.forget) parts.push(`${counts.forget} to forget`);
  return parts.join(", ");
}

/** `: $47.16 for 3 services, $71.78 shared`; empty without a service. */
function costSplit(cost: CostSection): string {
  const services = cost.scopes.filter((scope) => scope.scope !== SHARED);
  if (services.length === 0) return "";
  const shared = cost.scopes.find((scope) => scope.scope === SHARED)?.monthly ?? 0;
  const perService = services.reduce((sum, scope) => sum + scope.monthly, 0);
  return `: ${formatMoney(perService)} for ${plural(services.length, "service")}, ${formatMoney(shared)} shared`;
}

function summarize(review: Omit<Review, "summary">): Array<[string, string]> {
  const { changes, exposure, iam, secrets, cost, violations } = review;
  const flagged = changes.flagged.map((change) => `${change.kind === "replace" ? "REPLACES" : "DESTROYS"} ${change.address}`);
  const openPorts = [...new Set(exposure.openRules.map((rule) => rule.ports))];
  const exposureParts = [
    plural(exposure.loadBalancers.length, "internet-facing load balancer"),
    exposure.listeners.length ? `listeners on ${[...new Set(exposure.listeners.map((listener) => listener.port))].join(", ")}` : "",
    exposure.listenerRules.length ? plural(exposure.listenerRules.length, "listener rule") : "",
    exposure.openRules.length ? `${plural(exposure.openRules.length, "world-open ingress rule")} (${openPorts.join(", ")})` : "no world-open ingress",
    plural(exposure.publicAddresses.length, "public address", "public addresses"),
  ].filter(Boolean);
  const unknown = iam.unknownAtPlan.length;
  const rolesInPlan = iam.roles.filter((role) => role.inPlan).length;
  const outside = iam.roles.length - rolesInPlan;
  const secretLeaks = secrets.violations.length;
  const unreadable = secrets.mappings.filter((mapping) => mapping.readable === false).length;
  return [
    ["Changes", countsLine(changes.counts) + (flagged.length ? ` — ${flagged.join(", ")}` : "")],
    ["Exposure", exposureParts.join("; ")],
    [
      "IAM",
      `${plural(rolesInPlan, "role")}${outside ? ` (+${outside} outside the plan)` : ""}; ${plural(iam.secretReads.length, "grant")} that read${
        iam.secretReads.length === 1 ? "s" : ""
      } secrets${unknown ? `; ${plural(unknown, "policy part")} ${UNKNOWN_AT_PLAN} (not judged)` : ""}`,
    ],
    [
      "Secrets",
      `${plural(secrets.mappings.length, "container variable")} from a secret store${
        unreadable ? ` (${unreadable} its execution role cannot read)` : ""
      }; ${secretLeaks ? `${plural(secretLeaks, "secret value")} in the plan` : "no secret value in the plan"}`,
    ],
    ["Cost", `about ${formatMoney(cost.total)} a month${costSplit(cost)} (${cost.priceLabel}; assumptions in section 5)`],
    [
      "Policy",
      violations.length
        ? `${plural(violations.length, "violation")}: --strict fails${unknown ? ` (and ${plural(unknown, "IAM policy part")} ${UNKNOWN_AT_PLAN}, not judged)` : ""}`
        : unknown
          ? `no violations in what the plan knows; ${plural(unknown, "IAM policy part")} ${UNKNOWN_AT_PLAN}, not judged: read them in section 3`
          : "no violations",
    ],
  ];
}
