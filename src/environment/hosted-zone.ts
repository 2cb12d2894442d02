import { Construct } from "constructs";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { MAIN_RESOURCE_ID } from "../app/naming";
import { ZoneDnssec, ZoneDnssecProps } from "./hardening/zone-dnssec";
import { ZoneQueryLogging, ZoneQueryLoggingProps } from "./hardening/zone-query-logging";

export interface IHostedZone {
  readonly zoneId: string;
  /** The zone's domain, e.g. `example.com`. */
  readonly zoneName: string;
}

export interface HostedZoneProps {
  /** The zone's domain, e.g. `example.com`. */
  readonly zoneName: string;
  /**
   * Shown in the Route53 console.
   * @default "Managed by fargate-as-code"
   */
  readonly comment?: string;
  /**
   * Sign the zone with DNSSEC (see `ZoneDnssec`: its DS record goes to the registrar, and turning signing off
   * takes the DS record away there first).
   * @default not signed
   */
  readonly dnssec?: Omit<ZoneDnssecProps, "zone">;
  /**
   * Log the zone's DNS queries to `/aws/route53/<zone>` in us-east-1 (see `ZoneQueryLogging`).
   * @default not logged
   */
  readonly queryLogging?: Omit<ZoneQueryLoggingProps, "zone">;
}

/**
 * A public Route53 hosted zone. After the first apply, point the domain's registrar at `nameServers`:
 * until then neither the app's name nor the certificate's DNS validation resolve.
 */
export class HostedZone extends Construct implements IHostedZone {
  /** A zone that already exists, by ID and name. */
  static fromExisting(zone: IHostedZone): IHostedZone {
    return { zoneId: zone.zoneId, zoneName: zone.zoneName };
  }

  public readonly zone: Route53Zone;
  public readonly zoneId: string;
  public readonly zoneName: string;
  public readonly nameServers: string[];
  /** The zone's DNSSEC signing, when `dnssec` is given. */
  public readonly dnssec?: ZoneDnssec;
  public readonly queryLogging?: ZoneQueryLogging;

  constructor(scope: Construct, id: string, props: HostedZoneProps) {
    super(scope, id);
    this.zone = new Route53Zone(this, MAIN_RESOURCE_ID, {
      name: props.zoneName,
      comment: props.comment ?? "Managed by fargate-as-code",
    });
    this.zoneId = this.zone.zoneId;
    this.zoneName = props.zoneName;
    this.nameServers = this.zone.nameServers;
    this.dnssec = props.dnssec && new ZoneDnssec(this, "dnssec", { ...props.dnssec, zone: this });
    this.queryLogging = props.queryLogging && new ZoneQueryLogging(this, "query_log", { ...props.queryLogging, zone: this });
  }
}
