import { TerraformOutput } from "cdktf";
import { Environment } from "../environment/environment";
import { taskPlacement } from "../environment/network";
import { providerRegion } from "../app/naming";
import { taskSecurityGroup } from "../task/task-security-group";
import { WORKLOAD_PROP_KEYS, WorkloadBase, WorkloadProps } from "./workload-base";
import { rejectUnknownProps } from "../checks/unknown-props";

export type OneOffTaskProps = WorkloadProps;

/**
 * A task declared to be run on demand (a database migration, an admin job): its task definition and
 * security group in the environment, and an output `<id>_run_task` with what `npm run task -- <stack> <name>`
 * needs to run it in the network's task subnets, stream its logs and exit with its exit code.
 */
export class OneOffTask extends WorkloadBase {
  constructor(environment: Environment, id: string, props: OneOffTaskProps) {
    super(environment, id, props);
    rejectUnknownProps(this, props, Object.keys(WORKLOAD_PROP_KEYS), "OneOffTaskProps");
    const securityGroup = taskSecurityGroup(this, this.resourceName, environment.network, environment.taskEgress);
    this.admitToFileSystems(securityGroup.id);
    environment.stoppedTaskEvents?.watchFamily(this.taskDefinition.family);
    new TerraformOutput(this, "run_task", {
      description: `How \`npm run task\` runs ${this.name}`,
      value: {
        name: this.name,
        cluster: environment.cluster.clusterArn,
        task_definition: this.taskDefinition.taskDefinition.arn,
        container: this.container.containerName,
        subnets: taskPlacement(environment.network).subnets,
        security_groups: [securityGroup.id],
        assign_public_ip: taskPlacement(environment.network).assignPublicIp,
        log_group: this.logGroup.name,
        log_stream_prefix: this.container.containerName,
        region: providerRegion(this) ?? "",
        capacity_provider: "FARGATE",
      },
    });
  }
}
