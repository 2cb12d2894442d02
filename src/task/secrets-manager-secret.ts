import type { ISecret } from "./secret-parameter";

export interface SecretsManagerSecretOptions {
  /**
   * Read one key of a JSON secret (`{"password": "…"}`) instead of the whole value.
   * @default the whole secret
   */
  readonly jsonKey?: string;
  /**
   * The customer managed KMS key that encrypts the secret: the execution role is granted `kms:Decrypt` on it.
   * @default the AWS managed key, which needs no grant
   */
  readonly kmsKeyArn?: string;
}

/**
 * `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`, with or without the six characters
 * Secrets Manager appends: https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html
 */
export const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:([A-Za-z0-9/_+=.@-]+)$/;
const FULL_ARN_SUFFIX = /-[A-Za-z0-9]{6}$/;

/** Secrets Manager secrets, read by a container as a secret environment variable. */
export class SecretsManagerSecret {
  /**
   * An existing secret, by ARN: the whole value, or one key of a JSON secret (`jsonKey`). The execution
   * role is granted `secretsmanager:GetSecretValue` on exactly that secret (and `kms:Decrypt` on its key).
   */
  static fromArn(secretArn: string, options: SecretsManagerSecretOptions = {}): ISecret {
    const name = SECRETS_MANAGER_ARN.exec(secretArn)?.[1] ?? secretArn;
    // A partial ARN (no suffix) grants every version of the name's suffix, as IAM's documentation advises.
    const grantArn = FULL_ARN_SUFFIX.test(name) ? secretArn : `${secretArn}-??????`;
    return {
      parameterArn: options.jsonKey ? `${secretArn}:${options.jsonKey}::` : secretArn,
      parameterName: options.jsonKey ? `${name} (key ${options.jsonKey})` : name,
      kmsKeyArn: options.kmsKeyArn,
      secretsManagerArn: grantArn,
    };
  }
}
