import { existsSync, readFileSync } from "fs";
import type { Failure, Task } from "@aws-sdk/client-ecs";
import { parseReference } from "../hcl";
import type { Diagnosis } from "../status/reasons";
import { diagnoseTask } from "../status/reasons";
import type { DeclaredService, DeclaredStack } from "../status/stack";
import { parseStack } from "../status/stack";
import { taskDefinitionOf } from "../status/ecs";
import { clusterNameOf } from "./ecs";
import type { RunTaskTarget } from "./outputs";

/*
 * Why a one-off task stopped before its container ran (CannotPullContainerError, ResourceInitializationError
 * and the like), with the fix: `npm run status`'s reasons (src/cli/status/reasons.ts), given the task as a
 * declared service. When the synthesized stack is at hand (cdktf.out/stacks/<stack>/cdk.tf.json), its task
 * definition, execution role, secrets and network are read from it, so the fix names them; otherwise the
 * fix is written from the task's output (container, log group, subnets).
 */

export interface TaskDiagnosisContext {
  readonly stack: DeclaredStack;
  readonly service: DeclaredService;
  /** Whether the task definition and network come from the synthesized stack. */
  readonly fromSynth: boolean;
}

/** The synthetic service the task is diagnosed as, when its task definition is found in the stack. */
const SYNTHETIC_SERVICE = "npm_run_task";

export function diagnosisContext(target: RunTaskTarget, stackName: string, stackFile: string | undefined): TaskDiagnosisContext {
  const family = taskDefinitionOf(target.taskDefinition)?.family ?? target.taskDefinition;
  const fallbackService: DeclaredService = {
    resource: target.output,
    name: target.name,
    cluster: target.cluster,
    clusterName: clusterNameOf(target.cluster),
    circuitBreakerRollback: false,
    taskDefinition: {
      family,
      cpuArchitecture: "X86_64",
      operatingSystemFamily: "LINUX",
      containers: [
        {
          name: target.container,
          image: "",
          essential: true,
          ports: [],
          secrets: [],
          logGroup: target.logGroup,
          logStreamPrefix: target.logStreamPrefix,
          logRegion: target.region,
        },
      ],
    },
  };
  const fallback = (): TaskDiagnosisContext => ({
    stack: { name: stackName, file: stackFile ?? "(not synthesized)", region: target.region, services: [], network: { createdByStack: false, natGateways: [], vpcEndpoints: [] } },
    service: fallbackService,
    fromSynth: false,
  });
  if (!stackFile || !existsSync(stackFile)) return fallback();

  let json: { output?: Record<string, { value?: unknown }>; resource?: Record<string, Record<string, Record<string, unknown>>> };
  try {
    json = JSON.parse(readFileSync(stackFile, "utf8"));
  } catch {
    return fallback();
  }
  const definitions = json.resource?.aws_ecs_task_definition ?? {};
  const declaredValue = json.output?.[target.output]?.value;
  const referenced = parseReference(isRecord(declaredValue) ? declaredValue.task_definition : undefined);
  const resourceName =
    referenced?.type === "aws_ecs_task_definition" && definitions[referenced.name]
      ? referenced.name
      : Object.entries(definitions).find(([, body]) => body.family === family)?.[0];
  if (!resourceName) return fallback();

  // The task, read as a service of the stack running that task definition: the parser of `npm run status`
  // then gives its containers, execution role (with what the stack grants it), secrets and the network.
  const withTask = {
    ...json,
    resource: {
      ...json.resource,
      aws_ecs_service: {
        [SYNTHETIC_SERVICE]: { name: target.name, cluster: target.cluster, task_definition: `\${aws_ecs_task_definition.${resourceName}.arn}` },
      },
    },
  };
  const stack = parseStack(stackName, stackFile, withTask as Parameters<typeof parseStack>[2]);
  const service = stack.services.find((candidate) => candidate.resource === `aws_ecs_service.${SYNTHETIC_SERVICE}`);
  if (!service?.taskDefinition) return fallback();
  return { stack: { ...stack, region: stack.region ?? target.region, services: [service] }, service, fromSynth: true };
}

/** The cause and fix of a task that stopped; the network fixes name the task's subnets when the stack is not at hand. */
export function diagnoseStoppedTask(task: Task, target: RunTaskTarget, context: TaskDiagnosisContext, logLines: string[] = []): Diagnosis {
  const diagnosis = diagnoseTask(task, { stack: context.stack, service: context.service, events: [], logTail: { lines: logLines } });
  if (!context.fromSynth && (diagnosis.kind === "secrets-network" || diagnosis.kind === "image-pull-network")) {
    const groups = target.securityGroups.join(", ");
    const subnets = target.subnets.join(", ");
    const region = target.region ?? "<region>";
    const fix = target.assignPublicIp
      ? `the task runs with a public IP in subnets ${subnets}: they need a route (0.0.0.0/0) to an internet gateway, and its security groups ${groups} must allow outbound HTTPS (443)`
      : `the task runs with no public IP in subnets ${subnets}: they need a route (0.0.0.0/0) to a NAT gateway, or VPC endpoints for ` +
        `com.amazonaws.${region}.ssm, ecr.api, ecr.dkr, logs (and the S3 gateway for ECR images); its security groups ${groups} must allow outbound HTTPS (443)`;
    return { ...diagnosis, fix };
  }
  return diagnosis;
}

/** What to do about a RunTask failure (no task started); null when the reason is not one these know. */
export function failureFix(failure: Failure, target: RunTaskTarget): string | null {
  const reason = failure.reason ?? "";
  if (/Capacity is unavailable/i.test(reason)) {
    return target.capacityProvider === "FARGATE_SPOT"
      ? "Fargate Spot has no capacity for the task now: run it again later, or declare the task on FARGATE (on-demand) when it must run now"
      : "Fargate has no capacity for the task's size in its subnets' availability zones now: run it again later; subnets in more zones widen the choice";
  }
  if (/limit on the number of tasks|vCPU|quota/i.test(reason)) {
    return "the account's Fargate vCPU quota is reached in this region: stop other tasks, or ask for more (Service Quotas, \"Fargate On-Demand vCPU resource count\")";
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
