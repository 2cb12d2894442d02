import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { AlertTopic } from "../environment/alert-topic";
import { AliasRecords } from "../environment/alias-records";
import { Certificate, ICertificate } from "../environment/certificate";
import { Cluster, ICluster } from "../environment/cluster";
import { FargateService } from "./fargate-service";
import { HostedZone, IHostedZone } from "../environment/hosted-zone";
import { LoadBalancer, TargetHealthCheck } from "../environment/load-balancer";
import { LogGroup } from "../task/log-group";
import { INetwork, Network, NetworkProps } from "../environment/network";
import { ISecret, SecretParameter, SecretParameterProps } from "../task/secret-parameter";
import { CpuArchitecture, FargateTaskDefinition } from "../task/task-definition";
import { TaskExecutionRole } from "../task/execution-role";
import { ServiceAlarms } from "./service-alarms";
import { reportInvalid } from "../checks/validation";

/** A secret to create: an SSM parameter whose value is given through `TF_VAR_<variableName>`. */
export type NewSecretOptions = Partial<SecretParameterProps>;

export interface FargateWebAppProps {
  /** Names the cluster, service, task family, roles, log group, load balancer and parameters. */
  readonly name: string;
  /** Container image, e.g. `public.ecr.aws/nginx/nginx:1.27`. */
  readonly image: string;
  /**
   * Port the container listens on for HTTP.
   * @default 80
   */
  readonly port?: number;
  /**
   * Plain environment variables of the container.
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /**
   * Secret environment variables of the container: `{}` (or options) creates an SSM SecureString
   * `/<name>/<VARIABLE>` whose value comes from `TF_VAR_<variable in snake case>`; an existing
   * parameter (`SecretParameter.fromArn`, `fromName`) is read as it is. Either way the execution role
   * is granted reading exactly that parameter.
   * @default {}
   */
  readonly secrets?: Record<string, NewSecretOptions | ISecret>;
  /** The name the app answers on over HTTPS, e.g. `app.example.com`. */
  readonly domain: string;
  /**
   * The Route53 zone `domain` goes in.
   * @default a new hosted zone named `domain`, its name servers in the `name_servers` output
   */
  readonly hostedZone?: IHostedZone;
  /**
   * Certificate of the HTTPS listener.
   * @default a new ACM certificate for `domain`, validated through the hosted zone
   */
  readonly certificate?: ICertificate;
  /**
   * With a new certificate, also cover `*.<domain>`.
   * @default false
   */
  readonly wildcardCertificate?: boolean;
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
   * secret with `app.taskDefinition.executionRole.grantSecretRead(app.secrets.NAME)`, or synth refuses the
   * secrets it cannot read.
   * @default a new role that is granted exactly what the container references
   */
  readonly executionRoleArn?: string;
  /**
   * Tasks to keep running.
   * @default 2
   */
  readonly desiredCount?: number;
  /**
   * Load balancer health check of the tasks.
   * @default path "/", codes 200-399
   */
  readonly healthCheck?: TargetHealthCheck;
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
   * Days to keep the container logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Protect the load balancer from deletion.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Make `terraform apply` wait for each deployment, and fail when ECS rolled it back.
   * @default true
   */
  readonly waitForSteadyState?: boolean;
  /**
   * Minutes `terraform apply` waits for a deployment.
   * @default 20
   */
  readonly deploymentTimeoutMinutes?: number;
  /**
   * Keep every stopped task's reason in the log group `/aws/events/ecs/<name>/stopped-tasks`.
   * @default true
   */
  readonly stoppedTaskEvents?: boolean;
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
  /**
   * Email addresses for alerts: an SNS topic gets the stopped tasks and the alarms.
   * @default none: no topic
   */
  readonly alertEmails?: string[];
}

/** Valid for every name derived from it: load balancer (no `internal-` prefix), roles, log group, parameters. */
const APP_NAME = /^(?!internal-)[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const STAND_IN_NAME = "invalid-name";
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * A containerized web app on Fargate, production ready from one declaration: network, cluster, task
 * definition with its roles, secrets in SSM, logs, a load balancer with TLS, a certificate, DNS, and the
 * service. The article's whole Terraform setup.
 */
export class FargateWebApp extends Construct {
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
    this.validate(props);
    // An invalid name is reported once, here; the parts get a valid stand-in so they do not repeat it.
    const name = APP_NAME.test(props.name) ? props.name : STAND_IN_NAME;
    const port = props.port ?? 80;

    this.network = props.network ?? new Network(this, "network", { name, ...props.networkOptions });
    this.cluster = props.cluster ?? new Cluster(this, "cluster", { name });
    this.logGroup = new LogGroup(this, "logs", { name: `/ecs/${name}`, retentionDays: props.logRetentionDays });
    this.secrets = Object.fromEntries(
      Object.entries(props.secrets ?? {}).map(([variable, secret]) => [
        variable,
        isNewSecret(secret)
          ? new SecretParameter(this, `secret_${variable}`, { parameterName: `/${name}/${variable}`, ...secret })
          : secret,
      ]),
    );

    this.taskDefinition = new FargateTaskDefinition(this, "task", {
      family: name,
      cpu: props.cpu,
      memory: props.memory,
      cpuArchitecture: props.cpuArchitecture,
      executionRole:
        props.executionRoleArn === undefined
          ? undefined
          : new TaskExecutionRole(this, "execution_role", { roleArn: props.executionRoleArn }),
    });
    this.taskDefinition.addContainer("container", {
      name,
      image: props.image,
      portMappings: [{ containerPort: port, protocol: "tcp", name: "http", appProtocol: "http" }],
      environment: props.environment,
      secrets: this.secrets,
      logGroup: this.logGroup,
      linuxParameters: { initProcessEnabled: true },
    });

    this.hostedZone = props.hostedZone ?? new HostedZone(this, "zone", { zoneName: props.domain });
    this.certificate =
      props.certificate ??
      new Certificate(this, "certificate", {
        domainName: props.domain,
        zone: this.hostedZone,
        wildcard: props.wildcardCertificate,
      });
    this.loadBalancer = new LoadBalancer(this, "load_balancer", {
      name,
      network: this.network,
      certificateArn: this.certificate.certificateArn,
      targetPort: port,
      healthCheck: props.healthCheck,
      deletionProtection: props.deletionProtection,
    });
    new AliasRecords(this, "dns", {
      zone: this.hostedZone,
      recordName: props.domain,
      target: this.loadBalancer,
      ipv6: this.loadBalancer.dualStack,
    });
    const alertTopic = props.alertEmails?.length
      ? new AlertTopic(this, "alerts", { name: `${name}-alerts`, emails: props.alertEmails })
      : undefined;
    this.alarms =
      props.alarms === false
        ? undefined
        : new ServiceAlarms(this, "alarms", {
            name,
            loadBalancer: this.loadBalancer,
            target5xxPerMinute: props.target5xxPerMinute,
            actions: alertTopic && [alertTopic.topicArn],
          });
    if (props.rollbackOnAlarm && !this.alarms) {
      reportInvalid(this, {
        field: "rollbackOnAlarm",
        allowed: "deployments roll back on the app's alarms, and `alarms` is false",
        fix: "leave `alarms` on, or drop `rollbackOnAlarm`",
      });
    }
    this.service = new FargateService(this, "service", {
      name,
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      network: this.network,
      loadBalancer: this.loadBalancer,
      desiredCount: props.desiredCount,
      waitForSteadyState: props.waitForSteadyState,
      deploymentTimeoutMinutes: props.deploymentTimeoutMinutes,
      deploymentAlarmNames: props.rollbackOnAlarm ? this.alarms?.alarmNames : undefined,
      stoppedTaskEvents: props.stoppedTaskEvents,
      alertTopicArn: alertTopic?.topicArn,
    });
    this.url = `https://${props.domain}`;

    const output = (outputId: string, description: string, value: unknown) =>
      new TerraformOutput(this, outputId, { description, value });
    output("url", "Where the app answers", this.url);
    output("load_balancer_dns_name", "DNS name of the load balancer", this.loadBalancer.dnsName);
    output("cluster_name", "ECS cluster of the service", this.cluster.clusterName);
    output("service_name", "ECS service running the app", this.service.serviceName);
    output("log_group_name", "CloudWatch log group of the containers", this.logGroup.name);
    output(
      "secret_parameter_names",
      "SSM parameters read as secret environment variables",
      Object.fromEntries(Object.entries(this.secrets).map(([variable, secret]) => [variable, secret.parameterName])),
    );
    if (this.service.stoppedTaskEvents) {
      output("stopped_tasks_log_group_name", "Why each task stopped (EventBridge)", this.service.stoppedTaskEvents.logGroup.name);
    }
    if (this.hostedZone instanceof HostedZone) {
      output("name_servers", `Set these at the registrar of ${props.domain}`, this.hostedZone.nameServers);
    }
  }

  private validate(props: FargateWebAppProps): void {
    if (!APP_NAME.test(props.name)) {
      reportInvalid(this, {
        field: "name",
        value: props.name,
        allowed:
          "2 to 32 lowercase letters, digits and hyphens, starting with a letter (not internal-) and not ending with a hyphen",
        fix: "choose a short name such as \"hello-web\"",
      });
    }
    if (!DOMAIN_NAME.test(props.domain)) {
      reportInvalid(this, {
        field: "domain",
        value: props.domain,
        allowed: "a lowercase DNS name such as \"app.example.com\"",
        fix: "give the full name the app answers on, without scheme or path",
      });
    }
    const zoneName = props.hostedZone?.zoneName;
    if (zoneName && props.domain !== zoneName && !props.domain.endsWith(`.${zoneName}`)) {
      reportInvalid(this, {
        field: "domain",
        value: props.domain,
        allowed: `the name must be inside the hosted zone "${zoneName}"`,
        fix: `use a name ending in ".${zoneName}", or the zone that holds "${props.domain}"`,
      });
    }
  }
}

/** Options for a parameter to create, as opposed to an existing one (or a literal, which the container refuses). */
function isNewSecret(secret: NewSecretOptions | ISecret): secret is NewSecretOptions {
  return typeof secret === "object" && secret !== null && !("parameterArn" in secret);
}
