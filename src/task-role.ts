import { Construct } from "constructs";
import { Fn, Lazy } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { MAIN_RESOURCE_ID, fitName } from "./naming";

export interface PolicyStatement {
  /** Statements with the same `sid` are merged: their actions and resources are added together. */
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
}

export interface TaskRoleProps {
  /** Role name; longer than IAM's 64 characters, it is shortened with a hash suffix. */
  readonly name: string;
  /**
   * What the role is for, shown in the IAM console.
   * @default "Role of the <name> ECS tasks"
   */
  readonly description?: string;
}

const MAX_ROLE_NAME_LENGTH = 64;

/**
 * An IAM role that ECS tasks assume, with one inline policy built from the statements granted to it.
 * Used as the application's task role; the execution role extends it.
 */
export class TaskRole extends Construct {
  public readonly role: IamRole;
  public readonly arn: string;
  public readonly name: string;
  private readonly statements = new Map<string, { actions: Set<string>; resources: Set<string> }>();
  private policy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: TaskRoleProps) {
    super(scope, id);
    const name = fitName(props.name, MAX_ROLE_NAME_LENGTH);
    this.role = new IamRole(this, MAIN_RESOURCE_ID, {
      name,
      description: props.description ?? `Role of the ${props.name} ECS tasks`,
      assumeRolePolicy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
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
      name: this.role.name,
      role: this.role.id,
      policy: Lazy.stringValue({ produce: () => Fn.jsonencode(this.policyDocument()) }),
    });
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
