import { Construct } from "constructs";
import { TaskRole } from "./task-role";

export interface TaskExecutionRoleProps {
  /** Role name; longer than IAM's 64 characters, it is shortened with a hash suffix. */
  readonly name: string;
  /** Task definition family the role starts, named in its description. */
  readonly family: string;
}

/**
 * The role ECS itself uses to start a task: pull the image, create log streams, read the secrets. It
 * starts with no permission at all; each container wired into a task grants exactly what it references,
 * so a secret can never be added without the right to read it (the article's silent outage).
 */
export class TaskExecutionRole extends TaskRole {
  constructor(scope: Construct, id: string, props: TaskExecutionRoleProps) {
    super(scope, id, { name: props.name, description: `ECS starts the ${props.family} tasks with this role` });
  }

  /** Read a SecureString parameter, and decrypt it when a customer managed KMS key encrypts it. */
  grantSecretRead(parameterArn: string, kmsKeyArn?: string): void {
    this.addToPolicy({ sid: "ReadSecretParameters", actions: ["ssm:GetParameters"], resources: [parameterArn] });
    if (kmsKeyArn) {
      this.addToPolicy({ sid: "DecryptSecretParameters", actions: ["kms:Decrypt"], resources: [kmsKeyArn] });
    }
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
