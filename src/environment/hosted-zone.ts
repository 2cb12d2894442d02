import { Construct } from "constructs";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { MAIN_RESOURCE_ID } from "../app/naming";

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

  constructor(scope: Construct, id: string, props: HostedZoneProps) {
    super(scope, id);
    this.zone = new Route53Zone(this, MAIN_RESOURCE_ID, {
      name: props.zoneName,
      comment: props.comment ?? "Managed by fargate-as-code",
    });
    this.zoneId = this.zone.zoneId;
    this.zoneName = props.zoneName;
    this.nameServers = this.zone.nameServers;
  }
}
