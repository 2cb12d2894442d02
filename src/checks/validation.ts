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

/**
 * `value` if it is one of `choices`, or `fallback` when it is unset; anything else is reported (naming the
 * choices) and replaced by `fallback`, so that what is built from it does not report it again.
 */
export function validChoice<T extends string>(
  scope: IConstruct,
  field: string,
  value: T | undefined,
  choices: readonly T[],
  fallback: T,
  fix: string,
): T {
  if (value === undefined) return fallback;
  if (choices.includes(value)) return value;
  reportInvalid(scope, { field, value, allowed: `one of ${choices.map((choice) => `"${choice}"`).join(", ")}`, fix });
  return fallback;
}
