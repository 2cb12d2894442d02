import { Construct } from "constructs";
import type { OSFamily } from "@aws-sdk/client-ecs/dist-types/models/enums";
import { Fn, Lazy } from "cdktf";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { ContainerDefinition, ContainerDefinitionProps } from "./container-definition";
import { TaskExecutionRole } from "./execution-role";
import { TaskRole } from "./task-role";
import { FARGATE_SIZES_PAGE, FargateSize, isFargateSize, nearestFargateSizes } from "./fargate-sizes";
import { reportInvalid } from "../checks/validation";
import { MAIN_RESOURCE_ID } from "../app/naming";

export type CpuArchitecture = "X86_64" | "ARM64";

export interface FargateTaskDefinitionProps {
  /** Task definition family; also names its roles. */
  readonly family: string;
  /**
   * Task CPU units (1024 = 1 vCPU); with `memory`, one of Fargate's task sizes.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB; with `cpu`, one of Fargate's task sizes.
   * @default 512
   */
  readonly memory?: number;
  /**
   * CPU architecture the images are built for.
   * @default "X86_64"
   */
  readonly cpuArchitecture?: CpuArchitecture;
  /**
   * Operating system of the containers. Windows tasks need 1 vCPU or more and run on X86_64 only.
   * @default "LINUX"
   */
  readonly operatingSystemFamily?: OSFamily;
  /**
   * The role ECS starts the task with. Containers added to the task grant it what they reference.
   * @default a new role named `<family>-execution`
   *
   * An existing role (`new TaskExecutionRole(scope, id, { roleArn })`) is not granted anything on its own:
   * grant it what the containers read with `grantSecretRead`; synth refuses a secret it cannot read.
   */
  readonly executionRole?: TaskExecutionRole;
  /**
   * The role the application's code runs as; separate from the execution role so the app never holds
   * the rights to read every secret or pull images.
   * @default a new role named `<family>-task`, with no permissions
   */
  readonly taskRole?: TaskRole;
  /**
   * Ephemeral storage of the task in GiB, from 21 to 200
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html).
   * @default 20, Fargate's own
   */
  readonly ephemeralStorageGiB?: number;
}

/** An EFS file system mounted as a task volume, through an access point, encrypted in transit, authorized by IAM. */
export interface EfsVolumeSource {
  readonly fileSystemId: string;
  /**
   * Access point that fixes the root directory and the POSIX user.
   * @default none: the file system's root
   */
  readonly accessPointId?: string;
}

/** A task volume: scratch space on the task's ephemeral storage, or an EFS file system. */
export interface TaskVolume {
  /** The name containers mount it by (`mountPoints[].sourceVolume`). */
  readonly name: string;
  /**
   * An EFS file system.
   * @default scratch space on the task's ephemeral storage, emptied when the task stops
   */
  readonly efs?: EfsVolumeSource;
}

const MIN_EPHEMERAL_STORAGE_GIB = 21;
const MAX_EPHEMERAL_STORAGE_GIB = 200;
/** https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html */
const CONDITIONS_NOT_ON_ESSENTIAL = ["COMPLETE", "SUCCESS"];

/** A Fargate task definition: awsvpc networking, a valid task size, an execution role and a task role. */
export class FargateTaskDefinition extends Construct {
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly executionRole: TaskExecutionRole;
  public readonly taskRole: TaskRole;
  public readonly family: string;
  private readonly containers: ContainerDefinition[] = [];
  private readonly volumes: TaskVolume[] = [];

  constructor(scope: Construct, id: string, props: FargateTaskDefinitionProps) {
    super(scope, id);
    const size = { cpu: props.cpu ?? 256, memory: props.memory ?? 512 };
    const operatingSystemFamily = props.operatingSystemFamily ?? "LINUX";
    const cpuArchitecture = props.cpuArchitecture ?? "X86_64";
    this.validatePlatform(size, operatingSystemFamily, cpuArchitecture);
    const storage = props.ephemeralStorageGiB;
    if (storage !== undefined && !(Number.isInteger(storage) && storage >= MIN_EPHEMERAL_STORAGE_GIB && storage <= MAX_EPHEMERAL_STORAGE_GIB)) {
      reportInvalid(this, {
        field: "ephemeralStorageGiB",
        value: storage,
        allowed: `whole GiB from ${MIN_EPHEMERAL_STORAGE_GIB} to ${MAX_EPHEMERAL_STORAGE_GIB} (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html)`,
        fix: "leave it unset for Fargate's 20 GiB, or give 21 or more",
      });
    }
    this.node.addValidation({ validate: () => this.containerErrors(size) });

    this.family = props.family;
    this.executionRole =
      props.executionRole ?? new TaskExecutionRole(this, "execution_role", { name: `${props.family}-execution`, family: props.family });
    this.taskRole = props.taskRole ?? new TaskRole(this, "role", { name: `${props.family}-task`, description: `The ${props.family} application runs as this role` });
    this.taskDefinition = new EcsTaskDefinition(this, MAIN_RESOURCE_ID, {
      family: props.family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(size.cpu),
      memory: String(size.memory),
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      runtimePlatform: { operatingSystemFamily, cpuArchitecture },
      containerDefinitions: Lazy.stringValue({
        produce: () => Fn.jsonencode(this.containers.map((container) => container.render())),
      }),
      ephemeralStorage: storage === undefined ? undefined : { sizeInGib: storage },
      volume: Lazy.anyValue({ produce: () => (this.volumes.length ? this.volumes.map(renderVolume) : undefined) }),
    });
  }

  /** Adds a container; its secrets, log group and image are granted to the execution role. */
  addContainer(id: string, props: ContainerDefinitionProps): ContainerDefinition {
    const container = new ContainerDefinition(this, id, props);
    this.containers.push(container);
    return container;
  }

  /** Adds a task volume the containers can mount by its name. */
  addVolume(volume: TaskVolume): void {
    if (this.volumes.some((existing) => existing.name === volume.name)) {
      reportInvalid(this, { field: "volumes", value: volume.name, allowed: "each volume of a task has its own name", fix: "rename one of them" });
      return;
    }
    this.volumes.push(volume);
  }

  /** The container the load balancer targets: the first one added. */
  get defaultContainer(): ContainerDefinition | undefined {
    return this.containers[0];
  }

  private validatePlatform(size: FargateSize, operatingSystemFamily: OSFamily, cpuArchitecture: CpuArchitecture): void {
    if (!isFargateSize(size)) {
      const nearest = nearestFargateSizes(size).map(({ cpu, memory }) => `cpu ${cpu} / memory ${memory}`);
      reportInvalid(this, {
        field: "cpu/memory",
        value: size,
        allowed: `Fargate runs only the task sizes listed at ${FARGATE_SIZES_PAGE}`,
        fix: `use one of the nearest valid sizes: ${nearest.join(", ")}`,
      });
    }
    if (operatingSystemFamily.startsWith("WINDOWS")) {
      if (size.cpu < 1024) {
        reportInvalid(this, {
          field: "cpu",
          value: size.cpu,
          allowed: "Windows tasks on Fargate need 1 vCPU (1024) or more",
          fix: "set cpu: 1024 and memory: 2048 or more",
        });
      }
      if (cpuArchitecture !== "X86_64") {
        reportInvalid(this, {
          field: "cpuArchitecture",
          value: cpuArchitecture,
          allowed: "Windows tasks on Fargate run on X86_64 only",
          fix: "set cpuArchitecture: \"X86_64\"",
        });
      }
    }
  }

  /** Problems only visible once every container is added. */
  private containerErrors(size: FargateSize): string[] {
    if (this.containers.length === 0) {
      return ["containers: a task needs at least one container. Fix: call addContainer()"];
    }
    const errors: string[] = [];
    const names = this.containers.map((container) => container.containerName);
    const repeated = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
    if (repeated.length > 0) {
      errors.push(`containers: the name ${repeated.map((name) => `"${name}"`).join(", ")} is used twice. Fix: give each container its own name`);
    }
    if (!this.containers.some((container) => container.essential)) {
      errors.push(
        "containers: none is essential, so ECS would keep a task whose every container stopped. Fix: leave `essential` unset (true) on the main container",
      );
    }
    const reservations = this.containers.map((container) => ({ name: container.containerName, ...container.reservation }));
    const cpu = reservations.reduce((sum, reservation) => sum + reservation.cpu, 0);
    if (cpu > size.cpu) {
      errors.push(
        `containers: their cpu adds up to ${cpu}, more than the task's ${size.cpu}. Fix: lower the containers' cpu or raise the task's`,
      );
    }
    const memory = reservations.reduce((sum, reservation) => sum + reservation.memory, 0);
    if (memory > size.memory) {
      errors.push(
        `containers: their memory reservations add up to ${memory} MiB, more than the task's ${size.memory} MiB. ` +
          "Fix: lower the containers' memoryReservation (or memory) or raise the task's memory",
      );
    }
    errors.push(...this.referenceErrors());
    for (const { name, memoryLimit } of reservations) {
      if (memoryLimit !== undefined && memoryLimit > size.memory) {
        errors.push(
          `containers: "${name}" has memory ${memoryLimit} MiB, more than the task's ${size.memory} MiB. Fix: lower it to ${size.memory} or less`,
        );
      }
    }
    return errors;
  }

  /** Containers named in `dependsOn` and volumes named in `mountPoints` must be in the task. */
  private referenceErrors(): string[] {
    const errors: string[] = [];
    const byName = new Map(this.containers.map((container) => [container.containerName, container]));
    const volumes = this.volumes.map((volume) => volume.name);
    for (const container of this.containers) {
      for (const { containerName, condition } of container.dependsOn) {
        const target = containerName === undefined ? undefined : byName.get(containerName);
        if (!target || target === container) {
          errors.push(
            `containers: "${container.containerName}" depends on "${containerName}", ${target ? "itself" : "which is not a container of this task"}. ` +
              `Fix: name one of ${[...byName.keys()].filter((name) => name !== container.containerName).map((name) => `"${name}"`).join(", ") || "the task's other containers (add one first)"}`,
          );
          continue;
        }
        if (condition === "HEALTHY" && !target.hasHealthCheck) {
          errors.push(`containers: "${container.containerName}" waits for "${containerName}" to be HEALTHY, and it has no healthCheck. Fix: give "${containerName}" a healthCheck, or wait for START`);
        }
        if (condition && CONDITIONS_NOT_ON_ESSENTIAL.includes(condition) && target.essential) {
          errors.push(`containers: "${container.containerName}" waits for "${containerName}" to ${condition === "SUCCESS" ? "succeed" : "complete"}, and an essential container cannot be waited for so. Fix: make "${containerName}" essential: false, or wait for START or HEALTHY`);
        }
      }
      for (const { sourceVolume, containerPath } of container.mountPoints) {
        if (!sourceVolume || !volumes.includes(sourceVolume)) {
          errors.push(
            `containers: "${container.containerName}" mounts volume "${sourceVolume}" at ${containerPath}, which is not a volume of this task. Fix: ${volumes.length ? `use one of ${volumes.map((name) => `"${name}"`).join(", ")}` : "add it with addVolume()"}`,
          );
        }
      }
    }
    return errors;
  }
}

/** A `volume` block in Terraform's own names: a lazy value is not renamed by cdktf. */
function renderVolume(volume: TaskVolume) {
  return {
    name: volume.name,
    efs_volume_configuration: volume.efs && {
      file_system_id: volume.efs.fileSystemId,
      transit_encryption: "ENABLED",
      authorization_config: { access_point_id: volume.efs.accessPointId, iam: "ENABLED" },
    },
  };
}
