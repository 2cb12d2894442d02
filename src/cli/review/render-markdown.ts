/**
 * The review as Markdown, for a pull request or Terraform Cloud comment: headings, tables, and long lists
 * folded in `<details>`.
 */
import { ChangeKind } from "./plan";
import { RULES } from "./rules";
import { Review, countsLine, formatMoney, plural } from "./review";
import { Statement } from "./iam";
import { secretParametersInPlan } from "./render-text";
import { UNKNOWN_AT_PLAN } from "./exposure";
import { SHARED } from "./cost";

const SYMBOLS: Record<ChangeKind, string> = { create: "+", update: "~", replace: "-/+", delete: "-", read: "<=", "no-op": "", forget: "forget" };
const FOLD_AFTER = 8;

export function renderMarkdown(review: Review): string {
  const out: string[] = [];
  const line = (text = "") => out.push(text);
  const { changes, exposure, iam, secrets, cost, violations } = review;

  line(`## Terraform plan review${review.source ? `: ${code(review.source)}` : ""}`);
  line();
  const headline = [
    countsLine(changes.counts).replace(/^(\d+ to add)/, "**$1**").replace(/(\d+ to replace|\d+ to destroy)/g, (part) => (/^0 /.test(part) ? part : `**${part}**`)),
    `about **${formatMoney(cost.total)}/month**`,
    violations.length ? `⛔ **${plural(violations.length, "policy violation")}**` : "✅ no policy violations",
  ];
  line(headline.join(" · "));
  line();
  for (const [label, text] of review.summary) line(`- **${label}:** ${codeAddresses(escape(text))}`);

  if (violations.length) {
    line();
    line(`### ⛔ Policy violations (${violations.length}): \`--strict\` fails`);
    line();
    out.push(...mdTable(["rule", "resource", "what"], violations.map((violation) => [code(violation.rule), code(violation.address), codeAddresses(escape(violation.message))])));
  }

  line();
  line("### 1. Changes");
  line();
  if (changes.flagged.length) {
    for (const change of changes.flagged) {
      const details = [
        change.reason ? `why: ${escape(change.reason)}` : "",
        change.replacePaths.length ? `forced by ${change.replacePaths.map(code).join(", ")}` : "",
        change.order === "delete-first" ? "deleted before its replacement is created" : change.order === "create-first" ? "replacement created first" : "",
        change.stateful ? `loses: ${escape(change.stateful)}` : "",
      ].filter(Boolean);
      line(`> ⚠️ **${change.kind === "replace" ? "REPLACE" : "DESTROY"}** ${code(change.address)}${details.length ? ` — ${details.join("; ")}` : ""}`);
      line(">");
    }
    out.pop();
    line();
  }
  if (changes.imports.length) line(`Importing: ${changes.imports.map(code).join(", ")}\n`);
  for (const move of changes.moves) line(`Moved: ${code(move.from)} → ${code(move.to)}\n`);
  if (changes.groups.length) {
    out.push(
      ...mdTable(
        ["group", "add", "change", "replace", "destroy"],
        changes.groups.map((group) => [
          code(group.name),
          ...(["create", "update", "replace", "delete"] as const).map((kind) =>
            (kind === "replace" || kind === "delete") && group.counts[kind] ? `**${group.counts[kind]}**` : String(group.counts[kind]),
          ),
        ]),
      ),
    );
    const all = changes.groups.flatMap((group) => group.resources);
    line();
    out.push(
      ...details(
        `All ${plural(all.length, "changed resource")}`,
        mdTable(["", "resource"], all.map((resource) => [code(SYMBOLS[resource.kind]), code(resource.address)])),
        true,
      ),
    );
  } else line("No changes.");

  line();
  line("### 2. Internet exposure");
  line();
  if (exposure.loadBalancers.length) {
    line("**Internet-facing load balancers**");
    line();
    out.push(
      ...mdTable(
        ["load balancer", "type", "IP addresses", "zones"],
        exposure.loadBalancers.map((lb) => [code(lb.address), lb.type, lb.ipAddressType ?? "", lb.zones === undefined ? "" : String(lb.zones)]),
      ),
    );
    line();
  } else line("No internet-facing load balancer.\n");
  if (exposure.listeners.length) {
    line("**Listeners**");
    line();
    out.push(
      ...mdTable(
        ["load balancer", "port", "protocol", "action", "TLS policy"],
        exposure.listeners.map((listener) => [
          code(listener.loadBalancer ?? listener.address),
          String(listener.port ?? "?"),
          listener.protocol ?? "?",
          codeAddresses(escape(listener.action)),
          [listener.sslPolicy ? code(listener.sslPolicy) : "", listener.sniCertificates.length ? `+ ${plural(listener.sniCertificates.length, "SNI certificate")}` : ""]
            .filter(Boolean)
            .join(" "),
        ]),
      ),
    );
    line();
  }
  if (exposure.listenerRules.length) {
    line("**Listener rules** (lowest priority first; what none matches gets the listener's default action)");
    line();
    const balancers = new Set(exposure.listenerRules.map((rule) => rule.loadBalancer ?? ""));
    const others = exposure.listenerRules.some((rule) => rule.otherConditions.length);
    out.push(
      ...mdTable(
        ["listener", "priority", "hosts", "paths", ...(others ? ["also if"] : []), "action", "target group", "ECS service"],
        exposure.listenerRules.map((rule) => {
          const forwards = rule.targets.length > 0;
          return [
            balancers.size > 1 ? `${code(rule.loadBalancer ?? "?")} ${escape(rule.listener)}` : escape(rule.listener),
            String(rule.priority),
            rule.hosts.length ? rule.hosts.map(valueCell).join(", ") : "any",
            rule.paths.length ? rule.paths.map(valueCell).join(", ") : "any",
            ...(others ? [escape(rule.otherConditions.join("; "))] : []),
            escape(rule.action),
            forwards
              ? rule.targets.map((target) => `${valueCell(target.targetGroup)}${target.weight !== undefined && rule.targets.length > 1 ? ` (weight ${target.weight})` : ""}`).join("<br>")
              : "",
            forwards
              ? rule.targets
                  .map((target) =>
                    target.services.length ? target.services.map(code).join(", ") : target.targetGroup === UNKNOWN_AT_PLAN ? UNKNOWN_AT_PLAN : "none in this plan",
                  )
                  .join("<br>")
              : "",
          ];
        }),
      ),
    );
    line();
  }
  line("**Ingress open to the world** (`0.0.0.0/0`, `::/0`)");
  line();
  if (exposure.openRules.length) {
    out.push(
      ...mdTable(
        ["", "ports", "from", "rule", "security group (used by)"],
        exposure.openRules.map((rule) => [
          rule.allowed ? "✅" : "⛔",
          `**${escape(rule.ports)}**`,
          rule.sources.map(code).join(", "),
          code(rule.address),
          rule.securityGroup ? `${code(rule.securityGroup)}${rule.usedBy.length ? ` (${rule.usedBy.map(code).join(", ")})` : ""}` : "",
        ]),
      ),
    );
  } else line("None.");
  line();
  line("**Public addresses**");
  line();
  if (exposure.publicAddresses.length) {
    out.push(
      ...details(
        plural(exposure.publicAddresses.length, "public address", "public addresses"),
        mdTable(["resource", "what"], exposure.publicAddresses.map((entry) => [code(entry.address), codeAddresses(escape(entry.what))])),
        exposure.publicAddresses.length > FOLD_AFTER,
      ),
    );
  } else line("None.");

  line();
  line("### 3. IAM");
  line();
  if (iam.roles.length === 0) line("No role in this plan.\n");
  for (const role of iam.roles) {
    const trusted = role.trust
      .filter((statement) => statement.effect === "Allow")
      .flatMap((statement) => statement.principals.map((principal) => code(principal) + conditionsOf(statement)));
    line(
      `**${code(role.address)}**${role.name && role.inPlan ? ` (${code(role.name)})` : ""}${
        role.inPlan ? ` — assumed by ${trusted.join(", ") || escape(role.trustUnreadable ?? "nobody")}` : " — a role outside this plan"
      }`,
    );
    line();
    const rows = role.policies.flatMap((policy) =>
      policy.statements?.length
        ? policy.statements.map((statement) => [...statementCells(statement), `${code(policy.address)}${policy.fromConfiguration ? " ¹" : ""}`])
        : [["—", escape(policy.label), escape(policy.unreadable ?? "no statement"), "", code(policy.address)]],
    );
    if (rows.length) out.push(...details(plural(rows.length, "statement"), mdTable(["effect", "actions", "resources", "", "policy"], rows), rows.length > FOLD_AFTER));
    else line("No policy in this plan.");
    line();
  }
  if (iam.roles.some((role) => role.policies.some((policy) => policy.fromConfiguration))) {
    line("¹ unknown at plan time (it references resources to create): read from the configuration.");
    line();
  }
  if (iam.secretReads.length) {
    line("**Grants that read secrets**");
    line();
    out.push(
      ...mdTable(
        ["who", "actions", "on"],
        iam.secretReads.map((read) => [code(read.subject), read.actions.map(code).join(", "), read.resources.map(code).join(", ")]),
      ),
    );
    line();
  }
  if (iam.otherPolicies.length) {
    line("**Other policies**");
    line();
    const rows = iam.otherPolicies.flatMap((policy) =>
      (policy.statements ?? []).map((statement) => [...statementCells(statement), `${code(policy.address)} (${escape(policy.subject)})`]),
    );
    out.push(...details(plural(iam.otherPolicies.length, "policy", "policies"), mdTable(["effect", "actions", "resources", "", "policy"], rows), rows.length > FOLD_AFTER));
    line();
  }
  if (iam.resourcePolicies.length) {
    const rows = iam.resourcePolicies.flatMap((policy) =>
      (policy.statements ?? []).map((statement) => [
        code(policy.address),
        statement.principals.map(code).join(", "),
        ...statementCells(statement).slice(0, 3),
      ]),
    );
    out.push(...details(`${plural(iam.resourcePolicies.length, "resource policy", "resource policies")}`, mdTable(["resource", "principals", "effect", "actions", "resources"], rows), true));
    line();
  }

  line("### 4. Secrets");
  line();
  if (secrets.mappings.length) {
    out.push(
      ...mdTable(
        ["secret → container variable", "execution role may read it"],
        secrets.mappings.map((mapping) => [
          `${code(mapping.parameter)} → ${code(`${mapping.container}.${mapping.variable}`)}`,
          mapping.readable === true
            ? `✅ ${code(mapping.executionRole ?? "")}`
            : mapping.readable === false
              ? `⛔ not in this plan's policies of ${code(mapping.executionRole ?? "")}`
              : "role outside this plan",
        ]),
      ),
    );
  } else line("No container reads a secret.");
  line();
  if (secrets.parameters.length) {
    out.push(
      ...mdTable(
        ["SSM parameter", "name", "type", "value"],
        secrets.parameters.map((parameter) => [code(parameter.address), code(parameter.name ?? "?"), parameter.type ?? "?", escape(parameter.valueSource).replace(/\b(var\.[\w-]+)/g, "`$1`")]),
      ),
    );
    line();
  }
  const leakedVariables = secrets.sensitiveVariables.filter((variable) => variable.valueInPlan).map((variable) => code(`var.${variable.name}`));
  const ephemeral = secrets.sensitiveVariables.filter((variable) => !variable.valueInPlan).map((variable) => code(`var.${variable.name}`));
  const secureInPlan = secretParametersInPlan(review);
  line(
    leakedVariables.length
      ? `- ⛔ sensitive variables whose value is in the plan: ${leakedVariables.join(", ")}`
      : `- ✅ no sensitive variable's value in the plan${ephemeral.length ? ` (${ephemeral.join(", ")}: ephemeral)` : ""}`,
  );
  line(secureInPlan.length ? `- ⛔ SecureString values in the plan: ${secureInPlan.map(code).join(", ")}` : "- ✅ no SSM SecureString value in the plan");
  line(
    secrets.plainSecretEnvironment.length
      ? `- ⛔ secret-looking environment variables with a plain value: ${secrets.plainSecretEnvironment.map((entry) => code(`${entry.container}.${entry.variable}`)).join(", ")}`
      : "- ✅ no secret-looking environment variable with a plain value",
  );
  if (secrets.suspiciousVariables.length) {
    line(`- ⚠️ not sensitive, secret-looking, value in the plan: ${secrets.suspiciousVariables.map((name) => code(`var.${name}`)).join(", ")}`);
  }

  line();
  line(`### 5. Estimated monthly cost: about ${formatMoney(cost.total)}`);
  line();
  line(`${escape(cost.priceLabel)}, USD.${cost.regionFrom === "unknown" ? " The plan does not give its region as a literal: pass `--region`." : ""}`);
  line();
  out.push(
    ...mdTable(
      ["item", "how", "per month"],
      [
        ...cost.items.map((item) => [
          codeAddresses(escape(item.item)),
          escape(item.detail) + (item.assumed ? " *" : "") + (item.unconfirmed ? " †" : ""),
          formatMoney(item.monthly),
        ]),
        ["**Total**", "", `**${formatMoney(cost.total)}**`],
      ],
      [false, false, true],
    ),
  );
  line();
  line("**Per service** (its tasks, their public addresses, its log groups and alarms) **and shared**");
  line();
  out.push(
    ...mdTable(
      ["scope", "per month"],
      [
        ...cost.scopes.map((scope) => [
          (scope.scope === SHARED ? "shared" : code(scope.scope)) + (scope.fargateNotEstimated ? " (its tasks not estimated)" : ""),
          formatMoney(scope.monthly),
        ]),
        ["**Total**", `**${formatMoney(cost.total)}**`],
      ],
      [false, true],
    ),
  );
  line();
  const footnotes = [
    cost.items.some((item) => item.assumed) ? "\\* usage assumed (see the assumptions)" : "",
    cost.items.some((item) => item.unconfirmed) ? "† price not confirmed by a retrieved source: an assumption in `src/cli/review/prices.json`" : "",
  ].filter(Boolean);
  if (footnotes.length) {
    line(footnotes.join("<br>\n"));
    line();
  }
  line(`**Assumptions:** ${escape(cost.assumptions.join("; "))}.`);
  line();
  out.push(...details("Not estimated", [...cost.notEstimated, ...cost.notes].map((text) => `- ${codeAddresses(escape(text))}`), true));
  line();
  line(`<sub>Policy rules: ${Object.keys(RULES).map(code).join(", ")}. Generated by \`npm run review\`.</sub>`);
  return out.join("\n") + "\n";
}

function statementCells(statement: Statement): string[] {
  const actions = `${statement.notAction ? "every action but " : ""}${statement.actions.map(code).join(", ")}`;
  const resources = `${statement.notResource ? "every resource but " : ""}${statement.resources.map(code).join(", ") || "(none)"}${conditionsOf(statement)}`;
  const notes = [statement.secretReads.length ? "🔑 reads secrets" : "", statement.allResources && statement.effect === "Allow" ? "⚠️ all resources" : ""].filter(Boolean);
  return [statement.effect, actions, resources, notes.join(", ")];
}

function conditionsOf(statement: Statement): string {
  return statement.conditions.length ? ` (if ${statement.conditions.map(code).join(", ")})` : "";
}

function mdTable(header: string[], rows: string[][], right: boolean[] = []): string[] {
  const cell = (text: string) => text.replace(/\n/g, " ");
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map((_, index) => (right[index] ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}

function details(summary: string, body: string[], folded: boolean): string[] {
  if (!folded) return body;
  return ["<details>", `<summary>${escape(summary)}</summary>`, "", ...body, "", "</details>"];
}

/** Resource addresses in running text as code: `forward to aws_lb_target_group.x`. */
function codeAddresses(text: string): string {
  return text.replace(/(?<![`\w])((?:module\.[\w-]+\.)*aws_[a-z0-9_]+\.[\w-]+(?:\[[^\]]*\])?(?:\.[a-z_]+)*)/g, "`$1`");
}

/** A value in a table cell: code, or UNKNOWN_AT_PLAN in words. */
function valueCell(text: string): string {
  return text === UNKNOWN_AT_PLAN ? `_${UNKNOWN_AT_PLAN}_` : code(text);
}

/** Inline code safe in a table cell. */
function code(text: string): string {
  return "`" + text.replace(/`/g, "'").replace(/\|/g, "\\|") + "`";
}

/** Text safe in a table cell and outside HTML. */
function escape(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
