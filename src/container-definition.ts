import { Construct } from "constructs";
import type {
  ContainerDefinition as EcsContainerDefinition,
  LinuxParameters,
  PortMapping,
} from "@aws-sdk/client-ecs";
import type { FargateTaskDefinition } from "./task-definition";
import type { ISecret } from "./secret-parameter";
import { partitionOf, providerRegion } from "./naming";
import { reportInvalid } from "./validation";

/** Fields of the ECS container definition that Fargate accepts and that need no grant, taken as the ECS API types them. */
type FargateContainerFields =
  | "cpu"
  | "memory"
  | "memoryReservation"
  | "essential"
  | "restartPolicy"
  | "entryPoint"
  | "command"
  | "dependsOn"
  | "startTimeout"
  | "stopTimeout"
  | "versionConsistency"
  | "user"
  | "workingDirectory"
  | "readonlyRootFilesystem"
  | "interactive"
  | "pseudoTerminal"
  | "dockerLabels"
  | "ulimits"
  | "healthCheck"
  | "systemControls";

/** A log group the awslogs driver writes to. */
export interface ILogGroup {
  readonly name: string;
  readonly arn: string;
}

/**
 * One container of a Fargate task, in the shape of the ECS API's container definition (AWS SDK v3
 * `ContainerDefinition`), limited to what Fargate accepts. Fields not listed here (`privileged`, `links`,
 * `dnsServers`, `extraHosts`, GPUs…) are ones Fargate rejects.
 */
export interface ContainerDefinitionProps extends Pick<EcsContainerDefinition, FargateContainerFields> {
  /** Container name, unique in the task. */
  readonly name: string;
  /** Image reference, e.g. `public.ecr.aws/nginx/nginx:1.27`. Images in a private ECR repository are granted pull rights. */
  readonly image: string;
  /**
   * Ports the container listens on. On Fargate (awsvpc) the host port equals the container port.
   * @default none
   */
  readonly portMappings?: Omit<PortMapping, "hostPort">[];
  /**
   * Plain environment variables. Secret values go in `secrets`.
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /**
   * Environment variables read from SSM parameters when the task starts. Each one grants the task's
   * execution role `ssm:GetParameters` on that parameter (and `kms:Decrypt` on its key, if any).
   * @default {}
   */
  readonly secrets?: Record<string, ISecret>;
  /**
   * Log group for the awslogs driver; the execution role is granted writing to it.
   * @default no log configuration
   */
  readonly logGroup?: ILogGroup;
  /**
   * The part of Linux parameters Fargate supports: `initProcessEnabled` and adding `SYS_PTRACE`.
   * @default none
   */
  readonly linuxParameters?: Pick<LinuxParameters, "capabilities" | "initProcessEnabled">;
}

const PRIVATE_ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/;

/**
 * A container in a task definition. Adding it grants the task's execution role what starting it needs,
 * computed from what it references: its secrets, its log group, its private ECR image.
 */
export class ContainerDefinition extends Construct {
  public readonly containerName: string;
  /** The ports it listens on, as the task definition renders them. */
  public readonly portMappings: Omit<PortMapping, "hostPort">[];
  private readonly region?: string;

  constructor(
    taskDefinition: FargateTaskDefinition,
    id: string,
    private readonly props: ContainerDefinitionProps,
  ) {
    super(taskDefinition, id);
    this.containerName = props.name;
    this.portMappings = props.portMappings ?? [];

    const executionRole = taskDefinition.executionRole;
    Object.values(props.secrets ?? {}).forEach((secret) =>
      executionRole.grantSecretRead(secret.parameterArn, secret.kmsKeyArn),
    );
    if (props.logGroup) {
      executionRole.grantLogWrite(props.logGroup.arn);
      this.region = providerRegion(this);
      if (!this.region) {
        reportInvalid(this, {
          field: "logGroup",
          allowed: "the awslogs driver needs the region, and the stack's AWS provider has no literal region",
          fix: "give the AwsProvider (or FargateStack) a literal `region`",
        });
      }
    }
    const ecrImage = PRIVATE_ECR_IMAGE.exec(props.image);
    if (ecrImage) {
      const [, account, region, repository] = ecrImage;
      executionRole.grantImagePull(`arn:${partitionOf(region)}:ecr:${region}:${account}:repository/${repository}`);
    }
  }

  /** The container as the ECS API's `ContainerDefinition`, for `container_definitions`. */
  render(): EcsContainerDefinition {
    const { environment, secrets, logGroup, portMappings, ...fields } = this.props;
    return {
      ...fields,
      essential: fields.essential ?? true,
      portMappings: portMappings?.map((mapping) => ({
        protocol: "tcp",
        ...mapping,
        hostPort: mapping.containerPort,
      })),
      environment: sortedEntries(environment).map(([name, value]) => ({ name, value })),
      secrets: sortedEntries(secrets).map(([name, secret]) => ({ name, valueFrom: secret.parameterArn })),
      logConfiguration: logGroup && {
        logDriver: "awslogs",
        options: {
          "awslogs-group": logGroup.name,
          "awslogs-region": this.region ?? "", // a missing region is reported at synth
          "awslogs-stream-prefix": this.props.name,
          // Logging must never block the app: buffer, and drop lines when the buffer is full.
          mode: "non-blocking",
          "max-buffer-size": "25m",
        },
      },
    };
  }
}

function sortedEntries<T>(record: Record<string, T> | undefined): [string, T][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => a.localeCompare(b));
}
