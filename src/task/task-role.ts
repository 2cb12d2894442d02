import { Construct } from "constructs";
import { Fn, Lazy } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { MAIN_RESOURCE_ID, addressPath, fitName } from "../app/naming";
import { iamMatches } from "../checks/iam-wildcard";
import { reportInvalid } from "../checks/validation";

export interface PolicyStatement {
  /** Statements with the same `sid` are merged: their actions and resources are added together. */
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
}

/** A role this project creates. */
export interface NewRoleProps {
  /** Role name; longer than IAM's 64 characters, it is shortened with a hash suffix. */
  readonly name: string;
  /**
   * What the role is for, shown in the IAM console.
   * @default "Role of the <name> ECS tasks"
   */
  readonly description?: string;
  /**
   * The AWS service that assumes the role.
   * @default "ecs-tasks.amazonaws.com"
   */
  readonly assumedBy?: string;
}

/**
 * A role that exists already. This project never changes it on its own: only the statements given to
 * `addToPolicy` (or a `grant…` method) are attached to it, as an inline policy.
 */
export interface ExistingRoleProps {
  /** ARN of the role, e.g. `arn:aws:iam::123456789012:role/my-app-execution`. */
  readonly roleArn: string;
}

export type TaskRoleProps = NewRoleProps | ExistingRoleProps;

const MAX_ROLE_NAME_LENGTH = 64;
const MAX_POLICY_NAME_LENGTH = 128;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

/**
 * An IAM role that ECS tasks assume, with one inline policy built from the statements granted to it.
 * Used as the application's task role; the execution role extends it.
 */
export class TaskRole extends Construct {
  /** The role resource, when this project creates the role. */
  public readonly role?: IamRole;
  public readonly arn: string;
  public readonly name: string;
  /** Whether this project created the role (and so may grant it what its containers reference). */
  public readonly created: boolean;
  private readonly statements = new Map<string, { actions: Set<string>; resources: Set<string> }>();
  private policy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: TaskRoleProps) {
    super(scope, id);
    if ("roleArn" in props) {
      this.created = false;
      this.arn = props.roleArn;
      const match = ROLE_ARN.exec(props.roleArn);
      if (!match) {
        reportInvalid(this, {
          field: "roleArn",
          value: props.roleArn,
          allowed: "an IAM role ARN, arn:aws:iam::<12-digit account>:role/<optional path/><name>",
          fix: "copy the role's ARN from the IAM console or `aws iam get-role`",
        });
      }
      this.name = match?.[1] ?? props.roleArn;
      return;
    }
    this.created = true;
    this.role = new IamRole(this, MAIN_RESOURCE_ID, {
      name: fitName(props.name, MAX_ROLE_NAME_LENGTH),
      description: props.description ?? `Role of the ${props.name} ECS tasks`,
      assumeRolePolicy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: props.assumedBy ?? "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
    });
    this.arn = this.role.arn;
    this.name = this.role.name;
  }

  /** Allows the role `actions` on `resources`; the inline policy is created with the first statement. */
  addToPolicy(statement: PolicyStatement): void {
    const merged = this.statements.get(statement.sid) ?? { actions: new Set<string>(), resources: new Set<string>() };
    statement.actions.forEach((action) => merged.actions.add(action));
    statement.resources.forEach((resource) => merged.resources.add(resource));
    this.statements.set(statement.sid, merged);
    this.policy ??= new IamRolePolicy(this, "policy", {
      // Unique per construct path: several apps may share one existing role.
      name: fitName(addressPath(this).replace(/[^\w+=,.@-]+/g, "-"), MAX_POLICY_NAME_LENGTH),
      role: this.name,
      policy: Lazy.stringValue({ produce: () => Fn.jsonencode(this.policyDocument()) }),
    });
  }

  /**
   * Whether a statement attached through this project allows `action` on `resource`. IAM's `*` and `?`
   * wildcards count; what is attached to the role outside this project cannot be seen. `resource` may be
   * a function of each statement's resource pattern, for an ARN whose account only Terraform knows.
   */
  allows(action: string, resource: string | ((pattern: string) => string)): boolean {
    return [...this.statements.values()].some(
      (statement) =>
        [...statement.actions].some((pattern) => iamMatches(pattern, action)) &&
        [...statement.resources].some((pattern) =>
          iamMatches(pattern, typeof resource === "string" ? resource : resource(pattern), false),
        ),
    );
  }

  /** The statements granted so far, as IAM policy JSON. */
  policyDocument(): object {
    return {
      Version: "2012-10-17",
      Statement: [...this.statements].map(([sid, { actions, resources }]) => ({
        Sid: sid,
        Effect: "Allow",
        Action: [...actions].sort(),
        Resource: [...resources],
      })),
    };
  }
}
