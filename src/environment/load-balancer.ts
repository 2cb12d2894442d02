import { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerCertificate } from "@cdktf/provider-aws/lib/lb-listener-certificate";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { INetwork, Network } from "./network";
import { AccessLogBucket } from "./hardening/access-log-bucket";
import { MAIN_RESOURCE_ID, fitName } from "../app/naming";
import { reportInvalid } from "../checks/validation";

export interface LoadBalancerProps {
  /** Name of the load balancer; shortened with a hash to AWS's 32 characters. */
  readonly name: string;
  /** The load balancer goes in the network's public subnets. */
  readonly network: INetwork;
  /** Default certificate ARN of the HTTPS listener; more are added by SNI with `addCertificate`. */
  readonly certificateArn: string;
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
  /**
   * Write access logs to this bucket, under its prefix.
   * @default no access logs
   */
  readonly accessLogs?: AccessLogBucket;
}

const MAX_NAME_LENGTH = 32;
const LOAD_BALANCER_NAME = /^(?!internal-)[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/**
 * The environment's internet-facing Application Load Balancer, shared by its web services: HTTPS on 443
 * with a certificate per service domain (SNI), answering 404 to what no service's rule matches, and HTTP
 * on 80 redirecting to HTTPS. Each service adds its target group and listener rules.
 */
export class LoadBalancer extends Construct {
  public readonly loadBalancer: Lb;
  public readonly securityGroup: SecurityGroup;
  public readonly httpsListener: LbListener;
  public readonly httpListener: LbListener;
  public readonly dnsName: string;
  public readonly zoneId: string;
  public readonly arnSuffix: string;
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
    this.dualStack = props.network.ipv6;
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
      accessLogs: props.accessLogs && { bucket: props.accessLogs.bucketName, prefix: props.accessLogs.prefix, enabled: true },
      // ELB writes a test file when access logs are turned on, and fails unless the bucket policy lets it.
      dependsOn: props.accessLogs && [props.accessLogs.policy],
    });
    this.httpsListener = new LbListener(this, "https_listener", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: props.sslPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificateArn: props.certificateArn,
      // A request no service's rule matches gets a plain 404, never some service's page.
      defaultAction: [
        { type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not found", statusCode: "404" } },
      ],
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

  /** Serves `certificateArn` too, chosen by SNI from the host name a client asks for. */
  addCertificate(scope: Construct, id: string, certificateArn: string): LbListenerCertificate {
    return new LbListenerCertificate(scope, id, { listenerArn: this.httpsListener.arn, certificateArn });
  }
}
