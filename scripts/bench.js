#!/usr/bin/env node
// `npm run bench`: how long synthesizing the default app takes and how much memory it needs, beside the
// smallest cdktf app that does anything, so that the project's performance targets can be checked:
//
//   default app command time / node -e 'require("cdktf")' time   <= 3x    (the app costs little beyond cdktf)
//   default app command peak memory                              < 150 MB
//   default `cdktf synth` time / one-resource `cdktf synth` time <= 1.5x  (issue 12: types checked at synth;
//                                                                          the CLI's fixed cost dominates)
//
// The default app's synth is type-checked (scripts/type-check.js, started by scripts/ts-require.js); the
// one-resource fixture, under scripts/, is not. Six cases, measured in the same run, each with one
// uncounted warm-up run first (it also fills the esbuild transpile cache of scripts/ts-require.js and the
// type-check cache, so the counted runs measure what every later synth of an unchanged project pays),
// then the counted runs taken in rounds, one run of each case per round, so that drift in the machine's
// load falls on every case alike:
//   1. floor           node -e 'require("cdktf")' in the repository root: loading cdktf, nothing more
//   2. one-resource    the app command of scripts/bench-fixtures/one-resource (an AWS provider and one log
//                      group), in that directory; its node_modules are the repository's, found by walking up
//   3. default app     the `app` command of <app dir>/cdktf.json, in <app dir>
//   4./5.              `cdktf synth` (node_modules/.bin/cdktf) end to end for the fixture and the default app
//   6. cold check      `cdktf synth` of the default app with an empty type-check cache (a fresh
//                      FARGATE_TYPE_CHECK_CACHE folder per run): the first synth of a fresh install, the
//                      whole program parsed and checked beside the app; reported, no target. It bounds the
//                      first synth after an edit, which parses the program again but keeps TypeScript's
//                      incremental build info: only the changed files (and what they affect) are checked
// <app dir> is the repository root, or $BENCH_APP_DIR. Commands run through `/bin/sh -c`, as the cdktf CLI
// runs the app. The app commands get CDKTF_OUTDIR (the variable cdktf's App reads its outdir from, and
// the CLI sets for it) and `cdktf synth` gets --output, each a fresh directory under the OS temp dir, so
// the bench never touches cdktf.out; a run that leaves no manifest.json there counts as failed. Every
// command runs offline: CHECKPOINT_DISABLE=1 (cdktf's telemetry opt-out), DISABLE_VERSION_CHECK=1,
// CDKTF_DISABLE_PLUGIN_CACHE_ENV=1, and no TF_VAR_* variables (the CLI never gives them to the app).
// The app commands are run as written, without the NODE_OPTIONS=--max-old-space-size=4096 that
// `cdktf synth` adds for the app.
//
// Time is wall time, measured here around the child (it includes starting /usr/bin/time and sh, a few
// milliseconds, alike in every case). Memory is the maximum resident set size reported by GNU time's %M
// (KiB; shown as MB = KiB / 1024): for a process tree that is the largest single process, not a sum. For
// the app commands that is the app's node process; for `cdktf synth` it is usually the CLI's own node
// process, not the app. Without /usr/bin/time (or with BENCH_NO_GNU_TIME=1) every node process of the
// tree records process.resourceUsage().maxRSS at exit through a NODE_OPTIONS --require probe instead
// (non-node children, e.g. `terraform version`, are then not counted). "peak MB" is the largest over the
// counted runs. The ratios are of medians (the verdicts); the same ratio of the fastest runs is shown
// beside them, as a check on noise: `cdktf synth` spends ~2 s in the CLI itself (loading, several
// `terraform version` calls) against ~0.1 s of difference between the apps, so on a busy machine its
// ratio can swing by 10-20% between bench runs; use --synth-runs 7 or more before trusting a FAIL there.
//
// Usage: node scripts/bench.js [--runs N] [--synth-runs N] [--json]
//   --runs N        counted runs of every case (default 5 for the app commands, 3 for `cdktf synth`)
//   --synth-runs N  counted runs of the `cdktf synth` cases only
//   --json          print the results as JSON on stdout instead of the table (progress goes to stderr)
// Exits 0 whether or not the targets are met (it is a report), 1 if a measured command fails (its
// stderr is printed), 2 on bad usage.
"use strict";

const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const FIXTURE_DIR = path.join(__dirname, "bench-fixtures", "one-resource");
const APP_DIR = path.resolve(process.env.BENCH_APP_DIR || ROOT);
const CDKTF_BIN = path.join(ROOT, "node_modules", ".bin", "cdktf");
const GNU_TIME = "/usr/bin/time";

const TARGETS = { appTimeRatio: 3, appPeakMB: 150, synthRatio: 1.5 };

function usage(message) {
  if (message) console.error(`bench: ${message}`);
  console.error("usage: node scripts/bench.js [--runs N] [--synth-runs N] [--json]");
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { appRuns: 5, synthRuns: 3, json: false };
  let synthRunsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const count = () => {
      const raw = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) usage(`${arg.split("=")[0]} needs a whole number >= 1, got ${raw}`);
      return n;
    };
    if (arg === "--json") opts.json = true;
    else if (arg === "--runs" || arg.startsWith("--runs=")) {
      const n = count();
      opts.appRuns = n;
      if (!synthRunsGiven) opts.synthRuns = n;
    } else if (arg === "--synth-runs" || arg.startsWith("--synth-runs=")) {
      opts.synthRuns = count();
      synthRunsGiven = true;
    } else if (arg === "-h" || arg === "--help") {
      console.log(fs.readFileSync(__filename, "utf8").split("\n").filter((l) => l.startsWith("//")).map((l) => l.slice(3)).join("\n"));
      process.exit(0);
    } else usage(`unknown argument ${arg}`);
  }
  return opts;
}

function shellQuote(s) {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function readAppCommand(dir) {
  const file = path.join(dir, "cdktf.json");
  let config;
  try {
    config = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`cannot read the app command from ${file}: ${e.message}`);
  }
  if (typeof config.app !== "string" || !config.app.trim()) throw new Error(`${file} has no "app" command`);
  return config.app;
}

function baseEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("TF_VAR_")) env[key] = value;
  delete env.CDKTF_OUTDIR;
  delete env.CDKTF_CONTEXT_JSON;
  return Object.assign(env, { CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1" });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const useGnuTime = !process.env.BENCH_NO_GNU_TIME && fs.existsSync(GNU_TIME);

/** Runs one shell command, resolving to { seconds, peakKiB } or rejecting with its output. */
function measure(tmp, { command, cwd, env, outdir, kind }) {
  return new Promise((resolve, reject) => {
    const rssFile = path.join(tmp, `rss-${process.hrtime.bigint()}.txt`);
    const childEnv = { ...env };
    let file, args;
    if (useGnuTime) {
      file = GNU_TIME;
      args = ["-f", "%M", "-o", rssFile, "/bin/sh", "-c", command];
    } else {
      file = "/bin/sh";
      args = ["-c", command];
      // Keep the CLI's behaviour: it adds --max-old-space-size=4096 only when NODE_OPTIONS has none.
      const extra = kind === "synth" && !/--max-old-space-size/.test(env.NODE_OPTIONS || "") ? " --max-old-space-size=4096" : "";
      childEnv.NODE_OPTIONS = `${env.NODE_OPTIONS || ""} --require ${JSON.stringify(path.join(tmp, "rss-probe.js"))}${extra}`.trim();
      childEnv.BENCH_RSS_FILE = rssFile;
    }
    const stdout = [];
    const stderr = [];
    const start = process.hrtime.bigint();
    const child = spawn(file, args, { cwd, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d) => stdout.push(d));
    child.stderr.on("data", (d) => stderr.push(d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const output = { stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() };
      let lines = [];
      try {
        lines = fs.readFileSync(rssFile, "utf8").split("\n").map((l) => l.trim()).filter(Boolean);
        fs.rmSync(rssFile, { force: true });
      } catch {}
      if (code !== 0) return reject(Object.assign(new Error(`exited with ${signal ? `signal ${signal}` : `code ${code}`}`), output));
      if (outdir && !fs.existsSync(path.join(outdir, "manifest.json")))
        return reject(Object.assign(new Error(`exited 0 but wrote no manifest.json to ${outdir}`), output));
      // GNU time puts "Command exited with non-zero status" lines before the figure; the figure is last.
      const kib = useGnuTime ? [Number(lines[lines.length - 1])] : lines.map(Number);
      if (!kib.length || kib.some((n) => !Number.isFinite(n))) return reject(Object.assign(new Error(`no memory figure recorded (${lines.join(" | ")})`), output));
      resolve({ seconds, peakKiB: Math.max(...kib) });
    });
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const log = (s) => process.stderr.write(`${s}\n`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fargate-bench-"));
  fs.writeFileSync(
    path.join(tmp, "rss-probe.js"),
    `process.on("exit", () => { try { require("fs").appendFileSync(process.env.BENCH_RSS_FILE, process.resourceUsage().maxRSS + "\\n"); } catch {} });\n`,
  );
  let outdirs = 0;
  const freshOutdir = () => path.join(tmp, `out-${++outdirs}`);
  const env = baseEnv();

  const cases = [];
  const add = (id, label, kind, runs, cwd, buildCommand) => cases.push({ id, label, kind, runs, cwd, buildCommand, runsDone: [], error: null });
  const failures = [];
  let appCommand, fixtureCommand;
  try {
    fixtureCommand = readAppCommand(FIXTURE_DIR);
    appCommand = readAppCommand(APP_DIR);
  } catch (e) {
    console.error(`bench: ${e.message}`);
    process.exit(1);
  }

  add("floor", `node -e 'require("cdktf")'`, "app", opts.appRuns, ROOT, () => ({ command: `node -e 'require("cdktf")'` }));
  add("oneResourceApp", "one-resource app command", "app", opts.appRuns, FIXTURE_DIR, () => {
    const outdir = freshOutdir();
    return { command: fixtureCommand, outdir, env: { CDKTF_OUTDIR: outdir } };
  });
  add("defaultApp", "default app command", "app", opts.appRuns, APP_DIR, () => {
    const outdir = freshOutdir();
    return { command: appCommand, outdir, env: { CDKTF_OUTDIR: outdir } };
  });
  for (const [id, label, cwd, coldTypeCheck] of [
    ["oneResourceSynth", "one-resource cdktf synth", FIXTURE_DIR, false],
    ["defaultSynth", "default cdktf synth", APP_DIR, false],
    ["defaultSynthColdCheck", "default synth, cold check", APP_DIR, true],
  ]) {
    add(id, label, "synth", opts.synthRuns, cwd, () => {
      const outdir = freshOutdir();
      const spec = { command: `${shellQuote(CDKTF_BIN)} synth --output ${shellQuote(outdir)}`, outdir };
      if (coldTypeCheck) {
        const cache = path.join(tmp, `type-check-cache-${outdirs}`);
        Object.assign(spec, { env: { FARGATE_TYPE_CHECK_CACHE: cache }, cleanup: [cache] });
      }
      return spec;
    });
  }

  const runOnce = async (c, tag) => {
    const spec = c.buildCommand();
    try {
      const r = await measure(tmp, { command: spec.command, cwd: c.cwd, env: { ...env, ...spec.env }, outdir: spec.outdir, kind: c.kind });
      log(`  ${c.label.padEnd(26)} ${tag.padEnd(8)} ${r.seconds.toFixed(3)} s  ${(r.peakKiB / 1024).toFixed(1)} MB`);
      return r;
    } catch (e) {
      c.error = { message: e.message, command: spec.command, cwd: c.cwd, stderr: e.stderr || "", stdout: e.stdout || "" };
      failures.push(c);
      log(`  ${c.label.padEnd(26)} ${tag.padEnd(8)} FAILED: ${e.message}`);
      return null;
    } finally {
      for (const dir of [spec.outdir, ...(spec.cleanup || [])]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  const started = process.hrtime.bigint();
  log(`bench: default app in ${APP_DIR} (${appCommand}); memory via ${useGnuTime ? GNU_TIME : "a NODE_OPTIONS maxRSS probe"}`);
  try {
    for (const c of cases) {
      const r = await runOnce(c, "warm-up");
      if (r) c.warmup = r;
    }
    const rounds = Math.max(...cases.map((c) => c.runs));
    for (let i = 0; i < rounds; i++) {
      for (const c of cases) {
        if (c.error || c.runsDone.length >= c.runs) continue;
        const r = await runOnce(c, `${i + 1}/${c.runs}`);
        if (r) c.runsDone.push(r);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const totalSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const results = {};
  for (const c of cases) {
    const secs = c.runsDone.map((r) => r.seconds);
    results[c.id] = {
      label: c.label,
      cwd: c.cwd,
      ok: !c.error,
      runs: secs.length,
      medianSeconds: c.error ? null : median(secs),
      minSeconds: c.error ? null : Math.min(...secs),
      maxSeconds: c.error ? null : Math.max(...secs),
      peakMB: c.error ? null : Math.max(...c.runsDone.map((r) => r.peakKiB)) / 1024,
      peakProcess: c.kind === "synth" ? "largest single process of the cdktf synth tree" : "the command's largest process",
      warmupSeconds: c.warmup ? c.warmup.seconds : null,
      seconds: secs,
      peakMBs: c.runsDone.map((r) => r.peakKiB / 1024),
      error: c.error,
    };
  }
  const ratio = (a, b, stat = "medianSeconds") => (results[a].ok && results[b].ok ? results[a][stat] / results[b][stat] : null);
  const verdict = (value, ok) => (value === null ? "n/a" : ok ? "PASS" : "FAIL");
  const appRatio = ratio("defaultApp", "floor");
  const appPeak = results.defaultApp.peakMB;
  const synthRatio = ratio("defaultSynth", "oneResourceSynth");
  const coldRatio = ratio("defaultSynthColdCheck", "oneResourceSynth");
  const targets = [
    { id: "appTimeRatio", label: "default app command / require(\"cdktf\") time", value: appRatio, minRatio: ratio("defaultApp", "floor", "minSeconds"), unit: "x", target: `<= ${TARGETS.appTimeRatio}x`, verdict: verdict(appRatio, appRatio <= TARGETS.appTimeRatio) },
    { id: "appPeakMB", label: "default app command peak memory", value: appPeak, unit: " MB", target: `< ${TARGETS.appPeakMB} MB`, verdict: verdict(appPeak, appPeak < TARGETS.appPeakMB) },
    { id: "synthRatio", label: "default (type-checked) / one-resource cdktf synth time", value: synthRatio, minRatio: ratio("defaultSynth", "oneResourceSynth", "minSeconds"), unit: "x", target: `<= ${TARGETS.synthRatio}x`, verdict: verdict(synthRatio, synthRatio <= TARGETS.synthRatio) },
    { id: "coldSynthRatio", label: "same, type-check cache empty (a fresh install)", value: coldRatio, minRatio: ratio("defaultSynthColdCheck", "oneResourceSynth", "minSeconds"), unit: "x", target: "none", verdict: coldRatio === null ? "n/a" : "info" },
  ];

  if (opts.json) {
    const out = {
      appDir: APP_DIR,
      appCommand,
      fixtureCommand,
      memorySource: useGnuTime ? "GNU time %M (max RSS of the largest single process)" : "process.resourceUsage().maxRSS of each node process",
      node: process.version,
      cpus: os.cpus().length,
      totalSeconds,
      cases: results,
      targets,
    };
    console.log(JSON.stringify(out, null, 2));
  } else {
    const rows = [["case", "median s", "min s", "max s", "peak MB", "runs"]];
    for (const c of cases) {
      const r = results[c.id];
      rows.push(r.ok
        ? [c.label + (c.kind === "synth" ? " *" : ""), r.medianSeconds.toFixed(3), r.minSeconds.toFixed(3), r.maxSeconds.toFixed(3), r.peakMB.toFixed(1), String(r.runs)]
        : [c.label, "FAILED", "", "", "", ""]);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    const fmt = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
    console.log("");
    console.log(fmt(rows[0]));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    for (const row of rows.slice(1)) console.log(fmt(row));
    console.log(`* peak MB of cdktf synth is its largest single process (usually the CLI itself, not the app)`);
    console.log("");
    const lw = Math.max(...targets.map((t) => t.label.length));
    for (const t of targets) {
      const value = t.value === null ? "n/a" : `${t.value.toFixed(t.unit === "x" ? 2 : 1)}${t.unit}`;
      const onMin = typeof t.minRatio === "number" ? `  (min/min ${t.minRatio.toFixed(2)}x)` : "";
      console.log(`${t.label.padEnd(lw)}  ${value.padStart(9)}  target ${t.target.padEnd(9)}  ${t.verdict}${onMin}`);
    }
    console.log(`\nnode ${process.version}, ${os.cpus().length} CPUs, memory via ${useGnuTime ? "GNU time %M" : "maxRSS probe"}, bench took ${totalSeconds.toFixed(1)} s`);
  }

  if (failures.length) {
    for (const c of failures) {
      console.error(`\nbench: ${c.label} failed: ${c.error.message}`);
      console.error(`  command: ${c.error.command}\n  cwd:     ${c.error.cwd}`);
      if (c.error.stderr.trim()) console.error(`  stderr:\n${c.error.stderr.replace(/^/gm, "    ")}`);
      if (!c.error.stderr.trim() && c.error.stdout.trim()) console.error(`  stdout:\n${c.error.stdout.replace(/^/gm, "    ")}`);
    }
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`bench: ${e.stack || e}`);
  process.exit(1);
});
