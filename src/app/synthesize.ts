import { readFileSync, writeFileSync, writeSync } from "fs";
import { join, relative } from "path";
import { AnnotationMetadataEntryType, App, Manifest } from "cdktf";
import { IConstruct } from "constructs";
import { addressPath } from "./naming";

/** What scripts/type-check.js found in the app's types. */
interface TypeCheckVerdict {
  readonly ok: boolean;
  /** The compiler's report: each error with its file:line:column and context, then "Found 1 error in main.ts:6." */
  readonly report: string;
}

/** What scripts/type-check.js leaves for this process when it checks the app's types. */
interface PendingTypeCheck {
  /** The app file whose program is checked. */
  readonly entry: string;
  /** Returns when the app type-checks; otherwise prints the compiler's report and exits 1. */
  enforce(): void;
  /** The verdict, for the caller to report: nothing else prints it. */
  claim(): TypeCheckVerdict;
}

/** Messages of one level, by construct, in the construct tree's order. */
type Findings = Map<IConstruct, string[]>;

/** A failed type check, to report with the app's other errors. */
interface TypeErrors {
  /** The app file, relative to the working directory: where the CLI's `ERROR [...]` header points. */
  readonly file: string;
  readonly report: string;
}

/**
 * Synthesizes the app (`app.synth()`) when it is valid; otherwise stops the way a compiler does: each
 * problem printed once, with no stack trace and no advice to skip validation. Call it where an app would
 * call `app.synth()`.
 *
 * - The app's types first: when the app runs through scripts/ts-require.js (cdktf.json's app command),
 *   its type check is awaited here; a type error stops synth with the compiler's message.
 * - Then, when the types are right, every construct's validations (`node.validate()`), each construct's
 *   errors under its path as users read it (without the `Default` ids of `FargateWebApp`'s parts, see
 *   `addressPath`).
 * - Run directly (`node -r ./scripts/ts-require.js main.ts`, a test), the errors and warnings are written
 *   to stderr and the process exits 1 before anything is synthesized.
 * - Run by the cdktf CLI (`cdktf synth`/`deploy`, which sets CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS),
 *   the type errors and each construct's errors become error annotations of an app synthesized with its
 *   validations skipped: the CLI prints every annotation once and stops before Terraform runs. Anything
 *   the app writes on stderr, the CLI prints twice (as it comes, then in its summary of a failed command).
 * - A valid app is synthesized, silently as `app.synth()` would: the CLI prints its warnings from the
 *   manifest.
 *
 * For the CLI, the manifest's annotations carry the construct paths as users read them.
 * An exception that is not a validation error (a bug) is not caught: its stack trace is shown as usual.
 * An app built with `skipValidation: true` is synthesized without its validations, as `app.synth()` would.
 */
export function synthesizeApp(app: App): void {
  const typeCheck = (globalThis as { [key: symbol]: PendingTypeCheck | undefined })[Symbol.for("fargate-as-code.typeCheck")];
  const cliPrintsAnnotations = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
  let typeErrors: TypeErrors | undefined;
  if (!cliPrintsAnnotations) typeCheck?.enforce();
  else if (typeCheck) {
    const verdict = typeCheck.claim();
    if (!verdict.ok) typeErrors = { file: relative(process.cwd(), typeCheck.entry), report: verdict.report };
  }
  // As the compiler's errors stop a direct run before validation: an ill-typed app's errors may be the
  // same mistake again (a misspelled prop is also an unknown prop).
  const validated = !app.skipValidation && typeErrors === undefined;
  const errors: Findings = validated ? validationErrors(app) : new Map();
  if (errors.size > 0 && !cliPrintsAnnotations) stop(app, errors);
  for (const [construct, messages] of errors) addError(construct, messages);
  const handedOver = errors.size > 0 || typeErrors !== undefined;
  try {
    if (handedOver) synthSkippingValidation(app);
    else app.synth();
  } catch (error) {
    // Synthesizing an app known to be invalid can fail where its errors would have stopped it: report
    // those. Validations added while synthesizing (by an aspect) are reported too; anything else is a crash.
    if (typeErrors) stopOnTypeErrors(typeErrors);
    const late = validated && !handedOver ? validationErrors(app) : errors;
    if (late.size === 0) throw error;
    stop(app, late);
  }
  if (cliPrintsAnnotations) relabelAnnotations(app, typeErrors);
}

/** Every construct's validation messages, each once. */
function validationErrors(app: App): Findings {
  const findings: Findings = new Map();
  for (const construct of app.node.findAll()) {
    const messages = [...new Set(construct.node.validate())];
    if (messages.length > 0) findings.set(construct, messages);
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
    if (messages.length > 0) findings.set(construct, messages);
  }
  return findings;
}

/** `ERROR [path]:` then the messages indented, as the cdktf CLI prints annotations. */
function formatFindings(groups: Array<[string, Findings]>): string {
  const lines: string[] = [];
  for (const [label, findings] of groups) {
    for (const [construct, messages] of findings) lines.push(`${label} [${addressPath(construct)}]:`, ...messages.map((m) => indent(m)));
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

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

/** Prints the compiler's report on stderr and exits 1, as the type check does when no CLI reads annotations. */
function stopOnTypeErrors(typeErrors: TypeErrors): never {
  writeStderr(`${typeErrors.report} Synth stopped: nothing was synthesized.\n`);
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

/** One error annotation for the construct's messages, indented under the CLI's `ERROR [path]:` line. */
function addError(construct: IConstruct, messages: string[]): void {
  construct.node.addMetadata(AnnotationMetadataEntryType.ERROR, `\n${messages.map((m) => indent(m)).join("\n")}`);
}

/** The manifest with the errors in it, for the CLI to print and refuse: validations would throw instead. */
function synthSkippingValidation(app: App): void {
  const mutable = app as { skipValidation: boolean };
  const skipValidation = mutable.skipValidation;
  mutable.skipValidation = true;
  try {
    app.synth();
  } finally {
    mutable.skipValidation = skipValidation;
  }
}

interface ManifestAnnotation {
  constructPath: string;
  level: string;
  message: string;
}

/**
 * Rewrites the annotations of the manifest the app just wrote: each construct path as users read it
 * (the CLI prints them as they are), and the type errors first, under the app file's name.
 */
function relabelAnnotations(app: App, typeErrors: TypeErrors | undefined): void {
  const file = join(app.outdir, Manifest.fileName);
  const manifest = JSON.parse(readFileSync(file, "utf8")) as { stacks: Record<string, { annotations: ManifestAnnotation[] }> };
  const stacks = Object.values(manifest.stacks);
  if (typeErrors && stacks.length === 0) stopOnTypeErrors(typeErrors); // no stack for the CLI to print it with
  const paths = new Map(app.node.findAll().map((construct) => [construct.node.path, addressPath(construct)]));
  for (const stack of stacks) {
    for (const annotation of stack.annotations) annotation.constructPath = paths.get(annotation.constructPath) ?? annotation.constructPath;
  }
  if (typeErrors) {
    stacks[0].annotations.unshift({ constructPath: typeErrors.file, level: AnnotationMetadataEntryType.ERROR, message: `\n${indent(typeErrors.report)}` });
  }
  writeFileSync(file, JSON.stringify(manifest, null, 2));
}
