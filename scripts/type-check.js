// Type checking for the app command: `node -r ./scripts/ts-require.js main.ts` (cdktf.json's `app`, so
// `cdktf synth` and `cdktf deploy`) and the same on an example (`examples/x.ts`) refuse an app the compiler
// rejects, with the compiler's own message (file:line:column, text, "Did you mean ...?"), before anything
// is synthesized. ts-require.js strips types with esbuild for speed; this file checks them:
//
//   - Only the program rooted at the app file that is run, with the project's tsconfig.json options (the
//     nearest tsconfig.json above the app file): a broken test or another example does not stop synth.
//     A cold check parses every file of it (~430 for main.ts), so src/ takes the AWS SDK's types by deep
//     path (@aws-sdk/client-ecs/dist-types/models/...): the package's index would add its whole client,
//     ~450 declaration files more (__tests__/type-check.test.ts).
//   - Unchanged project, no work: after a check, the program's files and their signatures are kept
//     in node_modules/.cache/fargate-as-code-tsc/<hash of the app path>.json (project files by content
//     hash, the files of an installed package by a stat of its package.json (a package manager writes
//     it anew with every install of the package), plus the TypeScript-like file names of each
//     project folder, so that a new file that would change an import's resolution is noticed). When
//     nothing changed, the app command runs with no type checker at all (a few milliseconds of hashing),
//     or, when that check found errors, prints the same report again and stops.
//   - Changed project: the check runs in a worker thread started as soon as the app command starts, in
//     parallel with the app building its constructs (the machine's second core), with TypeScript's
//     incremental build info (<hash>.tsbuildinfo beside it) so that unchanged files are not checked again.
//     The app waits for the verdict where it would first write something: `App.synth()` (wrapped when
//     cdktf is loaded) or `synthesizeApp()` (src/app/synthesize.ts); and at exit if it synthesized
//     nothing. A failed check prints the compiler's diagnostics on stderr and exits 1, so no output of an
//     ill-typed app is written for cdktf to use.
//   - Declarations never used (noUnusedLocals, noUnusedParameters) do not stop synth: they change nothing
//     that is synthesized, and `npm run build` reports them.
//   - Entries under scripts/ (this project's own tools: status, review) are not checked here; `npm run
//     build` checks them. Without the `typescript` package (a production install), synth warns and runs.
//
// Also a command: `node scripts/type-check.js <app.ts>...` checks each app file the same way (exit 1 on an
// error), with the cache. FARGATE_TYPE_CHECK_CACHE names another cache folder (the bench uses a fresh one
// to measure a cold check).
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { isMainThread, workerData } = require("worker_threads");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = path.resolve(process.env.FARGATE_TYPE_CHECK_CACHE || path.join(ROOT, "node_modules", ".cache", "fargate-as-code-tsc"));
const CACHE_FORMAT = 3;
/** Where synthesizeApp() finds the pending check of this process: globalThis[HANDLE].enforce(). */
const HANDLE = Symbol.for("fargate-as-code.typeCheck");
const WORKER_MARK = "fargate-as-code.typeCheckWorker";
const TIMEOUT_MS = 180_000;
// "'x' is declared but its value is never read" and its kin: lint, left to `npm run build`.
const UNUSED = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205]);
// Names that can take part in resolving an import: a new one in a folder of the program may change it.
const RESOLVABLE = /\.(d\.)?[cm]?[jt]sx?$|\.json$/;

const sha1 = (data) => crypto.createHash("sha1").update(data).digest("hex");
const inNodeModules = (file) => /[\\/]node_modules[\\/]/.test(file);

function cachePaths(entry) {
  const key = crypto.createHash("sha256").update(path.resolve(entry)).digest("hex").slice(0, 24);
  return { manifest: path.join(CACHE_DIR, `${key}.json`), buildInfo: path.join(CACHE_DIR, `${key}.tsbuildinfo`) };
}

function typescriptVersion() {
  try {
    return JSON.parse(fs.readFileSync(require.resolve("typescript/package.json", { paths: [ROOT] }), "utf8")).version;
  } catch {
    return null;
  }
}

/** What stands for a file in the cache: the file itself, or the package.json of the package it is in. */
const packageJsons = new Map();
function signedPath(file) {
  const at = file.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  if (at < 0) return file;
  const [scope, name] = file.slice(at + 14).split(path.sep);
  const manifest = path.join(file.slice(0, at + 14), scope.startsWith("@") ? path.join(scope, name) : scope, "package.json");
  if (!packageJsons.has(manifest)) packageJsons.set(manifest, fs.existsSync(manifest));
  return packageJsons.get(manifest) ? manifest : file;
}

/** A signed path's signature: content hash for project files, stat under node_modules; null if gone. */
function fileSignature(file) {
  try {
    if (inNodeModules(file)) {
      // ctime and inode too: package managers may give every extracted file the same mtime.
      const stat = fs.statSync(file);
      return `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}`;
    }
    return sha1(fs.readFileSync(file));
  } catch {
    return null;
  }
}

function folderSignature(dir) {
  try {
    return sha1(fs.readdirSync(dir).filter((name) => RESOLVABLE.test(name)).sort().join("\0"));
  } catch {
    return null;
  }
}

function writeAtomically(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * The files this process parsed, for the next check in it to reuse (`node scripts/type-check.js a.ts b.ts`):
 * parsing is half of a cold check, and apps of one project share nearly all their files.
 */
const parsedSourceFiles = new Map();

/**
 * The verdict of the last check of `entry` ({ ok, errorCount, output, report } as checkProgram returns it,
 * colored when `color`), when none of its program's files has changed since; else undefined.
 */
function cachedVerdict(entry, { color = false } = {}) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(cachePaths(entry).manifest, "utf8"));
    if (manifest.format !== CACHE_FORMAT || manifest.entry !== entry || manifest.typescript !== typescriptVersion()) return undefined;
    for (const [file, signature] of manifest.files) if (fileSignature(file) !== signature) return undefined;
    for (const [dir, signature] of manifest.folders) if (folderSignature(dir) !== signature) return undefined;
    if (manifest.coloredReport && manifest.cwd !== process.cwd()) return undefined; // its paths are relative to that folder
  } catch {
    return undefined; // no record, or one this version cannot read: check
  }
  return verdictOf(manifest.errorCount, manifest.coloredReport, manifest.summary, color);
}

/** { ok, errorCount, output, report } from the compiler's report (colored) and its summary line, if errors. */
function verdictOf(errorCount, coloredReport, summaryLine, color) {
  let report = color ? coloredReport : coloredReport.replace(/\x1b\[[0-9;]*m/g, "");
  let output = report;
  if (errorCount) {
    report += `\n${summaryLine}.`;
    output = `${report} Synth stopped: nothing was synthesized.\n`;
  }
  return { ok: errorCount === 0, errorCount, output, report };
}

/** Text as TypeScript's sys.readFile gives it (UTF-8, BOM removed), from the bytes that were hashed. */
function decode(buffer, fallback) {
  if (buffer.length >= 2 && ((buffer[0] === 0xfe && buffer[1] === 0xff) || (buffer[0] === 0xff && buffer[1] === 0xfe))) return fallback();
  const start = buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  return buffer.toString("utf8", start);
}

function summary(errors) {
  const files = [...new Set(errors.map((d) => d.file && d.file.fileName))].filter(Boolean);
  const n = `${errors.length} error${errors.length === 1 ? "" : "s"}`;
  if (files.length === 1) {
    const first = errors.find((d) => d.file);
    const { line } = first.file.getLineAndCharacterOfPosition(first.start || 0);
    const where = `${path.relative(process.cwd(), files[0]) || files[0]}:${line + 1}`;
    return errors.length === 1 ? `Found ${n} in ${where}` : `Found ${n} in the same file, starting at: ${where}`;
  }
  return files.length ? `Found ${n} in ${files.length} files` : `Found ${n}`;
}

/**
 * Type-checks the program rooted at `entry` now, in this thread: { ok, errorCount, output, report }.
 * `report` is the compiler's (tsc's pretty format, colored when `color`, then tsc's "Found 1 error in
 * main.ts:6."), empty when there is nothing to say; `output` is what the app command prints: the report,
 * and that synth stopped when there are errors. The result is recorded for cachedVerdict().
 */
function checkProgram(entry, { color = false } = {}) {
  entry = path.resolve(entry);
  const ts = require(require.resolve("typescript", { paths: [ROOT] }));
  const { manifest, buildInfo } = cachePaths(entry);
  const signatures = new Map();
  const configPath = ts.findConfigFile(path.dirname(entry), ts.sys.fileExists);
  let parsed = { options: {}, errors: [] };
  if (configPath) {
    parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    });
    for (const file of [configPath, ...((parsed.options.configFile && parsed.options.configFile.extendedSourceFiles) || [])]) {
      signatures.set(path.resolve(file), fileSignature(file));
    }
  }
  const options = {
    ...parsed.options,
    noEmit: true,
    incremental: true,
    tsBuildInfoFile: buildInfo,
    composite: false,
    declaration: false,
    declarationMap: false,
    emitDeclarationOnly: false,
  };
  const host = ts.createIncrementalCompilerHost(options, ts.sys);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => {
    const file = path.resolve(fileName);
    if (file === buildInfo) return readFile(fileName);
    let buffer;
    try {
      buffer = fs.readFileSync(file);
    } catch {
      return undefined;
    }
    const signed = signedPath(file);
    if (signed === file && !inNodeModules(file)) signatures.set(file, sha1(buffer));
    else if (!signatures.has(signed)) signatures.set(signed, fileSignature(signed));
    return decode(buffer, () => readFile(fileName));
  };
  host.writeFile = (fileName, data) => writeAtomically(fileName, data);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, ...rest) => {
    const file = path.resolve(fileName);
    const key = `${file}\0${JSON.stringify(languageVersionOrOptions)}`;
    const parsed = parsedSourceFiles.get(key);
    if (parsed) {
      // Recorded when it was read: a file changed since then is seen as changed by the next run.
      if (!signatures.has(parsed.signed)) signatures.set(parsed.signed, parsed.signature);
      return parsed.sourceFile;
    }
    const sourceFile = getSourceFile(fileName, languageVersionOrOptions, ...rest);
    const signed = signedPath(file);
    if (sourceFile && signatures.has(signed)) parsedSourceFiles.set(key, { sourceFile, signed, signature: signatures.get(signed) });
    return sourceFile;
  };

  const builder = ts.createIncrementalProgram({ rootNames: [entry], options, host, configFileParsingDiagnostics: parsed.errors });
  const diagnostics = ts
    .sortAndDeduplicateDiagnostics([
      ...builder.getConfigFileParsingDiagnostics(),
      ...builder.getOptionsDiagnostics(),
      ...builder.getGlobalDiagnostics(),
      ...builder.getSyntacticDiagnostics(),
      ...builder.getSemanticDiagnostics(),
    ])
    .filter((d) => !UNUSED.has(d.code));
  try {
    builder.emit(); // with noEmit, writes the incremental build info only
  } catch {
    // a cache that cannot be written only makes the next check slower
  }
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  const formatHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => "\n" };
  const coloredReport = diagnostics.length ? ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost) : "";
  const summaryLine = errors.length ? summary(errors) : "";
  // Every file the compiler read (sources, and the package.json files that resolved imports).
  for (const sf of builder.getProgram().getSourceFiles()) {
    const signed = signedPath(path.resolve(sf.fileName));
    if (!signatures.has(signed)) signatures.set(signed, fileSignature(signed));
  }
  const entries = [...signatures.entries()];
  const folders = [...new Set(entries.map(([file]) => file).filter((f) => !inNodeModules(f)).map((f) => path.dirname(f)))];
  try {
    writeAtomically(manifest, JSON.stringify({
      format: CACHE_FORMAT,
      entry,
      typescript: ts.version,
      files: entries,
      folders: folders.map((dir) => [dir, folderSignature(dir)]),
      errorCount: errors.length,
      coloredReport,
      cwd: process.cwd(),
      summary: summaryLine,
    }));
  } catch {
    // as above
  }
  return verdictOf(errors.length, coloredReport, summaryLine, color);
}

/** Writes all of `text` to stderr before returning, so that process.exit() cannot cut it short. */
function writeStderr(text) {
  const buffer = Buffer.from(text);
  for (let offset = 0; offset < buffer.length; ) {
    try {
      offset += fs.writeSync(2, buffer, offset);
    } catch (error) {
      if (error.code !== "EAGAIN") throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // a full pipe: let the reader catch up
    }
  }
}

/** The verdict of a check that gave no result of its own. */
const failure = (report) => ({ ok: false, errorCount: 0, report, output: `${report}\n` });

const wantsColor = () => Boolean(process.stderr.isTTY) && !("NO_COLOR" in process.env) && process.env.TERM !== "dumb";

/**
 * Starts checking the app `entry` for this process (the main thread of the app command) and arranges
 * for its verdict to be enforced before the app synthesizes: see the header. Returns the handle, also
 * kept at globalThis[Symbol.for("fargate-as-code.typeCheck")].
 */
function checkAppAtSynth(entry) {
  entry = path.resolve(entry);
  let verdict = cachedVerdict(entry, { color: wantsColor() });
  if (verdict?.ok) return undefined;
  if (!verdict && !typescriptVersion()) {
    process.emitWarning(`types of ${path.relative(process.cwd(), entry)} not checked: the typescript package is not installed (npm ci installs it)`);
    return undefined;
  }
  const { Worker, MessageChannel, receiveMessageOnPort } = require("worker_threads");
  /** The check's worker, whose verdict is awaited: none when the last check's still holds. */
  let checking;
  if (!verdict) {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    checking = { flag, port: port1 };
    const worker = new Worker(__filename, {
      execArgv: [], // not the app command's -r ./scripts/ts-require.js
      workerData: { [WORKER_MARK]: true, entry, color: wantsColor(), flag, port: port2 },
      transferList: [port2],
    });
    worker.unref();
    worker.on("error", () => {}); // reported through the port; never an unhandled 'error' event
  }

  let enforced = false;
  let claimed = false;
  const wait = () => {
    if (verdict) return verdict;
    const { flag, port } = checking;
    const deadline = Date.now() + TIMEOUT_MS;
    while (Atomics.load(flag, 0) === 0 && Date.now() < deadline) Atomics.wait(flag, 0, 0, deadline - Date.now());
    const received = receiveMessageOnPort(port);
    verdict = received
      ? received.message
      : failure(`The type check of ${entry} ${Atomics.load(flag, 0) ? "stopped without a result" : `did not finish in ${TIMEOUT_MS / 1000} s`}: run \`npm run build\` to see why.`);
    port.close();
    return verdict;
  };
  const handle = {
    entry,
    /** The verdict, waiting for it if need be: { ok, errorCount, output, report }. */
    wait,
    /**
     * The verdict, for a caller that reports a failed one itself (synthesizeApp under the cdktf CLI, which
     * prints an app's stderr twice): synth then goes ahead, and nothing here prints it.
     */
    claim() {
      enforced = claimed = true;
      return wait();
    },
    /** Returns when the app type-checks (or its verdict was claimed); otherwise prints the compiler's report and exits 1. */
    enforce() {
      enforced = true;
      if (claimed) return;
      const { ok, output } = wait();
      if (ok) return;
      writeStderr(output);
      process.exit(1);
    },
  };
  globalThis[HANDLE] = handle;
  guardSynth(handle);
  process.on("exit", () => {
    if (enforced) return;
    const { ok, output } = wait();
    if (ok) return;
    writeStderr(output);
    process.exitCode = 1;
  });
  return handle;
}

/** Wraps cdktf's App.prototype.synth, when the app loads cdktf, so that it waits for the verdict first. */
function guardSynth(handle) {
  const Module = require("module");
  const load = Module._load;
  Module._load = function (request) {
    const exported = load.apply(this, arguments);
    if (request === "cdktf" && exported && typeof exported.App === "function") {
      Module._load = load;
      const synth = exported.App.prototype.synth;
      exported.App.prototype.synth = function () {
        handle.enforce();
        return synth.apply(this, arguments);
      };
    }
    return exported;
  };
}

if (!isMainThread && workerData && workerData[WORKER_MARK]) {
  const { entry, color, flag, port } = workerData;
  let result;
  const finish = () => {
    port.postMessage(result);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  process.on("exit", () => {
    if (Atomics.load(flag, 0) === 0) {
      result = failure(`The type check of ${entry} stopped without a result: run \`npm run build\` to see why.`);
      finish();
    }
  });
  try {
    result = checkProgram(entry, { color });
  } catch (error) {
    result = failure(`The type check of ${entry} failed (a bug in scripts/type-check.js):\n${error && error.stack ? error.stack : error}`);
  }
  finish();
} else if (require.main === module) {
  const entries = process.argv.slice(2);
  if (!entries.length || entries.some((a) => a.startsWith("-"))) {
    console.error("usage: node scripts/type-check.js <app.ts>...   (type-checks the program rooted at each app file)");
    process.exit(2);
  }
  let failed = false;
  for (const entry of entries) {
    const { ok, output } = cachedVerdict(path.resolve(entry), { color: wantsColor() }) ?? checkProgram(entry, { color: wantsColor() });
    if (output) process.stderr.write(output);
    failed ||= !ok;
  }
  process.exitCode = failed ? 1 : 0;
}

module.exports = { checkAppAtSynth, checkProgram, cachedVerdict, HANDLE };
