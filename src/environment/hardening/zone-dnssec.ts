import { Construct } from "constructs";
import { Fn } from "cdktf";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Route53HostedZoneDnssec } from "@cdktf/provider-aws/lib/route53-hosted-zone-dnssec";
import { Route53KeySigningKey } from "@cdktf/provider-aws/lib/route53-key-signing-key";
import { MAIN_RESOURCE_ID } from "../../app/naming";
import { US_EAST_1, usEast1Provider } from "../../app/us-east-1-provider";
import { KEY_DELETION_WINDOW_DAYS, accountAdministersKey } from "./encryption-key";
import type { IHostedZone } from "../hosted-zone";

export interface ZoneDnssecProps {
  /** The zone to sign. */
  readonly zone: IHostedZone;
  /** The account the zone is in: its root administers the key, and only its zones may use it. */
  readonly accountId: string;
}

const DNSSEC_SERVICE = "dnssec-route53.amazonaws.com";

/**
 * DNSSEC signing of a hosted zone: an asymmetric KMS key (ECC_NIST_P256, sign and verify, in us-east-1, not
 * rotated: KMS rotates only symmetric keys), the zone's key-signing key on it, and signing turned on
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-configuring-dnssec-cmk-requirements.html).
 *
 * Signing alone proves nothing to resolvers: the chain of trust needs the DS record (`dsRecord`) at the
 * domain's registrar. Give it only after the registrar has the zone's name servers. To turn DNSSEC off later,
 * remove the DS record at the registrar first and wait for its TTL to pass before the apply that stops signing:
 * resolvers that still hold a DS for an unsigned zone fail every lookup of the domain
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-configuring-dnssec-disable.html).
 */
export class ZoneDnssec extends Construct {
  public readonly key: KmsKey;
  public readonly keySigningKey: Route53KeySigningKey;
  public readonly signing: Route53HostedZoneDnssec;
  /** The DS record to give the domain's registrar (known after apply). */
  public readonly dsRecord: string;

  constructor(scope: Construct, id: string, props: ZoneDnssecProps) {
    super(scope, id);
    const provider = usEast1Provider(this);
    // The key policy AWS documents for DNSSEC, the service limited to this account's hosted zones (confused deputy).
    const dnssecService = { Effect: "Allow", Principal: { Service: DNSSEC_SERVICE }, Resource: "*" };
    this.key = new KmsKey(this, "key", {
      description: `DNSSEC key-signing key of ${props.zone.zoneName}`,
      customerMasterKeySpec: "ECC_NIST_P256",
      keyUsage: "SIGN_VERIFY",
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          accountAdministersKey(props.accountId, US_EAST_1),
          {
            Sid: "Route53DnssecSigns",
            ...dnssecService,
            Action: ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"],
            Condition: {
              StringEquals: { "aws:SourceAccount": props.accountId },
              ArnLike: { "aws:SourceArn": "arn:aws:route53:::hostedzone/*" },
            },
          },
          {
            Sid: "Route53DnssecCreatesGrants",
            ...dnssecService,
            Action: "kms:CreateGrant",
            Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
          },
        ],
      }),
      provider,
    });
    this.keySigningKey = new Route53KeySigningKey(this, MAIN_RESOURCE_ID, {
      hostedZoneId: props.zone.zoneId,
      keyManagementServiceArn: this.key.arn,
      // Unique within the zone; a rotation adds a second key beside it.
      name: "primary",
      status: "ACTIVE",
    });
    // Signing needs an active key-signing key, which the zone id alone does not wait for.
    this.signing = new Route53HostedZoneDnssec(this, "signing", {
      hostedZoneId: props.zone.zoneId,
      dependsOn: [this.keySigningKey],
    });
    this.dsRecord = this.keySigningKey.dsRecord;
  }
}
