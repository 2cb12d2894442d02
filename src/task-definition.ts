import { Construct } from "constructs";
import { Fn, Lazy } from "cdktf";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { ContainerDefinition, ContainerDefinitionProps } from "./container-definition";
import { TaskExecutionRole } from "./execution-role";
import { TaskRole } from "./task-role";
import { FARGATE_SIZES_PAGE, isFargateSize, nearestFargateSizes } from "./fargate-sizes";
import { reportInvalid } from "./validation";
import { MAIN_RESOURCE_ID } from "./naming";

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
   * The role ECS starts the task with. Containers added to the task grant it what they reference.
   * @default a new role named `<family>-execution`
   */
  readonly executionRole?: TaskExecutionRole;
  /**
   * The role the application's code runs as; separate from the execution role so the app never holds
   * the rights to read every secret or pull images.
   * @default a new role named `<family>-task`, with no permissions
   */
  readonly taskRole?: TaskRole;
}

/** A Fargate task definition: awsvpc networking, a valid task size, an execution role and a task role. */
export class FargateTaskDefinition extends Construct {
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly executionRole: TaskExecutionRole;
  public readonly taskRole: TaskRole;
  public readonly family: string;
  private readonly containers: ContainerDefinition[] = [];

  constructor(scope: Construct, id: string, props: FargateTaskDefinitionProps) {
    super(scope, id);
    const size = { cpu: props.cpu ?? 256, memory: props.memory ?? 512 };
    if (!isFargateSize(size)) {
      const nearest = nearestFargateSizes(size).map(({ cpu, memory }) => `cpu ${cpu} / memory ${memory}`);
      reportInvalid(this, {
        field: "cpu/memory",
        value: size,
        allowed: `Fargate runs only the task sizes listed at ${FARGATE_SIZES_PAGE}`,
        fix: `use one of the nearest valid sizes: ${nearest.join(", ")}`,
      });
    }
    this.node.addValidation({
      validate: () => (this.containers.length === 0 ? ["containers: a task needs at least one container. Fix: call addContainer()"] : []),
    });

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
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: props.cpuArchitecture ?? "X86_64" },
      containerDefinitions: Lazy.stringValue({
        produce: () => Fn.jsonencode(this.containers.map((container) => container.render())),
      }),
    });
  }

  /** Adds a container; its secrets, log group and image are granted to the execution role. */
  addContainer(id: string, props: ContainerDefinitionProps): ContainerDefinition {
    const container = new ContainerDefinition(this, id, props);
    this.containers.push(container);
    return container;
  }

  /** The container the load balancer targets: the first one added. */
  get defaultContainer(): ContainerDefinition | undefined {
    return this.containers[0];
  }
}
