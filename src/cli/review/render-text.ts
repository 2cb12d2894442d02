/** The review for a terminal: a summary first, then the sections, in aligned columns. */
import { ChangeKind } from "./plan";
import { RULES } from "./rules";
import { Review, countsLine, formatMoney, plural } from "./review";
import { Statement } from "./iam";
import { SensitiveValue } from "./secrets";
import { ListenerRuleExposure, UNKNOWN_AT_PLAN, compareText } from "./exposure";

const SYMBOLS: Record<ChangeKind, string> = { create: "+", update: "~", replace: "-/+", delete: "-", read: "<=", "no-op": " ", forget: "forget" };

export function renderText(review: Review): string {
  const out: string[] = [];
  const line = (text = "") => out.push(text);
  const heading = (text: string) => {
    line();
    line(text);
    line("-".repeat(text.length));
  };
  const { changes, exposure, iam, secrets, cost, violations } = review;

  const title = `Plan review${review.source ? `: ${review.source}` : ""}${review.terraformVersion ? ` (Terraform ${review.terraformVersion})` : ""}`;
  line(title);
  line("=".repeat(title.length));
  out.push(...table(review.summary.map(([label, text]) => [label, text]), "  "));

  if (violations.length) {
    heading(`POLICY VIOLATIONS (${violations.length}): exit 1 with --strict`);
    out.push(...table(violations.map((violation) => ["!!", violation.rule, violation.address, violation.message]), "  "));
  }

  heading("1. Changes");
  line(`  ${countsLine(changes.counts)}${changes.counts["no-op"] ? `; ${changes.counts["no-op"]} unchanged` : ""}`);
  if (changes.flagged.length) {
    line();
    line("  REPLACED OR DESTROYED:");
    for (const change of changes.flagged) {
      const what = change.kind === "replace" ? `!! REPLACE  ${change.address}` : `!! DESTROY  ${change.address}`;
      const order = change.order === "delete-first" ? "deleted before its replacement is created" : change.order === "create-first" ? "replacement created first" : "";
      line(`  ${what}`);
      const details = [
        change.reason ? `why: ${change.reason}` : "",
        change.replacePaths.length ? `forced by: ${change.replacePaths.join(", ")}` : "",
        order,
        change.stateful ? `loses: ${change.stateful}` : "",
      ].filter(Boolean);
      for (const detail of details) line(`               ${detail}`);
    }
  }
  if (changes.imports.length) line(`  importing: ${changes.imports.join(", ")}`);
  for (const move of changes.moves) line(`  moved: ${move.from} → ${move.to}`);
  if (changes.groups.length) {
    line();
    out.push(
      ...table(
        [
          ["group", "add", "change", "replace", "destroy"],
          ...changes.groups.map((group) => [group.name, ...(["create", "update", "replace", "delete"] as const).map((kind) => String(group.counts[kind]))]),
        ],
        "  ",
        [false, true, true, true, true],
      ),
    );
    for (const group of changes.groups) {
      line();
      line(`  ${group.name}`);
      // Every change but a creation on its own line; creations counted by type, wrapped.
      const created = new Map<string, number>();
      const rows: string[][] = [];
      for (const resource of group.resources) {
        if (resource.kind === "create") created.set(resource.type, (created.get(resource.type) ?? 0) + 1);
        else rows.push([SYMBOLS[resource.kind], resource.address]);
      }
      out.push(...table(rows, "    "));
      const types = [...created].sort(([a], [b]) => compareText(a, b)).map(([type, count]) => `${type}${count > 1 ? ` ×${count}` : ""}`);
      if (types.length) out.push(...wrap(`+ ${group.counts.create} new: `, types, "    ", WIDTH));
    }
  }

  heading("2. Internet exposure");
  if (exposure.loadBalancers.length) {
    line("  Internet-facing load balancers");
    out.push(
      ...table(
        exposure.loadBalancers.map((lb) => [
          lb.address,
          [lb.type, lb.ipAddressType, lb.zones !== undefined ? plural(lb.zones, "zone") : "", lb.deletionProtection ? "deletion protection" : ""]
            .filter(Boolean)
            .join(", "),
        ]),
        "    ",
      ),
    );
  } else line("  No internet-facing load balancer.");
  if (exposure.internalLoadBalancers) line(`  (${plural(exposure.internalLoadBalancers, "internal load balancer")} not listed)`);
  if (exposure.listeners.length) {
    line("  Listeners");
    out.push(
      ...table(
        exposure.listeners.map((listener) => [
          listener.loadBalancer ?? listener.address,
          `${listener.port ?? "?"}/${listener.protocol ?? "?"}`,
          listener.action,
          listener.sslPolicy ? `TLS policy ${listener.sslPolicy}` : "",
          listener.sniCertificates.length ? `+ ${plural(listener.sniCertificates.length, "SNI certificate")}` : "",
        ]),
        "    ",
      ),
    );
  }
  if (exposure.listenerRules.length) {
    line("  Listener rules (lowest priority first; what none matches gets the listener's default action)");
    const balancers = new Set(exposure.listenerRules.map((rule) => rule.loadBalancer ?? ""));
    out.push(
      ...table(
        exposure.listenerRules.map((rule) => [
          balancers.size > 1 ? `${rule.loadBalancer ?? "?"} ${rule.listener}` : rule.listener,
          `priority ${rule.priority}`,
          rule.hosts.length ? `host ${rule.hosts.join(", ")}` : "any host",
          rule.paths.length ? `path ${rule.paths.join(", ")}` : "any path",
          ruleDestination(rule),
          rule.otherConditions.length ? `(if also ${rule.otherConditions.join("; ")})` : "",
        ]),
        "    ",
      ),
    );
  }
  line("  Ingress open to the world (0.0.0.0/0, ::/0)");
  if (exposure.openRules.length) {
    out.push(
      ...table(
        exposure.openRules.map((rule) => [
          rule.allowed ? "ok" : "!!",
          rule.ports,
          rule.sources.join(", "),
          rule.address,
          rule.securityGroup ? `→ ${rule.securityGroup}${rule.usedBy.length ? ` (${rule.usedBy.join(", ")})` : ""}` : "",
        ]),
        "    ",
      ),
    );
  } else line("    none");
  line("  Public addresses");
  if (exposure.publicAddresses.length) out.push(...table(exposure.publicAddresses.map((entry) => [entry.address, entry.what]), "    "));
  else line("    none");

  heading("3. IAM");
  if (iam.roles.length === 0) line("  No role in this plan.");
  for (const role of iam.roles) {
    line(`  ${role.address}${role.name && role.inPlan ? `  "${role.name}"` : ""}${role.inPlan ? "" : "  (a role outside this plan)"}`);
    if (role.inPlan) {
      const trusted = role.trust.filter((statement) => statement.effect === "Allow").flatMap((statement) => statement.principals.map((principal) => principal + conditionsOf(statement)));
      line(`    assumed by  ${trusted.join(", ") || role.trustUnreadable || "nobody (no trust statement)"}`);
    }
    if (role.policies.length === 0) line("    no policy in this plan");
    for (const policy of role.policies) {
      const origin = policy.unknownAtPlan ? "" : policy.fromConfiguration ? `, ${UNKNOWN_AT_PLAN}: read from the configuration` : "";
      line(`    ${policy.address} (${policy.label}${origin})`);
      if (policy.unreadable) line(`      ${policy.unreadable}`);
      out.push(...table((policy.statements ?? []).map(statementRow), "      "));
    }
  }
  if (iam.unknownAtPlan.length) {
    line(`  ${UNKNOWN_AT_PLAN.replace(/^u/, "U")}: not judged by the policy rules (read it after apply, or in the configuration)`);
    out.push(...table(iam.unknownAtPlan.map((entry) => ["??", entry.subject, entry.policy, entry.what]), "    "));
  }
  if (iam.secretReads.length) {
    line("  Grants that read secrets");
    out.push(...table(iam.secretReads.map((read) => [read.subject, read.actions.join(", "), "on", read.resources.join(", ")]), "    "));
  }
  if (iam.otherPolicies.length) {
    line("  Other policies");
    for (const policy of iam.otherPolicies) {
      line(`    ${policy.address} (${policy.label}, ${policy.subject})`);
      if (policy.unreadable) line(`      ${policy.unreadable}`);
      out.push(...table((policy.statements ?? []).map(statementRow), "      "));
    }
  }
  if (iam.resourcePolicies.length) {
    line("  Resource policies");
    for (const policy of iam.resourcePolicies) {
      line(`    ${policy.address}`);
      if (policy.unreadable) line(`      ${policy.unreadable}`);
      out.push(
        ...table(
          (policy.statements ?? []).map((statement) => [statement.effect, statement.principals.join(", ") || "(no principal)", ...statementRow(statement).slice(1)]),
          "      ",
        ),
      );
    }
  }

  heading("4. Secrets");
  line("  Secret → container variable");
  if (secrets.mappings.length) {
    out.push(
      ...table(
        secrets.mappings.map((mapping) => [
          `${mapping.parameter} → ${mapping.container}.${mapping.variable}`,
          mapping.readable === true
            ? `${mapping.executionRole} may read it`
            : mapping.readable === false
              ? `!! ${mapping.executionRole} has no grant to read it in this plan`
              : mapping.executionRole
                ? ""
                : "execution role outside this plan",
        ]),
        "    ",
      ),
    );
  } else line("    none");
  if (secrets.parameters.length) {
    line("  SSM parameters");
    out.push(...table(secrets.parameters.map((parameter) => [parameter.address, parameter.name ?? "?", parameter.type ?? "?", parameter.valueSource]), "    "));
  }
  line("  Checks");
  const ephemeral = secrets.sensitiveVariables.filter((variable) => !variable.valueInPlan).map((variable) => `var.${variable.name}`);
  const checks: Array<[boolean, string]> = [
    [
      !secrets.sensitiveVariables.some((variable) => variable.valueInPlan),
      secrets.sensitiveVariables.some((variable) => variable.valueInPlan)
        ? `sensitive variable values in the plan: ${secrets.sensitiveVariables.filter((variable) => variable.valueInPlan).map((variable) => `var.${variable.name}`).join(", ")}`
        : `no sensitive variable's value in the plan${ephemeral.length ? ` (${ephemeral.join(", ")}: ephemeral)` : ""}`,
    ],
    [
      secrets.sensitiveValues.length === 0,
      secrets.sensitiveValues.length
        ? `values the provider marks sensitive in the plan: ${secrets.sensitiveValues.map(sensitiveValueText).join(", ")}`
        : "no value the provider marks sensitive in the plan (passwords, SecureString values, sensitive outputs...)",
    ],
    [
      secrets.plainSecretEnvironment.length === 0,
      secrets.plainSecretEnvironment.length
        ? `secret-looking environment variables with a plain value: ${secrets.plainSecretEnvironment.map((entry) => `${entry.container}.${entry.variable}`).join(", ")}`
        : "no secret-looking environment variable with a plain value",
    ],
  ];
  out.push(...table(checks.map(([ok, text]) => [ok ? "ok" : "!!", text]), "    "));
  if (secrets.suspiciousVariables.length) {
    line(`    note: variables with secret-looking names, not sensitive, whose values are in the plan: ${secrets.suspiciousVariables.join(", ")}`);
  }
  if (secrets.allowedNames.length) line(`    note: secret-looking names allowed (--allow-name): ${secrets.allowedNames.join(", ")}`);

  heading(`5. Estimated monthly cost (${cost.priceLabel}, USD)`);
  if (cost.regionFrom === "unknown") line("  The plan does not give the provider's region as a literal: pass --region to price it.");
  const marks = (item: (typeof cost.items)[number]) => `${item.unconfirmed ? "†" : ""}${item.assumed ? "*" : ""}`;
  out.push(
    ...table(
      [
        ...cost.items.map((item) => [item.item, item.detail, formatMoney(item.monthly), marks(item)]),
        ["Total", "", formatMoney(cost.total), ""],
      ],
      "  ",
      [false, false, true, false],
    ),
  );
  line();
  line("  Per service (its tasks, their public addresses, its log groups and alarms) and shared");
  out.push(
    ...table(
      [
        ...cost.scopes.map((scope) => [
          scope.scope,
          formatMoney(scope.monthly),
          scope.fargateNotEstimated ? "its tasks not estimated (see the notes)" : "",
        ]),
        ["Total", formatMoney(cost.total), ""],
      ],
      "    ",
      [false, true],
    ),
  );
  line();
  if (cost.items.some((item) => item.assumed)) line("  * usage assumed (below)");
  if (cost.items.some((item) => item.unconfirmed)) line("  † price not confirmed by a retrieved source: an assumption (src/cli/review/prices.json)");
  out.push(...wrap("Assumptions: ", cost.assumptions, "  ", WIDTH, ";", "."));
  out.push(...wrap("Not estimated: ", cost.notEstimated, "  ", WIDTH, ";", "."));
  for (const note of cost.notes) line(`  Note: ${note}`);

  heading("6. Policy (--strict)");
  if (violations.length === 0 && iam.unknownAtPlan.length) {
    line(`  ??  no violations in what the plan knows; ${plural(iam.unknownAtPlan.length, "IAM policy part")} ${UNKNOWN_AT_PLAN}, not judged (section 3)`);
  } else if (violations.length === 0) line("  ok  no violations");
  else out.push(...table(violations.map((violation) => ["!!", violation.rule, violation.address]), "  "));
  line(`  Rules: ${Object.keys(RULES).join(", ")} (review --help describes them).`);
  return out.join("\n") + "\n";
}

/** `→ aws_lb_target_group.x → aws_ecs_service.y`, or the rule's action when it does not forward. */
export function ruleDestination(rule: ListenerRuleExposure): string {
  const forwards = rule.targets.map(
    (target) =>
      `→ ${target.targetGroup}${target.weight !== undefined && rule.targets.length > 1 ? ` (weight ${target.weight})` : ""} → ${
        target.services.length ? target.services.join(", ") : target.targetGroup === UNKNOWN_AT_PLAN ? UNKNOWN_AT_PLAN : "no ECS service in this plan"
      }`,
  );
  const action = rule.action === "forward" && forwards.length ? "" : rule.action;
  return [action, forwards.join("; ")].filter(Boolean).join(" ");
}

/** `aws_db_instance.db.password (a literal in the configuration)`: where a sensitive value is, never the value. */
export function sensitiveValueText(found: SensitiveValue): string {
  return `${found.address}${found.attribute ? `.${found.attribute}`.replace(/^\.\[/, "[") : ""} (${found.source})`;
}

function statementRow(statement: Statement): string[] {
  const actions = statement.notAction ? `every action but ${statement.actions.join(", ")}` : statement.actions.join(", ");
  const resources = statement.notResource ? `every resource but ${statement.resources.join(", ")}` : statement.resources.join(", ") || "(no resource)";
  const notes = [
    statement.secretReads.length ? "reads secrets" : "",
    statement.allResources && statement.effect === "Allow" ? "all resources" : "",
    statement.unknownAtPlan.length ? `${UNKNOWN_AT_PLAN}: ${statement.unknownAtPlan.join(", ")}` : "",
  ].filter(Boolean);
  return [statement.effect, actions, "on", resources + conditionsOf(statement), notes.length ? `<< ${notes.join(", ")}` : ""];
}

function conditionsOf(statement: Statement): string {
  return statement.conditions.length ? ` (if ${statement.conditions.join(", ")})` : "";
}

const WIDTH = 110;

/** `first` then the items, separated, wrapped at `width` with following lines aligned under the first item. */
function wrap(first: string, items: string[], indent: string, width: number, separator = ",", end = ""): string[] {
  const lines: string[] = [];
  let current = indent + first;
  const hanging = indent + " ".repeat(first.length);
  items.forEach((item, index) => {
    const text = item + (index < items.length - 1 ? separator : end);
    if (current.length + text.length + 1 > width && current.trim() !== first.trim()) {
      lines.push(current.replace(/\s+$/, ""));
      current = hanging;
    }
    current += (current === hanging || current === indent + first ? "" : " ") + text;
  });
  lines.push(current);
  return lines;
}

/** Rows in aligned columns (empty trailing cells dropped); `right` right-aligns a column. */
export function table(rows: string[][], indent: string, right: boolean[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, [...cell].length)));
  return rows.map((row) => {
    let last = row.length - 1;
    while (last > 0 && row[last] === "") last--;
    const cells = row.slice(0, last + 1).map((cell, index) => {
      const pad = " ".repeat(widths[index] - [...cell].length);
      if (right[index]) return pad + cell;
      return index === last ? cell : cell + pad;
    });
    return (indent + cells.join("  ")).replace(/\s+$/, "");
  });
}
