import * as fs from "fs";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { createHash } from "crypto";
import * as ts from "typescript";

/*
 * What the type check at synth (scripts/type-check.js) reads: the program rooted at the app file, every
 * file of it parsed on a cold cache. The sources take the AWS SDK's types by deep path: the client
 * package's index would bring the whole client and its runtime's types (~450 declaration files) into
 * every app's program.
 */

const ROOT = join(__dirname, "..");
const APP = join(ROOT, ".test-apps", "type-check-sdk-shape.ts");
// A shape of the SDK's (the ECS API's HealthCheck), its `command` misspelled.
const SOURCE = `import type { WorkloadProps } from "../src";

export const check: WorkloadProps["containerHealthCheck"] = { comand: ["CMD-SHELL", "true"] };
`;

beforeAll(() => {
  mkdirSync(join(ROOT, ".test-apps"), { recursive: true });
  writeFileSync(APP, SOURCE);
});
afterAll(() => rmSync(APP, { force: true }));

test("an app's program leaves the AWS SDK's clients out, and still checks the SDK shapes it uses", () => {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  const program = ts.createProgram([APP], { ...config!.options, noEmit: true });
  const sdkFiles = program.getSourceFiles().flatMap((file) => /\/node_modules\/((?:@aws-sdk|@smithy)\/.*)$/.exec(file.fileName)?.[1] ?? []);
  expect(sdkFiles).toContain("@aws-sdk/client-ecs/dist-types/models/models_0.d.ts");
  // The ECS API's shapes and the few generic types they use; no client, command or runtime.
  expect(sdkFiles.filter((file) => !/^@aws-sdk\/client-ecs\/dist-types\/models\/|^@smithy\/types\//.test(file))).toEqual([]);

  const diagnostics = program.getSemanticDiagnostics(program.getSourceFile(APP));
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([
    "Object literal may only specify known properties, but 'comand' does not exist in type 'HealthCheck'. Did you mean to write 'command'?",
  ]);
}, 60_000);

describe("several apps checked by one process (`node scripts/type-check.js a.ts b.ts`, as `npm test` does)", () => {
  const SHARED = join(ROOT, ".test-apps", "type-check-shared.ts");
  const apps = { clean: join(ROOT, ".test-apps", "type-check-clean.ts"), broken: join(ROOT, ".test-apps", "type-check-broken.ts") };
  let cache: string;
  beforeAll(() => {
    writeFileSync(SHARED, "export const port: number = 80;\n");
    writeFileSync(apps.clean, 'import { port } from "./type-check-shared";\n\nexport const next: number = port + 1;\n');
    writeFileSync(apps.broken, 'import { port } from "./type-check-shared";\n\nexport const label: string = port;\n');
    cache = mkdtempSync(join(tmpdir(), "type-check-cache-"));
  });
  afterAll(() => {
    for (const file of [SHARED, ...Object.values(apps)]) rmSync(file, { force: true });
    rmSync(cache, { recursive: true, force: true });
  });
  /** scripts/type-check.js as a new run of it loads: nothing parsed yet, its cache in `cache`. */
  function newRun(): any {
    let typeCheck: any;
    process.env.FARGATE_TYPE_CHECK_CACHE = cache; // read when the module loads
    try {
      jest.isolateModules(() => (typeCheck = require("../scripts/type-check.js")));
    } finally {
      delete process.env.FARGATE_TYPE_CHECK_CACHE;
    }
    return typeCheck;
  }

  test("parse the files they share once, and still report each app's own errors and record each app's files", () => {
    const reads = jest.spyOn(fs, "readFileSync");
    try {
      const typeCheck = newRun();
      const clean = typeCheck.checkProgram(apps.clean);
      const broken = typeCheck.checkProgram(apps.broken);
      expect(reads.mock.calls.filter(([file]) => file === SHARED)).toHaveLength(1);
      expect([clean.ok, broken.ok, broken.errorCount]).toEqual([true, false, 1]);
      expect(broken.report).toContain("type-check-broken.ts:3:14 - error TS2322: Type 'number' is not assignable to type 'string'.");
      const manifests = fs.readdirSync(cache).filter((file) => file.endsWith(".json")).map((file) => JSON.parse(readFileSync(join(cache, file), "utf8")));
      expect(manifests.map((manifest) => manifest.entry).sort()).toEqual([apps.broken, apps.clean]);
      for (const manifest of manifests) {
        expect(manifest.files).toContainEqual([SHARED, createHash("sha1").update(readFileSync(SHARED)).digest("hex")]);
      }
      expect(typeCheck.cachedVerdict(apps.clean)).toEqual(clean);
    } finally {
      reads.mockRestore();
    }
  }, 60_000);

  test("a check that found errors is recorded too: the next run prints the same report, until a file of its program changes", () => {
    const typeCheck = newRun();
    const broken = typeCheck.checkProgram(apps.broken);
    expect(typeCheck.cachedVerdict(apps.broken)).toEqual(broken);
    expect(broken.output).toContain("Found 1 error in .test-apps/type-check-broken.ts:3. Synth stopped: nothing was synthesized.");
    writeFileSync(SHARED, 'export const port: string = "80";\n');
    expect(typeCheck.cachedVerdict(apps.broken)).toBeUndefined();
    expect(typeCheck.cachedVerdict(apps.clean)).toBeUndefined();
    expect(newRun().checkProgram(apps.broken).ok).toBe(true); // a new run parses the files anew
  }, 60_000);
});
