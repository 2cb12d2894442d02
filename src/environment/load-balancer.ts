import { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { INetwork, Network } from "./network";
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

export interface LoadBalancerProps {
  /** Name of the load balancer and its target group; shortened with a hash to AWS's 32 characters. */
  readonly name: string;
  /** The load balancer goes in the network's public subnets. */
  readonly network: INetwork;
  /** Certificate ARN of the HTTPS listener. */
  readonly certificateArn: string;
  /** Port the containers listen on, which the target group sends traffic to. */
  readonly targetPort: number;
  /**
   * How the target group decides a task is healthy.
   * @default path "/", codes 200-399, every 15 s, healthy after 2, unhealthy after 3
   */
  readonly healthCheck?: TargetHealthCheck;
  /**
   * Seconds a stopping task keeps serving its in-flight requests. AWS's default of 300 makes every
   * deploy slow; 30 covers typical web requests.
   * @default 30
   */
  readonly deregistrationDelaySeconds?: number;
  /**
   * TLS policy of the HTTPS listener.
   * @default "ELBSecurityPolicy-TLS13-1-2-2021-06" (TLS 1.3 and 1.2 only)
   */
  readonly sslPolicy?: string;
  /**
   * Refuse to delete the load balancer (through Terraform or the console) until this is turned off.
   * @default false
   */
  readonly deletionProtection?: boolean;
}

const MAX_NAME_LENGTH = 32;
const LOAD_BALANCER_NAME = /^(?!internal-)[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const HEALTH_CHECK_TIMEOUT_SECONDS = 5;
const HTTP_CODES = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;

/**
 * An internet-facing Application Load Balancer: HTTPS on 443 with the certificate, HTTP on 80
 * redirecting to HTTPS, and a target group of Fargate task IPs behind a health check.
 */
export class LoadBalancer extends Construct {
  public readonly loadBalancer: Lb;
  public readonly securityGroup: SecurityGroup;
  public readonly targetGroup: LbTargetGroup;
  public readonly httpsListener: LbListener;
  public readonly httpListener: LbListener;
  public readonly dnsName: string;
  public readonly zoneId: string;
  public readonly arnSuffix: string;
  /** The port the target group sends traffic to. */
  public readonly targetPort: number;
  /** Whether it answers on IPv6 too (when the network's public subnets have IPv6). */
  public readonly dualStack: boolean;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    if (!LOAD_BALANCER_NAME.test(props.name)) {
      reportInvalid(this, {
        field: "name",
        value: props.name,
        allowed: "letters, digits and hyphens, not starting with a hyphen or internal- and not ending with a hyphen",
        fix: "use a name such as \"my-app\" (it is shortened to 32 characters with a hash when longer)",
      });
    }
    if (!props.certificateArn) {
      reportInvalid(this, {
        field: "certificateArn",
        value: props.certificateArn,
        allowed: "the HTTPS listener needs a certificate",
        fix: "pass a Certificate's certificateArn (new, validated through a hosted zone) or Certificate.fromArn(...)",
      });
    }
    Network.problems(props.network).forEach((problem) => this.node.addValidation({ validate: () => [problem] }));
    const healthCheck = props.healthCheck ?? {};
    this.validateHealthCheck(healthCheck);
    this.dualStack = props.network.ipv6;
    this.targetPort = props.targetPort;
    const name = fitName(props.name, MAX_NAME_LENGTH);

    this.securityGroup = new SecurityGroup(this, "security_group", {
      name: `${props.name}-alb`,
      description: `Load balancer of ${props.name}: HTTP and HTTPS from anywhere`,
      vpcId: props.network.vpcId,
      tags: { Name: `${props.name}-alb` },
    });
    const sources = this.dualStack ? [{ cidrIpv4: "0.0.0.0/0" }, { cidrIpv6: "::/0" }] : [{ cidrIpv4: "0.0.0.0/0" }];
    for (const port of [80, 443]) {
      sources.forEach((source) => {
        const family = source.cidrIpv4 ? "ipv4" : "ipv6";
        new VpcSecurityGroupIngressRule(this, `ingress_${port}_${family}`, {
          securityGroupId: this.securityGroup.id,
          description: `${port === 443 ? "HTTPS" : "HTTP"} from the internet (${family})`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          ...source,
        });
      });
    }

    this.loadBalancer = new Lb(this, MAIN_RESOURCE_ID, {
      name,
      loadBalancerType: "application",
      internal: false,
      ipAddressType: this.dualStack ? "dualstack" : "ipv4",
      subnets: props.network.publicSubnetIds,
      securityGroups: [this.securityGroup.id],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? false,
    });
    this.targetGroup = new LbTargetGroup(this, "target_group", {
      name,
      targetType: "ip",
      protocol: "HTTP",
      port: props.targetPort,
      vpcId: props.network.vpcId,
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
    this.httpsListener = new LbListener(this, "https_listener", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: props.sslPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificateArn: props.certificateArn,
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
    });
    this.httpListener = new LbListener(this, "http_listener", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    });
    this.dnsName = this.loadBalancer.dnsName;
    this.zoneId = this.loadBalancer.zoneId;
    this.arnSuffix = this.loadBalancer.arnSuffix;
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
