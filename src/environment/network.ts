import { Construct } from "constructs";
import { Fn } from "cdktf";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { formatCidr, parseCidr, subnetCidr } from "./cidr";
import { MAIN_RESOURCE_ID, providerRegion } from "../app/naming";
import { reportInvalid } from "../checks/validation";

/** Where the app runs: the public subnets hold the load balancer, the private ones the tasks. */
export interface INetwork {
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  /** Whether the public subnets have IPv6, so the load balancer can be dual-stack. */
  readonly ipv6: boolean;
}

/** A VPC and subnets that already exist. */
export interface ExistingNetworkProps {
  readonly vpcId: string;
  /** Subnets in two or more availability zones, routed to an internet gateway. */
  readonly publicSubnetIds: string[];
  /** Subnets in two or more availability zones, with outbound internet (a NAT) or VPC endpoints. */
  readonly privateSubnetIds: string[];
  /**
   * Whether the public subnets have IPv6 CIDR blocks.
   * @default false
   */
  readonly ipv6?: boolean;
}

export type NatGatewayStrategy = "one-per-az" | "single";

export interface NetworkProps {
  /** Name put in the `Name` tag of every resource. */
  readonly name: string;
  /**
   * IPv4 range of the VPC. Each subnet gets a sixteenth of it.
   * @default "10.0.0.0/16"
   */
  readonly cidrBlock?: string;
  /**
   * Availability zones to spread the subnets over; two or more.
   * @default the first two zones of the provider's region (`<region>a`, `<region>b`)
   */
  readonly availabilityZones?: string[];
  /**
   * NAT gateways for the private subnets' outbound traffic: one per zone, so losing a zone does not cut
   * the others off, or a single one that costs less.
   * @default "one-per-az"
   */
  readonly natGateways?: NatGatewayStrategy;
  /**
   * Give the VPC and the public subnets IPv6 ranges, so the load balancer answers on IPv6 too.
   * @default true
   */
  readonly ipv6?: boolean;
}

const DEFAULT_CIDR = "10.0.0.0/16";
/** Each subnet is a sixteenth of the VPC; private subnets start in the upper half. */
const SUBNET_NEW_BITS = 4;
const PRIVATE_SUBNET_OFFSET = 8;
/** Regions whose second zone is not `b` in most accounts. */
const ZONE_SUFFIXES: Record<string, string[]> = {
  "ap-northeast-1": ["a", "c"],
  "us-west-1": ["a", "c"],
};

/**
 * A VPC across availability zones: public subnets routed to an internet gateway, private subnets routed
 * through NAT gateways. What the article's network module did, as one construct with safe defaults.
 */
export class Network extends Construct implements INetwork {
  /** A network that already exists, for apps that go into a shared VPC. */
  static fromExisting(props: ExistingNetworkProps): INetwork {
    return { ipv6: false, ...props };
  }

  /** What is wrong with a network a load-balanced service cannot use; empty when it can. */
  static problems(network: INetwork): string[] {
    return (["publicSubnetIds", "privateSubnetIds"] as const)
      .filter((field) => network[field].length < 2)
      .map(
        (field) =>
          `network.${field}: ${network[field].length} subnet(s); an ALB and a service spread over zones need subnets in two or more availability zones. Fix: list one subnet per zone, in at least two zones`,
      );
  }

  public readonly vpcId: string;
  public readonly vpc: Vpc;
  public readonly publicSubnetIds: string[];
  public readonly privateSubnetIds: string[];
  public readonly natGatewayIds: string[];
  public readonly availabilityZones: string[];
  public readonly ipv6: boolean;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.ipv6 = props.ipv6 ?? true;
    const zones = props.availabilityZones ?? this.defaultZones();
    this.availabilityZones = zones ?? [];
    if (this.availabilityZones.length > PRIVATE_SUBNET_OFFSET) {
      reportInvalid(this, {
        field: "availabilityZones",
        value: this.availabilityZones,
        allowed: `the VPC is split into public and private halves of ${PRIVATE_SUBNET_OFFSET} subnets each`,
        fix: `list ${PRIVATE_SUBNET_OFFSET} zones or fewer`,
      });
      this.availabilityZones = this.availabilityZones.slice(0, PRIVATE_SUBNET_OFFSET);
    }
    const region = providerRegion(this);
    const foreign = props.availabilityZones?.filter((zone) => !(region ? new RegExp(`^${region}[a-z]$`) : /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/).test(zone));
    if (foreign?.length) {
      reportInvalid(this, {
        field: "availabilityZones",
        value: foreign,
        allowed: region
          ? `zones of the stack's region ${region}: ${region} followed by one letter`
          : "zone names such as eu-west-1a: a region followed by one letter",
        fix: region ? `use zones such as ${region}a and ${region}b` : "give the zones' names, not their ids (euw1-az1)",
      });
    }
    const repeated = zones?.filter((zone, index) => zones.findIndex((other) => other.slice(-1) === zone.slice(-1)) !== index);
    if (repeated?.length) {
      reportInvalid(this, {
        field: "availabilityZones",
        value: zones,
        allowed: "each zone once (subnets are named after the zone's letter)",
        fix: `remove the repeated ${repeated.join(", ")}`,
      });
      this.availabilityZones = [...new Map(this.availabilityZones.map((zone) => [zone.slice(-1), zone])).values()];
    }
    if (zones && zones.length < 2) {
      reportInvalid(this, {
        field: "availabilityZones",
        value: this.availabilityZones,
        allowed: "a load balancer needs subnets in at least two availability zones",
        fix: "list two or more zones of the region, e.g. [\"eu-west-1a\", \"eu-west-1b\"]",
      });
    }
    const cidrBlock = props.cidrBlock ?? DEFAULT_CIDR;
    let cidr = parseCidr(cidrBlock);
    if (!cidr || cidr.prefixLength < 16 || cidr.prefixLength > 24) {
      reportInvalid(this, {
        field: "cidrBlock",
        value: cidrBlock,
        allowed: "an IPv4 network block from /16 to /24, such as \"10.0.0.0/16\"",
        fix: "give the first address of the block and its prefix length",
      });
      cidr = parseCidr(DEFAULT_CIDR)!;
    }
    const nameTag = (suffix: string) => ({ Name: `${props.name}-${suffix}` });

    this.vpc = new Vpc(this, MAIN_RESOURCE_ID, {
      cidrBlock: formatCidr(cidr),
      enableDnsHostnames: true,
      enableDnsSupport: true,
      assignGeneratedIpv6CidrBlock: this.ipv6,
      tags: nameTag("vpc"),
    });
    this.vpcId = this.vpc.id;
    const internetGateway = new InternetGateway(this, "internet_gateway", {
      vpcId: this.vpc.id,
      tags: nameTag("igw"),
    });

    const publicRoutes = new RouteTable(this, "public_route_table", {
      vpcId: this.vpc.id,
      route: [
        { cidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id },
        ...(this.ipv6 ? [{ ipv6CidrBlock: "::/0", gatewayId: internetGateway.id }] : []),
      ],
      tags: nameTag("public"),
    });

    const singleNat = props.natGateways === "single";
    this.publicSubnetIds = [];
    this.privateSubnetIds = [];
    this.natGatewayIds = [];
    this.availabilityZones.forEach((zone, index) => {
      const zoneId = zone.slice(-1);
      const publicSubnet = new Subnet(this, `public_subnet_${zoneId}`, {
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: formatCidr(subnetCidr(cidr!, SUBNET_NEW_BITS, index)),
        ...(this.ipv6
          ? { ipv6CidrBlock: Fn.cidrsubnet(this.vpc.ipv6CidrBlock, 8, index), assignIpv6AddressOnCreation: true }
          : {}),
        tags: { ...nameTag(`public-${zone}`), Tier: "public" },
      });
      new RouteTableAssociation(this, `public_route_table_association_${zoneId}`, {
        subnetId: publicSubnet.id,
        routeTableId: publicRoutes.id,
      });
      this.publicSubnetIds.push(publicSubnet.id);

      if (!singleNat || index === 0) {
        const natAddress = new Eip(this, `nat_eip_${zoneId}`, { domain: "vpc", tags: nameTag(`nat-${zone}`) });
        const nat = new NatGateway(this, `nat_gateway_${zoneId}`, {
          allocationId: natAddress.allocationId,
          subnetId: publicSubnet.id,
          tags: nameTag(`nat-${zone}`),
          dependsOn: [internetGateway],
        });
        this.natGatewayIds.push(nat.id);
      }
      const privateSubnet = new Subnet(this, `private_subnet_${zoneId}`, {
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: formatCidr(subnetCidr(cidr!, SUBNET_NEW_BITS, PRIVATE_SUBNET_OFFSET + index)),
        tags: { ...nameTag(`private-${zone}`), Tier: "private" },
      });
      const privateRoutes = new RouteTable(this, `private_route_table_${zoneId}`, {
        vpcId: this.vpc.id,
        route: [{ cidrBlock: "0.0.0.0/0", natGatewayId: this.natGatewayIds[this.natGatewayIds.length - 1] }],
        tags: nameTag(`private-${zone}`),
      });
      new RouteTableAssociation(this, `private_route_table_association_${zoneId}`, {
        subnetId: privateSubnet.id,
        routeTableId: privateRoutes.id,
      });
      this.privateSubnetIds.push(privateSubnet.id);
    });
  }

  private defaultZones(): string[] | undefined {
    const region = providerRegion(this);
    if (!region) {
      reportInvalid(this, {
        field: "availabilityZones",
        allowed: "zones are derived from the AWS provider's region, and this stack's provider has no literal region",
        fix: "set `availabilityZones`, or give the AwsProvider a `region`",
      });
      return undefined;
    }
    return (ZONE_SUFFIXES[region] ?? ["a", "b"]).map((suffix) => `${region}${suffix}`);
  }
}
