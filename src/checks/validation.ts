import { IConstruct } from "constructs";

export interface InvalidInput {
  /** The prop, as the user wrote it: `cidrBlock`, `secrets.PASSWORD`. */
  readonly field: string;
  /** What was received; omit it for anything secret. */
  readonly value?: unknown;
  /** What is allowed. */
  readonly allowed: string;
  /** What to change, in this project's terms. */
  readonly fix: string;
}

/**
 * Records a problem with a construct's input. cdktf runs every validation when the app synthesizes
 * and stops with all of them listed, each under its construct path, before Terraform ever runs.
 */
export function reportInvalid(scope: IConstruct, problem: InvalidInput): void {
  const received = problem.value === undefined ? "" : ` is ${JSON.stringify(problem.value)}`;
  const message = `${problem.field}${received}: ${problem.allowed}. Fix: ${problem.fix}`;
  scope.node.addValidation({ validate: () => [message] });
}
