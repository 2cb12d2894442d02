import { Construct } from "constructs";
import { TerraformIterator, Token } from "cdktf";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { IHostedZone } from "./hosted-zone";
import { MAIN_RESOURCE_ID } from "../app/naming";
import { reportInvalid } from "../checks/validation";

export interface ICertificate {
  /** ARN of an issued certificate. */
  readonly certificateArn: string;
}

export interface CertificateProps {
  /** The name the certificate is for, e.g. `app.example.com`. */
  readonly domainName: string;
  /**
   * More names it covers (subject alternative names), e.g. `www.example.com` or `*.example.com`.
   * @default none
   */
  readonly alternativeNames?: string[];
  /** The zone the DNS validation records go in, or the zone of each name (the longest zone name it ends in). */
  readonly zone: IHostedZone | IHostedZone[];
  /**
   * Also cover `*.<domainName>`.
   * @default false
   */
  readonly wildcard?: boolean;
}

/** ACM's limit on the names of one certificate: https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html */
const MAX_NAMES_PER_CERTIFICATE = 10;

/**
 * An ACM certificate validated through DNS records in the hosted zones. Its `certificateArn` is that of
 * the validation, so a listener that uses it waits until the certificate is issued.
 *
 * The validation records are keyed by the names declared here, which are known when Terraform plans, not by
 * ACM's `domain_validation_options`, which are only known after the certificate exists: a first plan of a
 * certificate with several names or a wildcard then works. ACM gives a name and its wildcard (`x` and
 * `*.x`) the same record, so they share one.
 */
export class Certificate extends Construct implements ICertificate {
  /** A certificate that exists already (issued, in the load balancer's region). */
  static fromArn(certificateArn: string): ICertificate {
    return { certificateArn };
  }

  public readonly certificate: AcmCertificate;
  public readonly certificateArn: string;
  /** Every name the certificate covers, as given to ACM. */
  public readonly domainNames: string[];

  constructor(scope: Construct, id: string, props: CertificateProps) {
    super(scope, id);
    const names = [props.domainName, ...(props.alternativeNames ?? [])];
    if (props.wildcard) names.push(`*.${props.domainName}`);
    this.domainNames = [...new Set(names)];
    if (this.domainNames.length > MAX_NAMES_PER_CERTIFICATE) {
      reportInvalid(this, {
        field: "alternativeNames",
        value: this.domainNames,
        allowed: `an ACM certificate covers at most ${MAX_NAMES_PER_CERTIFICATE} names by default (https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html)`,
        fix: "split the names over several services or certificates, or cover them with a wildcard",
      });
    }
    this.certificate = new AcmCertificate(this, MAIN_RESOURCE_ID, {
      domainName: props.domainName,
      subjectAlternativeNames: this.domainNames.length > 1 ? this.domainNames.slice(1) : undefined,
      validationMethod: "DNS",
      lifecycle: { createBeforeDestroy: true },
    });

    const zones = Array.isArray(props.zone) ? props.zone : [props.zone];
    const records: Record<string, { domain: string; zone_id: string }> = {};
    for (const name of this.domainNames) {
      const key = name.replace(/^\*\./, "");
      const zone = zoneOf(key, zones);
      if (!zone) {
        reportInvalid(this, {
          field: "domainName",
          value: name,
          allowed: `its validation record goes in a hosted zone it belongs to, and the zones are ${zones.map((z) => z.zoneName).join(", ")}`,
          fix: "add the zone that holds this name",
        });
        continue;
      }
      records[key] ??= { domain: name, zone_id: zone.zoneId };
    }
    const options = `{ for option in ${this.certificate.fqn}.domain_validation_options : option.domain_name => option }`;
    const record = (attribute: string) => `\${${options}[each.value.domain].${attribute}}`;
    const validationNames = TerraformIterator.fromMap(records);
    const validationRecords = new Route53Record(this, "validation", {
      forEach: validationNames,
      zoneId: validationNames.getString("zone_id"),
      name: record("resource_record_name"),
      type: record("resource_record_type"),
      records: [record("resource_record_value")],
      ttl: 60,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, "issued", {
      certificateArn: this.certificate.arn,
      validationRecordFqdns: Token.asList(TerraformIterator.fromResources(validationRecords).pluckProperty("fqdn")),
    });
    this.certificateArn = validation.certificateArn;
  }
}

/** The zone a DNS name goes in: the one with the longest name it equals or ends in. */
export function zoneOf<T extends IHostedZone>(name: string, zones: T[]): T | undefined {
  const normalized = name.replace(/\.$/, "");
  return zones
    .filter((zone) => {
      const zoneName = zone.zoneName.replace(/\.$/, "");
      return normalized === zoneName || normalized.endsWith(`.${zoneName}`);
    })
    .sort((a, b) => b.zoneName.length - a.zoneName.length)[0];
}
