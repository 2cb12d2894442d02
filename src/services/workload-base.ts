import { Construct } from "constructs";
import type { ContainerDependency, HealthCheck } from "@aws-sdk/client-ecs/dist-types/models/models_0";
import { Environment, RESOURCE_NAME } from "../environment/environment";
import { IFileSystem } from "../environment/file-system";
import { ContainerDefinition, ContainerDefinitionProps } from "../task/container-definition";
import { TaskExecutionRole } from "../task/execution-role";
import { LogGroup } from "../task/log-group";
import { ISecret, SecretParameter, SecretParameterProps } from "../task/secret-parameter";
import { CpuArchitecture, FargateTaskDefinition } from "../task/task-definition";
import { reportInvalid } from "../checks/validation";

/** A secret to create: an SSM parameter whose value is given through `TF_VAR_<variableName>`. */
export type NewSecretOptions = Partial<SecretParameterProps>;

/**
 * A container beside the main one (an OpenTelemetry collector, a proxy): it logs to the workload's log group,
 * and its root file system is read-only like the main container's unless it sets `readonlyRootFilesystem: false`.
 */
export type SidecarContainer = Omit<ContainerDefinitionProps, "logGroup"> & {
  /**
   * Paths of the sidecar that get writable scratch space from the task's ephemeral storage.
   * @default none
   */
  readonly writablePaths?: string[];
};

/** An EFS file system mounted into the main container. */
export interface FileSystemMount {
  readonly fileSystem: IFileSystem;
  /** Where the main container sees it, e.g. `/data`. */
  readonly containerPath: string;
  /**
   * Mount it read-only, and grant only `elasticfilesystem:ClientMount`.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** What the application's code may call, granted to the task role. */
export interface TaskPermission {
  /** IAM actions, e.g. `["s3:GetObject", "s3:PutObject"]`. */
  readonly actions: string[];
  /** The ARNs they apply to: `*` is refused, name what is called. */
  readonly resources: string[];
}

/** What every kind of workload takes: its container, its task's size and roles. */
export interface WorkloadProps {
  /**
   * The workload's name in the environment: its Service Connect name, and the end of its resources' names.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Name of the workload's AWS resources: ECS service, task family, roles, log group, target group, alarms,
   * parameters. Set it to keep the names of resources an earlier declaration created.
   * @default "<environment name>-<name>"
   */
  readonly resourceName?: string;
  /** Container image, e.g. `public.ecr.aws/nginx/nginx:1.27`. */
  readonly image: string;
  /**
   * Plain environment variables of the container.
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /**
   * Secret environment variables of the container: `{}` (or options) creates an SSM SecureString
   * `/<resourceName>/<VARIABLE>` whose value comes from `TF_VAR_<variable in snake case>`; an existing
   * parameter (`SecretParameter.fromArn`, `fromName`) is read as it is. Either way the execution role
   * is granted reading exactly that parameter.
   * @default {}
   */
  readonly secrets?: Record<string, NewSecretOptions | ISecret>;
  /**
   * Environment variables whose names look secret (`…PASSWORD…`, `…TOKEN…`) but whose values are not,
   * such as `PASSWORD_MIN_LENGTH`. Any other such name with a plain value stops synth.
   * @default []
   */
  readonly notSecret?: string[];
  /**
   * Task CPU units (1024 = 1 vCPU); with `memory`, one of Fargate's task sizes.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB.
   * @default 512
   */
  readonly memory?: number;
  /**
   * CPU architecture of the image.
   * @default "X86_64"
   */
  readonly cpuArchitecture?: CpuArchitecture;
  /**
   * An existing task execution role, by ARN. This project grants it nothing on its own: grant it each
   * secret with `workload.taskDefinition.executionRole.grantSecretRead(workload.secrets.NAME)`, or synth
   * refuses the secrets it cannot read.
   * @default a new role that is granted exactly what the containers reference
   */
  readonly executionRoleArn?: string;
  /**
   * Days to keep the container logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * The main container's command, replacing the image's CMD.
   * @default the image's
   */
  readonly command?: string[];
  /**
   * The main container's entry point, replacing the image's ENTRYPOINT.
   * @default the image's
   */
  readonly entryPoint?: string[];
  /**
   * The main container's own health check, run by ECS inside the container.
   * @default none (a web service is checked by its load balancer)
   */
  readonly containerHealthCheck?: HealthCheck;
  /**
   * Containers the main container waits for, by name and condition (`START`, `HEALTHY`, `COMPLETE`, `SUCCESS`).
   * @default none
   */
  readonly dependsOn?: ContainerDependency[];
  /**
   * Containers beside the main one, each logging to the workload's log group.
   * @default none
   */
  readonly sidecars?: SidecarContainer[];
  /**
   * Mount the main container's root file system read-only, so that code that gets in cannot change the image's
   * files; give the paths the image writes to in `writablePaths`. `false` makes it writable (ECS Exec needs
   * that). Sidecars are read-only too unless they set it to `false` themselves.
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * Paths of the main container that get writable scratch space from the task's ephemeral storage, such as
   * nginx's `/var/cache/nginx` and `/var/run`. Only with a read-only root file system.
   * @default none
   */
  readonly writablePaths?: string[];
  /**
   * EFS file systems mounted into the main container.
   * @default none
   */
  readonly fileSystems?: FileSystemMount[];
  /**
   * Ephemeral storage of the task in GiB, from 21 to 200.
   * @default 20, Fargate's own
   */
  readonly ephemeralStorageGiB?: number;
  /**
   * What the application may call, granted to its task role: exact actions on named ARNs.
   * @default nothing
   */
  readonly permissions?: TaskPermission[];
}

/**
 * Every prop of `WorkloadProps`, for JavaScript apps' unknown-prop check; the type makes the compiler keep
 * it complete and exact.
 */
export const WORKLOAD_PROP_KEYS: Record<keyof WorkloadProps, true> = {
  name: true, resourceName: true, image: true, environment: true, secrets: true, notSecret: true, cpu: true, memory: true,
  cpuArchitecture: true, executionRoleArn: true, logRetentionDays: true, command: true, entryPoint: true,
  containerHealthCheck: true, dependsOn: true, sidecars: true, readonlyRootFilesystem: true, writablePaths: true,
  fileSystems: true, ephemeralStorageGiB: true, permissions: true,
};

const WORKLOAD_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const IAM_ACTION = /^[a-z0-9-]+:[A-Za-z0-9*]+$/;
const CONTAINER_PATH = /^\/[^\s]*$/;

interface MountPoint {
  sourceVolume: string;
  containerPath: string;
  readOnly: boolean;
}

/**
 * What every kind of workload of an environment has: a log group, its secrets, a task definition with the
 * main container, its sidecars and volumes, and its roles. The kinds add how the task runs: an ECS service
 * (web, backend, worker), a schedule, or a one-off run.
 */
export abstract class WorkloadBase extends Construct {
  public readonly environment: Environment;
  /** The workload's name in the environment. */
  public readonly name: string;
  /** The name of its AWS resources. */
  public readonly resourceName: string;
  public readonly logGroup: LogGroup;
  public readonly secrets: Record<string, ISecret>;
  public readonly taskDefinition: FargateTaskDefinition;
  public readonly container: ContainerDefinition;
  /** Whether the main container's root file system is read-only (`readonlyRootFilesystem`, true by default). */
  public readonly readonlyRootFilesystem: boolean;
  private readonly fileSystems: FileSystemMount[];

  constructor(environment: Environment, id: string, props: WorkloadProps, portMapping?: number) {
    super(environment, id);
    this.environment = environment;
    const name = props.name ?? id;
    if (!WORKLOAD_NAME.test(name)) {
      reportInvalid(this, {
        field: "name",
        value: name,
        allowed: "2 to 32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen",
        fix: "choose a short name such as \"web\" or \"orders-api\"",
      });
    }
    // An invalid name is reported once, here; what is derived from it gets a valid stand-in.
    this.name = WORKLOAD_NAME.test(name) ? name : "invalid-name";
    const resourceName = props.resourceName ?? `${environment.name}-${this.name}`;
    if (!RESOURCE_NAME.test(resourceName)) {
      reportInvalid(this, {
        field: props.resourceName ? "resourceName" : "name",
        value: resourceName,
        allowed: "resource names are 2 to 32 lowercase letters, digits and hyphens (<environment>-<service> by default)",
        fix: "shorten the service's or the environment's name",
      });
    }
    this.resourceName = RESOURCE_NAME.test(resourceName) ? resourceName : "invalid-name";

    this.logGroup = new LogGroup(this, "logs", {
      name: `/ecs/${this.resourceName}`,
      retentionDays: props.logRetentionDays,
      kmsKeyArn: environment.logEncryptionKeyArn,
    });
    this.secrets = Object.fromEntries(
      Object.entries(props.secrets ?? {}).map(([variable, secret]) => [
        variable,
        isNewSecret(secret)
          ? new SecretParameter(this, `secret_${variable}`, {
              parameterName: `/${this.resourceName}/${variable}`,
              kmsKeyArn: environment.parameterEncryptionKeyArn,
              ...secret,
            })
          : secret,
      ]),
    );
    this.taskDefinition = new FargateTaskDefinition(this, "task", {
      family: this.resourceName,
      cpu: props.cpu,
      memory: props.memory,
      cpuArchitecture: props.cpuArchitecture,
      ephemeralStorageGiB: props.ephemeralStorageGiB,
      executionRole:
        props.executionRoleArn === undefined
          ? undefined
          : new TaskExecutionRole(this, "execution_role", { roleArn: props.executionRoleArn }),
    });
    this.fileSystems = props.fileSystems ?? [];
    this.readonlyRootFilesystem = props.readonlyRootFilesystem ?? true;
    this.container = this.taskDefinition.addContainer("container", {
      name: this.resourceName,
      image: props.image,
      portMappings: portMapping === undefined ? undefined : [{ containerPort: portMapping, protocol: "tcp", name: "http", appProtocol: "http" }],
      environment: props.environment,
      secrets: this.secrets,
      notSecret: props.notSecret,
      logGroup: this.logGroup,
      linuxParameters: { initProcessEnabled: true },
      command: props.command,
      entryPoint: props.entryPoint,
      healthCheck: props.containerHealthCheck,
      dependsOn: props.dependsOn,
      readonlyRootFilesystem: this.readonlyRootFilesystem,
      mountPoints: this.mountPoints(props),
    });
    // Ids by position: two sidecars of one name are the task's check to report, not a construct clash.
    (props.sidecars ?? []).forEach(({ writablePaths, ...sidecar }, index) => {
      const readonlyRootFilesystem = sidecar.readonlyRootFilesystem ?? true;
      const scratch = this.scratchMounts(writablePaths, readonlyRootFilesystem, `sidecars[${index}].writablePaths`, `sidecar-${index + 1}-scratch`);
      const mountPoints = [...scratch, ...(sidecar.mountPoints ?? [])];
      this.taskDefinition.addContainer(`sidecar_${index + 1}`, {
        essential: false,
        ...sidecar,
        readonlyRootFilesystem,
        mountPoints: mountPoints.length ? mountPoints : undefined,
        logGroup: this.logGroup,
      });
    });
    this.grantPermissions(props.permissions ?? []);
  }

  /** The task volumes and the main container's mount points: scratch space and EFS file systems. */
  private mountPoints(props: WorkloadProps): MountPoint[] | undefined {
    const mounts = [
      ...this.scratchMounts(props.writablePaths, this.readonlyRootFilesystem, "writablePaths", "scratch"),
      ...this.fileSystems.map((mount, index) => {
        if (!CONTAINER_PATH.test(mount.containerPath)) {
          reportInvalid(this, { field: `fileSystems[${index}].containerPath`, value: mount.containerPath, allowed: "an absolute path in the container", fix: "e.g. \"/data\"" });
        }
        this.taskDefinition.addVolume({ name: `efs-${index + 1}`, efs: { fileSystemId: mount.fileSystem.fileSystemId, accessPointId: mount.fileSystem.accessPointId } });
        this.taskDefinition.taskRole.addToPolicy({
          sid: "MountFileSystems",
          actions: mount.readOnly ? ["elasticfilesystem:ClientMount"] : ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
          resources: [mount.fileSystem.fileSystemArn],
        });
        return { sourceVolume: `efs-${index + 1}`, containerPath: mount.containerPath, readOnly: mount.readOnly ?? false };
      }),
    ];
    return mounts.length ? mounts : undefined;
  }

  /** A task volume on the task's ephemeral storage for each path of `field`, mounted writable in a read-only container. */
  private scratchMounts(paths: string[] | undefined, readonlyRoot: boolean, field: string, volumePrefix: string): MountPoint[] {
    const writable = paths ?? [];
    writable.forEach((path, index) => {
      if (!CONTAINER_PATH.test(path)) {
        reportInvalid(this, { field: `${field}[${index}]`, value: path, allowed: "an absolute path in the container", fix: "e.g. \"/var/cache/nginx\"" });
      }
    });
    if (writable.length && !readonlyRoot) {
      reportInvalid(this, {
        field,
        value: writable,
        allowed: "scratch paths are for a read-only root file system, and `readonlyRootFilesystem` is false",
        fix: "remove readonlyRootFilesystem: false (read-only is the default), or drop writablePaths: the whole root file system is writable",
      });
    }
    return writable.map((containerPath, index) => {
      const sourceVolume = `${volumePrefix}-${index + 1}`;
      this.taskDefinition.addVolume({ name: sourceVolume });
      return { sourceVolume, containerPath, readOnly: false };
    });
  }

  /** Lets the tasks in `securityGroupId` reach what they mount; called once the workload has its security group. */
  protected admitToFileSystems(securityGroupId: string): void {
    this.fileSystems.forEach((mount, index) =>
      mount.fileSystem.admit(
        this,
        `file_system_access_${index + 1}`,
        securityGroupId,
        `NFS from the ${this.resourceName} tasks`,
        this.environment.taskEgress !== "all",
      ),
    );
  }

  private grantPermissions(permissions: TaskPermission[]): void {
    permissions.forEach((permission, index) => {
      const badActions = permission.actions.filter((action) => !IAM_ACTION.test(action));
      if (!permission.actions.length || badActions.length) {
        reportInvalid(this, {
          field: `permissions[${index}].actions`,
          value: permission.actions,
          allowed: "one or more IAM actions written service:Action, e.g. \"s3:GetObject\"",
          fix: "name each action the code calls",
        });
      }
      if (!permission.resources.length || permission.resources.includes("*")) {
        reportInvalid(this, {
          field: `permissions[${index}].resources`,
          value: permission.resources,
          allowed: "the ARNs the actions apply to; `*` would let the code act on every such resource in the account",
          fix: "name the queue, bucket or table ARNs (a bucket's objects: arn:aws:s3:::bucket/*)",
        });
      }
      this.taskDefinition.taskRole.addToPolicy({ sid: `Permission${index + 1}`, actions: permission.actions, resources: permission.resources });
    });
  }
}

/** Options for a parameter to create, as opposed to an existing one (or a literal, which the container refuses). */
function isNewSecret(secret: NewSecretOptions | ISecret): secret is NewSecretOptions {
  return typeof secret === "object" && secret !== null && !("parameterArn" in secret);
}
