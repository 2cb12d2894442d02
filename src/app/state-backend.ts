import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { reportInvalid } from "../checks/validation";

/** State next to the project (not inside cdktf.out, which synth rewrites): `terraform.<stack>.tfstate`. */
export interface LocalStateBackend {
  readonly type: "local";
}

/** State in S3, locked by S3 itself (Terraform 1.10+ `use_lockfile`), encrypted. */
export interface S3StateBackend {
  readonly type: "s3";
  readonly bucket: string;
  /**
   * Object key of the state.
   * @default "<stack>/terraform.tfstate"
   */
  readonly key?: string;
  /**
   * Region of the bucket.
   * @default the stack's region
   */
  readonly region?: string;
}

/** HCP Terraform / Terraform Cloud: one workspace per stack. */
export interface CloudStateBackend {
  readonly type: "cloud";
  readonly organization: string;
  /**
   * Prefix of the workspace name; the workspace is `<prefix><stack>`.
   * @default ""
   */
  readonly workspacePrefix?: string;
  /**
   * Project the workspaces belong to.
   * @default the organization's default project
   */
  readonly project?: string;
  /**
   * Host of Terraform Enterprise.
   * @default "app.terraform.io"
   */
  readonly hostname?: string;
}

export type StateBackend = LocalStateBackend | S3StateBackend | CloudStateBackend;

/**
 * The backend the environment asks for: Terraform Cloud when `TF_CLOUD_ORGANIZATION` is set (with
 * `TF_CLOUD_PROJECT`, `TF_CLOUD_HOSTNAME` and `FARGATE_WORKSPACE_PREFIX` if set), else none.
 */
export function backendFromEnvironment(env: NodeJS.ProcessEnv = process.env): StateBackend | undefined {
  const organization = env.TF_CLOUD_ORGANIZATION;
  if (!organization) return undefined;
  return {
    type: "cloud",
    organization,
    project: env.TF_CLOUD_PROJECT || undefined,
    hostname: env.TF_CLOUD_HOSTNAME || undefined,
    workspacePrefix: env.FARGATE_WORKSPACE_PREFIX || undefined,
  };
}

const WORKSPACE_NAME = /^[A-Za-z0-9_-]{1,90}$/;

/** Gives `stack` its backend; the stack's id names its state file, key or workspace. */
export function configureBackend(stack: TerraformStack, backend: StateBackend, region: string): void {
  const stackName = stack.node.id;
  switch (backend.type) {
    case "local":
      // Relative to the stack's folder in cdktf.out, where Terraform runs: the project root, as cdktf
      // does by default, but without this machine's absolute path in the JSON.
      new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
      return;
    case "s3": {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: backend.key ?? `${stackName}/terraform.tfstate`,
        region: backend.region ?? region,
        encrypt: true,
      });
      // cdktf 0.21 predates S3's native locking (Terraform 1.10), which replaces the DynamoDB table.
      s3.addOverride("use_lockfile", true);
      return;
    }
    case "cloud": {
      const workspace = `${backend.workspacePrefix ?? ""}${stackName}`;
      if (!WORKSPACE_NAME.test(workspace)) {
        reportInvalid(stack, {
          field: "backend.workspacePrefix",
          value: backend.workspacePrefix,
          allowed: `the workspace "${workspace}" must be 1 to 90 letters, digits, - and _`,
          fix: "use a prefix such as \"web-\"",
        });
      }
      new CloudBackend(stack, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: new NamedCloudWorkspace(workspace, backend.project),
      });
      return;
    }
  }
}
