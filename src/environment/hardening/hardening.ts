/**
 * What an environment is for. A production environment turns on the hardening that security scanners
 * (Checkov, Trivy, Prowler, Security Hub) expect and that costs money; a development one leaves what costs
 * money off. What costs nothing (the default security group without rules, read-only root file systems)
 * is on in both, so that dev finds what breaks before prod does.
 */
export type Stage = "production" | "development";
export const STAGES: readonly Stage[] = ["production", "development"];

/** The load balancer's access logs, in an S3 bucket the environment creates. */
export interface AccessLogOptions {
  /**
   * Days before a log object expires.
   * @default 90
   */
  readonly expirationDays?: number;
}

/** The web ACL (AWS WAF) in front of the load balancer. */
export interface WebAclOptions {
  /**
   * Requests one client IP may make in any 5 minutes before it is blocked (a rate-based rule).
   * @default 2000
   */
  readonly requestsPerFiveMinutes?: number;
  /**
   * Rules of AWS's core rule set that count matching requests instead of blocking them: `SizeRestrictions_BODY`
   * lets request bodies over 8 KB (uploads) through.
   * @default [] (every rule blocks)
   */
  readonly countOnly?: string[];
}

/**
 * Each hardening measure on (`true` or its options) or off (`false`), overriding what the environment's
 * `stage` chooses. README "Hardening" lists what each costs and what a scanner checks it for.
 */
export interface HardeningOptions {
  /**
   * The load balancer's access logs in a new S3 bucket: encrypted, public access blocked, versioned, TLS only,
   * written only by Elastic Load Balancing, objects expiring.
   * @default on in production, off in development
   */
  readonly accessLogs?: boolean | AccessLogOptions;
  /**
   * An AWS WAF web ACL on the load balancer: AWS's managed rule groups (common rule set, known bad inputs,
   * IP reputation list) and a per-IP rate-based rule; the requests they block or count are logged to
   * `aws-waf-logs-<name>`.
   * @default on in production, off in development
   */
  readonly webAcl?: boolean | WebAclOptions;
  /**
   * VPC flow logs of the new network (all traffic) to a CloudWatch log group.
   * @default on in production, off in development
   */
  readonly flowLogs?: boolean;
  /**
   * A customer managed KMS key (rotated every year) for every log group of the environment.
   * @default on in production, off in development
   */
  readonly logEncryption?: boolean;
  /**
   * Encrypt the SSM SecureString parameters the environment's services create with the environment's
   * KMS key instead of AWS's `aws/ssm` key (their execution roles are granted `kms:Decrypt` on it).
   * @default on in production, off in development
   */
  readonly parameterEncryption?: boolean;
  /**
   * DNSSEC signing of the hosted zones the environment creates (the key in us-east-1, as Route53 requires);
   * the DS record to give the registrar is in the `dnssec_ds_records` output.
   * @default on in production, off in development
   */
  readonly dnssec?: boolean;
  /**
   * Route53 query logging of the hosted zones the environment creates, to a log group in us-east-1.
   * @default on in production, off in development
   */
  readonly dnsQueryLogging?: boolean;
  /**
   * Take every rule off the new VPC's default security group, so that nothing placed in it by mistake
   * can talk to anything.
   * @default true
   */
  readonly lockDefaultSecurityGroup?: boolean;
}

/** The hardening an environment applies: each measure decided, with its options. */
export interface Hardening {
  readonly accessLogs?: Required<AccessLogOptions>;
  readonly webAcl?: Required<WebAclOptions>;
  readonly flowLogs: boolean;
  readonly logEncryption: boolean;
  readonly parameterEncryption: boolean;
  readonly dnssec: boolean;
  readonly dnsQueryLogging: boolean;
  readonly lockDefaultSecurityGroup: boolean;
}

export const HARDENING_OPTION_KEYS: Record<keyof HardeningOptions, true> = {
  accessLogs: true, webAcl: true, flowLogs: true, logEncryption: true, parameterEncryption: true, dnssec: true,
  dnsQueryLogging: true, lockDefaultSecurityGroup: true,
};

const DEFAULT_ACCESS_LOG_EXPIRATION_DAYS = 90;
const DEFAULT_REQUESTS_PER_FIVE_MINUTES = 2000;

/** What `stage` turns on, with `options` overriding it measure by measure. */
export function resolveHardening(stage: Stage, options: HardeningOptions = {}): Hardening {
  const production = stage === "production";
  const choose = <T extends object>(option: boolean | T | undefined): T | undefined => {
    const on = option === undefined ? production : option !== false;
    return on ? (typeof option === "object" ? option : ({} as T)) : undefined;
  };
  const accessLogs = choose<AccessLogOptions>(options.accessLogs);
  const webAcl = choose<WebAclOptions>(options.webAcl);
  return {
    accessLogs: accessLogs && { expirationDays: accessLogs.expirationDays ?? DEFAULT_ACCESS_LOG_EXPIRATION_DAYS },
    webAcl: webAcl && {
      requestsPerFiveMinutes: webAcl.requestsPerFiveMinutes ?? DEFAULT_REQUESTS_PER_FIVE_MINUTES,
      countOnly: webAcl.countOnly ?? [],
    },
    flowLogs: options.flowLogs ?? production,
    logEncryption: options.logEncryption ?? production,
    parameterEncryption: options.parameterEncryption ?? production,
    dnssec: options.dnssec ?? production,
    dnsQueryLogging: options.dnsQueryLogging ?? production,
    lockDefaultSecurityGroup: options.lockDefaultSecurityGroup ?? true,
  };
}
