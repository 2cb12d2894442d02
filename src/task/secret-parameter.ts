import { Construct } from "constructs";
import { TerraformStack, TerraformVariable } from "cdktf";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { MAIN_RESOURCE_ID, partitionOf, providerRegion, snakeCase } from "../app/naming";
import { reportInvalid } from "../checks/validation";
import { SECRETS_MANAGER_ARN, SecretsManagerSecret } from "./secrets-manager-secret";

/**
 * A secret a container can read as an environment variable: an SSM parameter, or a Secrets Manager secret
 * (`SecretsManagerSecret.fromArn`).
 */
export interface ISecret {
  /** What to call it in messages: the parameter's or the secret's name. */
  readonly parameterName: string;
  /** What ECS reads (`valueFrom`): the parameter's ARN, or the secret's ARN with an optional `:<json key>::`. */
  readonly parameterArn: string;
  /** For a Secrets Manager secret, the ARN `secretsmanager:GetSecretValue` is granted on. */
  readonly secretsManagerArn?: string;
  /** The customer managed KMS key that encrypts it, if any: readers need `kms:Decrypt` on it. */
  readonly kmsKeyArn?: string;
  /**
   * The ARN the parameter has in a given account, when `parameterArn` is known only at apply: lets synth
   * see that a grant such as `arn:aws:ssm:eu-west-1:123456789012:parameter/app/*` covers it.
   */
  readonly parameterArnInAccount?: (account: string) => string;
}

export interface SecretParameterProps {
  /** Parameter name, e.g. `/hello/PASSWORD`. */
  readonly parameterName: string;
  /**
   * Name of the Terraform variable that receives the value, so `TF_VAR_<name>` sets it.
   * @default the last part of the parameter name in snake case (`/hello/PASSWORD` → `password`)
   */
  readonly variableName?: string;
  /**
   * Version of the value: Terraform writes the value to SSM only when this number changes, because it
   * never keeps the value to compare with. Bump it to rotate the secret.
   * @default 1
   */
  readonly version?: number;
  /**
   * Customer managed KMS key to encrypt the value with.
   * @default the account's AWS managed key for SSM (`alias/aws/ssm`)
   */
  readonly kmsKeyArn?: string;
  /**
   * Shown in the SSM console.
   * @default "Secret <parameter name>, set through TF_VAR_<variable name>"
   */
  readonly description?: string;
}

export interface ExistingSecretOptions {
  /**
   * The customer managed KMS key that encrypts the parameter.
   * @default none: the AWS managed key, which needs no grant
   */
  readonly kmsKeyArn?: string;
}

/** A bare name, or a path that starts with `/`; SSM reserves names starting with aws or ssm. */
const PARAMETER_NAME = /^(?!\/?(aws|ssm))([a-zA-Z0-9_.-]+|(\/[a-zA-Z0-9_.-]+)+)$/i;
const VARIABLE_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;

/**
 * A SecureString SSM parameter whose value never touches the synthesized JSON, a plan file or Terraform
 * state: it comes from an ephemeral, sensitive Terraform variable (`TF_VAR_<name>` on every plan and
 * apply) into the provider's write-only `value_wo`.
 */
export class SecretParameter extends Construct implements ISecret {
  /**
   * A parameter that exists already, by ARN. A Secrets Manager secret's ARN is read as that
   * (`SecretsManagerSecret.fromArn`), so its grant is `secretsmanager:GetSecretValue`, the one that reads it.
   */
  static fromArn(parameterArn: string, options: ExistingSecretOptions = {}): ISecret {
    if (SECRETS_MANAGER_ARN.test(parameterArn)) return SecretsManagerSecret.fromArn(parameterArn, options);
    const parameterName = parameterArn.replace(/^arn:[^:]+:ssm:[^:]*:[^:]*:parameter/, "");
    return { parameterArn, parameterName, kmsKeyArn: options.kmsKeyArn };
  }

  /**
   * A parameter that exists already in this stack's account and region, by name. Its ARN is built
   * with the account ID from `aws_caller_identity`, which asks AWS at plan time.
   */
  static fromName(scope: Construct, parameterName: string, options: ExistingSecretOptions = {}): ISecret {
    const region = providerRegion(scope);
    if (!region) {
      reportInvalid(scope, {
        field: "SecretParameter.fromName",
        value: parameterName,
        allowed: "a parameter's ARN is built from the stack's region, and the AWS provider has no literal region",
        fix: "give the AwsProvider (or FargateStack) a literal `region`, or use SecretParameter.fromArn",
      });
    }
    const stack = TerraformStack.of(scope);
    const caller =
      (stack.node.tryFindChild("current_account") as DataAwsCallerIdentity | undefined) ??
      new DataAwsCallerIdentity(stack, "current_account");
    return {
      parameterArn: parameterArn(region ?? "", caller.accountId, parameterName),
      parameterName,
      kmsKeyArn: options.kmsKeyArn,
      parameterArnInAccount: region ? (account) => parameterArn(region, account, parameterName) : undefined,
    };
  }

  public readonly parameter: SsmParameter;
  public readonly parameterName: string;
  public readonly parameterArn: string;
  public readonly kmsKeyArn?: string;
  public readonly parameterArnInAccount?: (account: string) => string;
  /** The ephemeral Terraform variable the value is read from. */
  public readonly variable: TerraformVariable;

  constructor(scope: Construct, id: string, props: SecretParameterProps) {
    super(scope, id);
    if (!PARAMETER_NAME.test(props.parameterName)) {
      reportInvalid(this, {
        field: "parameterName",
        value: props.parameterName,
        allowed:
          "SSM takes a bare name or a path starting with /, of letters, digits and . - _, not starting with aws or ssm",
        fix: "use a path such as /my-app/PASSWORD",
      });
    }
    const variableName = props.variableName ?? snakeCase(props.parameterName.split("/").pop() ?? id);
    if (!VARIABLE_NAME.test(variableName)) {
      reportInvalid(this, {
        field: "variableName",
        value: variableName,
        allowed: "a Terraform variable name: a letter or _ then letters, digits, _ or -",
        fix: "set `variableName` to such a name",
      });
    }
    this.variable = new TerraformVariable(this, "value", {
      type: "string",
      sensitive: true,
      nullable: false,
      description: `Value of the secret SSM parameter ${props.parameterName}`,
    });
    this.claimVariableName(variableName, props.parameterName);
    this.variable.overrideLogicalId(variableName);
    // cdktf 0.21 has no `ephemeral` option; Terraform 1.10+ keeps ephemeral values out of plans and state.
    this.variable.addOverride("ephemeral", true);

    this.kmsKeyArn = props.kmsKeyArn;
    this.parameter = new SsmParameter(this, MAIN_RESOURCE_ID, {
      name: props.parameterName,
      type: "SecureString",
      keyId: props.kmsKeyArn,
      valueWo: this.variable.stringValue,
      valueWoVersion: props.version ?? 1,
      description:
        props.description ?? `Secret ${props.parameterName}, set through TF_VAR_${variableName}`,
    });
    this.parameterName = props.parameterName;
    const region = providerRegion(this);
    if (region) {
      this.parameterArnInAccount = (account) => parameterArn(region, account, props.parameterName);
    }
    this.parameterArn = this.parameter.arn;
  }

  /** Two parameters fed by one variable would silently get the same value: refuse it. */
  private claimVariableName(variableName: string, parameterName: string): void {
    const stack = TerraformStack.of(this);
    const claimed = variableOwners.get(stack) ?? new Map<string, string>();
    variableOwners.set(stack, claimed);
    const owner = claimed.get(variableName);
    if (owner === undefined) {
      claimed.set(variableName, parameterName);
      return;
    }
    reportInvalid(this, {
      field: "variableName",
      value: variableName,
      allowed: `each secret needs its own Terraform variable, and "${variableName}" already feeds ${owner}`,
      fix: `set \`variableName\` of ${parameterName} to another name, e.g. "${snakeCase(parameterName)}"`,
    });
  }
}

/** Terraform variable names taken by secret parameters, per stack. */
const variableOwners = new WeakMap<TerraformStack, Map<string, string>>();

function parameterArn(region: string, account: string, parameterName: string): string {
  return `arn:${partitionOf(region)}:ssm:${region}:${account}:parameter/${parameterName.replace(/^\//, "")}`;
}
