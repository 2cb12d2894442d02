import { mkdirSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
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
