import { readFileSync, rmSync } from "fs";
import { join } from "path";
import { Testing } from "cdktf";
import { FargateStack, backendFromEnvironment } from "../src";
import { runAppCommand } from "./support/app-command";
import { cleanupPlannedStacks, initBackend } from "./support/terraform";

jest.setTimeout(300_000);

const outdirs: string[] = [];
afterAll(() => {
  cleanupPlannedStacks();
  outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function runAppCommandInto(env: Record<string, string>): string {
  const outdir = runAppCommand(env);
  outdirs.push(outdir);
  return outdir;
}

/** The `terraform` block of the default app's prod stack, synthesized with `env`. */
function synthDefaultApp(env: Record<string, string>) {
  const outdir = runAppCommandInto(env);
  return JSON.parse(readFileSync(join(outdir, "stacks", "hello-prod", "cdk.tf.json"), "utf8")).terraform;
}

/** A diagnostic `terraform init` prints for settings the backend does not accept. */
const SETTINGS_ERROR = /Error: (Invalid|Extraneous|Unsupported|Missing required|Incorrect attribute)/;

describe("state backends", () => {
  test("with TF_CLOUD_ORGANIZATION at synth: a cloud block Terraform accepts, one workspace per stack", async () => {
    const dev = JSON.parse(readFileSync(join(runAppCommandInto({ TF_CLOUD_ORGANIZATION: "acme" }), "stacks", "hello-dev", "cdk.tf.json"), "utf8"));
    expect(dev.terraform.cloud.workspaces).toEqual({ name: "hello-dev" });
    const terraform = synthDefaultApp({
      TF_CLOUD_ORGANIZATION: "acme",
      TF_CLOUD_PROJECT: "web",
      FARGATE_WORKSPACE_PREFIX: "fargate-",
    });
    expect(terraform.cloud).toEqual({ organization: "acme", workspaces: { name: "fargate-hello-prod", project: "web" } });
    expect(terraform.backend).toBeUndefined();
    // With no network, init fails reaching HCP Terraform, which it only tries once it has accepted the block.
    const accepted = await initBackend(terraform, "cloud-backend");
    expect(accepted.output).toContain("Failed to request discovery document");
    expect(accepted.output).not.toMatch(SETTINGS_ERROR);
    // The check sees a block it refuses: a workspace by name and by tags at once.
    const refused = await initBackend({ cloud: { ...terraform.cloud, workspaces: { name: "hello", tags: ["web"] } } }, "cloud-refused");
    expect(refused).toEqual({ initialized: false, output: expect.stringMatching(SETTINGS_ERROR) });
    expect(refused.output).toContain('Only one of workspace "tags" or "name" is allowed');
  });

  test("without it: a local backend, its path relative to the stack folder (no machine path in the JSON)", async () => {
    const terraform = synthDefaultApp({ TF_CLOUD_ORGANIZATION: "" });
    expect(terraform.cloud).toBeUndefined();
    expect(terraform.backend).toEqual({ local: { path: "../../../terraform.hello-prod.tfstate" } });
    expect(await initBackend(terraform, "local-backend")).toEqual({ initialized: true, output: expect.stringContaining('Successfully configured the backend "local"') });
  });

  test("S3: encrypted, locked by S3 itself, keyed by stack, in the stack's region unless given; settings Terraform's S3 backend accepts", async () => {
    const stack = new FargateStack(Testing.app(), "web-prod", {
      region: "eu-west-1",
      backend: { type: "s3", bucket: "acme-terraform-state" },
    });
    const { terraform } = JSON.parse(Testing.synth(stack));
    expect(terraform.backend).toEqual({
      s3: { bucket: "acme-terraform-state", key: "web-prod/terraform.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
    // With no credentials, init fails looking for them, which it only does once it has accepted the settings.
    const accepted = await initBackend(terraform, "s3-backend");
    expect(accepted.output).toContain("No valid credential sources found");
    expect(accepted.output).not.toMatch(SETTINGS_ERROR);
    const refused = await initBackend({ backend: { s3: { ...terraform.backend.s3, use_lockfile: "yes" } } }, "s3-refused");
    expect(refused.output).toMatch(SETTINGS_ERROR);
    expect(refused.output).toContain('Inappropriate value for attribute "use_lockfile": a bool is required');
  });

  test("backendFromEnvironment reads the standard variables, and nothing without an organization", () => {
    expect(backendFromEnvironment({})).toBeUndefined();
    expect(backendFromEnvironment({ TF_CLOUD_ORGANIZATION: "acme", TF_CLOUD_HOSTNAME: "tfe.acme.com" })).toEqual({
      type: "cloud",
      organization: "acme",
      hostname: "tfe.acme.com",
      project: undefined,
      workspacePrefix: undefined,
    });
  });

  test("an explicit backend wins over the environment", () => {
    const previous = process.env.TF_CLOUD_ORGANIZATION;
    process.env.TF_CLOUD_ORGANIZATION = "acme";
    try {
      const stack = new FargateStack(Testing.app(), "web", { region: "eu-west-1", backend: { type: "local" } });
      expect(JSON.parse(Testing.synth(stack)).terraform.cloud).toBeUndefined();
      const fromEnvironment = new FargateStack(Testing.app(), "web", { region: "eu-west-1" });
      expect(JSON.parse(Testing.synth(fromEnvironment)).terraform.cloud.organization).toBe("acme");
    } finally {
      if (previous === undefined) delete process.env.TF_CLOUD_ORGANIZATION;
      else process.env.TF_CLOUD_ORGANIZATION = previous;
    }
  });

  test("a workspace name Terraform Cloud refuses is reported", () => {
    const stack = new FargateStack(Testing.app(), "web", {
      region: "eu-west-1",
      backend: { type: "cloud", organization: "acme", workspacePrefix: "my app/" },
    });
    expect(() => Testing.synth(stack, true)).toThrow(
      /backend.workspacePrefix is "my app\/": the workspace "my app\/web" must be 1 to 90 letters, digits, - and _/,
    );
  });
});
