import { Construct } from "constructs";
import { TerraformIterator, Token } from "cdktf";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { IHostedZone } from "./hosted-zone";
import { MAIN_RESOURCE_ID } from "../app/naming";

export interface ICertificate {
  /** ARN of an issued certificate. */
  readonly certificateArn: string;
}

export interface CertificateProps {
  /** The name the certificate is for, e.g. `app.example.com`. */
  readonly domainName: string;
  /** The zone the DNS validation records go in. */
  readonly zone: IHostedZone;
  /**
   * Also cover `*.<domainName>`.
   * @default false
   */
  readonly wildcard?: boolean;
}

/**
 * An ACM certificate validated through DNS records in the hosted zone. Its `certificateArn` is that of
 * the validation, so a listener that uses it waits until the certificate is issued.
 */
export class Certificate extends Construct implements ICertificate {
  /** A certificate that exists already (issued, in the load balancer's region). */
  static fromArn(certificateArn: string): ICertificate {
    return { certificateArn };
  }

  public readonly certificate: AcmCertificate;
  public readonly certificateArn: string;

  constructor(scope: Construct, id: string, props: CertificateProps) {
    super(scope, id);
    this.certificate = new AcmCertificate(this, MAIN_RESOURCE_ID, {
      domainName: props.domainName,
      subjectAlternativeNames: props.wildcard ? [`*.${props.domainName}`] : undefined,
      validationMethod: "DNS",
      lifecycle: { createBeforeDestroy: true },
    });
    // One record per name to validate; a name and its wildcard share a record, hence allow_overwrite.
    const validationOptions = TerraformIterator.fromComplexList(
      this.certificate.domainValidationOptions,
      "domain_name",
    );
    const validationRecords = new Route53Record(this, "validation", {
      forEach: validationOptions,
      zoneId: props.zone.zoneId,
      name: validationOptions.getString("resource_record_name"),
      type: validationOptions.getString("resource_record_type"),
      records: [validationOptions.getString("resource_record_value")],
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
