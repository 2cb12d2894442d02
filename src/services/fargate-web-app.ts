import { Construct } from "constructs";
import { TerraformResource } from "cdktf";
import { ICertificate } from "../environment/certificate";
import { ICluster } from "../environment/cluster";
import { Environment } from "../environment/environment";
import { IHostedZone } from "../environment/hosted-zone";
import { LoadBalancer } from "../environment/load-balancer";
import { INetwork, NetworkProps } from "../environment/network";
import { HardeningOptions, Stage } from "../environment/hardening/hardening";
import { DEFAULT_CHILD_ID } from "../app/naming";
import { LogGroup } from "../task/log-group";
import { ISecret } from "../task/secret-parameter";
import { FargateTaskDefinition } from "../task/task-definition";
import { TaskEgress } from "../task/task-security-group";
import { FargateService } from "./fargate-service";
import { ServiceAlarms } from "./service-alarms";
import { HOST_NAME, WEB_SERVICE_PROP_KEYS, WebService, WebServiceProps } from "./web-service";
import { rejectUnknownProps } from "../checks/unknown-props";
import { reportInvalid } from "../checks/validation";

/**
 * The app: a web service's props (container, task, deployment, alarms, certificate), its one `domain`, and
 * the environment's parts it may bring or tune.
 */
/** The web service's props the app sets itself, from `name` and `domain`. */
const SET_BY_THE_APP = ["resourceName", "hosts", "paths", "priority"] as const;

export interface FargateWebAppProps extends Omit<WebServiceProps, "name" | (typeof SET_BY_THE_APP)[number]> {
  /** Names the cluster, service, task family, roles, log group, load balancer and parameters. */
  readonly name: string;
  /** The name the app answers on over HTTPS, e.g. `app.example.com`. */
  readonly domain: string;
  /**
   * The Route53 zone `domain` goes in.
   * @default a new hosted zone named `domain`, its name servers in the `name_servers` output (by zone name)
   */
  readonly hostedZone?: IHostedZone;
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
   * Protect the load balancer from deletion.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Keep every stopped task's reason in the log group `/aws/events/ecs/<name>/stopped-tasks`.
   * @default true
   */
  readonly stoppedTaskEvents?: boolean;
  /**
   * Email addresses for alerts: an SNS topic gets the stopped tasks and the alarms.
   * @default none: no topic
   */
  readonly alertEmails?: string[];
  /**
   * What the environment is for: `"development"` leaves off the hardening that costs money.
   * @default "production"
   */
  readonly stage?: Stage;
  /**
   * Each hardening measure on or off, overriding what `stage` chooses.
   * @default what `stage` chooses
   */
  readonly hardening?: HardeningOptions;
  /**
   * What the tasks may call: `"all"` outbound traffic, or `"https-and-dns"`: TCP 443 to anywhere, DNS to
   * the VPC, and what the service reaches on its own (NFS to the file systems it mounts). Anything else the
   * code calls (a database, SMTP) is then refused.
   * @default "all"
   */
  readonly taskEgress?: TaskEgress;
}

const APP_PROP_KEYS: Record<Exclude<keyof FargateWebAppProps, keyof WebServiceProps>, true> = {
  domain: true, hostedZone: true, network: true, networkOptions: true, cluster: true, deletionProtection: true,
  stoppedTaskEvents: true, alertEmails: true, stage: true, hardening: true, taskEgress: true,
};
const FARGATE_WEB_APP_PROP_KEYS = [
  ...Object.keys(WEB_SERVICE_PROP_KEYS).filter((key) => !(SET_BY_THE_APP as readonly string[]).includes(key)),
  ...Object.keys(APP_PROP_KEYS),
];

/**
 * A containerized web app on Fargate, production ready from one declaration: the shortcut for an
 * `Environment` with one `WebService` on `domain`. Network, cluster, task definition with its roles, secrets
 * in SSM, logs, a load balancer with TLS, a certificate, DNS, and the service: the article's whole setup.
 *
 * Its environment and service take no part in Terraform addresses (`aws_ecs_service.hello_service`, as
 * before they existed); the resources that moved into them carry `moved` blocks from their earlier address.
 */
export class FargateWebApp extends Construct {
  public readonly environment: Environment;
  public readonly webService: WebService;
  public readonly network: INetwork;
  public readonly cluster: ICluster;
  public readonly logGroup: LogGroup;
  public readonly secrets: Record<string, ISecret>;
  public readonly taskDefinition: FargateTaskDefinition;
  public readonly hostedZone: IHostedZone;
  public readonly certificate: ICertificate;
  public readonly loadBalancer: LoadBalancer;
  public readonly service: FargateService;
  public readonly alarms?: ServiceAlarms;
  /** `https://<domain>` */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: FargateWebAppProps) {
    super(scope, id);
    rejectUnknownProps(this, props, FARGATE_WEB_APP_PROP_KEYS, "FargateWebAppProps");
    const domain = this.validDomain(props);
    this.environment = new Environment(this, DEFAULT_CHILD_ID, {
      name: props.name,
      network: props.network,
      networkOptions: props.networkOptions,
      cluster: props.cluster,
      zones: [props.hostedZone ?? domain],
      deletionProtection: props.deletionProtection,
      stoppedTaskEvents: props.stoppedTaskEvents,
      alertEmails: props.alertEmails,
      stage: props.stage,
      hardening: props.hardening,
      taskEgress: props.taskEgress,
    });
    // The web service's own props only: an unknown one was reported above, once.
    const serviceProps = Object.fromEntries(
      Object.entries(props).filter(([key]) => key in WEB_SERVICE_PROP_KEYS && key !== "name" && !(SET_BY_THE_APP as readonly string[]).includes(key)),
    ) as Omit<WebServiceProps, "name">;
    this.webService = new WebService(this.environment, DEFAULT_CHILD_ID, {
      ...serviceProps,
      resourceName: this.environment.name,
      name: this.environment.name,
      hosts: [domain],
    });
    this.network = this.environment.network;
    this.cluster = this.environment.cluster;
    this.hostedZone = this.environment.zones[0];
    this.loadBalancer = this.environment.loadBalancer;
    this.logGroup = this.webService.logGroup;
    this.secrets = this.webService.secrets;
    this.taskDefinition = this.webService.taskDefinition;
    this.certificate = props.certificate ?? this.webService.certificate!;
    this.service = this.webService.service;
    this.alarms = this.webService.alarms;
    this.url = this.webService.url!;
    this.keepEarlierAddresses();
  }

  /** The domain, or after reporting what is wrong with it, a stand-in the parts accept (so they do not report it again). */
  private validDomain(props: FargateWebAppProps): string {
    const domain = (props.domain ?? "").replace(/\.$/, "");
    const zoneName = props.hostedZone?.zoneName.replace(/\.$/, "");
    if (!HOST_NAME.test(domain)) {
      reportInvalid(this, {
        field: "domain",
        value: props.domain,
        allowed: "a lowercase DNS name such as \"app.example.com\"",
        fix: "give the full name the app answers on, without scheme or path",
      });
      return zoneName ?? "invalid.example.com";
    }
    if (zoneName && domain !== zoneName && !domain.endsWith(`.${zoneName}`)) {
      reportInvalid(this, {
        field: "domain",
        value: props.domain,
        allowed: `the name must be inside the hosted zone "${zoneName}"`,
        fix: `use a name ending in ".${zoneName}", or the zone that holds "${domain}"`,
      });
      return zoneName;
    }
    return domain;
  }

  /** `moved` blocks from the addresses this app had before environments and services existed. */
  private keepEarlierAddresses(): void {
    for (const resource of this.node.findAll().filter(TerraformResource.isTerraformResource)) {
      const address = resource.friendlyUniqueId;
      const move = EARLIER_ADDRESSES.find(({ types, now }) => types.includes(resource.terraformResourceType) && now.test(address));
      if (move) resource.moveFromId(`${resource.terraformResourceType}.${address.replace(move.now, move.before)}`);
    }
  }
}

/** How the addresses of resources that moved into the environment or the service read before (0.1.0). */
const EARLIER_ADDRESSES: { types: string[]; now: RegExp; before: string }[] = [
  { types: ["aws_route53_zone"], now: /_zone_[a-z0-9_]+$/, before: "_zone" },
  { types: ["aws_route53_record"], now: /_dns_[a-z0-9_]+_(a|aaaa)$/, before: "_dns_$1" },
  { types: ["aws_lb_target_group"], now: /_target_group$/, before: "_load_balancer_target_group" },
  { types: ["aws_vpc_security_group_egress_rule"], now: /_service_load_balancer_egress$/, before: "_load_balancer_egress_to_service" },
  {
    types: ["aws_cloudwatch_event_rule", "aws_cloudwatch_event_target", "aws_cloudwatch_log_group", "aws_cloudwatch_log_resource_policy"],
    now: /_stopped_tasks(_|$)/,
    before: "_service_stopped_tasks$1",
  },
];
