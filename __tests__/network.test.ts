import { TerraformOutput, TerraformVariable } from "cdktf";
import { Network, NetworkProps } from "../src";
import { TerraformJson, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

function synthNetwork(props: Partial<NetworkProps> = {}, region?: string): TerraformJson {
  return synthesize((stack) => {
    new Network(stack, "net", { name: "hello", ...props });
  }, region);
}

/** The subnets of one tier, ordered by Terraform name. */
function subnets(json: TerraformJson, tier: "public" | "private"): any[] {
  const all = resourcesOf(json, "aws_subnet");
  return Object.keys(all)
    .filter((name) => name.startsWith(`net_${tier}_subnet_`))
    .sort()
    .map((name) => all[name]);
}

/** The non-null attributes of the routes of a route table. */
function routes(table: any): Record<string, unknown>[] {
  return table.route.map((route: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(route).filter(([, value]) => value !== null)),
  );
}

describe("Network defaults", () => {
  const json = synthNetwork();

  test("a VPC of 10.0.0.0/16 with DNS names and a generated IPv6 block, named from the name prop", () => {
    expect(Object.keys(resourcesOf(json, "aws_vpc"))).toEqual(["net"]);
    expect(onlyResource(json, "aws_vpc")).toEqual({
      cidr_block: "10.0.0.0/16",
      enable_dns_hostnames: true,
      enable_dns_support: true,
      assign_generated_ipv6_cidr_block: true,
      tags: { Name: "hello-vpc" },
    });
  });

  test("spreads over the first two zones of the provider's region", () => {
    expect(subnets(json, "public").map((s) => s.availability_zone)).toEqual(["eu-west-1a", "eu-west-1b"]);
    expect(subnets(json, "private").map((s) => s.availability_zone)).toEqual(["eu-west-1a", "eu-west-1b"]);
    expect(Object.keys(resourcesOf(json, "aws_subnet"))).toHaveLength(4);
  });

  test("public subnets take the first sixteenths of the VPC, private ones start in the upper half", () => {
    expect(subnets(json, "public").map((s) => s.cidr_block)).toEqual(["10.0.0.0/20", "10.0.16.0/20"]);
    expect(subnets(json, "private").map((s) => s.cidr_block)).toEqual(["10.0.128.0/20", "10.0.144.0/20"]);
  });

  test("every subnet is in the VPC and tagged with its tier and zone", () => {
    for (const subnet of Object.values(resourcesOf(json, "aws_subnet"))) {
      expect(subnet.vpc_id).toBe("${aws_vpc.net.id}");
    }
    expect(resourcesOf(json, "aws_subnet").net_public_subnet_a.tags).toEqual({
      Name: "hello-public-eu-west-1a",
      Tier: "public",
    });
    expect(resourcesOf(json, "aws_subnet").net_private_subnet_b.tags).toEqual({
      Name: "hello-private-eu-west-1b",
      Tier: "private",
    });
  });

  test("public subnets get a /64 of the VPC's IPv6 block each, and assign IPv6 addresses", () => {
    const [a, b] = subnets(json, "public");
    expect(a.ipv6_cidr_block).toBe("${cidrsubnet(aws_vpc.net.ipv6_cidr_block, 8, 0)}");
    expect(b.ipv6_cidr_block).toBe("${cidrsubnet(aws_vpc.net.ipv6_cidr_block, 8, 1)}");
    expect(a.assign_ipv6_address_on_creation).toBe(true);
    expect(b.assign_ipv6_address_on_creation).toBe(true);
  });

  test("private subnets stay IPv4 only", () => {
    for (const subnet of subnets(json, "private")) {
      expect(subnet).not.toHaveProperty("ipv6_cidr_block");
      expect(subnet).not.toHaveProperty("assign_ipv6_address_on_creation");
    }
  });

  test("an internet gateway in the VPC", () => {
    expect(resourcesOf(json, "aws_internet_gateway")).toEqual({
      net_internet_gateway: { vpc_id: "${aws_vpc.net.id}", tags: { Name: "hello-igw" } },
    });
  });

  test("the public route table sends 0.0.0.0/0 and ::/0 to the internet gateway", () => {
    const table = resourcesOf(json, "aws_route_table").net_public_route_table;
    expect(table.vpc_id).toBe("${aws_vpc.net.id}");
    expect(table.tags).toEqual({ Name: "hello-public" });
    expect(routes(table)).toEqual([
      { cidr_block: "0.0.0.0/0", gateway_id: "${aws_internet_gateway.net_internet_gateway.id}" },
      { ipv6_cidr_block: "::/0", gateway_id: "${aws_internet_gateway.net_internet_gateway.id}" },
    ]);
  });

  test("both public subnets are associated with the public route table", () => {
    const associations = resourcesOf(json, "aws_route_table_association");
    expect(associations.net_public_route_table_association_a).toEqual({
      subnet_id: "${aws_subnet.net_public_subnet_a.id}",
      route_table_id: "${aws_route_table.net_public_route_table.id}",
    });
    expect(associations.net_public_route_table_association_b).toEqual({
      subnet_id: "${aws_subnet.net_public_subnet_b.id}",
      route_table_id: "${aws_route_table.net_public_route_table.id}",
    });
  });

  test("one NAT gateway per zone, each with its own Elastic IP in its zone's public subnet", () => {
    expect(Object.keys(resourcesOf(json, "aws_eip")).sort()).toEqual(["net_nat_eip_a", "net_nat_eip_b"]);
    expect(resourcesOf(json, "aws_eip").net_nat_eip_a).toEqual({ domain: "vpc", tags: { Name: "hello-nat-eu-west-1a" } });
    const nats = resourcesOf(json, "aws_nat_gateway");
    expect(Object.keys(nats).sort()).toEqual(["net_nat_gateway_a", "net_nat_gateway_b"]);
    for (const zone of ["a", "b"]) {
      expect(nats[`net_nat_gateway_${zone}`]).toEqual({
        allocation_id: `\${aws_eip.net_nat_eip_${zone}.allocation_id}`,
        subnet_id: `\${aws_subnet.net_public_subnet_${zone}.id}`,
        depends_on: ["aws_internet_gateway.net_internet_gateway"],
        tags: { Name: `hello-nat-eu-west-1${zone}` },
      });
    }
  });

  test("each private subnet routes 0.0.0.0/0 through the NAT gateway of its own zone", () => {
    const tables = resourcesOf(json, "aws_route_table");
    const associations = resourcesOf(json, "aws_route_table_association");
    for (const zone of ["a", "b"]) {
      const table = tables[`net_private_route_table_${zone}`];
      expect(table.vpc_id).toBe("${aws_vpc.net.id}");
      expect(routes(table)).toEqual([
        { cidr_block: "0.0.0.0/0", nat_gateway_id: `\${aws_nat_gateway.net_nat_gateway_${zone}.id}` },
      ]);
      expect(associations[`net_private_route_table_association_${zone}`]).toEqual({
        subnet_id: `\${aws_subnet.net_private_subnet_${zone}.id}`,
        route_table_id: `\${aws_route_table.net_private_route_table_${zone}.id}`,
      });
    }
    expect(Object.keys(tables)).toHaveLength(3);
    expect(Object.keys(associations)).toHaveLength(4);
  });

  test("exposes the VPC, subnets, NAT gateways, zones and ipv6 flag", () => {
    let network!: Network;
    const outputs = synthesize((stack) => {
      network = new Network(stack, "net", { name: "hello" });
      new TerraformOutput(stack, "vpc", { value: network.vpcId });
      new TerraformOutput(stack, "public", { value: network.publicSubnetIds });
      new TerraformOutput(stack, "private", { value: network.privateSubnetIds });
      new TerraformOutput(stack, "nats", { value: network.natGatewayIds });
    }).output!;
    expect(outputs.vpc.value).toBe("${aws_vpc.net.id}");
    expect(outputs.public.value).toEqual(["${aws_subnet.net_public_subnet_a.id}", "${aws_subnet.net_public_subnet_b.id}"]);
    expect(outputs.private.value).toEqual([
      "${aws_subnet.net_private_subnet_a.id}",
      "${aws_subnet.net_private_subnet_b.id}",
    ]);
    expect(outputs.nats.value).toEqual(["${aws_nat_gateway.net_nat_gateway_a.id}", "${aws_nat_gateway.net_nat_gateway_b.id}"]);
    expect(network.availabilityZones).toEqual(["eu-west-1a", "eu-west-1b"]);
    expect(network.ipv6).toBe(true);
  });

  test("synthesizes without validation errors", () => {
    expect(synthErrors((stack) => new Network(stack, "net", { name: "hello" }))).toEqual([]);
  });
});

describe("Network default zones by region", () => {
  test.each([
    ["us-east-1", ["us-east-1a", "us-east-1b"]],
    ["eu-central-1", ["eu-central-1a", "eu-central-1b"]],
    ["ap-northeast-1", ["ap-northeast-1a", "ap-northeast-1c"]],
    ["us-west-1", ["us-west-1a", "us-west-1c"]],
  ])("%s → %j", (region, zones) => {
    const json = synthNetwork({}, region);
    expect(subnets(json, "public").map((s) => s.availability_zone)).toEqual(zones);
    expect(subnets(json, "private").map((s) => s.availability_zone)).toEqual(zones);
  });

  test("ap-northeast-1 names its resources after the zones it uses (a and c)", () => {
    const json = synthNetwork({}, "ap-northeast-1");
    expect(Object.keys(resourcesOf(json, "aws_subnet")).sort()).toEqual([
      "net_private_subnet_a",
      "net_private_subnet_c",
      "net_public_subnet_a",
      "net_public_subnet_c",
    ]);
    expect(routes(resourcesOf(json, "aws_route_table").net_private_route_table_c)).toEqual([
      { cidr_block: "0.0.0.0/0", nat_gateway_id: "${aws_nat_gateway.net_nat_gateway_c.id}" },
    ]);
    expect(resourcesOf(json, "aws_subnet").net_public_subnet_c.cidr_block).toBe("10.0.16.0/20");
  });
});

describe("Network options", () => {
  test("availabilityZones: three zones give three public and private subnets and three NAT gateways", () => {
    const json = synthNetwork({ availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] });
    expect(subnets(json, "public").map((s) => [s.availability_zone, s.cidr_block])).toEqual([
      ["eu-west-1a", "10.0.0.0/20"],
      ["eu-west-1b", "10.0.16.0/20"],
      ["eu-west-1c", "10.0.32.0/20"],
    ]);
    expect(subnets(json, "private").map((s) => [s.availability_zone, s.cidr_block])).toEqual([
      ["eu-west-1a", "10.0.128.0/20"],
      ["eu-west-1b", "10.0.144.0/20"],
      ["eu-west-1c", "10.0.160.0/20"],
    ]);
    expect(Object.keys(resourcesOf(json, "aws_nat_gateway"))).toHaveLength(3);
    expect(Object.keys(resourcesOf(json, "aws_eip"))).toHaveLength(3);
    expect(subnets(json, "public")[2].ipv6_cidr_block).toBe("${cidrsubnet(aws_vpc.net.ipv6_cidr_block, 8, 2)}");
    expect(routes(resourcesOf(json, "aws_route_table").net_private_route_table_c)).toEqual([
      { cidr_block: "0.0.0.0/0", nat_gateway_id: "${aws_nat_gateway.net_nat_gateway_c.id}" },
    ]);
  });

  test("availabilityZones: given zones are used as they are, whatever the region", () => {
    const json = synthNetwork({ availabilityZones: ["eu-west-1b", "eu-west-1c"] });
    expect(subnets(json, "public").map((s) => s.availability_zone)).toEqual(["eu-west-1b", "eu-west-1c"]);
  });

  test('natGateways "single": one Elastic IP and NAT gateway, in the first zone', () => {
    const json = synthNetwork({ natGateways: "single" });
    expect(Object.keys(resourcesOf(json, "aws_eip"))).toEqual(["net_nat_eip_a"]);
    expect(Object.keys(resourcesOf(json, "aws_nat_gateway"))).toEqual(["net_nat_gateway_a"]);
    expect(onlyResource(json, "aws_nat_gateway").subnet_id).toBe("${aws_subnet.net_public_subnet_a.id}");
    expect(onlyResource(json, "aws_nat_gateway").allocation_id).toBe("${aws_eip.net_nat_eip_a.allocation_id}");
  });

  test('natGateways "single": every private route table goes through that one NAT gateway', () => {
    const json = synthNetwork({ natGateways: "single", availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] });
    const tables = resourcesOf(json, "aws_route_table");
    for (const zone of ["a", "b", "c"]) {
      expect(routes(tables[`net_private_route_table_${zone}`])).toEqual([
        { cidr_block: "0.0.0.0/0", nat_gateway_id: "${aws_nat_gateway.net_nat_gateway_a.id}" },
      ]);
    }
    expect(Object.keys(resourcesOf(json, "aws_subnet"))).toHaveLength(6);
  });

  test('natGateways "single": natGatewayIds lists the one gateway', () => {
    let network!: Network;
    synthesize((stack) => {
      network = new Network(stack, "net", { name: "hello", natGateways: "single" });
    });
    expect(network.natGatewayIds).toHaveLength(1);
  });

  test('natGateways "one-per-az" is the default layout', () => {
    expect(synthNetwork({ natGateways: "one-per-az" })).toEqual(synthNetwork());
  });

  test("ipv6: false leaves IPv6 off the VPC, the public subnets and the public routes", () => {
    let network!: Network;
    const json = synthesize((stack) => {
      network = new Network(stack, "net", { name: "hello", ipv6: false });
    });
    expect(onlyResource(json, "aws_vpc").assign_generated_ipv6_cidr_block).toBe(false);
    for (const subnet of Object.values(resourcesOf(json, "aws_subnet"))) {
      expect(subnet).not.toHaveProperty("ipv6_cidr_block");
      expect(subnet).not.toHaveProperty("assign_ipv6_address_on_creation");
    }
    expect(routes(resourcesOf(json, "aws_route_table").net_public_route_table)).toEqual([
      { cidr_block: "0.0.0.0/0", gateway_id: "${aws_internet_gateway.net_internet_gateway.id}" },
    ]);
    expect(network.ipv6).toBe(false);
  });

  test("ipv6: false keeps the IPv4 layout and NAT gateways", () => {
    const json = synthNetwork({ ipv6: false });
    expect(subnets(json, "public").map((s) => s.cidr_block)).toEqual(["10.0.0.0/20", "10.0.16.0/20"]);
    expect(Object.keys(resourcesOf(json, "aws_nat_gateway"))).toHaveLength(2);
  });

  test("cidrBlock: a /16 elsewhere is split the same way", () => {
    const json = synthNetwork({ cidrBlock: "172.20.0.0/16" });
    expect(onlyResource(json, "aws_vpc").cidr_block).toBe("172.20.0.0/16");
    expect(subnets(json, "public").map((s) => s.cidr_block)).toEqual(["172.20.0.0/20", "172.20.16.0/20"]);
    expect(subnets(json, "private").map((s) => s.cidr_block)).toEqual(["172.20.128.0/20", "172.20.144.0/20"]);
  });

  test("cidrBlock: a /24 gives /28 subnets", () => {
    const json = synthNetwork({ cidrBlock: "192.168.10.0/24" });
    expect(onlyResource(json, "aws_vpc").cidr_block).toBe("192.168.10.0/24");
    expect(subnets(json, "public").map((s) => s.cidr_block)).toEqual(["192.168.10.0/28", "192.168.10.16/28"]);
    expect(subnets(json, "private").map((s) => s.cidr_block)).toEqual(["192.168.10.128/28", "192.168.10.144/28"]);
  });

  test("name: goes into the Name tag of every resource", () => {
    const json = synthNetwork({ name: "shop" });
    expect(onlyResource(json, "aws_vpc").tags.Name).toBe("shop-vpc");
    expect(onlyResource(json, "aws_internet_gateway").tags.Name).toBe("shop-igw");
    expect(resourcesOf(json, "aws_nat_gateway").net_nat_gateway_b.tags.Name).toBe("shop-nat-eu-west-1b");
    expect(resourcesOf(json, "aws_route_table").net_private_route_table_a.tags.Name).toBe("shop-private-eu-west-1a");
  });
});

describe("Network invalid input", () => {
  const build = (props: Partial<NetworkProps>) => (stack: any) => {
    new Network(stack, "net", { name: "hello", ...props });
  };

  test.each([
    ["a prefix length past /32", "10.0.0.0/33"],
    ["a block smaller than /24", "10.0.0.0/25"],
    ["host bits set", "10.0.0.1/16"],
    ["no prefix length", "10.0.0.0"],
    ["not an IPv4 block", "fd00::/56"],
  ])("cidrBlock with %s is reported with its value", (_, cidrBlock) => {
    const errors = synthErrors(build({ cidrBlock }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("[test/net]");
    expect(errors[0]).toContain(`cidrBlock is ${JSON.stringify(cidrBlock)}`);
    expect(errors[0]).toContain("from /16 to /24");
  });

  // AWS refuses VPC blocks larger than /16.
  test("cidrBlock wider than /16 (10.0.0.0/8) is reported", () => {
    expect(synthErrors(build({ cidrBlock: "10.0.0.0/8" }))).toEqual([
      expect.stringContaining('cidrBlock is "10.0.0.0/8"'),
    ]);
  });

  test("a single availability zone is reported with the zones given", () => {
    const errors = synthErrors(build({ availabilityZones: ["eu-west-1a"] }));
    expect(errors).toEqual([
      expect.stringContaining('[test/net] availabilityZones is ["eu-west-1a"]: a load balancer needs subnets in at least two'),
    ]);
  });

  test("no availability zones at all is reported", () => {
    expect(synthErrors(build({ availabilityZones: [] }))).toEqual([
      expect.stringContaining("availabilityZones is []"),
    ]);
  });

  test("both problems are reported together", () => {
    const errors = synthErrors(build({ availabilityZones: ["eu-west-1a"], cidrBlock: "10.0.0.0/28" }));
    expect(errors).toHaveLength(2);
    expect(errors.join("\n")).toContain("availabilityZones is");
    expect(errors.join("\n")).toContain('cidrBlock is "10.0.0.0/28"');
  });

  test("no literal region on the provider and no zones is reported, naming availabilityZones", () => {
    const errors = synthErrors((stack) => {
      const region = new TerraformVariable(stack, "region", { type: "string" });
      stack.provider.region = region.stringValue;
      new Network(stack, "net", { name: "hello" });
    });
    expect(errors[0]).toContain("[test/net] availabilityZones: zones are derived from the AWS provider's region");
    expect(errors[0]).toContain("set `availabilityZones`");
  });

  test("no literal region is fine when the zones are given", () => {
    const errors = synthErrors((stack) => {
      const region = new TerraformVariable(stack, "region", { type: "string" });
      stack.provider.region = region.stringValue;
      new Network(stack, "net", { name: "hello", availabilityZones: ["eu-west-1a", "eu-west-1b"] });
    });
    expect(errors).toEqual([]);
  });
});

describe("Network.fromExisting", () => {
  const existing = {
    vpcId: "vpc-0123",
    publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
    privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
  };

  test("keeps the ids as given and defaults ipv6 to false", () => {
    expect(Network.fromExisting(existing)).toEqual({ ...existing, ipv6: false });
  });

  test("ipv6: true is kept", () => {
    expect(Network.fromExisting({ ...existing, ipv6: true }).ipv6).toBe(true);
  });

  test("creates no resources", () => {
    const json = synthesize((stack) => {
      const network = Network.fromExisting(existing);
      new TerraformOutput(stack, "vpc", { value: network.vpcId });
    });
    expect(json.resource ?? {}).toEqual({});
    expect(json.output?.vpc.value).toBe("vpc-0123");
  });
});

describe("Network egress choices", () => {
  const AMI = "ami-0123456789abcdef0";
  const privateRoutes = (json: TerraformJson) =>
    ["a", "b"].map((zone) => routes(resourcesOf(json, "aws_route_table")[`net_private_route_table_${zone}`]));

  test("every choice: the S3 gateway endpoint (free) on the private route tables", () => {
    for (const props of [{}, { egress: "none" as const }, { egress: "nat-instance" as const, natInstance: { imageId: AMI } }]) {
      const json = synthNetwork(props);
      expect(resourcesOf(json, "aws_vpc_endpoint").net_s3_endpoint).toEqual({
        vpc_id: "${aws_vpc.net.id}",
        service_name: "com.amazonaws.eu-west-1.s3",
        vpc_endpoint_type: "Gateway",
        route_table_ids: ["${aws_route_table.net_private_route_table_a.id}", "${aws_route_table.net_private_route_table_b.id}"],
        tags: { Name: "hello-s3" },
      });
      expect(Object.keys(resourcesOf(json, "aws_vpc_endpoint"))).toEqual(["net_s3_endpoint"]);
    }
  });

  test("the S3 endpoint's region comes from the zones when the provider's region is not a literal", () => {
    const json = synthesize((stack) => {
      stack.provider.region = new TerraformVariable(stack, "region", { type: "string" }).stringValue;
      new Network(stack, "net", { name: "hello", availabilityZones: ["us-east-1a", "us-east-1b"] });
    });
    expect(resourcesOf(json, "aws_vpc_endpoint").net_s3_endpoint.service_name).toBe("com.amazonaws.us-east-1.s3");
  });

  test('default "nat-gateway-per-az": the tasks go in the private subnets, without a public IP', () => {
    let network!: Network;
    synthesize((stack) => void (network = new Network(stack, "net", { name: "hello" })));
    expect(network.egress).toBe("nat-gateway-per-az");
    expect(network.taskSubnetIds).toBe(network.privateSubnetIds);
    expect(network.assignPublicIp).toBe(false);
  });

  test('egress "nat-gateway" is natGateways "single"', () => {
    expect(synthNetwork({ egress: "nat-gateway" })).toEqual(synthNetwork({ natGateways: "single" }));
    expect(synthNetwork({ egress: "nat-gateway-per-az" })).toEqual(synthNetwork());
  });

  test('egress "nat-instance-per-az": a Graviton instance per zone in its public subnet, routed to by its zone\'s private subnet', () => {
    const json = synthNetwork({ egress: "nat-instance-per-az", natInstance: { imageId: AMI } });
    expect(resourcesOf(json, "aws_nat_gateway")).toEqual({});
    expect(resourcesOf(json, "aws_eip")).toEqual({});
    const instances = resourcesOf(json, "aws_instance");
    expect(Object.keys(instances)).toEqual(["net_nat_instance_a", "net_nat_instance_b"]);
    expect(instances.net_nat_instance_a).toMatchObject({
      ami: AMI,
      instance_type: "t4g.nano",
      subnet_id: "${aws_subnet.net_public_subnet_a.id}",
      associate_public_ip_address: true,
      source_dest_check: false,
      vpc_security_group_ids: ["${aws_security_group.net_nat_instance_security_group.id}"],
      metadata_options: { http_endpoint: "enabled", http_tokens: "required" },
      root_block_device: { volume_type: "gp3", volume_size: 8, encrypted: true },
      credit_specification: { cpu_credits: "standard" },
      user_data_replace_on_change: true,
      tags: { Name: "hello-nat-eu-west-1a" },
      lifecycle: { create_before_destroy: true },
    });
    expect(instances.net_nat_instance_a.key_name).toBeUndefined();
    expect(instances.net_nat_instance_a.depends_on).toEqual(["aws_internet_gateway.net_internet_gateway", "aws_route_table_association.net_public_route_table_association_a"]);
    expect(instances.net_nat_instance_b.subnet_id).toBe("${aws_subnet.net_public_subnet_b.id}");
    expect(privateRoutes(json)).toEqual([
      [{ cidr_block: "0.0.0.0/0", network_interface_id: "${aws_instance.net_nat_instance_a.primary_network_interface_id}" }],
      [{ cidr_block: "0.0.0.0/0", network_interface_id: "${aws_instance.net_nat_instance_b.primary_network_interface_id}" }],
    ]);
  });

  test("a NAT instance masquerades the VPC's traffic with iptables, forwarding on, kept across reboots", () => {
    const userData: string = resourcesOf(synthNetwork({ egress: "nat-instance", natInstance: { imageId: AMI } }), "aws_instance").net_nat_instance_a.user_data;
    expect(userData.startsWith("#!/bin/bash\n")).toBe(true);
    expect(userData).toContain("dnf install -y iptables-services");
    expect(userData).toContain("net.ipv4.ip_forward = 1");
    expect(userData).toContain('iptables -t nat -A POSTROUTING -o "$iface" -s 10.0.0.0/16 -j MASQUERADE');
    expect(userData).toContain("iptables -F FORWARD");
    expect(userData).toContain("service iptables save");
    expect(userData).not.toContain("${"); // nothing Terraform would interpolate
  });

  test("the NAT instances' security group admits each private subnet, and lets everything out", () => {
    const json = synthNetwork({ egress: "nat-instance-per-az", natInstance: { imageId: AMI } });
    expect(resourcesOf(json, "aws_security_group").net_nat_instance_security_group).toMatchObject({ name: "hello-nat", vpc_id: "${aws_vpc.net.id}" });
    const ingress = resourcesOf(json, "aws_vpc_security_group_ingress_rule");
    expect(Object.values(ingress).map((rule: any) => [rule.ip_protocol, rule.cidr_ipv4])).toEqual([
      ["-1", "10.0.128.0/20"],
      ["-1", "10.0.144.0/20"],
    ]);
    expect(Object.values(resourcesOf(json, "aws_vpc_security_group_egress_rule")).map((rule: any) => [rule.ip_protocol, rule.cidr_ipv4])).toEqual([["-1", "0.0.0.0/0"]]);
  });

  test('egress "nat-instance": one instance, in the first zone, for every private subnet; type and volume as given', () => {
    let network!: Network;
    const json = synthesize((stack) => {
      network = new Network(stack, "net", { name: "hello", egress: "nat-instance", natInstance: { imageId: AMI, instanceType: "c7g.medium", rootVolumeGiB: 10 } });
    });
    const instances = resourcesOf(json, "aws_instance");
    expect(Object.keys(instances)).toEqual(["net_nat_instance_a"]);
    expect(instances.net_nat_instance_a).toMatchObject({ instance_type: "c7g.medium", root_block_device: { volume_size: 10 } });
    expect(instances.net_nat_instance_a.credit_specification).toBeUndefined(); // not burstable
    const toFirst = [{ cidr_block: "0.0.0.0/0", network_interface_id: "${aws_instance.net_nat_instance_a.primary_network_interface_id}" }];
    expect(privateRoutes(json)).toEqual([toFirst, toFirst]);
    expect(network.natInstances).toHaveLength(1);
    expect(network.taskSubnetIds).toBe(network.privateSubnetIds);
  });

  test('egress "none": no NAT; the private subnets route nowhere, the tasks go in the public subnets with a public IP', () => {
    let network!: Network;
    const json = synthesize((stack) => void (network = new Network(stack, "net", { name: "hello", egress: "none" })));
    for (const type of ["aws_nat_gateway", "aws_eip", "aws_instance"]) expect(resourcesOf(json, type)).toEqual({});
    expect(privateRoutes(json)).toEqual([[], []]);
    expect(network.taskSubnetIds).toBe(network.publicSubnetIds);
    expect(network.assignPublicIp).toBe(true);
  });

  test("interfaceEndpoints: true: ECR (api, dkr), CloudWatch Logs, SSM and Secrets Manager in the private subnets, private DNS, HTTPS from the VPC", () => {
    let network!: Network;
    const json = synthesize((stack) => {
      network = new Network(stack, "net", { name: "hello", egress: "none", taskSubnets: "private", interfaceEndpoints: true });
    });
    const endpoints = resourcesOf(json, "aws_vpc_endpoint");
    expect(Object.keys(endpoints).sort()).toEqual([
      "net_ecr_api_endpoint",
      "net_ecr_dkr_endpoint",
      "net_logs_endpoint",
      "net_s3_endpoint",
      "net_secretsmanager_endpoint",
      "net_ssm_endpoint",
    ]);
    expect(endpoints.net_ecr_dkr_endpoint).toEqual({
      vpc_id: "${aws_vpc.net.id}",
      service_name: "com.amazonaws.eu-west-1.ecr.dkr",
      vpc_endpoint_type: "Interface",
      subnet_ids: ["${aws_subnet.net_private_subnet_a.id}", "${aws_subnet.net_private_subnet_b.id}"],
      security_group_ids: ["${aws_security_group.net_endpoints_security_group.id}"],
      private_dns_enabled: true,
      tags: { Name: "hello-ecr.dkr" },
    });
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule").net_endpoints_ingress_https).toMatchObject({
      security_group_id: "${aws_security_group.net_endpoints_security_group.id}",
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
      cidr_ipv4: "10.0.0.0/16",
    });
    expect(network.taskSubnetIds).toBe(network.privateSubnetIds);
    expect(network.assignPublicIp).toBe(false);
    expect(Object.keys(network.interfaceEndpoints).sort()).toEqual(["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"]);
  });

  test("interfaceEndpoints: a list makes those only, beside a NAT", () => {
    const json = synthNetwork({ interfaceEndpoints: ["logs", "ssm", "logs"] });
    expect(Object.keys(resourcesOf(json, "aws_vpc_endpoint")).sort()).toEqual(["net_logs_endpoint", "net_s3_endpoint", "net_ssm_endpoint"]);
    expect(Object.keys(resourcesOf(json, "aws_nat_gateway"))).toHaveLength(2);
  });

  test("taskSubnets: \"public\" beside a NAT is allowed, with a warning that the NAT is paid for nothing", () => {
    let network!: Network;
    expect(synthErrors((stack) => void (network = new Network(stack, "net", { name: "hello", taskSubnets: "public" })))).toEqual([]);
    expect(network.assignPublicIp).toBe(true);
    const warnings = network.node.metadata.filter((entry) => entry.type === "@cdktf/warn").map((entry) => String(entry.data));
    expect(warnings).toEqual([expect.stringContaining('taskSubnets is "public" with egress "nat-gateway-per-az"')]);
  });
});

describe("Network egress choices, invalid input", () => {
  const build = (props: Partial<NetworkProps>) => (stack: any) => {
    new Network(stack, "net", { name: "hello", ...props });
  };

  test("an unknown egress is reported with the choices and AWS's page", () => {
    const errors = synthErrors(build({ egress: "nat" as any }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('egress is "nat": one of "nat-gateway-per-az", "nat-gateway", "nat-instance-per-az", "nat-instance", "none"');
    expect(errors[0]).toContain("https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html");
    expect(errors[0]).toContain("Fix:");
  });

  test("natGateways contradicting egress is reported", () => {
    const errors = synthErrors(build({ natGateways: "single", egress: "none" }));
    expect(errors).toEqual([expect.stringContaining('natGateways is "single": natGateways is the earlier name of egress\'s NAT gateway choices, and "single" means egress "nat-gateway", not "none". Fix: remove natGateways')]);
    expect(synthErrors(build({ natGateways: "single", egress: "nat-gateway" }))).toEqual([]);
  });

  test("a NAT instance choice without its image is reported, with how to find the id", () => {
    const errors = synthErrors(build({ egress: "nat-instance" }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("natInstance.imageId: egress \"nat-instance\" runs NAT instances from an image you give");
    expect(errors[0]).toContain("https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html");
    expect(errors[0]).toContain("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
  });

  test.each([
    ["an image that is not an AMI id", { imageId: "al2023" }, 'natInstance.imageId is "al2023": an AMI id'],
    ["an instance type that is not one", { imageId: "ami-0123456789abcdef0", instanceType: "nano" }, 'natInstance.instanceType is "nano": an EC2 instance type'],
    ["a root volume of 0 GiB", { imageId: "ami-0123456789abcdef0", rootVolumeGiB: 0 }, "natInstance.rootVolumeGiB is 0: a gp3 volume of 1 to 16384 GiB"],
  ])("%s is reported", (_, natInstance, message) => {
    expect(synthErrors(build({ egress: "nat-instance-per-az", natInstance }))).toEqual([expect.stringContaining(message)]);
  });

  test("natInstance with another egress is reported", () => {
    expect(synthErrors(build({ natInstance: { imageId: "ami-0123456789abcdef0" } }))).toEqual([
      expect.stringContaining('natInstance is {"imageId":"ami-0123456789abcdef0"}: NAT instances are made with egress "nat-instance" or "nat-instance-per-az", and egress is "nat-gateway-per-az"'),
    ]);
  });

  test('private tasks with egress "none" need the endpoints that reach ECR and the logs', () => {
    const errors = synthErrors(build({ egress: "none", taskSubnets: "private", interfaceEndpoints: ["ssm"] }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('interfaceEndpoints is ["ssm"]: tasks in the private subnets with egress "none" have no route to the internet');
    expect(errors[0]).toContain("ecr.api, ecr.dkr, logs missing");
    expect(errors[0]).toContain("https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html");
    expect(synthErrors(build({ egress: "none", taskSubnets: "private" }))).toEqual([expect.stringContaining("interfaceEndpoints is false:")]);
    expect(synthErrors(build({ egress: "none", taskSubnets: "private", interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs"] }))).toEqual([]);
  });

  test("unknown interface endpoints and task subnets are reported with what is allowed", () => {
    expect(synthErrors(build({ interfaceEndpoints: ["ecr", "logs"] as any }))).toEqual([
      expect.stringContaining('interfaceEndpoints is ["ecr"]: true for all, or a list of "ecr.api", "ecr.dkr", "logs", "ssm", "secretsmanager"'),
    ]);
    expect(synthErrors(build({ taskSubnets: "isolated" as any }))).toEqual([expect.stringContaining('taskSubnets is "isolated": "private" or "public"')]);
  });
});
