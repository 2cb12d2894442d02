/**
 * `npm run review -- PLAN_JSON [--format text|markdown] [--strict] [--region R] [--allow-name NAME]...
 * [--allow-names-file FILE] [--help]`
 *
 * PLAN_JSON (and FILE) relative to the caller's folder: `npm run` runs the script in the package's root, and
 * says where it was run from in INIT_CWD, which scripts/review.ts passes as `cwd`. A byte-order mark (UTF-8,
 * or the UTF-16 one Windows PowerShell's `>` writes) at the start of the file is accepted.
 *
 * Exit codes: 0 reviewed (violations are printed but do not fail without --strict); 1 with --strict and at
 * least one policy violation; 2 a usage error (unknown option, missing or unreadable file, not plan JSON).
 */
import { readFileSync } from "fs";
import { basename, resolve } from "path";
import { NotAPlanError } from "./plan";
import { renderMarkdown } from "./render-markdown";
import { renderText } from "./render-text";
import { reviewPlan } from "./review";
import { ADMIN_MANAGED_POLICIES, RULES, STAR_RESOURCE_ALLOWED_ACTIONS, STATEFUL_TYPES, WORLD_OPEN_ALLOWED_PORTS } from "./rules";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads PLAN_JSON (`-` is standard input) and --allow-names-file, resolved against `cwd`. */
  readFile?(path: string): string | Buffer;
  /** The caller's folder, which relative paths are resolved from (default: the process's working directory). */
  cwd?: string;
}

export const USAGE =
  "Usage: npm run review -- PLAN_JSON [--format text|markdown] [--strict] [--region REGION] [--allow-name NAME]... [--allow-names-file FILE] [--help]";

export function helpText(): string {
  return [
    USAGE,
    "",
    "Reviews a Terraform plan for a human: the changes (replacements and deletions first), what the internet",
    "can reach, IAM (who may assume each role, what it may do, which grants read secrets), where secrets come",
    "from and whether a secret value is in the plan, an estimated monthly cost, and policy violations.",
    "",
    "PLAN_JSON is `terraform show -json` of a saved plan (`-` reads standard input), relative to the folder",
    "you run the command in; a byte-order mark at its start is accepted:",
    "  cd cdktf.out/stacks/<stack> && terraform plan -out plan.tfplan && terraform show -json plan.tfplan > plan.json",
    "",
    "Options:",
    "  --format text|markdown  text for a terminal (default); markdown for a pull request or Terraform Cloud comment",
    "  --strict                exit 1 when there is a policy violation (they are always printed)",
    "  --region REGION         price the estimate for REGION instead of the provider's region",
    "  --allow-name NAME       a secret-looking variable name that is not a secret (PASSWORD_MIN_LENGTH): not",
    "                          flagged; repeatable; `*` matches any run of characters (`*_MIN_LENGTH`)",
    "  --allow-names-file FILE the same, one name a line (# starts a comment)",
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
    "IAM is read in every form a plan has it: inline and customer managed policies, their attachments, and",
    "aws_iam_policy_document data sources; what Terraform knows only at apply is shown as `unknown at plan`",
    "and not judged. Secrets are what the provider marks sensitive; no value is ever printed.",
    "The markdown fits GitHub's 65,536-character comment limit: details folded, then cut with a note.",
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
  allowNames: string[];
  allowNameFiles: string[];
  help: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { format: "text", strict: false, help: false, allowNames: [], allowNameFiles: [] };
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
    } else if (name === "--allow-name") {
      const [allowed, next] = value(name, inline, i);
      if (!/^[^\s]+$/.test(allowed)) throw new UsageError(`--allow-name is "${allowed}": a variable name (no spaces)`);
      options.allowNames.push(allowed);
      i = next;
    } else if (name === "--allow-names-file") {
      const [file, next] = value(name, inline, i);
      options.allowNameFiles.push(file);
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
  const cwd = io.cwd ?? process.cwd();
  const read = (path: string): string => decode((io.readFile ?? ((file: string) => readFileSync(file === "-" ? 0 : file)))(path === "-" ? "-" : resolve(cwd, path)));
  const why = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory, not a file" : (error as Error).message;
  };
  /** `plan.json` (in /home/me/infra) for a relative path read from elsewhere than the working directory. */
  const shown = (path: string) => (path !== "-" && resolve(cwd, path) !== resolve(path) ? `${path} (in ${cwd})` : path);
  const allowNames = [...options.allowNames];
  for (const file of options.allowNameFiles) {
    try {
      for (const entry of read(file).split(/\r?\n/)) {
        const name = entry.replace(/#.*$/, "").trim();
        if (name) allowNames.push(name);
      }
    } catch (error) {
      io.stderr(`review: cannot read --allow-names-file ${shown(file)}: ${why(error)}\n${USAGE}\n`);
      return 2;
    }
  }
  let text: string;
  try {
    text = read(options.file);
  } catch (error) {
    io.stderr(`review: cannot read ${shown(options.file)}: ${why(error)}\n${USAGE}\n`);
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
    const review = reviewPlan(raw, { region: options.region, source: options.file === "-" ? undefined : basename(options.file), allowNames });
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

/** File content as text: UTF-8, or UTF-16 when it starts with that byte-order mark; a leading BOM dropped. */
function decode(content: string | Buffer): string {
  let text: string;
  if (typeof content === "string") text = content;
  else if (content[0] === 0xff && content[1] === 0xfe) text = content.subarray(2).toString("utf16le");
  else if (content[0] === 0xfe && content[1] === 0xff) text = Buffer.from(content.subarray(2, content.length - (content.length % 2))).swap16().toString("utf16le");
  else text = content.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
