/**
 * The review as Markdown, for a pull request or Terraform Cloud comment: headings, tables, and long lists
 * folded in `<details>`.
 *
 * GitHub refuses a comment over 65,536 characters. A review that would be longer is rendered again with
 * the summary and the policy violations (the first 50) open and every section's details folded, each table
 * to its first 100 rows; if that is still too long, it is cut at a line, the open `<details>` closed, with a
 * note saying so and where to read the rest.
 */
import { ChangeKind } from "./plan";
import { RULES } from "./rules";
import { Review, countsLine, formatMoney, plural } from "./review";
import { Statement, isUnknownElement } from "./iam";
import { sensitiveValueText } from "./render-text";
import { UNKNOWN_AT_PLAN } from "./exposure";
import { SHARED } from "./cost";

const SYMBOLS: Record<ChangeKind, string> = { create: "+", update: "~", replace: "-/+", delete: "-", read: "<=", "no-op": "", forget: "forget" };
const FOLD_AFTER = 8;

/** GitHub's limit on an issue or pull request comment, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Violations listed when the review is folded to fit the limit. */
const COMPACT_VIOLATIONS = 50;
/** Rows of any other table then. */
const COMPACT_ROWS = 100;

export interface MarkdownOptions {
  /** The most characters the output may have (GitHub's comment limit by default). */
  readonly limit?: number;
}

export function renderMarkdown(review: Review, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const full = render(review, false);
  if (full.length <= limit) return full;
  const over = `over ${limit === GITHUB_COMMENT_LIMIT ? "GitHub's " : "the "}${limit.toLocaleString("en-US")}-character${limit === GITHUB_COMMENT_LIMIT ? " comment" : ""} limit`;
  const compact = render(review, true, `The full review is ${full.length.toLocaleString("en-US")} characters, ${over}`);
  if (compact.length <= limit) return compact;
  return cut(compact, limit, `the review is ${full.length.toLocaleString("en-US")} characters, ${over}`);
}

/**
 * The first lines of `markdown` that fit in `limit`, each `<details>` they leave open closed, and a note
 * saying what was cut and why.
 */
function cut(markdown: string, limit: number, why: string): string {
  const note = [
    "",
    `> ✂️ **Cut here:** ${why}, and the rest is left out. ` +
      "Read all of it with `npm run review -- PLAN_JSON` (text), or keep `--format markdown`'s output as a file (a CI artifact).",
    "",
  ].join("\n");
  const lines = markdown.split("\n");
  const kept: string[] = [];
  let size = 0;
  let open = 0;
  const closing = (depth: number) => "\n</details>".repeat(depth).length + "\n".length;
  for (const text of lines) {
    const opens = text === "<details>" ? 1 : text === "</details>" ? -1 : 0;
    if (size + text.length + 1 + closing(open + opens) + note.length > limit) break;
    kept.push(text);
    size += text.length + 1;
    open += opens;
  }
  for (; open > 0; open--) kept.push("", "</details>");
  return kept.join("\n") + "\n" + note;
}

/** The review; `compact` (why, when it is) folds every section's details and shortens long tables. */
function render(review: Review, compact: boolean, why = ""): string {
  const out: string[] = [];
  const line = (text = "") => out.push(text);
  const { changes, exposure, iam, secrets, cost, violations } = review;
  /** `body` folded under `summary` when the review must be compact, or when `folded` says so anyway. */
  const fold = (summary: string, body: string[], folded = false) => details(summary, body, compact || folded);
  /** A table; when the review must be compact, its first rows and how many more there are. */
  const table = (header: string[], rows: string[][], right: boolean[] = []) => {
    if (!compact || rows.length <= COMPACT_ROWS) return mdTable(header, rows, right);
    return [...mdTable(header, rows.slice(0, COMPACT_ROWS), right), "", `… and ${rows.length - COMPACT_ROWS} more rows: \`npm run review -- PLAN_JSON\` shows them all.`];
  };

  line(`## Terraform plan review${review.source ? `: ${code(review.source)}` : ""}`);
  line();
  const headline = [
    countsLine(changes.counts).replace(/^(\d+ to add)/, "**$1**").replace(/(\d+ to replace|\d+ to destroy)/g, (part) => (/^0 /.test(part) ? part : `**${part}**`)),
    `about **${formatMoney(cost.total)}/month**`,
    violations.length
      ? `⛔ **${plural(violations.length, "policy violation")}**`
      : iam.unknownAtPlan.length
        ? `⚠️ no violations in what the plan knows (${plural(iam.unknownAtPlan.length, "IAM policy part")} ${UNKNOWN_AT_PLAN})`
        : "✅ no policy violations",
  ];
  line(headline.join(" · "));
  line();
  for (const [label, text] of review.summary) line(`- **${label}:** ${codeAddresses(escape(text))}`);
  if (compact) {
    line();
    line(`<sub>${why}: its details are folded, long tables shortened.</sub>`);
  }

  if (violations.length) {
    line();
    line(`### ⛔ Policy violations (${violations.length}): \`--strict\` fails`);
    line();
    const shown = compact ? violations.slice(0, COMPACT_VIOLATIONS) : violations;
    out.push(...table(["rule", "resource", "what"], shown.map((violation) => [code(violation.rule), code(violation.address), codeAddresses(escape(violation.message))])));
    if (shown.length < violations.length) {
      line();
      line(`… and ${plural(violations.length - shown.length, "more violation")}: \`npm run review -- PLAN_JSON\` lists them all.`);
    }
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
      ...fold(
        `${plural(changes.groups.length, "group")} of changes`,
        table(
          ["group", "add", "change", "replace", "destroy"],
          changes.groups.map((group) => [
            code(group.name),
            ...(["create", "update", "replace", "delete"] as const).map((kind) =>
              (kind === "replace" || kind === "delete") && group.counts[kind] ? `**${group.counts[kind]}**` : String(group.counts[kind]),
            ),
          ]),
        ),
      ),
    );
    const all = changes.groups.flatMap((group) => group.resources);
    line();
    out.push(
      ...details(
        `All ${plural(all.length, "changed resource")}`,
        table(["", "resource"], all.map((resource) => [code(SYMBOLS[resource.kind]), code(resource.address)])),
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
      ...fold(
        plural(exposure.loadBalancers.length, "load balancer"),
        table(
          ["load balancer", "type", "IP addresses", "zones"],
          exposure.loadBalancers.map((lb) => [code(lb.address), lb.type, lb.ipAddressType ?? "", lb.zones === undefined ? "" : String(lb.zones)]),
        ),
      ),
    );
    line();
  } else line("No internet-facing load balancer.\n");
  if (exposure.listeners.length) {
    line("**Listeners**");
    line();
    out.push(
      ...fold(
        plural(exposure.listeners.length, "listener"),
        table(
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
      ...fold(
        plural(exposure.listenerRules.length, "listener rule"),
        table(
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
      ),
    );
    line();
  }
  line("**Ingress open to the world** (`0.0.0.0/0`, `::/0`)");
  line();
  if (exposure.openRules.length) {
    out.push(
      ...fold(
        plural(exposure.openRules.length, "world-open ingress rule"),
        table(
          ["", "ports", "from", "rule", "security group (used by)"],
          exposure.openRules.map((rule) => [
            rule.allowed ? "✅" : "⛔",
            `**${escape(rule.ports)}**`,
            rule.sources.map(code).join(", "),
            code(rule.address),
            rule.securityGroup ? `${code(rule.securityGroup)}${rule.usedBy.length ? ` (${rule.usedBy.map(code).join(", ")})` : ""}` : "",
          ]),
        ),
      ),
    );
  } else line("None.");
  line();
  line("**Public addresses**");
  line();
  if (exposure.publicAddresses.length) {
    out.push(
      ...fold(
        plural(exposure.publicAddresses.length, "public address", "public addresses"),
        table(["resource", "what"], exposure.publicAddresses.map((entry) => [code(entry.address), codeAddresses(escape(entry.what))])),
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
        : [["—", escape(policy.label), policy.unknownAtPlan ? `_${escape(policy.unreadable ?? UNKNOWN_AT_PLAN)}_` : escape(policy.unreadable ?? "no statement"), policy.unknownAtPlan ? "❔ not judged" : "", code(policy.address)]],
    );
    if (rows.length) out.push(...fold(plural(rows.length, "statement"), table(["effect", "actions", "resources", "", "policy"], rows), rows.length > FOLD_AFTER));
    else line("No policy in this plan.");
    line();
  }
  if (iam.roles.some((role) => role.policies.some((policy) => policy.fromConfiguration && !policy.unknownAtPlan))) {
    line("¹ unknown at plan (it references resources to create): read from the configuration.");
    line();
  }
  if (iam.unknownAtPlan.length) {
    line(`**${UNKNOWN_AT_PLAN.replace(/^u/, "U")}**: not judged by the policy rules (read it after apply, or in the configuration)`);
    line();
    out.push(
      ...fold(
        plural(iam.unknownAtPlan.length, "policy part"),
        table(["who", "policy", "what"], iam.unknownAtPlan.map((entry) => [codeAddresses(escape(entry.subject)), code(entry.policy), escape(entry.what)])),
      ),
    );
    line();
  }
  if (iam.secretReads.length) {
    line("**Grants that read secrets**");
    line();
    out.push(
      ...fold(
        plural(iam.secretReads.length, "grant"),
        table(
          ["who", "actions", "on"],
          iam.secretReads.map((read) => [code(read.subject), read.actions.map(code).join(", "), read.resources.map(code).join(", ")]),
        ),
      ),
    );
    line();
  }
  if (iam.otherPolicies.length) {
    line("**Other policies**");
    line();
    const rows = iam.otherPolicies.flatMap((policy) =>
      policy.statements?.length
        ? policy.statements.map((statement) => [...statementCells(statement), `${code(policy.address)} (${escape(policy.subject)})`])
        : [["—", escape(policy.label), escape(policy.unreadable ?? "no statement"), policy.unknownAtPlan ? "❔ not judged" : "", `${code(policy.address)} (${escape(policy.subject)})`]],
    );
    out.push(...fold(plural(iam.otherPolicies.length, "policy", "policies"), table(["effect", "actions", "resources", "", "policy"], rows), rows.length > FOLD_AFTER));
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
    out.push(...details(`${plural(iam.resourcePolicies.length, "resource policy", "resource policies")}`, table(["resource", "principals", "effect", "actions", "resources"], rows), true));
    line();
  }

  line("### 4. Secrets");
  line();
  if (secrets.mappings.length) {
    out.push(
      ...fold(
        plural(secrets.mappings.length, "container variable"),
        table(
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
      ),
    );
  } else line("No container reads a secret.");
  line();
  if (secrets.parameters.length) {
    out.push(
      ...fold(
        plural(secrets.parameters.length, "SSM parameter"),
        table(
          ["SSM parameter", "name", "type", "value"],
          secrets.parameters.map((parameter) => [code(parameter.address), code(parameter.name ?? "?"), parameter.type ?? "?", escape(parameter.valueSource).replace(/\b(var\.[\w-]+)/g, "`$1`")]),
        ),
      ),
    );
    line();
  }
  const leakedVariables = secrets.sensitiveVariables.filter((variable) => variable.valueInPlan).map((variable) => code(`var.${variable.name}`));
  const ephemeral = secrets.sensitiveVariables.filter((variable) => !variable.valueInPlan).map((variable) => code(`var.${variable.name}`));
  line(
    leakedVariables.length
      ? `- ⛔ sensitive variables whose value is in the plan: ${leakedVariables.join(", ")}`
      : `- ✅ no sensitive variable's value in the plan${ephemeral.length ? ` (${ephemeral.join(", ")}: ephemeral)` : ""}`,
  );
  line(
    secrets.sensitiveValues.length
      ? `- ⛔ values the provider marks sensitive in the plan: ${secrets.sensitiveValues.map((found) => codeAddresses(escape(sensitiveValueText(found)))).join(", ")}`
      : "- ✅ no value the provider marks sensitive in the plan (passwords, SecureString values, sensitive outputs...)",
  );
  line(
    secrets.plainSecretEnvironment.length
      ? `- ⛔ secret-looking environment variables with a plain value: ${secrets.plainSecretEnvironment.map((entry) => code(`${entry.container}.${entry.variable}`)).join(", ")}`
      : "- ✅ no secret-looking environment variable with a plain value",
  );
  if (secrets.suspiciousVariables.length) {
    line(`- ⚠️ not sensitive, secret-looking, value in the plan: ${secrets.suspiciousVariables.map((name) => code(`var.${name}`)).join(", ")}`);
  }
  if (secrets.allowedNames.length) line(`- secret-looking names allowed (\`--allow-name\`): ${secrets.allowedNames.map((name) => escape(name)).join(", ")}`);

  line();
  line(`### 5. Estimated monthly cost: about ${formatMoney(cost.total)}`);
  line();
  line(`${escape(cost.priceLabel)}, USD.${cost.regionFrom === "unknown" ? " The plan does not give its region as a literal: pass `--region`." : ""}`);
  line();
  out.push(
    ...fold(
      plural(cost.items.length, "cost item"),
      table(
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
    ),
  );
  line();
  line("**Per service** (its tasks, their public addresses, its log groups and alarms) **and shared**");
  line();
  out.push(
    ...fold(
      "Per service and shared",
      table(
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
  const element = (text: string) => (isUnknownElement(text) ? `_${escape(text)}_` : code(text));
  const actions = `${statement.notAction ? "every action but " : ""}${statement.actions.map(element).join(", ")}`;
  const resources = `${statement.notResource ? "every resource but " : ""}${statement.resources.map(element).join(", ") || "(none)"}${conditionsOf(statement)}`;
  const notes = [
    statement.secretReads.length ? "🔑 reads secrets" : "",
    statement.allResources && statement.effect === "Allow" ? "⚠️ all resources" : "",
    statement.unknownAtPlan.length ? `❔ ${UNKNOWN_AT_PLAN}: ${statement.unknownAtPlan.join(", ")}` : "",
  ].filter(Boolean);
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
