import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";

/**
 * The security group of a workload's tasks, in `scope` as `security_group` with its `egress_all` rule: no
 * inbound rule (what may reach the tasks adds its own), all outbound.
 */
export function taskSecurityGroup(scope: Construct, name: string, vpcId: string): SecurityGroup {
  const securityGroup = new SecurityGroup(scope, "security_group", {
    name: `${name}-tasks`,
    description: `Tasks of ${name}`,
    vpcId,
    tags: { Name: `${name}-tasks` },
  });
  // Outbound is open: tasks pull images and read secrets over the NAT, and apps call their own backends.
  new VpcSecurityGroupEgressRule(scope, "egress_all", {
    securityGroupId: securityGroup.id,
    description: "All outbound traffic",
    ipProtocol: "-1",
    cidrIpv4: "0.0.0.0/0",
  });
  return securityGroup;
}
