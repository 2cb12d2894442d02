import { App } from "cdktf";
import { StateBackend } from "./state-backend";
import { FargateStack } from "./fargate-stack";
import { FargateWebApp, FargateWebAppProps } from "../services/fargate-web-app";
import { reportInvalid } from "../checks/validation";

/** What one environment changes: any app setting but its name, plus its own region and tags. */
export interface EnvironmentSettings extends Partial<Omit<FargateWebAppProps, "name">> {
  /**
   * Region of this environment.
   * @default the shared `region`
   */
  readonly region?: string;
  /**
   * Tags added to this environment's resources.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

export interface FargateEnvironmentsProps {
  /** The app's name; each environment's stack and resources are named `<name>-<environment>`. */
  readonly name: string;
  /** Region of every environment that does not set its own. */
  readonly region: string;
  /** What every environment shares. */
  readonly app: Partial<Omit<FargateWebAppProps, "name">>;
  /** The environments by name (`dev`, `prod`…), each with what it changes; each needs a `domain` in `app` or here. */
  readonly environments: Record<string, EnvironmentSettings>;
  /**
   * Tags on every resource of every environment; `Environment` is added.
   * @default {}
   */
  readonly tags?: Record<string, string>;
  /**
   * State backend of every environment's stack (a workspace or key per stack).
   * @default as FargateStack: Terraform Cloud when TF_CLOUD_ORGANIZATION is set, else local
   */
  readonly backend?: StateBackend;
}

export interface DeclaredEnvironment {
  readonly stack: FargateStack;
  readonly app: FargateWebApp;
}

const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{0,9}$/;

/**
 * One app in several environments from one declaration: a stack per environment named
 * `<name>-<environment>` (stable, so `cdktf deploy hello-prod` always means the same thing), its
 * resources named and tagged by environment, and the shared settings overridden per environment.
 * Terraform addresses are the same in every stack (`aws_ecs_service.hello_service`).
 */
export function declareEnvironments(scope: App, props: FargateEnvironmentsProps): Record<string, DeclaredEnvironment> {
  return Object.fromEntries(
    Object.entries(props.environments).map(([environment, settings]) => {
      const { region, tags, ...overrides } = settings;
      const stackName = `${props.name}-${environment}`;
      const stack = new FargateStack(scope, stackName, {
        region: region ?? props.region,
        tags: { ...props.tags, ...tags, Environment: environment },
        backend: props.backend,
      });
      if (!ENVIRONMENT_NAME.test(environment)) {
        reportInvalid(stack, {
          field: "environments",
          value: environment,
          allowed: "an environment name is 1 to 10 lowercase letters and digits, starting with a letter",
          fix: "use names such as dev, staging, prod",
        });
      }
      const merged = { ...props.app, ...overrides } as Omit<FargateWebAppProps, "name">;
      if (!merged.domain || !merged.image) {
        reportInvalid(stack, {
          field: `environments.${environment}`,
          allowed: "every environment needs an `image` and a `domain`, shared in `app` or its own",
          fix: `give ${environment} a domain such as "${environment}.app.example.com"`,
        });
      }
      const app = new FargateWebApp(stack, props.name, { ...merged, name: stackName });
      return [environment, { stack, app }];
    }),
  );
}
