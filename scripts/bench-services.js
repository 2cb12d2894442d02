#!/usr/bin/env node
// `npm run bench` (second part): the synth cost of each extra service. Runs the app command on
// scripts/bench-fixtures/services/main.ts, an environment with BENCH_SERVICES web services, for 1, 20 and 50
// services, and reports the median CPU time (user + sys, GNU time) of each and the CPU per extra service.
// Target (issue 8): at most 40 ms of CPU per extra service. Runs: BENCH_SERVICE_RUNS (default 5).
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.join(__dirname, "..");
const APP = path.join("scripts", "bench-fixtures", "services", "main.ts");
const COUNTS = [1, 20, 50];
const RUNS = Number(process.env.BENCH_SERVICE_RUNS || 5);
const TARGET_MS = 40;

function cpuSeconds(services) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-services-"));
  try {
    const run = spawnSync("/usr/bin/time", ["-f", "%U %S", "node", "-r", "./scripts/ts-require.js", APP], {
      cwd: ROOT,
      env: { ...process.env, BENCH_SERVICES: String(services), CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    if (run.status !== 0) throw new Error(`${services} services: exit ${run.status}: ${run.stderr.slice(-500)}`);
    const [user, sys] = run.stderr.trim().split("\n").pop().split(" ").map(Number);
    return user + sys;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

cpuSeconds(1); // warm-up: esbuild and type-check caches
const results = Object.fromEntries(COUNTS.map((count) => [count, []]));
for (let round = 0; round < RUNS; round++) for (const count of COUNTS) results[count].push(cpuSeconds(count));
console.log(`Synth CPU of an environment with N web services (median of ${RUNS}; load ${os.loadavg()[0].toFixed(1)}):`);
for (const count of COUNTS) console.log(`  ${String(count).padStart(2)} services  ${median(results[count]).toFixed(2)} s`);
for (const count of COUNTS.slice(1)) {
  const perService = ((median(results[count]) - median(results[1])) / (count - 1)) * 1000;
  console.log(`  per extra service, 1 → ${count}: ${perService.toFixed(1)} ms of CPU`);
}
// The target is judged on the least-squares slope over the three sizes, less noisy than any one pair.
const xs = COUNTS;
const ys = COUNTS.map((count) => median(results[count]));
const meanX = xs.reduce((a, b) => a + b) / xs.length;
const meanY = ys.reduce((a, b) => a + b) / ys.length;
const slope = xs.reduce((sum, x, i) => sum + (x - meanX) * (ys[i] - meanY), 0) / xs.reduce((sum, x) => sum + (x - meanX) ** 2, 0);
const slopeMs = slope * 1000;
console.log(`  per extra service (slope): ${slopeMs.toFixed(1)} ms of CPU (target ≤ ${TARGET_MS} ms) ${slopeMs <= TARGET_MS ? "ok" : "OVER"}`);
process.exitCode = slopeMs <= TARGET_MS ? 0 : 1;
