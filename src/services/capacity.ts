import { IConstruct } from "constructs";
import { reportInvalid } from "../checks/validation";

/** How many of a service's tasks run on one Fargate capacity provider. */
export interface CapacityShare {
  /**
   * Tasks that run on this provider before the weights apply; only one provider may have a base.
   * @default 0
   */
  readonly base?: number;
  /**
   * Relative share of the tasks beyond the bases.
   * @default 0
   */
  readonly weight?: number;
}

/**
 * FARGATE and FARGATE_SPOT shares of a service's tasks. Spot tasks cost about 70 % less and can be stopped
 * with a two-minute warning: put interruption-tolerant work there, and a base of on-demand tasks for the rest.
 */
export interface CapacityProviders {
  /**
   * On-demand Fargate.
   * @default no share
   */
  readonly fargate?: CapacityShare;
  /**
   * Fargate Spot.
   * @default no share
   */
  readonly fargateSpot?: CapacityShare;
}

/** https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html */
const MAX_BASE = 100000;
const MAX_WEIGHT = 1000;

/** The service's `capacity_provider_strategy`, after reporting what ECS would refuse. */
export function capacityProviderStrategy(
  scope: IConstruct,
  providers: CapacityProviders,
): { capacityProvider: string; base?: number; weight: number }[] {
  const items = (
    [
      ["fargate", "FARGATE", providers.fargate],
      ["fargateSpot", "FARGATE_SPOT", providers.fargateSpot],
    ] as const
  ).filter(([, , share]) => share !== undefined);
  for (const [field, , share] of items) {
    const { base, weight } = share!;
    if (base !== undefined && !(Number.isInteger(base) && base >= 0 && base <= MAX_BASE)) {
      reportInvalid(scope, { field: `capacity.${field}.base`, value: base, allowed: `a whole number of tasks from 0 to ${MAX_BASE}`, fix: "use 1 or 2 on-demand tasks as the base" });
    }
    if (weight !== undefined && !(Number.isInteger(weight) && weight >= 0 && weight <= MAX_WEIGHT)) {
      reportInvalid(scope, { field: `capacity.${field}.weight`, value: weight, allowed: `a whole number from 0 to ${MAX_WEIGHT}`, fix: "use small relative weights such as 1 and 3" });
    }
  }
  if (items.length === 0) {
    reportInvalid(scope, { field: "capacity", allowed: "a strategy names FARGATE, FARGATE_SPOT or both", fix: "give `fargate` and/or `fargateSpot`, or leave `capacity` unset for on-demand Fargate" });
  } else if (!items.some(([, , share]) => (share!.weight ?? 0) > 0)) {
    reportInvalid(scope, { field: "capacity", allowed: "at least one provider needs a weight above 0", fix: "e.g. fargateSpot: { weight: 1 }" });
  }
  if (items.filter(([, , share]) => (share!.base ?? 0) > 0).length > 1) {
    reportInvalid(scope, { field: "capacity", allowed: "only one provider of a strategy may have a base", fix: "keep the base on `fargate` (the tasks that must not be interrupted)" });
  }
  return items.map(([, capacityProvider, share]) => ({ capacityProvider, base: share!.base, weight: share!.weight ?? 0 }));
}
