import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Fn, TerraformProvider } from "cdktf";
import { MAIN_RESOURCE_ID, partitionOf } from "../../app/naming";

export interface EncryptionKeyProps {
  /** The key's alias is `alias/<name>`. */
  readonly name: string;
  /** What the key is for, shown in the KMS console. */
  readonly description: string;
  /** The account the key is in: its root administers the key (KMS refuses a policy that locks it out). */
  readonly accountId: string;
  /** The region the key is in (the log groups it encrypts are in the same one). */
  readonly region: string;
  /**
   * Let CloudWatch Logs of the key's region encrypt and decrypt the log groups of this account with it.
   * @default false
   */
  readonly forCloudWatchLogs?: boolean;
  /**
   * The provider of another region (a key for us-east-1's Route53 query logs).
   * @default the stack's provider
   */
  readonly provider?: TerraformProvider;
}

/** Days KMS waits before it deletes a key scheduled for deletion (7 to 30; 30 leaves the most time to cancel). */
export const KEY_DELETION_WINDOW_DAYS = 30;

/** The key policy statement that lets the account's IAM policies grant the key's use: KMS refuses a policy that locks it out. */
export function accountAdministersKey(accountId: string, region: string): object {
  return {
    Sid: "AccountAdministersTheKey",
    Effect: "Allow",
    Principal: { AWS: `arn:${partitionOf(region)}:iam::${accountId}:root` },
    Action: "kms:*",
    Resource: "*",
  };
}

/**
 * A customer managed KMS key, rotated every year, with the key policy that lets its account's IAM
 * policies grant its use and, when asked, CloudWatch Logs encrypt the account's log groups with it
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 */
export class EncryptionKey extends Construct {
  public readonly key: KmsKey;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const partition = partitionOf(props.region);
    const statements: object[] = [accountAdministersKey(props.accountId, props.region)];
    if (props.forCloudWatchLogs) {
      statements.push({
        Sid: "CloudWatchLogsOfThisAccount",
        Effect: "Allow",
        Principal: { Service: `logs.${props.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
          ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${props.region}:${props.accountId}:log-group:*` },
        },
      });
    }
    this.key = new KmsKey(this, MAIN_RESOURCE_ID, {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: Fn.jsonencode({ Version: "2012-10-17", Statement: statements }),
      provider: props.provider,
    });
    new KmsAlias(this, "alias", { name: `alias/${props.name}`, targetKeyId: this.key.keyId, provider: props.provider });
    this.arn = this.key.arn;
  }
}
