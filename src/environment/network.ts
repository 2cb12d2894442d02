import { Construct } from "constructs";
import { Annotations, Fn, ITerraformDependable } from "cdktf";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
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
  /**
   * Subnets the tasks run in (services, scheduled and one-off tasks).
   * @default privateSubnetIds
   */
  readonly taskSubnetIds?: string[];
  /**
   * Whether the tasks get a public IPv4 address: only in subnets routed to an internet gateway.
   * @default false
   */
  readonly assignPublicIp?: boolean;
}

/** Where a network's tasks run: its `taskSubnetIds` (else the private subnets), with a public IP or not. */
export function taskPlacement(network: INetwork): { subnets: string[]; assignPublicIp: boolean } {
  return { subnets: network.taskSubnetIds ?? network.privateSubnetIds, assignPublicIp: network.assignPublicIp ?? false };
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
  /**
   * Subnets the tasks run in: public ones with `assignPublicIp: true` when the VPC has no NAT.
   * @default privateSubnetIds
   */
  readonly taskSubnetIds?: string[];
  /**
   * Give each task a public IPv4 address (tasks in public subnets with no NAT need one to pull images).
   * @default false
   */
  readonly assignPublicIp?: boolean;
}

/** The earlier name of the NAT gateway choices: `"one-per-az"` is egress `"nat-gateway-per-az"`, `"single"` is `"nat-gateway"`. */
export type NatGatewayStrategy = "one-per-az" | "single";

/**
 * How the tasks reach the internet and AWS's APIs (ECR for images, SSM and Secrets Manager for secrets,
 * CloudWatch Logs): a Fargate task needs one of a NAT, a public IP or VPC endpoints
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html).
 */
export type Egress = "nat-gateway-per-az" | "nat-gateway" | "nat-instance-per-az" | "nat-instance" | "none";
export const EGRESS_CHOICES: readonly Egress[] = ["nat-gateway-per-az", "nat-gateway", "nat-instance-per-az", "nat-instance", "none"];

/** The interface endpoints a Fargate task may use instead of the internet, by their service name's last part. */
export type InterfaceEndpointName = "ecr.api" | "ecr.dkr" | "logs" | "ssm" | "secretsmanager";
export const INTERFACE_ENDPOINTS: readonly InterfaceEndpointName[] = ["ecr.api", "ecr.dkr", "logs", "ssm", "secretsmanager"];

/** The NAT instances of `egress: "nat-instance"` / `"nat-instance-per-az"`. */
export interface NatInstanceOptions {
  /**
   * The instance's image: an Amazon Linux 2023 AMI of the instance type's architecture (arm64 for the
   * Graviton default), in the stack's region. Given as an id so that the plan needs no AWS lookup; the
   * current one is `aws ssm get-parameter --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64 --query Parameter.Value`.
   * Changing it replaces the instances (the new one is up before the old one goes).
   */
  readonly imageId: string;
  /**
   * A small Graviton instance: `t4g.nano` forwards up to 5 Gbps in bursts, a baseline of a few hundred
   * Mbps; choose `t4g.micro` or larger for sustained traffic.
   * @default "t4g.nano"
   */
  readonly instanceType?: string;
  /**
   * Size of its encrypted gp3 root volume, at least the image's (8 GiB for Amazon Linux 2023).
   * @default 8
   */
  readonly rootVolumeGiB?: number;
}

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
   * the others off, or a single one that costs less. The earlier name of `egress`'s NAT gateway choices.
   * @default "one-per-az"
   */
  readonly natGateways?: NatGatewayStrategy;
  /**
   * How the tasks reach the internet and AWS's APIs. Monthly figures: eu-west-1 list prices, two zones
   * (`npm run review` prices your plan; README "Egress choices" has the whole app's).
   *
   * - `"nat-gateway-per-az"`: a managed NAT gateway and its Elastic IP in each zone, about $77 a month plus
   *   $0.048 per GB through it. Scales to 100 Gbps with nothing to run; a zone's outage cuts off only that
   *   zone. Tasks reach anything on the internet from fixed addresses (allow-listable). A security reviewer
   *   expects it: tasks are in private subnets, nothing on the internet can open a connection to them.
   * - `"nat-gateway"`: one NAT gateway, about $39 plus the same per GB, and cross-zone data ($0.01 per GB
   *   each way) from the other zones. When its zone fails, new tasks in every zone cannot pull images,
   *   read secrets or ship logs until it is back.
   * - `"nat-instance-per-az"`: a small Graviton EC2 instance per zone (`natInstance`) doing the NAT with
   *   iptables, about $15 for two t4g.nano with their public IPv4 and root volumes, no per-GB charge. You
   *   own it: its image (patches come with a new `imageId`), its throughput (a t4g.nano bursts to 5 Gbps,
   *   sustains far less), and its failures (EC2 recovers it from a host failure; until then its zone's
   *   tasks have no egress). The reviewer sees an instance with a public IP, no SSH key, IMDSv2 only and
   *   a security group admitting only the private subnets.
   * - `"nat-instance"`: one such instance, about $8: the cheapest NAT, a single point of failure for
   *   every zone's egress.
   * - `"none"`: no NAT at all. By default the tasks then run in the public subnets with a public IPv4
   *   each ($3.65 a month per running task), as Copilot's default does: no NAT cost, egress to anything,
   *   but from changing addresses (not allow-listable). The tasks are addressable from the internet, so
   *   only their security group stands between: it admits the load balancer (and declared callers) on
   *   the container port and nothing else, which is what a reviewer will check. With
   *   `taskSubnets: "private"` and `interfaceEndpoints`, the tasks instead have no internet at all and
   *   reach only ECR (images in this region's private ECR only), S3, CloudWatch Logs, SSM and Secrets
   *   Manager through the endpoints: the most private choice, and not a cheap one (five endpoints in
   *   two zones are about $80 a month).
   *
   * The S3 gateway endpoint (free) is on the private subnets' route tables whatever the choice, so image
   * layers from ECR (stored in S3) and other S3 traffic skip the NAT and its per-GB charge.
   *
   * IPv6 egress through an egress-only internet gateway is not offered: it carries only a dual-stack
   * task's own IPv6 traffic, while Fargate pulls images and secrets and ships logs over IPv4, so it
   * replaces none of the above (aws/containers-roadmap issues 2792 and 2641, open).
   * @default natGateways' choice, else "nat-gateway-per-az"
   */
  readonly egress?: Egress;
  /**
   * The NAT instances' image, type and root volume; required with `egress: "nat-instance"` or `"nat-instance-per-az"`.
   * @default none
   */
  readonly natInstance?: NatInstanceOptions;
  /**
   * Where the tasks run: `"private"` subnets, or `"public"` subnets with a public IPv4 each.
   * @default "public" with `egress: "none"`, else "private"
   */
  readonly taskSubnets?: "private" | "public";
  /**
   * Interface VPC endpoints in the private subnets, with private DNS, so that the tasks reach these AWS
   * APIs without the internet: `true` for all five (`ecr.api` and `ecr.dkr` to pull private ECR images,
   * `logs` for the awslogs driver, `ssm` and `secretsmanager` for secrets), or a list of them. Each is
   * billed per zone and hour (about $8 a month per endpoint and zone) and per GB; a security group
   * admits HTTPS from the VPC. Worth it to keep that traffic off the internet, or where the NAT's per-GB
   * charge on it exceeds their hours.
   * @default false
   */
  readonly interfaceEndpoints?: boolean | InterfaceEndpointName[];
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
const AMI_ID = /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const DEFAULT_NAT_INSTANCE_TYPE = "t4g.nano";
const DEFAULT_NAT_ROOT_GIB = 8;

/**
 * What a NAT instance runs at first boot (Amazon Linux 2023): IPv4 forwarding on, the VPC's traffic
 * masqueraded behind the instance's address, the default REJECT of forwarded packets dropped, all kept
 * across reboots: the steps of https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html.
 */
export function natUserData(vpcCidr: string): string {
  return [
    "#!/bin/bash",
    "set -euxo pipefail",
    "dnf install -y iptables-services",
    "systemctl enable --now iptables",
    'echo "net.ipv4.ip_forward = 1" > /etc/sysctl.d/90-nat.conf',
    "sysctl --system",
    "iface=$(ip -o route show default | awk '{print $5; exit}')",
    `iptables -t nat -A POSTROUTING -o "$iface" -s ${vpcCidr} -j MASQUERADE`,
    "iptables -F FORWARD",
    "service iptables save",
    "",
  ].join("\n");
}

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
  /** The NAT instances, with `egress: "nat-instance"` or `"nat-instance-per-az"`. */
  public readonly natInstances: Instance[] = [];
  public readonly availabilityZones: string[];
  public readonly ipv6: boolean;
  /** How the tasks reach the internet and AWS's APIs. */
  public readonly egress: Egress;
  public readonly taskSubnetIds: string[];
  public readonly assignPublicIp: boolean;
  /** The S3 gateway endpoint on the private route tables (free). */
  public readonly s3Endpoint?: VpcEndpoint;
  /** The interface endpoints, by service (`ecr.api`...). */
  public readonly interfaceEndpoints: Partial<Record<InterfaceEndpointName, VpcEndpoint>> = {};

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

    this.egress = this.egressChoice(props);
    const taskSubnets = this.taskSubnetsChoice(props);
    const endpointNames = this.interfaceEndpointNames(props, taskSubnets);
    const natInstance = this.natInstanceOptions(props);
    const natGatewayZones = this.egress === "nat-gateway-per-az" ? "each" : this.egress === "nat-gateway" ? "first" : "none";
    const natInstanceZones = this.egress === "nat-instance-per-az" ? "each" : this.egress === "nat-instance" ? "first" : "none";
    const natInstanceSecurityGroup = natInstance && this.natInstanceSecurityGroup(props.name);
    this.publicSubnetIds = [];
    this.privateSubnetIds = [];
    this.natGatewayIds = [];
    const privateRouteTables: RouteTable[] = [];
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
      const publicAssociation = new RouteTableAssociation(this, `public_route_table_association_${zoneId}`, {
        subnetId: publicSubnet.id,
        routeTableId: publicRoutes.id,
      });
      this.publicSubnetIds.push(publicSubnet.id);

      if (natGatewayZones === "each" || (natGatewayZones === "first" && index === 0)) {
        const natAddress = new Eip(this, `nat_eip_${zoneId}`, { domain: "vpc", tags: nameTag(`nat-${zone}`) });
        const nat = new NatGateway(this, `nat_gateway_${zoneId}`, {
          allocationId: natAddress.allocationId,
          subnetId: publicSubnet.id,
          tags: nameTag(`nat-${zone}`),
          dependsOn: [internetGateway],
        });
        this.natGatewayIds.push(nat.id);
      }
      const privateCidr = formatCidr(subnetCidr(cidr!, SUBNET_NEW_BITS, PRIVATE_SUBNET_OFFSET + index));
      if (natInstance && natInstanceSecurityGroup) {
        new VpcSecurityGroupIngressRule(this, `nat_instance_ingress_${zoneId}`, {
          securityGroupId: natInstanceSecurityGroup.id,
          description: `All traffic from the private subnet of ${zone}`,
          ipProtocol: "-1",
          cidrIpv4: privateCidr,
        });
        if (natInstanceZones === "each" || index === 0) {
          // Its first boot installs iptables: the subnet must route to the internet gateway by then.
          const routed = [internetGateway, publicAssociation];
          this.natInstances.push(this.newNatInstance(zoneId, zone, publicSubnet, natInstanceSecurityGroup, natInstance, formatCidr(cidr!), props.name, routed));
        }
      }
      const privateSubnet = new Subnet(this, `private_subnet_${zoneId}`, {
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: privateCidr,
        tags: { ...nameTag(`private-${zone}`), Tier: "private" },
      });
      const natInstanceHere = this.natInstances[this.natInstances.length - 1];
      const privateRoutes = new RouteTable(this, `private_route_table_${zoneId}`, {
        vpcId: this.vpc.id,
        route: this.natGatewayIds.length
          ? [{ cidrBlock: "0.0.0.0/0", natGatewayId: this.natGatewayIds[this.natGatewayIds.length - 1] }]
          : natInstanceHere
            ? [{ cidrBlock: "0.0.0.0/0", networkInterfaceId: natInstanceHere.primaryNetworkInterfaceId }]
            : [],
        tags: nameTag(`private-${zone}`),
      });
      privateRouteTables.push(privateRoutes);
      new RouteTableAssociation(this, `private_route_table_association_${zoneId}`, {
        subnetId: privateSubnet.id,
        routeTableId: privateRoutes.id,
      });
      this.privateSubnetIds.push(privateSubnet.id);
    });
    this.taskSubnetIds = taskSubnets === "public" ? this.publicSubnetIds : this.privateSubnetIds;
    this.assignPublicIp = taskSubnets === "public";

    // Endpoints name their service by region: the provider's, or the zones'.
    const endpointRegion = region ?? this.availabilityZones[0]?.slice(0, -1);
    if (endpointRegion && privateRouteTables.length) {
      this.s3Endpoint = new VpcEndpoint(this, "s3_endpoint", {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${endpointRegion}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: privateRouteTables.map((table) => table.id),
        tags: nameTag("s3"),
      });
    }
    if (endpointRegion && endpointNames.length) this.newInterfaceEndpoints(props.name, endpointRegion, endpointNames, formatCidr(cidr));
  }

  /** `egress`, or what `natGateways` (its earlier name) says; a conflict between them is reported. */
  private egressChoice(props: NetworkProps): Egress {
    const fromNatGateways: Record<NatGatewayStrategy, Egress> = { "one-per-az": "nat-gateway-per-az", single: "nat-gateway" };
    if (props.natGateways !== undefined && !(props.natGateways in fromNatGateways)) {
      reportInvalid(this, {
        field: "natGateways",
        value: props.natGateways,
        allowed: '"one-per-az" or "single"',
        fix: 'use egress instead, e.g. egress: "nat-gateway"',
      });
    }
    if (props.egress !== undefined && !EGRESS_CHOICES.includes(props.egress)) {
      reportInvalid(this, {
        field: "egress",
        value: props.egress,
        allowed: `one of ${EGRESS_CHOICES.map((choice) => JSON.stringify(choice)).join(", ")}: a Fargate task reaches ECR, its secrets and its logs through a NAT, a public IP or VPC endpoints (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html)`,
        fix: 'pick one; "nat-gateway-per-az" is the default',
      });
      return "nat-gateway-per-az";
    }
    const legacy = props.natGateways && fromNatGateways[props.natGateways];
    if (props.egress && legacy && props.egress !== legacy) {
      reportInvalid(this, {
        field: "natGateways",
        value: props.natGateways,
        allowed: `natGateways is the earlier name of egress's NAT gateway choices, and "${props.natGateways}" means egress "${legacy}", not "${props.egress}"`,
        fix: "remove natGateways and keep egress",
      });
    }
    return props.egress ?? legacy ?? "nat-gateway-per-az";
  }

  private taskSubnetsChoice(props: NetworkProps): "private" | "public" {
    const choice = props.taskSubnets ?? (this.egress === "none" ? "public" : "private");
    if (choice !== "private" && choice !== "public") {
      reportInvalid(this, {
        field: "taskSubnets",
        value: choice,
        allowed: '"private" or "public"',
        fix: 'leave it unset: "public" with egress "none", else "private"',
      });
      return "private";
    }
    if (choice === "public" && this.egress !== "none") {
      Annotations.of(this).addWarning(
        `taskSubnets is "public" with egress "${this.egress}": the tasks get public IPs and do not use the NAT, which is still paid for. Fix: egress "none", unless something else in the private subnets needs the NAT`,
      );
    }
    return choice;
  }

  /** The interface endpoints asked for; tasks with no NAT and no public IP need those that reach ECR and the logs. */
  private interfaceEndpointNames(props: NetworkProps, taskSubnets: "private" | "public"): InterfaceEndpointName[] {
    const asked = props.interfaceEndpoints === true ? [...INTERFACE_ENDPOINTS] : props.interfaceEndpoints || [];
    const unknown = asked.filter((name) => !INTERFACE_ENDPOINTS.includes(name));
    if (!Array.isArray(asked) || unknown.length) {
      reportInvalid(this, {
        field: "interfaceEndpoints",
        value: Array.isArray(asked) ? unknown : props.interfaceEndpoints,
        allowed: `true for all, or a list of ${INTERFACE_ENDPOINTS.map((name) => JSON.stringify(name)).join(", ")}: the endpoints a Fargate task uses (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html)`,
        fix: "list only those names (the S3 gateway endpoint is always made)",
      });
      return Array.isArray(asked) ? [...new Set(asked.filter((name) => INTERFACE_ENDPOINTS.includes(name)))] : [];
    }
    const names = [...new Set(asked)];
    const needed: InterfaceEndpointName[] = ["ecr.api", "ecr.dkr", "logs"];
    const missing = needed.filter((name) => !names.includes(name));
    if (this.egress === "none" && taskSubnets === "private" && missing.length) {
      reportInvalid(this, {
        field: "interfaceEndpoints",
        value: props.interfaceEndpoints ?? false,
        allowed:
          `tasks in the private subnets with egress "none" have no route to the internet: they reach ECR only through the ecr.api and ecr.dkr endpoints (and S3's, always made) and CloudWatch Logs through logs' ` +
          `(https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html); ${missing.join(", ")} missing`,
        fix: 'set interfaceEndpoints: true (ssm and secretsmanager too, for secrets), or egress "nat-instance", or leave taskSubnets unset so the tasks get public IPs',
      });
    }
    return names;
  }

  /** `natInstance`, checked: required with the NAT instance choices, refused with the others. */
  private natInstanceOptions(props: NetworkProps): Required<NatInstanceOptions> | undefined {
    const wanted = this.egress === "nat-instance" || this.egress === "nat-instance-per-az";
    const options = props.natInstance;
    if (!wanted) {
      if (options) {
        reportInvalid(this, {
          field: "natInstance",
          value: options,
          allowed: `NAT instances are made with egress "nat-instance" or "nat-instance-per-az", and egress is "${this.egress}"`,
          fix: 'set egress: "nat-instance", or remove natInstance',
        });
      }
      return undefined;
    }
    if (!options?.imageId) {
      reportInvalid(this, {
        field: "natInstance.imageId",
        allowed: `egress "${this.egress}" runs NAT instances from an image you give, so that the plan needs no AWS lookup: an Amazon Linux 2023 AMI of the instance type's architecture in this region (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html)`,
        fix: 'set natInstance: { imageId: "ami-…" } with the id `aws ssm get-parameter --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64 --query Parameter.Value` prints',
      });
    } else if (!AMI_ID.test(options.imageId)) {
      reportInvalid(this, {
        field: "natInstance.imageId",
        value: options.imageId,
        allowed: "an AMI id: ami- and 8 or 17 hexadecimal digits",
        fix: "copy the id from the EC2 console or `aws ssm get-parameter --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64`",
      });
    }
    const instanceType = options?.instanceType ?? DEFAULT_NAT_INSTANCE_TYPE;
    if (!INSTANCE_TYPE.test(instanceType)) {
      reportInvalid(this, {
        field: "natInstance.instanceType",
        value: instanceType,
        allowed: "an EC2 instance type, family and size: t4g.nano, t4g.micro, c7g.medium (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html)",
        fix: `leave it unset for ${DEFAULT_NAT_INSTANCE_TYPE}`,
      });
    }
    const rootVolumeGiB = options?.rootVolumeGiB ?? DEFAULT_NAT_ROOT_GIB;
    if (!Number.isInteger(rootVolumeGiB) || rootVolumeGiB < 1 || rootVolumeGiB > 16384) {
      reportInvalid(this, {
        field: "natInstance.rootVolumeGiB",
        value: rootVolumeGiB,
        allowed: "a gp3 volume of 1 to 16384 GiB, at least the image's size (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html)",
        fix: `leave it unset for ${DEFAULT_NAT_ROOT_GIB} GiB, Amazon Linux 2023's size`,
      });
    }
    return { imageId: options?.imageId ?? "", instanceType, rootVolumeGiB };
  }

  /** Admits the private subnets (one rule per subnet, in the loop) and lets out everything. */
  private natInstanceSecurityGroup(name: string): SecurityGroup {
    const group = new SecurityGroup(this, "nat_instance_security_group", {
      name: `${name}-nat`,
      description: `NAT instances of ${name}: traffic from the private subnets`,
      vpcId: this.vpc.id,
      tags: { Name: `${name}-nat` },
    });
    new VpcSecurityGroupEgressRule(this, "nat_instance_egress_all", {
      securityGroupId: group.id,
      description: "All outbound traffic (what it forwards)",
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
    });
    return group;
  }

  /**
   * A NAT instance in a public subnet: a public IPv4, source/destination check off (it forwards what is
   * not addressed to it), iptables masquerading the VPC's traffic, no SSH key, IMDSv2 only, an encrypted
   * root volume; EC2 recovers it from a host failure.
   */
  private newNatInstance(zoneId: string, zone: string, subnet: Subnet, securityGroup: SecurityGroup, options: Required<NatInstanceOptions>, vpcCidr: string, name: string, dependsOn: ITerraformDependable[]): Instance {
    const burstable = /^t\d/.test(options.instanceType);
    return new Instance(this, `nat_instance_${zoneId}`, {
      ami: options.imageId,
      instanceType: options.instanceType,
      subnetId: subnet.id,
      associatePublicIpAddress: true,
      sourceDestCheck: false,
      vpcSecurityGroupIds: [securityGroup.id],
      userData: natUserData(vpcCidr),
      userDataReplaceOnChange: true,
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
      rootBlockDevice: { volumeType: "gp3", volumeSize: options.rootVolumeGiB, encrypted: true },
      // A predictable bill: throttled to its baseline when out of CPU credits rather than charged for surplus.
      creditSpecification: burstable ? { cpuCredits: "standard" } : undefined,
      maintenanceOptions: { autoRecovery: "default" },
      tags: { Name: `${name}-nat-${zone}` },
      lifecycle: { createBeforeDestroy: true },
      dependsOn,
    });
  }

  /** The interface endpoints in the private subnets, with private DNS, admitting HTTPS from the VPC. */
  private newInterfaceEndpoints(name: string, region: string, names: InterfaceEndpointName[], vpcCidr: string): void {
    const group = new SecurityGroup(this, "endpoints_security_group", {
      name: `${name}-endpoints`,
      description: `Interface endpoints of ${name}: HTTPS from the VPC`,
      vpcId: this.vpc.id,
      tags: { Name: `${name}-endpoints` },
    });
    new VpcSecurityGroupIngressRule(this, "endpoints_ingress_https", {
      securityGroupId: group.id,
      description: "HTTPS from the VPC",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: vpcCidr,
    });
    for (const service of names) {
      this.interfaceEndpoints[service] = new VpcEndpoint(this, `${service.replace(/\./g, "_")}_endpoint`, {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: "Interface",
        subnetIds: this.privateSubnetIds,
        securityGroupIds: [group.id],
        privateDnsEnabled: true,
        tags: { Name: `${name}-${service}` },
      });
    }
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
