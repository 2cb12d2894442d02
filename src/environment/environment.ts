import { Construct } from "constructs";
import { Fn, Lazy, TerraformOutput } from "cdktf";
import { ServiceDiscoveryHttpNamespace } from "@cdktf/provider-aws/lib/service-discovery-http-namespace";
import { AlertTopic } from "./alert-topic";
import { ICertificate, zoneOf } from "./certificate";
import { Cluster, ICluster } from "./cluster";
import { HostedZone, IHostedZone } from "./hosted-zone";
import { LoadBalancer } from "./load-balancer";
import { INetwork, Network, NetworkProps } from "./network";
import { StoppedTaskEvents } from "./stopped-task-events";
import { ListenerRoutes } from "./listener-routes";
import { partitionOf, providerRegion, snakeCase } from "../app/naming";
import { US_EAST_1 } from "../app/us-east-1-provider";
import { reportInvalid, validChoice } from "../checks/validation";
import { rejectUnknownProps } from "../checks/unknown-props";
import { TaskEgress, validTaskEgress } from "../task/task-security-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { AccessLogBucket } from "./hardening/access-log-bucket";
import { EncryptionKey } from "./hardening/encryption-key";
import { FlowLogs } from "./hardening/flow-logs";
import { HARDENING_OPTION_KEYS, Hardening, HardeningOptions, STAGES, Stage, resolveHardening } from "./hardening/hardening";
import { QueryLogDelivery } from "./hardening/query-log-delivery";
import { WebAcl } from "./hardening/web-acl";

export interface EnvironmentProps {
  /**
   * Names what the services share (cluster, load balancer, namespace, log groups) and prefixes the names
   * of each service's resources (`<environment>-<service>`).
   */
  readonly name: string;
  /**
   * An existing VPC and subnets (`Network.fromExisting`) or a `Network` built apart.
   * @default a new `Network`
   */
  readonly network?: INetwork;
  /**
   * Options of the new network, when `network` is not given.
   * @default 10.0.0.0/16, two zones, one NAT gateway per zone, IPv6 on
   */
  readonly networkOptions?: Omit<NetworkProps, "name">;
  /**
   * An existing ECS cluster (`Cluster.fromExisting`).
   * @default a new cluster named `name`, Container Insights on
   */
  readonly cluster?: ICluster;
  /**
   * The Route53 zones the web services' host names go in: a name creates a public hosted zone (its name
   * servers in the `name_servers` output), an `IHostedZone` (`HostedZone.fromExisting`) uses one that exists.
   * Each host name goes in the zone with the longest name it ends in.
   * @default none: web services route by path only, without host names
   */
  readonly zones?: (string | IHostedZone)[];
  /**
   * A certificate that covers every host name of the web services (an existing wildcard, for example):
   * they then request none of their own.
   * @default none: each web service gets a certificate for its host names, served by SNI
   */
  readonly certificate?: ICertificate;
  /**
   * Protect the load balancer from deletion.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * TLS policy of the HTTPS listener.
   * @default "ELBSecurityPolicy-TLS13-1-2-2021-06" (TLS 1.3 and 1.2 only)
   */
  readonly sslPolicy?: string;
  /**
   * Keep every stopped task's reason and exit codes in the log group `/aws/events/ecs/<name>/stopped-tasks`.
   * @default true
   */
  readonly stoppedTaskEvents?: boolean;
  /**
   * Email addresses for alerts: an SNS topic gets the stopped tasks and the services' alarms.
   * @default none: no topic
   */
  readonly alertEmails?: string[];
  /**
   * What the environment is for: `"production"` turns on the hardening scanners expect and that costs
   * money (access logs, WAF, flow logs, a KMS key for logs, DNSSEC and query logging); `"development"` leaves
   * those off. README "Hardening" has each measure's cost.
   * @default "production"
   */
  readonly stage?: Stage;
  /**
   * Each hardening measure on or off, overriding what `stage` chooses.
   * @default what `stage` chooses
   */
  readonly hardening?: HardeningOptions;
  /**
   * What the tasks of every workload may call: `"all"` outbound traffic, or `"https-and-dns"`: TCP 443 to
   * anywhere, DNS to the VPC, and what each workload reaches on its own (the backends it `calls`, NFS to the
   * file systems it mounts). Anything else the code calls (a database, SMTP) is then refused.
   * @default "all"
   */
  readonly taskEgress?: TaskEgress;
}

const ENVIRONMENT_PROP_KEYS: Record<keyof EnvironmentProps, true> = {
  name: true, network: true, networkOptions: true, cluster: true, zones: true, certificate: true, deletionProtection: true,
  sslPolicy: true, stoppedTaskEvents: true, alertEmails: true, stage: true, hardening: true,
  taskEgress: true,
};

/** Valid for every name derived from it: load balancer (no `internal-` prefix), roles, log groups, parameters. */
export const RESOURCE_NAME = /^(?!internal-)[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const STAND_IN_NAME = "invalid-name";
const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
const ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255}$/;
const ZONE_NAME = /^(?=.{1,253}\.?$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/;

/**
 * Everything the services of one environment share, declared once: the network, the cluster, one
 * internet-facing load balancer (created with the first web service), the hosted zones, a Service Connect
 * namespace (created with the first backend service), the stopped-task record and the alert topic. Services
 * are added to it: `new WebService(environment, "web", {...})`, `new BackendService(environment, "api", {...})`.
 */
export class Environment extends Construct {
  /** The environment's name, as valid for resource names (an invalid one is reported and replaced). */
  public readonly name: string;
  public readonly network: INetwork;
  public readonly cluster: ICluster;
  /** The zones host names go in, new and existing. */
  public readonly zones: IHostedZone[];
  public readonly alertTopic?: AlertTopic;
  /** The hardening measures this environment applies, decided from `stage` and `hardening`. */
  public readonly hardening: Hardening;
  /** What the tasks of its workloads may call. */
  public readonly taskEgress: TaskEgress;
  /** The listener rules of the web services, checked together at synth. */
  public readonly routes: ListenerRoutes;
  private readonly props: EnvironmentProps;
  private sharedLoadBalancer?: LoadBalancer;
  private namespace?: ServiceDiscoveryHttpNamespace;
  private stoppedTasks?: StoppedTaskEvents;
  private readonly certificateArns: string[] = [];
  private readonly hostOwners = new Map<string, string>();
  private key?: EncryptionKey;
  private dnsQueryLogs?: QueryLogDelivery;

  constructor(scope: Construct, id: string, props: EnvironmentProps) {
    super(scope, id);
    this.props = props;
    rejectUnknownProps(this, props, Object.keys(ENVIRONMENT_PROP_KEYS), "EnvironmentProps");
    rejectUnknownProps(this, props.hardening, Object.keys(HARDENING_OPTION_KEYS), "HardeningOptions");
    if (!RESOURCE_NAME.test(props.name)) {
      reportInvalid(this, {
        field: "name",
        value: props.name,
        allowed:
          "2 to 32 lowercase letters, digits and hyphens, starting with a letter (not internal-) and not ending with a hyphen",
        fix: "choose a short name such as \"hello-web\"",
      });
    }
    // An invalid name is reported once, here; the parts get a valid stand-in so they do not repeat it.
    this.name = RESOURCE_NAME.test(props.name) ? props.name : STAND_IN_NAME;
    this.checkExistingParts(props);
    const stage = validChoice(
      this,
      "stage",
      props.stage,
      STAGES,
      "production",
      'use "development" for an environment without the hardening that costs money, else leave it unset',
    );
    this.hardening = resolveHardening(stage, props.hardening);
    this.taskEgress = validTaskEgress(this, props.taskEgress);
    // The cluster first: its ARN tells the account that the network's hardening policies name.
    this.cluster = props.cluster ?? new Cluster(this, "cluster", { name: this.name });
    this.network = props.network ?? this.newNetwork(props.networkOptions);
    this.zones = (props.zones ?? []).map((zone) => (typeof zone === "string" ? this.newZone(zone) : zone));
    if (this.zones.some((zone) => zone instanceof HostedZone)) this.checkZoneHardeningPartition();
    this.alertTopic = props.alertEmails?.length
      ? new AlertTopic(this, "alerts", { name: `${this.name}-alerts`, emails: props.alertEmails })
      : undefined;
    this.routes = new ListenerRoutes(this);
    if (props.certificate) this.certificateArns.push(props.certificate.certificateArn);

    new TerraformOutput(this, "cluster_name", { description: "ECS cluster of the environment's services", value: this.cluster.clusterName });
    const created = this.zones.filter((zone): zone is HostedZone => zone instanceof HostedZone);
    if (created.length) {
      new TerraformOutput(this, "name_servers", {
        description: "Name servers of each new hosted zone: set them at the registrar of its domain",
        value: Object.fromEntries(created.map((zone) => [zone.zoneName, zone.nameServers])),
      });
    }
    const signed = created.filter((zone) => zone.dnssec);
    if (signed.length) {
      new TerraformOutput(this, "dnssec_ds_records", {
        description:
          "DS record of each DNSSEC-signed new zone: give it to the registrar of its domain only once the registrar has the zone's name servers. " +
          "To turn DNSSEC off later, remove the DS record at the registrar first, and wait for its TTL to pass before the apply that turns it off",
        value: Object.fromEntries(signed.map((zone) => [zone.zoneName, zone.dnssec!.dsRecord])),
      });
    }
  }

  /** The internet-facing load balancer the web services share; created with the first of them. */
  get loadBalancer(): LoadBalancer {
    if (!this.sharedLoadBalancer) {
      const { accessLogs, webAcl } = this.hardening;
      const accessLogBucket =
        accessLogs &&
        new AccessLogBucket(this, "load_balancer_access_logs", {
          name: this.name,
          accountId: this.accountId,
          region: providerRegion(this) ?? "", // a missing region is reported by the bucket
          expirationDays: accessLogs.expirationDays,
        });
      this.sharedLoadBalancer = new LoadBalancer(this, "load_balancer", {
        name: this.name,
        network: this.network,
        certificateArn: Lazy.stringValue({ produce: () => this.certificateArns[0] }),
        sslPolicy: this.props.sslPolicy,
        deletionProtection: this.props.deletionProtection,
        accessLogs: accessLogBucket,
      });
      if (webAcl) {
        new WebAcl(this, "load_balancer_web_acl", {
          name: this.name,
          loadBalancerArn: this.sharedLoadBalancer.loadBalancer.arn,
          requestsPerFiveMinutes: webAcl.requestsPerFiveMinutes,
          countOnly: webAcl.countOnly,
          logKmsKeyArn: this.logEncryptionKeyArn,
        });
      }
      if (accessLogBucket) {
        new TerraformOutput(this, "access_logs_bucket", {
          description: "S3 bucket of the load balancer's access logs",
          value: accessLogBucket.bucketName,
        });
      }
      this.node.addValidation({
        validate: () =>
          // A service whose hosts claimed no certificate (a host in no zone) has reported that already.
          this.certificateArns.length || this.hostOwners.size
            ? []
            : [
                "certificate: the HTTPS listener needs a certificate, and no web service has a host name and the environment no `certificate`. " +
                  "Fix: give a web service `hosts` (in one of the environment's `zones`), or the environment a `certificate`",
              ],
      });
      new TerraformOutput(this, "load_balancer_dns_name", { description: "DNS name of the load balancer", value: this.sharedLoadBalancer.dnsName });
    }
    return this.sharedLoadBalancer;
  }

  /** The certificate the environment was given for every host name, if any. */
  get certificate(): ICertificate | undefined {
    return this.props.certificate;
  }

  /**
   * Serves a certificate on the HTTPS listener: the first one is the listener's default, later ones are
   * added by SNI (an `aws_lb_listener_certificate` in `scope`).
   */
  serveCertificate(scope: Construct, certificateArn: string): void {
    const listener = this.loadBalancer;
    this.certificateArns.push(certificateArn);
    if (this.certificateArns.length > 1) listener.addCertificate(scope, "listener_certificate", certificateArn);
  }

  /**
   * The host names of `hosts` that no service declared before `service` did: `service` creates their DNS
   * records (and certificate), the earlier one owns the others.
   */
  claimHosts(service: string, hosts: string[]): string[] {
    return hosts.filter((host) => {
      if (this.hostOwners.has(host)) return false;
      this.hostOwners.set(host, service);
      return true;
    });
  }

  /** The zone a host name goes in, or undefined (reported by the caller) when none of the environment's holds it. */
  zoneFor(host: string): IHostedZone | undefined {
    return zoneOf(host, this.zones);
  }

  /**
   * The AWS account the environment is in, read from its cluster's ARN (known at apply): policies that must
   * name the account (a key policy's administrators, a log delivery's source) use it without a data source.
   */
  get accountId(): string {
    return Fn.element(Fn.split(":", this.cluster.clusterArn), 4);
  }

  /** The environment's customer managed KMS key, with `logEncryption` or `parameterEncryption`; created with its first use. */
  private get encryptionKey(): EncryptionKey {
    this.key ??= new EncryptionKey(this, "encryption_key", {
      name: this.name,
      description: `Encrypts the ${this.name} environment's ${[
        this.hardening.logEncryption && "log groups",
        this.hardening.parameterEncryption && "secret parameters",
      ].filter(Boolean).join(" and ")}`,
      accountId: this.accountId,
      region: this.region,
      forCloudWatchLogs: this.hardening.logEncryption,
    });
    return this.key;
  }

  /** The KMS key ARN the environment's log groups are encrypted with, with `logEncryption`. */
  get logEncryptionKeyArn(): string | undefined {
    return this.hardening.logEncryption ? this.encryptionKey.arn : undefined;
  }

  /** The KMS key ARN of the SSM parameters the environment's services create, with `parameterEncryption`. */
  get parameterEncryptionKeyArn(): string | undefined {
    return this.hardening.parameterEncryption ? this.encryptionKey.arn : undefined;
  }

  /** The stack's region: a key policy and CloudWatch Logs' service principal name it. */
  private get region(): string {
    const region = providerRegion(this);
    if (region) return region;
    reportInvalid(this, {
      field: "hardening.logEncryption",
      allowed: "the key policy of the environment's KMS key names the stack's region, and its AWS provider's region is not a literal",
      fix: "give FargateStack a region such as \"eu-west-1\", or turn logEncryption and parameterEncryption off",
    });
    return "us-east-1";
  }

  /** The Service Connect namespace backends register in; created with the first of them. */
  get serviceConnectNamespaceArn(): string {
    this.namespace ??= new ServiceDiscoveryHttpNamespace(this, "service_connect_namespace", {
      name: this.name,
      description: `Service Connect namespace of the ${this.name} environment's services`,
    });
    return this.namespace.arn;
  }

  /** The stopped-task record of the environment, unless turned off; created with the first service. */
  get stoppedTaskEvents(): StoppedTaskEvents | undefined {
    if (this.props.stoppedTaskEvents === false) return undefined;
    if (!this.stoppedTasks) {
      this.stoppedTasks = new StoppedTaskEvents(this, "stopped_tasks", {
        name: this.name,
        clusterArn: this.cluster.clusterArn,
        topicArn: this.alertTopic?.topicArn,
        kmsKeyArn: this.logEncryptionKeyArn,
      });
      new TerraformOutput(this, "stopped_tasks_log_group_name", {
        description: "Why each task stopped (EventBridge)",
        value: this.stoppedTasks.logGroup.name,
      });
    }
    return this.stoppedTasks;
  }

  /** Ids and ARNs of existing parts, as AWS writes them (references, known only at apply, are left alone). */
  private checkExistingParts(props: EnvironmentProps): void {
    const literal = (value: string) => !value.includes("${");
    const check = (field: string, values: string[], pattern: RegExp, allowed: string, fix: string) => {
      const bad = values.filter((value) => literal(value) && !pattern.test(value));
      if (bad.length) reportInvalid(this, { field, value: bad.length === 1 ? bad[0] : bad, allowed, fix });
    };
    const { network, cluster, certificate } = props;
    if (network) {
      const fix = "copy the ids from the VPC console or `aws ec2 describe-subnets`";
      check("network.vpcId", [network.vpcId], VPC_ID, "a VPC id: vpc- and 8 or 17 hexadecimal digits", fix);
      check("network.publicSubnetIds", network.publicSubnetIds, SUBNET_ID, "subnet ids: subnet- and 8 or 17 hexadecimal digits", fix);
      check("network.privateSubnetIds", network.privateSubnetIds, SUBNET_ID, "subnet ids: subnet- and 8 or 17 hexadecimal digits", fix);
      check("network.taskSubnetIds", network.taskSubnetIds ?? [], SUBNET_ID, "subnet ids: subnet- and 8 or 17 hexadecimal digits", fix);
    }
    if (cluster) {
      check("cluster.clusterArn", [cluster.clusterArn], CLUSTER_ARN, "an ECS cluster ARN, arn:aws:ecs:<region>:<account>:cluster/<name>", "copy it from `aws ecs describe-clusters`");
    }
    const existingZones = (props.zones ?? []).filter((zone): zone is IHostedZone => typeof zone !== "string");
    check("zones", existingZones.map((zone) => zone.zoneId), ZONE_ID, "hosted zone ids: Z and up to 31 uppercase letters and digits", "copy the id from `aws route53 list-hosted-zones`, without /hostedzone/");
    if (certificate) {
      const region = providerRegion(this);
      check(
        "certificate",
        [certificate.certificateArn],
        new RegExp(`^arn:aws[a-z-]*:acm:${region ?? "[a-z0-9-]+"}:\\d{12}:certificate/[0-9a-f-]{36}$`),
        `an ACM certificate ARN in the stack's region${region ? ` (${region})` : ""}: a load balancer serves only certificates of its own region`,
        "request or import the certificate in this region, and copy its ARN from the ACM console",
      );
    }
  }

  /**
   * The network the environment creates, hardened: the VPC's default security group without rules (so that
   * nothing put in it by mistake can talk to anything) and flow logs. A network given to the environment is
   * left as it is: whoever made it chose its flow logs.
   */
  private newNetwork(options: EnvironmentProps["networkOptions"]): Network {
    const network = new Network(this, "network", { name: this.name, ...options });
    if (this.hardening.lockDefaultSecurityGroup) {
      new DefaultSecurityGroup(network, "default_security_group", {
        vpcId: network.vpcId,
        // Empty lists, not absent blocks: a rule added later by hand is then taken out at the next apply.
        ingress: [],
        egress: [],
        tags: { Name: `${this.name}-default-no-rules` },
      });
    }
    if (this.hardening.flowLogs) {
      new FlowLogs(network, "flow_logs", { name: this.name, vpcId: network.vpcId, kmsKeyArn: this.logEncryptionKeyArn });
    }
    return network;
  }

  /** DNSSEC and query logging of the zones it creates need us-east-1, which only the aws partition has. */
  private checkZoneHardeningPartition(): void {
    const region = providerRegion(this);
    if (region && partitionOf(region) !== "aws" && (this.hardening.dnssec || this.hardening.dnsQueryLogging)) {
      reportInvalid(this, {
        field: "hardening",
        value: { dnssec: this.hardening.dnssec, dnsQueryLogging: this.hardening.dnsQueryLogging },
        allowed: `Route53 keeps a public zone's DNSSEC key and query logs in ${US_EAST_1}, which is not in ${region}'s partition (${partitionOf(region)})`,
        fix: "set hardening: { dnssec: false, dnsQueryLogging: false } for this environment",
      });
    }
  }

  private newZone(zoneName: string): HostedZone {
    const valid = ZONE_NAME.test(zoneName);
    if (!valid) {
      reportInvalid(this, {
        field: "zones",
        value: zoneName,
        allowed: "a lowercase DNS name such as \"example.com\"",
        fix: "give the zone's domain without scheme or path",
      });
    }
    const normalized = zoneName.replace(/\.$/, "");
    // Only the zones the environment creates: an existing zone's DNSSEC and logging are its owner's to change.
    // An invalid name, reported above, gets neither: their log group's name would report it again.
    return new HostedZone(this, `zone_${snakeCase(normalized)}`, {
      zoneName: normalized,
      dnssec: valid && this.hardening.dnssec ? { accountId: this.accountId } : undefined,
      queryLogging: valid && this.hardening.dnsQueryLogging
        ? {
            delivery: (this.dnsQueryLogs ??= new QueryLogDelivery(this, "dns_query_logs", {
              name: this.name,
              accountId: this.accountId,
              encrypt: this.hardening.logEncryption,
            })),
          }
        : undefined,
    });
  }
}
