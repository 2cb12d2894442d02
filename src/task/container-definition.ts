import { Construct } from "constructs";
import type {
  ContainerDefinition as EcsContainerDefinition,
  LinuxParameters,
  PortMapping,
} from "@aws-sdk/client-ecs/dist-types/models/models_0";
import { Annotations } from "cdktf";
import type { TaskExecutionRole } from "./execution-role";
import type { FargateTaskDefinition } from "./task-definition";
import type { ISecret } from "./secret-parameter";
import { partitionOf, providerRegion } from "../app/naming";
import { looksSecret } from "../checks/secret-names";
import { reportInvalid } from "../checks/validation";

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
  | "systemControls"
  | "mountPoints";

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
  /**
   * Environment variables whose names look secret (`…PASSWORD…`, `…TOKEN…`, `…API_KEY…`) but whose values
   * are not, such as `TOKEN_TTL`. Any other such name with a plain value stops synth.
   * @default []
   */
  readonly notSecret?: string[];
}

/** What ECS's `valueFrom` reads: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html */
const SECRET_ARN =
  /^arn:aws[a-z-]*:(ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_.\-/]+|secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*:[^:]*:[^:]*)?)$/;
const PRIVATE_ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/;
/**
 * `[registry/]path[:tag][@digest]`, as Docker parses an image reference: the first part is a registry only
 * when it has a `.` or a port, or is `localhost`; the path is lowercase.
 */
const IMAGE_REFERENCE =
  /^(?:((?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+(?::\d+)?|[a-zA-Z0-9-]+:\d+|localhost)\/)?([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;
const CONTAINER_NAME = /^[a-zA-Z0-9_-]{1,255}$/;
/** Container definition fields Fargate refuses, and what to do instead. */
const FARGATE_REJECTED_FIELDS: Record<string, string> = {
  privileged: "remove it: Fargate never runs privileged containers",
  links: "remove it: containers of a Fargate task reach each other on localhost",
  hostname: "remove it: with awsvpc networking the task's ENI decides the hostname",
  dnsServers: "remove it: Fargate uses the VPC's resolver; change DNS through the VPC's DHCP options",
  dnsSearchDomains: "remove it: Fargate uses the VPC's resolver; change DNS through the VPC's DHCP options",
  extraHosts: "remove it: add the names to a Route53 private zone instead",
  dockerSecurityOptions: "remove it: Fargate does not take Docker security options",
  disableNetworking: "remove it: awsvpc tasks always have a network interface",
  resourceRequirements: "remove it: Fargate has no GPUs; run GPU work on ECS with EC2 capacity",
  volumesFrom: "remove it: share data through a task volume and mountPoints instead",
};
/** The Linux parameters Fargate supports. */
const FARGATE_LINUX_PARAMETERS = ["capabilities", "initProcessEnabled"];
const FARGATE_ADDABLE_CAPABILITIES = ["SYS_PTRACE"];

/**
 * A container in a task definition. Adding it to a task whose execution role this project created grants
 * that role what starting the container needs, computed from what it references: its secrets, its log
 * group, its private ECR image. With an existing execution role, synth checks the role can read the secrets.
 */
export class ContainerDefinition extends Construct {
  public readonly containerName: string;
  /** The ports it listens on, as the task definition renders them. */
  public readonly portMappings: Omit<PortMapping, "hostPort">[];
  public readonly essential: boolean;
  private readonly region?: string;

  constructor(
    taskDefinition: FargateTaskDefinition,
    id: string,
    private readonly props: ContainerDefinitionProps,
  ) {
    super(taskDefinition, id);
    this.containerName = props.name;
    this.portMappings = props.portMappings ?? [];
    this.essential = props.essential ?? true;
    this.validate();
    if (props.logGroup) this.region = this.logRegion();

    const executionRole = taskDefinition.executionRole;
    if (executionRole.created) {
      this.grantReferences(executionRole);
    }
    this.node.addValidation({ validate: () => this.unreadableSecrets(executionRole) });
  }

  /** The containers this one waits for, and the task volumes it mounts, as declared. */
  get dependsOn(): { containerName?: string; condition?: string }[] {
    return this.props.dependsOn ?? [];
  }

  get mountPoints(): { sourceVolume?: string; containerPath?: string }[] {
    return this.props.mountPoints ?? [];
  }

  /** Whether the container has a health check of its own (a HEALTHY dependency needs one). */
  get hasHealthCheck(): boolean {
    return this.props.healthCheck !== undefined;
  }

  /** The resources and memory the task must leave for this container. */
  get reservation(): { cpu: number; memory: number; memoryLimit?: number } {
    const { cpu, memory, memoryReservation } = this.props;
    return { cpu: cpu ?? 0, memory: memoryReservation ?? memory ?? 0, memoryLimit: memory };
  }

  private grantReferences(executionRole: TaskExecutionRole): void {
    Object.values(this.props.secrets ?? {}).forEach((secret) => executionRole.grantSecretRead(secret));
    if (this.props.logGroup) executionRole.grantLogWrite(this.props.logGroup.arn);
    const ecrImage = PRIVATE_ECR_IMAGE.exec(this.props.image);
    if (ecrImage) {
      const [, account, region, repository] = ecrImage;
      executionRole.grantImagePull(`arn:${partitionOf(region)}:ecr:${region}:${account}:repository/${repository}`);
    }
  }

  /** The article's outage: a secret the execution role cannot read leaves the new task unable to start. */
  private unreadableSecrets(executionRole: TaskExecutionRole): string[] {
    return Object.entries(this.props.secrets ?? {}).flatMap(([variable, secret]) => {
      if (!isSecretReference(secret)) return [];
      const missing = executionRole.missingSecretGrants(secret);
      if (missing.length === 0) return [];
      return [
        `secrets.${variable}: execution role "${executionRole.name}" cannot read ${secret.secretsManagerArn ? "secret" : "parameter"} ${secret.parameterName}: ` +
          `it lacks ${missing.join(" and ")}, so ECS would fail to start the task ("unable to pull secrets"). ` +
          `Fix: call executionRole.grantSecretRead(...) with this secret, or leave the task's executionRole unset so this project creates one`,
      ];
    });
  }

  private logRegion(): string | undefined {
    const region = providerRegion(this);
    if (!region) {
      reportInvalid(this, {
        field: "logGroup",
        allowed: "the awslogs driver needs the region, and the stack's AWS provider has no literal region",
        fix: "give the AwsProvider (or FargateStack) a literal `region`",
      });
    }
    return region;
  }

  private validate(): void {
    const props = this.props;
    if (!CONTAINER_NAME.test(props.name)) {
      reportInvalid(this, {
        field: "name",
        value: props.name,
        allowed: "1 to 255 letters, digits, hyphens and underscores",
        fix: "rename the container, e.g. \"web\"",
      });
    }
    this.validateImage(props.image);
    this.validateEnvironment();
    for (const [field, fix] of Object.entries(FARGATE_REJECTED_FIELDS)) {
      if ((props as unknown as Record<string, unknown>)[field] !== undefined) {
        reportInvalid(this, { field, allowed: "Fargate rejects this container definition field", fix });
      }
    }
    for (const field of Object.keys(props.linuxParameters ?? {})) {
      if (!FARGATE_LINUX_PARAMETERS.includes(field)) {
        reportInvalid(this, {
          field: `linuxParameters.${field}`,
          allowed: `Fargate supports only ${FARGATE_LINUX_PARAMETERS.join(" and ")} among the Linux parameters`,
          fix: `remove ${field}`,
        });
      }
    }
    const added = props.linuxParameters?.capabilities?.add ?? [];
    const refused = added.filter((capability) => !FARGATE_ADDABLE_CAPABILITIES.includes(capability));
    if (refused.length > 0) {
      reportInvalid(this, {
        field: "linuxParameters.capabilities.add",
        value: refused,
        allowed: "Fargate lets a container add only SYS_PTRACE (dropping any capability is fine)",
        fix: "remove the other capabilities",
      });
    }
    for (const mapping of (props.portMappings ?? []) as PortMapping[]) {
      if (mapping.hostPort !== undefined && mapping.hostPort !== mapping.containerPort) {
        reportInvalid(this, {
          field: "portMappings.hostPort",
          value: mapping.hostPort,
          allowed: `with awsvpc networking the host port is the container port (${mapping.containerPort})`,
          fix: "remove hostPort",
        });
      }
    }
    if (props.memory !== undefined && props.memoryReservation !== undefined && props.memoryReservation > props.memory) {
      reportInvalid(this, {
        field: "memoryReservation",
        value: props.memoryReservation,
        allowed: `the soft limit cannot exceed the hard limit, memory (${props.memory} MiB)`,
        fix: "lower memoryReservation or raise memory",
      });
    }
  }

  private validateImage(image: string): void {
    if (image.includes("${")) return; // a Terraform reference, such as an ECR repository's URL
    const reference = IMAGE_REFERENCE.exec(image);
    if (!reference) {
      reportInvalid(this, {
        field: "image",
        value: image,
        allowed: "an image reference: [registry/]repository[:tag][@sha256:digest], repository in lowercase",
        fix: "e.g. \"public.ecr.aws/nginx/nginx:1.27\" or \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2\"",
      });
      return;
    }
    const [, registry, path, tag, digest] = reference;
    if (!digest && (!tag || tag === "latest")) {
      Annotations.of(this).addWarning(
        `image is "${image}": ${tag ? "the tag latest" : "no tag (so latest)"} is mutable, so a task replaced later ` +
          `may run other code than the one deployed, and Terraform sees no change to roll out. ` +
          `Fix: pin a version tag or a digest, e.g. "${registry ? `${registry}/` : ""}${path}:1.2.3"`,
      );
    }
  }

  private validateEnvironment(): void {
    const { environment = {}, secrets = {}, notSecret = [] } = this.props;
    for (const variable of Object.keys(environment)) {
      if (variable in secrets) {
        reportInvalid(this, {
          field: `environment.${variable}`,
          allowed: "a variable is either plain (`environment`) or secret (`secrets`), not both",
          fix: `remove ${variable} from \`environment\``,
        });
      } else if (looksSecret(variable) && !notSecret.includes(variable)) {
        reportInvalid(this, {
          field: `environment.${variable}`,
          allowed: "its name says it holds a secret, and a plain value is readable in the task definition, the synthesized JSON and Terraform state",
          fix: `move it to \`secrets\` (e.g. secrets: { ${variable}: {} }), or list it in \`notSecret\` if the value is not secret`,
        });
      }
    }
    for (const [variable, secret] of Object.entries(secrets)) {
      if (isSecretReference(secret) && !secret.parameterArn.includes("${") && !SECRET_ARN.test(secret.parameterArn)) {
        reportInvalid(this, {
          field: `secrets.${variable}`,
          value: secret.parameterArn,
          allowed:
            "an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>) or a Secrets Manager secret ARN " +
            "(arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json key>::]); an IAM grant on anything else reads nothing",
          fix: "give the full ARN, or SecretParameter.fromName(scope, name) for a parameter of this stack's account and region",
        });
      }
      if (!isSecretReference(secret)) {
        reportInvalid(this, {
          field: `secrets.${variable}`,
          allowed: "a secret is a reference to an SSM parameter; a literal value would be written into the synthesized JSON",
          fix: "create the parameter with SecretParameter (value from TF_VAR_…) or reference one with SecretParameter.fromArn",
        });
      }
    }
  }

  /** The container as the ECS API's `ContainerDefinition`, for `container_definitions`. */
  render(): EcsContainerDefinition {
    const { environment, secrets, logGroup, portMappings, notSecret: _notSecret, ...fields } = this.props;
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

function isSecretReference(secret: unknown): secret is ISecret {
  return typeof secret === "object" && secret !== null && typeof (secret as ISecret).parameterArn === "string";
}
