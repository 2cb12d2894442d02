import { writeSync } from "fs";
import { AnnotationMetadataEntryType, App } from "cdktf";
import { IConstruct } from "constructs";
import { DEFAULT_CHILD_ID } from "./naming";

/** What scripts/type-check.js leaves for this process when it checks the app's types. */
interface PendingTypeCheck {
  /** Returns when the app type-checks; otherwise prints the compiler's report and exits 1. */
  enforce(): void;
}

/** Messages of one level, by construct path, in the construct tree's order. */
type Findings = Map<string, string[]>;

/**
 * Synthesizes the app (`app.synth()`) when it is valid; otherwise stops the way a compiler does: each
 * problem printed once, under its construct path, with no stack trace and no advice to skip validation,
 * and nothing written. Call it where an app would call `app.synth()`.
 *
 * - The app's types first: when the app runs through scripts/ts-require.js (cdktf.json's app command),
 *   its type check is awaited here and a type error stops synth with the compiler's message.
 * - Then every construct's validations (`node.validate()`). When there are errors:
 *   - run by the cdktf CLI (`cdktf synth`/`deploy`, which sets CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS
 *     and prints the annotations of the stacks it reads), each construct's errors become one error
 *     annotation and the app is synthesized with its validations skipped: the CLI prints every error and
 *     warning once and stops before Terraform runs (it would print an app's stderr twice);
 *   - run directly (`node -r ./scripts/ts-require.js main.ts`, a test), the errors and warnings are
 *     written to stderr and the process exits 1 before anything is synthesized.
 * - A valid app is synthesized, silently as `app.synth()` would: its warnings are in the manifest, which
 *   the CLI prints them from.
 *
 * An exception that is not a validation error (a bug) is not caught: its stack trace is shown as usual.
 * An app built with `skipValidation: true` is synthesized as `app.synth()` would.
 */
export function synthesizeApp(app: App): void {
  (globalThis as { [key: symbol]: PendingTypeCheck | undefined })[Symbol.for("fargate-as-code.typeCheck")]?.enforce();
  if (app.skipValidation) {
    app.synth();
    return;
  }
  const cliPrintsAnnotations = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
  const errors = validationErrors(app);
  if (errors.size > 0) {
    if (cliPrintsAnnotations) handOverToCli(app, errors);
    else stop(app, errors);
    return;
  }
  try {
    app.synth();
  } catch (error) {
    // Validations added while synthesizing (by an aspect, or a cross-stack reference) are reported the
    // same way; anything else is a crash.
    const late = validationErrors(app);
    if (late.size === 0) throw error;
    stop(app, late);
  }
}

/** Every construct's validation messages, each once. */
function validationErrors(app: App): Findings {
  const findings: Findings = new Map();
  for (const construct of app.node.findAll()) {
    const messages = [...new Set(construct.node.validate())];
    if (messages.length > 0) findings.set(construct.node.path, messages);
  }
  return findings;
}

/** The annotations (cdktf's Annotations.of(...).addWarning and the like) of one level, each once. */
function annotations(app: App, level: string): Findings {
  const findings: Findings = new Map();
  for (const construct of app.node.findAll()) {
    const messages = [
      ...new Set(construct.node.metadata.filter((entry) => entry.type === level).map((entry) => String(entry.data))),
    ];
    if (messages.length > 0) findings.set(construct.node.path, messages);
  }
  return findings;
}

/** `ERROR [path]:` then the messages indented, as the cdktf CLI prints the annotations handed over. */
function formatFindings(groups: Array<[string, Findings]>): string {
  const lines: string[] = [];
  for (const [label, findings] of groups) {
    for (const [path, messages] of findings) lines.push(`${label} [${displayPath(path)}]:`, ...messages.map((m) => indent(m)));
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

/** A construct path as users read it: without the ids that take no part in addresses (`FargateWebApp`'s parts). */
const displayPath = (path: string): string => path.split("/").filter((id) => id !== DEFAULT_CHILD_ID).join("/");

const indent = (message: string): string => `  ${message.replace(/\n/g, "\n  ")}`;

/** Prints the errors (and warnings) on stderr and exits 1: nothing has been synthesized. */
function stop(app: App, errors: Findings): never {
  const count = [...errors.values()].reduce((n, messages) => n + messages.length, 0);
  const report = formatFindings([
    ["ERROR", errors],
    ["WARN", annotations(app, AnnotationMetadataEntryType.WARN)],
  ]);
  writeStderr(
    `${report}\n${count} error${count === 1 ? "" : "s"} in ${errors.size} construct${errors.size === 1 ? "" : "s"}. ` +
      "Synth stopped: nothing was synthesized.\n",
  );
  process.exit(1);
}

/** Writes all of `text` to stderr before returning, so that process.exit() cannot cut it short. */
function writeStderr(text: string): void {
  const buffer = Buffer.from(text);
  for (let offset = 0; offset < buffer.length; ) {
    try {
      offset += writeSync(2, buffer, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // a full pipe: let the reader catch up
    }
  }
}

/**
 * The cdktf CLI's own way to report an app's errors: one error annotation per construct (its messages,
 * indented under the CLI's `ERROR [path]:` line, without a stack trace), in a manifest the CLI reads and
 * refuses before running Terraform.
 */
function handOverToCli(app: App, errors: Findings): void {
  for (const construct of app.node.findAll()) {
    const messages = errors.get(construct.node.path);
    if (messages) addError(construct, messages);
  }
  const mutable = app as { skipValidation: boolean };
  mutable.skipValidation = true;
  try {
    app.synth();
  } catch {
    // Synthesizing an invalid app can fail where its validations would have stopped it: report those.
    stop(app, errors);
  } finally {
    mutable.skipValidation = false;
  }
}

function addError(construct: IConstruct, messages: string[]): void {
  construct.node.addMetadata(AnnotationMetadataEntryType.ERROR, `\n${messages.map((m) => indent(m)).join("\n")}`);
}
