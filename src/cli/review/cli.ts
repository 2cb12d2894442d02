/**
 * `npm run review -- PLAN_JSON [--format text|markdown] [--strict] [--region R] [--help]`
 *
 * Exit codes: 0 reviewed (violations are printed but do not fail without --strict); 1 with --strict and at
 * least one policy violation; 2 a usage error (unknown option, missing or unreadable file, not plan JSON).
 */
import { readFileSync } from "fs";
import { basename } from "path";
import { NotAPlanError } from "./plan";
import { renderMarkdown } from "./render-markdown";
import { renderText } from "./render-text";
import { reviewPlan } from "./review";
import { ADMIN_MANAGED_POLICIES, RULES, STAR_RESOURCE_ALLOWED_ACTIONS, STATEFUL_TYPES, WORLD_OPEN_ALLOWED_PORTS } from "./rules";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads PLAN_JSON (`-` is standard input). */
  readFile?(path: string): string;
}

export const USAGE = "Usage: npm run review -- PLAN_JSON [--format text|markdown] [--strict] [--region REGION] [--help]";

export function helpText(): string {
  return [
    USAGE,
    "",
    "Reviews a Terraform plan for a human: the changes (replacements and deletions first), what the internet",
    "can reach, IAM (who may assume each role, what it may do, which grants read secrets), where secrets come",
    "from and whether a secret value is in the plan, an estimated monthly cost, and policy violations.",
    "",
    "PLAN_JSON is `terraform show -json` of a saved plan (`-` reads standard input):",
    "  cd cdktf.out/stacks/<stack> && terraform plan -out plan.tfplan && terraform show -json plan.tfplan > plan.json",
    "",
    "Options:",
    "  --format text|markdown  text for a terminal (default); markdown for a pull request or Terraform Cloud comment",
    "  --strict                exit 1 when there is a policy violation (they are always printed)",
    "  --region REGION         price the estimate for REGION instead of the provider's region",
    "  --help                  this text",
    "",
    "Exit codes: 0 reviewed; 1 --strict and a violation; 2 usage error (missing file, not plan JSON...); 3 a crash.",
    "",
    "Policy rules (--strict):",
    ...Object.entries(RULES).map(([rule, text]) => `  ${rule}: ${text}`),
    `  World-open ports allowed: ${WORLD_OPEN_ALLOWED_PORTS.join(", ")} (TCP/UDP; ICMP is listed but allowed).`,
    `  Actions allowed on "*": ${STAR_RESOURCE_ALLOWED_ACTIONS.join(", ")}.`,
    `  Managed policies refused: ${ADMIN_MANAGED_POLICIES.join(", ")}.`,
    `  Types protected from replacement and deletion: ${Object.keys(STATEFUL_TYPES).join(", ")}.`,
    "",
    "The cost estimate uses src/cli/review/prices.json (dated, with its sources) and prints its assumptions.",
    "",
  ].join("\n");
}

class UsageError extends Error {}

interface Options {
  file?: string;
  format: "text" | "markdown";
  strict: boolean;
  region?: string;
  help: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { format: "text", strict: false, help: false };
  const value = (name: string, inline: string | undefined, index: number): [string, number] => {
    if (inline !== undefined) return [inline, index];
    const next = argv[index + 1];
    if (next === undefined || (next.startsWith("--") && next !== "-")) throw new UsageError(`${name} needs a value`);
    return [next, index + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (name === "--help" || name === "-h") options.help = true;
    else if (name === "--strict") options.strict = true;
    else if (name === "--format") {
      const [format, next] = value(name, inline, i);
      if (format !== "text" && format !== "markdown") throw new UsageError(`--format is "${format}": text or markdown`);
      options.format = format;
      i = next;
    } else if (name === "--region") {
      const [region, next] = value(name, inline, i);
      if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UsageError(`--region is "${region}": an AWS region such as eu-west-1`);
      options.region = region;
      i = next;
    } else if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${arg}`);
    else if (options.file !== undefined) throw new UsageError(`one PLAN_JSON only (got ${options.file} and ${arg})`);
    else options.file = arg;
  }
  return options;
}

/** Runs the command; returns its exit code. */
export function runReview(argv: string[], io: CliIo): number {
  let options: Options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    io.stderr(`review: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    io.stdout(helpText());
    return 0;
  }
  if (options.file === undefined) {
    io.stderr(`review: PLAN_JSON is missing\n${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = (io.readFile ?? ((path: string) => readFileSync(path === "-" ? 0 : path, "utf8")))(options.file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory, not a file" : (error as Error).message;
    io.stderr(`review: cannot read ${options.file}: ${why}\n${USAGE}\n`);
    return 2;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    const hint = text.startsWith("PK")
      ? ": it is a saved plan file; give its JSON: terraform show -json PLANFILE > plan.json"
      : " (expected the output of `terraform show -json PLANFILE`)";
    io.stderr(`review: ${options.file} is not JSON${hint}\n`);
    return 2;
  }
  try {
    const review = reviewPlan(raw, { region: options.region, source: options.file === "-" ? undefined : basename(options.file) });
    io.stdout(options.format === "markdown" ? renderMarkdown(review) : renderText(review));
    return options.strict && review.violations.length > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof NotAPlanError) {
      io.stderr(`review: ${options.file}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
