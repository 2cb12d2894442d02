import { Construct } from "constructs";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { MAIN_RESOURCE_ID, fitName } from "../app/naming";
import { reportInvalid } from "../checks/validation";

export interface TargetHealthCheck {
  /**
   * Path the load balancer requests on each task.
   * @default "/"
   */
  readonly path?: string;
  /**
   * HTTP codes that count as healthy.
   * @default "200-399"
   */
  readonly matcher?: string;
  /**
   * Seconds between checks.
   * @default 15
   */
  readonly intervalSeconds?: number;
  /**
   * Consecutive successes before a new task gets traffic.
   * @default 2
   */
  readonly healthyThreshold?: number;
  /**
   * Consecutive failures before a task is taken out of rotation (and replaced by ECS).
   * @default 3
   */
  readonly unhealthyThreshold?: number;
}

export interface TargetGroupProps {
  /** Name of the target group; shortened with a hash to AWS's 32 characters. */
  readonly name: string;
  readonly vpcId: string;
  /** Port the containers listen on. */
  readonly port: number;
  /**
   * How the load balancer decides a task is healthy.
   * @default path "/", codes 200-399, every 15 s, healthy after 2, unhealthy after 3
   */
  readonly healthCheck?: TargetHealthCheck;
  /**
   * Seconds a stopping task keeps serving its in-flight requests. AWS's default of 300 makes every
   * deploy slow; 30 covers typical web requests.
   * @default 30
   */
  readonly deregistrationDelaySeconds?: number;
}

const MAX_NAME_LENGTH = 32;
const HEALTH_CHECK_TIMEOUT_SECONDS = 5;
const HTTP_CODES = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;

/**
 * The task IPs of one service behind the shared load balancer, with the health check that decides which
 * of them get traffic (and which ECS replaces).
 * Health check limits: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 */
export class TargetGroup extends Construct {
  public readonly targetGroup: LbTargetGroup;
  public readonly arn: string;
  public readonly arnSuffix: string;
  public readonly port: number;

  constructor(scope: Construct, id: string, props: TargetGroupProps) {
    super(scope, id);
    const healthCheck = props.healthCheck ?? {};
    this.validateHealthCheck(healthCheck);
    this.port = props.port;
    this.targetGroup = new LbTargetGroup(this, MAIN_RESOURCE_ID, {
      name: fitName(props.name, MAX_NAME_LENGTH),
      targetType: "ip",
      protocol: "HTTP",
      port: props.port,
      vpcId: props.vpcId,
      ipAddressType: "ipv4",
      deregistrationDelay: String(props.deregistrationDelaySeconds ?? 30),
      healthCheck: {
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: healthCheck.path ?? "/",
        matcher: healthCheck.matcher ?? "200-399",
        interval: healthCheck.intervalSeconds ?? 15,
        timeout: HEALTH_CHECK_TIMEOUT_SECONDS,
        healthyThreshold: healthCheck.healthyThreshold ?? 2,
        unhealthyThreshold: healthCheck.unhealthyThreshold ?? 3,
      },
    });
    this.arn = this.targetGroup.arn;
    this.arnSuffix = this.targetGroup.arnSuffix;
  }

  private validateHealthCheck(healthCheck: TargetHealthCheck): void {
    if (healthCheck.path !== undefined && !healthCheck.path.startsWith("/")) {
      reportInvalid(this, {
        field: "healthCheck.path",
        value: healthCheck.path,
        allowed: "a path starting with /",
        fix: `use "/${healthCheck.path}"`,
      });
    }
    const interval = healthCheck.intervalSeconds;
    if (interval !== undefined && !(Number.isInteger(interval) && interval > HEALTH_CHECK_TIMEOUT_SECONDS && interval <= 300)) {
      reportInvalid(this, {
        field: "healthCheck.intervalSeconds",
        value: interval,
        allowed: `whole seconds above the ${HEALTH_CHECK_TIMEOUT_SECONDS} s check timeout, up to 300`,
        fix: "use 10 to 30 seconds",
      });
    }
    for (const field of ["healthyThreshold", "unhealthyThreshold"] as const) {
      const threshold = healthCheck[field];
      if (threshold !== undefined && !(Number.isInteger(threshold) && threshold >= 2 && threshold <= 10)) {
        reportInvalid(this, {
          field: `healthCheck.${field}`,
          value: threshold,
          allowed: "a whole number of checks from 2 to 10",
          fix: field === "healthyThreshold" ? "use 2 or 3" : "use 3",
        });
      }
    }
    if (healthCheck.matcher !== undefined && !HTTP_CODES.test(healthCheck.matcher)) {
      reportInvalid(this, {
        field: "healthCheck.matcher",
        value: healthCheck.matcher,
        allowed: "HTTP codes as a list or ranges, such as \"200\", \"200,204\" or \"200-399\"",
        fix: "write the codes without spaces",
      });
    }
  }
}
