import { TerraformOutput } from "cdktf";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { AliasRecords } from "../environment/alias-records";
import { Certificate, ICertificate } from "../environment/certificate";
import { Environment } from "../environment/environment";
import { IHostedZone } from "../environment/hosted-zone";
import { MAX_PRIORITY } from "../environment/listener-routes";
import { snakeCase } from "../app/naming";
import { reportInvalid } from "../checks/validation";
import { ServiceAlarms } from "./service-alarms";
import { SERVICE_PROP_KEYS, ServiceBase, ServiceProps } from "./service-base";
import { rejectUnknownProps } from "../checks/unknown-props";
import { TargetGroup, TargetHealthCheck } from "./target-group";

export interface WebServiceProps extends ServiceProps {
  /**
   * Host names the service answers on, each in one of the environment's zones: it gets their DNS records
   * and a certificate (unless a service declared earlier has them, or the environment has a `certificate`).
   * @default none: `paths` on any host
   */
  readonly hosts?: string[];
  /**
   * Path patterns the service answers on (`/admin/*`; `*` and `?` are wildcards), on its `hosts`.
   * @default every path
   */
  readonly paths?: string[];
  /**
   * Priority of the service's first listener rule (the next ones follow it), 1 to 50000, lowest first.
   * @default derived from the service's name: host and path rules first, then path only, then host only
   */
  readonly priority?: number;
  /**
   * Load balancer health check of the tasks.
   * @default path "/", codes 200-399
   */
  readonly healthCheck?: TargetHealthCheck;
  /**
   * Seconds after a task starts during which failed load balancer health checks are ignored.
   * @default 30
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Certificate for the service's host names.
   * @default the environment's `certificate`, else a new ACM certificate for the host names it claims
   */
  readonly certificate?: ICertificate;
  /**
   * With a new certificate, also cover `*.<host>` for each host name.
   * @default false
   */
  readonly wildcardCertificate?: boolean;
  /**
   * CloudWatch alarms on unhealthy targets and on target 5xx responses.
   * @default true
   */
  readonly alarms?: boolean;
  /**
   * Target 5xx responses a minute that, in 3 of 5 minutes, set off the 5xx alarm.
   * @default 10
   */
  readonly target5xxPerMinute?: number;
  /**
   * Roll back a deployment during which an alarm goes off (the service's deployment alarms).
   * @default false
   */
  readonly rollbackOnAlarm?: boolean;
}

/** Every prop of `WebServiceProps`, for JavaScript apps' unknown-prop check. */
export const WEB_SERVICE_PROP_KEYS: Record<keyof WebServiceProps, true> = {
  ...SERVICE_PROP_KEYS,
  hosts: true, paths: true, priority: true, healthCheck: true, healthCheckGracePeriodSeconds: true, certificate: true,
  wildcardCertificate: true, alarms: true, target5xxPerMinute: true, rollbackOnAlarm: true,
};

/** Match evaluations of a listener rule: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html */
const HOSTS_PER_RULE = 3;
const PATHS_PER_RULE = 2;
const PATH_PATTERN = /^[A-Za-z0-9_\-.$/~"'@:+&*?]{1,128}$/;
/** A DNS name as Route53 and ACM take it: lowercase labels of up to 63 characters, 253 in all. */
export const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * A public web service: its tasks behind the environment's shared load balancer, routed by host names
 * and/or path patterns through listener rules, with its own target group and health check, DNS records
 * and certificate for its host names, alarms on its target group, and a task security group that admits
 * only the load balancer on its port.
 */
export class WebService extends ServiceBase {
  public readonly hosts: string[];
  public readonly paths: string[];
  public readonly targetGroup: TargetGroup;
  public readonly listenerRules: LbListenerRule[];
  /** The certificate this service created for its host names, if it created one. */
  public readonly certificate?: Certificate;
  public readonly alarms?: ServiceAlarms;
  /** `https://<first host><path>`, where the service answers; undefined without host names. */
  public readonly url?: string;

  constructor(environment: Environment, id: string, props: WebServiceProps) {
    super(environment, id, props);
    rejectUnknownProps(this, props, Object.keys(WEB_SERVICE_PROP_KEYS), "WebServiceProps");
    this.hosts = (props.hosts ?? []).map((host) => host.replace(/\.$/, ""));
    this.paths = props.paths ?? [];
    this.validateRouting(props);

    const claimed = environment.claimHosts(this.name, this.hosts);
    const zones = new Map<string, IHostedZone>();
    for (const host of claimed) {
      const zone = environment.zoneFor(host);
      if (zone) zones.set(host, zone);
      else {
        reportInvalid(this, {
          field: "hosts",
          value: host,
          allowed: `a host name goes in one of the environment's zones (${environment.zones.map((z) => z.zoneName).join(", ") || "none"})`,
          fix: "add its zone to the environment's `zones`, or use a host name in one of them",
        });
      }
    }
    const loadBalancer = environment.loadBalancer;
    const certificate = props.certificate ?? environment.certificate;
    if (certificate) {
      if (props.certificate) environment.serveCertificate(this, certificate.certificateArn);
    } else if (zones.size) {
      const [first, ...others] = [...zones.keys()];
      this.certificate = new Certificate(this, "certificate", {
        domainName: first,
        alternativeNames: [...others, ...(props.wildcardCertificate ? [...zones.keys()].map((host) => `*.${host}`) : [])],
        zone: [...new Set(zones.values())],
      });
      environment.serveCertificate(this, this.certificate.certificateArn);
    }
    for (const [host, zone] of zones) {
      new AliasRecords(this, `dns_${snakeCase(host)}`, { zone, recordName: host, target: loadBalancer, ipv6: loadBalancer.dualStack });
    }

    this.targetGroup = new TargetGroup(this, "target_group", {
      name: this.resourceName,
      vpcId: environment.network.vpcId,
      port: this.port,
      healthCheck: props.healthCheck,
    });
    this.listenerRules = this.routeChunks().map(({ hosts, paths }, index) => {
      const priority = environment.routes.add({ service: this.name, hosts, paths, index, explicitPriority: props.priority });
      return new LbListenerRule(this, index === 0 ? "listener_rule" : `listener_rule_${index + 1}`, {
        listenerArn: loadBalancer.httpsListener.arn,
        priority,
        action: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
        condition: [
          ...(hosts.length ? [{ hostHeader: { values: hosts } }] : []),
          ...(paths.length ? [{ pathPattern: { values: paths } }] : []),
        ],
        tags: { Name: `${this.resourceName}${index === 0 ? "" : `-${index + 1}`}` },
      });
    });

    this.alarms =
      props.alarms === false
        ? undefined
        : new ServiceAlarms(this, "alarms", {
            name: this.resourceName,
            loadBalancer,
            targetGroup: this.targetGroup,
            target5xxPerMinute: props.target5xxPerMinute,
            actions: environment.alertTopic && [environment.alertTopic.topicArn],
          });
    if (props.rollbackOnAlarm && !this.alarms) {
      reportInvalid(this, {
        field: "rollbackOnAlarm",
        allowed: "deployments roll back on the service's alarms, and `alarms` is false",
        fix: "leave `alarms` on, or drop `rollbackOnAlarm`",
      });
    }
    this.runService({
      target: { loadBalancer, targetGroup: this.targetGroup, attachedBy: this.listenerRules },
      scaling: { requestCountResourceLabel: `${loadBalancer.arnSuffix}/${this.targetGroup.arnSuffix}` },
      healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds,
      deploymentAlarmNames: props.rollbackOnAlarm ? this.alarms?.alarmNames : undefined,
    });
    if (this.hosts.length) {
      this.url = `https://${this.hosts[0]}${pathPrefix(this.paths[0])}`;
      new TerraformOutput(this, "url", { description: "Where the app answers", value: this.url });
    }
  }

  /** The listener rules' conditions: every host with every path, within AWS's match evaluations per rule. */
  private routeChunks(): { hosts: string[]; paths: string[] }[] {
    const hostChunks = chunk(this.hosts, HOSTS_PER_RULE);
    const pathChunks = chunk(this.paths, PATHS_PER_RULE);
    return hostChunks.flatMap((hosts) => pathChunks.map((paths) => ({ hosts, paths })));
  }

  private validateRouting(props: WebServiceProps): void {
    if (!this.hosts.length && !this.paths.length) {
      reportInvalid(this, {
        field: "hosts/paths",
        allowed: "a web service is routed by host names, path patterns or both",
        fix: "give it `hosts` (e.g. [\"app.example.com\"]) and/or `paths` (e.g. [\"/api/*\"])",
      });
    }
    this.hosts.forEach((host, index) => {
      if (!HOST_NAME.test(host)) {
        reportInvalid(this, {
          field: `hosts[${index}]`,
          value: host,
          allowed: "a lowercase DNS name such as \"app.example.com\" (no wildcard, scheme or path)",
          fix: "give the full name the service answers on",
        });
      }
    });
    this.paths.forEach((path, index) => {
      if (!PATH_PATTERN.test(path) || !path.startsWith("/")) {
        reportInvalid(this, {
          field: `paths[${index}]`,
          value: path,
          allowed:
            "a path pattern starting with /, up to 128 characters: letters, digits, _ - . $ / ~ \" ' @ : + & and the wildcards * and ?",
          fix: "e.g. \"/admin/*\"",
        });
      }
    });
    const priority = props.priority;
    const rules = chunk(this.hosts, HOSTS_PER_RULE).length * chunk(this.paths, PATHS_PER_RULE).length;
    if (priority !== undefined && !(Number.isInteger(priority) && priority >= 1 && priority + rules - 1 <= MAX_PRIORITY)) {
      reportInvalid(this, {
        field: "priority",
        value: priority,
        allowed: `a whole number from 1 to ${MAX_PRIORITY - rules + 1} (the service has ${rules} listener rule${rules === 1 ? "" : "s"}, numbered from it)`,
        fix: "leave it unset to derive it from the service's name, or pick a free number",
      });
    }
  }
}

/** Splits `items` into runs of at most `size`; one empty run when there are none. */
function chunk<T>(items: T[], size: number): T[][] {
  if (items.length === 0) return [[]];
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** The literal start of a path pattern, for the URL: `/admin/*` → `/admin/`. */
function pathPrefix(pattern: string | undefined): string {
  if (!pattern) return "";
  return pattern.replace(/[*?].*$/, "");
}
