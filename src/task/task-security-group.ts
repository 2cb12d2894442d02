import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { INetwork, Network } from "../environment/network";
import { validChoice } from "../checks/validation";

/**
 * What the tasks may call: `"all"` (any protocol, anywhere) or `"https-and-dns"` (TCP 443 anywhere, DNS in
 * the VPC, plus what the workload itself reaches: the backends it calls, the file systems it mounts).
 */
export type TaskEgress = "all" | "https-and-dns";
export const TASK_EGRESS_CHOICES: readonly TaskEgress[] = ["all", "https-and-dns"];

const HTTPS_PORT = 443;
const DNS_PORT = 53;

/**
 * The security group of a workload's tasks, in `scope` as `security_group`: no inbound rule (what may reach
 * the tasks adds its own), and the outbound rules `egress` allows.
 */
export function taskSecurityGroup(scope: Construct, name: string, network: INetwork, egress: TaskEgress): SecurityGroup {
  const securityGroup = new SecurityGroup(scope, "security_group", {
    name: `${name}-tasks`,
    description: `Tasks of ${name}`,
    vpcId: network.vpcId,
    tags: { Name: `${name}-tasks` },
  });
  const rule = (id: string, description: string, protocol: string, port: number | undefined, destination: { cidrIpv4?: string; cidrIpv6?: string }) =>
    new VpcSecurityGroupEgressRule(scope, id, {
      securityGroupId: securityGroup.id,
      description,
      ipProtocol: protocol,
      fromPort: port,
      toPort: port,
      ...destination,
    });
  if (egress === "all") {
    // Tasks pull images and read secrets over the NAT, and apps call whatever they call.
    rule("egress_all", "All outbound traffic", "-1", undefined, { cidrIpv4: "0.0.0.0/0" });
    return securityGroup;
  }
  // Images, secrets, logs and AWS's APIs are all HTTPS, through the NAT or the VPC endpoints alike.
  rule("egress_https", "HTTPS to anywhere", "tcp", HTTPS_PORT, { cidrIpv4: "0.0.0.0/0" });
  if (network.ipv6) rule("egress_https_ipv6", "HTTPS to anywhere over IPv6", "tcp", HTTPS_PORT, { cidrIpv6: "::/0" });
  // Security groups never filter the Amazon DNS server (the VPC's base + 2), so this rule is not for it: it
  // lets the tasks reach DNS servers of the VPC itself, such as a custom resolver or a Route 53 Resolver
  // inbound endpoint that DHCP options point them to
  // (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html, "Security group basics").
  // The CIDR of a network given to the environment is not known without a lookup: its tasks keep the Amazon DNS server only.
  const vpcCidr = network instanceof Network ? network.vpc.cidrBlock : undefined;
  if (vpcCidr) {
    for (const protocol of ["udp", "tcp"]) {
      rule(`egress_dns_${protocol}`, `DNS over ${protocol.toUpperCase()} in the VPC`, protocol, DNS_PORT, { cidrIpv4: vpcCidr });
    }
  }
  return securityGroup;
}

/** `egress` if it is one of the choices; else reported on `scope`, and `"all"`, today's rule, in its place. */
export function validTaskEgress(scope: Construct, egress: TaskEgress | undefined): TaskEgress {
  return validChoice(
    scope,
    "taskEgress",
    egress,
    TASK_EGRESS_CHOICES,
    "all",
    'use "https-and-dns" to let the tasks call HTTPS only, or leave it unset for all outbound traffic',
  );
}
