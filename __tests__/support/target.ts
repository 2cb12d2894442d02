import { FargateStack, INetwork, LoadBalancer, LoadBalancerTarget, TargetGroup } from "../../src";

export const CERTIFICATE_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-0123-abcd-0123-0123456789ab";

/** A load balancer "lb" and a target group "tg" on `port`, attached through the HTTPS listener, as a service's target. */
export function newTarget(stack: FargateStack, network: INetwork, port = 8080): LoadBalancerTarget {
  const loadBalancer = new LoadBalancer(stack, "lb", { name: "hello", network, certificateArn: CERTIFICATE_ARN });
  const targetGroup = new TargetGroup(stack, "tg", { name: "hello", vpcId: network.vpcId, port });
  return { loadBalancer, targetGroup, attachedBy: [loadBalancer.httpsListener] };
}
