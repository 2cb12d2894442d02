import { Construct } from "constructs";
import { Token } from "cdktf";
import { ExistingRoleProps, TaskRole } from "./task-role";
import type { ISecret } from "./secret-parameter";

/** A role this project creates to start the tasks of one task definition family. */
export interface NewExecutionRoleProps {
  /** Role name; longer than IAM's 64 characters, it is shortened with a hash suffix. */
  readonly name: string;
  /** Task definition family the role starts, named in its description. */
  readonly family: string;
}

export type TaskExecutionRoleProps = NewExecutionRoleProps | ExistingRoleProps;

/**
 * The role ECS itself uses to start a task: pull the image, create log streams, read the secrets. A role
 * this project creates starts with no permission at all; each container wired into a task grants it
 * exactly what it references, so a secret can never be added without the right to read it (the article's
 * silent outage). An existing role (`{ roleArn }`) is not changed behind your back: grant it what its
 * containers read with `grantSecretRead`, and synth refuses a secret it cannot read.
 */
export class TaskExecutionRole extends TaskRole {
  constructor(scope: Construct, id: string, props: TaskExecutionRoleProps) {
    super(
      scope,
      id,
      "roleArn" in props
        ? props
        : { name: props.name, description: `ECS starts the ${props.family} tasks with this role` },
    );
  }

  /** Read a SecureString parameter or a Secrets Manager secret, and decrypt it with its customer managed KMS key. */
  grantSecretRead(secret: ISecret): void {
    if (secret.secretsManagerArn) {
      this.addToPolicy({ sid: "ReadSecrets", actions: ["secretsmanager:GetSecretValue"], resources: [secret.secretsManagerArn] });
    } else {
      this.addToPolicy({ sid: "ReadSecretParameters", actions: ["ssm:GetParameters"], resources: [secret.parameterArn] });
    }
    if (secret.kmsKeyArn) {
      this.addToPolicy({ sid: "DecryptSecretParameters", actions: ["kms:Decrypt"], resources: [secret.kmsKeyArn] });
    }
  }

  /** What this role lacks to read `secret`, as `action on resource` lines; empty when it can. */
  missingSecretGrants(secret: ISecret): string[] {
    const missing: string[] = [];
    if (secret.secretsManagerArn) {
      if (!this.allows("secretsmanager:GetSecretValue", secret.secretsManagerArn)) {
        missing.push(`secretsmanager:GetSecretValue on secret ${secret.parameterName}`);
      }
    } else {
      const inAccount = secret.parameterArnInAccount;
      const readable =
        this.allows("ssm:GetParameters", secret.parameterArn) ||
        (inAccount !== undefined && this.allows("ssm:GetParameters", (pattern) => inAccount(accountOf(pattern))));
      if (!readable) missing.push(`ssm:GetParameters on parameter ${secret.parameterName}`);
    }
    if (secret.kmsKeyArn && !this.allows("kms:Decrypt", secret.kmsKeyArn)) {
      // A key this stack creates has no ARN before apply: name it by what it is.
      missing.push(`kms:Decrypt on ${Token.isUnresolved(secret.kmsKeyArn) ? "the KMS key this stack creates for it" : `key ${secret.kmsKeyArn}`}`);
    }
    return missing;
  }

  /** Create log streams and put log events in a log group. */
  grantLogWrite(logGroupArn: string): void {
    this.addToPolicy({
      sid: "WriteLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [`${logGroupArn}:*`],
    });
  }

  /** Pull images from a private ECR repository. */
  grantImagePull(repositoryArn: string): void {
    // GetAuthorizationToken has no resource-level permissions: IAM only accepts "*" for it.
    this.addToPolicy({ sid: "AuthenticateToEcr", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] });
    this.addToPolicy({
      sid: "PullImages",
      actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      resources: [repositoryArn],
    });
  }
}

/** The account an ARN pattern names, or a stand-in any account wildcard matches. */
function accountOf(arnPattern: string): string {
  const account = arnPattern.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : "000000000000";
}
