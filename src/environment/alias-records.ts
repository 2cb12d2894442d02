import { Construct } from "constructs";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { IHostedZone } from "./hosted-zone";

/** Where an alias record points: a load balancer, CloudFront distribution… */
export interface AliasTarget {
  readonly dnsName: string;
  readonly zoneId: string;
}

export interface AliasRecordsProps {
  readonly zone: IHostedZone;
  /** Full name of the records, e.g. `app.example.com`. */
  readonly recordName: string;
  readonly target: AliasTarget;
  /**
   * Also create the AAAA record; set it when the target answers on IPv6 (a dual-stack load balancer).
   * @default true
   */
  readonly ipv6?: boolean;
}

/** Alias A (and AAAA) records for a name, so it resolves to the target without a CNAME or fixed addresses. */
export class AliasRecords extends Construct {
  public readonly fqdn: string;

  constructor(scope: Construct, id: string, props: AliasRecordsProps) {
    super(scope, id);
    const types = props.ipv6 === false ? ["A"] : ["A", "AAAA"];
    const records = types.map(
      (type) =>
        new Route53Record(this, type.toLowerCase(), {
          zoneId: props.zone.zoneId,
          name: props.recordName,
          type,
          alias: { name: props.target.dnsName, zoneId: props.target.zoneId, evaluateTargetHealth: true },
        }),
    );
    this.fqdn = records[0].fqdn;
  }
}
