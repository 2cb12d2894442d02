import { TargetGroup, TargetGroupProps } from "../src";
import { FargateStack } from "../src";
import { TerraformJson, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

const buildTargetGroup = (props: Partial<TargetGroupProps> = {}) => (stack: FargateStack) => {
  new TargetGroup(stack, "tg", { name: "hello", vpcId: "vpc-0123", port: 8080, ...props });
};

const synthTargetGroup = (props: Partial<TargetGroupProps> = {}): TerraformJson => synthesize(buildTargetGroup(props));

describe("TargetGroup defaults", () => {
  const json = synthTargetGroup();

  test("a target group of task IPs on the port, in the VPC, named as given", () => {
    expect(Object.keys(resourcesOf(json, "aws_lb_target_group"))).toEqual(["tg"]);
    const group = onlyResource(json, "aws_lb_target_group");
    expect(group.name).toBe("hello");
    expect(group.target_type).toBe("ip");
    expect(group.protocol).toBe("HTTP");
    expect(group.port).toBe(8080);
    expect(group.vpc_id).toBe("vpc-0123");
    expect(group.ip_address_type).toBe("ipv4");
  });

  test("deregistration delay is 30 seconds", () => {
    expect(onlyResource(json, "aws_lb_target_group").deregistration_delay).toBe("30");
  });

  test("health check: / on the traffic port, 200-399, every 15 s, timeout 5, healthy 2, unhealthy 3", () => {
    expect(onlyResource(json, "aws_lb_target_group").health_check).toEqual({
      enabled: true,
      protocol: "HTTP",
      port: "traffic-port",
      path: "/",
      matcher: "200-399",
      interval: 15,
      timeout: 5,
      healthy_threshold: 2,
      unhealthy_threshold: 3,
    });
  });
});

describe("TargetGroup options", () => {
  test("port sets the target group port", () => {
    expect(onlyResource(synthTargetGroup({ port: 3000 }), "aws_lb_target_group").port).toBe(3000);
  });


  test("healthCheck: each field replaces its default, the others keep theirs", () => {
    const json = synthTargetGroup({
      healthCheck: { path: "/health", matcher: "200,204", intervalSeconds: 30, healthyThreshold: 3, unhealthyThreshold: 5 },
    });
    expect(onlyResource(json, "aws_lb_target_group").health_check).toEqual({
      enabled: true,
      protocol: "HTTP",
      port: "traffic-port",
      path: "/health",
      matcher: "200,204",
      interval: 30,
      timeout: 5,
      healthy_threshold: 3,
      unhealthy_threshold: 5,
    });
  });

  test("healthCheck: only the path given", () => {
    const check = onlyResource(synthTargetGroup({ healthCheck: { path: "/ready" } }), "aws_lb_target_group").health_check;
    expect(check.path).toBe("/ready");
    expect(check.matcher).toBe("200-399");
    expect(check.interval).toBe(15);
  });

  test.each(["200", "200,204", "200-299", "200-299,301,302"])("healthCheck.matcher %j is accepted", (matcher) => {
    expect(synthErrors(buildTargetGroup({ healthCheck: { matcher } }))).toEqual([]);
  });

  test("deregistrationDelaySeconds sets deregistration_delay", () => {
    expect(
      onlyResource(synthTargetGroup({ deregistrationDelaySeconds: 120 }), "aws_lb_target_group").deregistration_delay,
    ).toBe("120");
    expect(
      onlyResource(synthTargetGroup({ deregistrationDelaySeconds: 0 }), "aws_lb_target_group").deregistration_delay,
    ).toBe("0");
  });

  test("a name of more than 32 characters is shortened with a hash", () => {
    const name = onlyResource(synthTargetGroup({ name: "a-very-long-application-name-for-production" }), "aws_lb_target_group").name;
    expect(name).toMatch(/^a-very-long-application-n-[0-9a-f]{6}$/);
  });
});

describe("TargetGroup invalid input", () => {
  test("a health check path without a leading / is reported, with the fixed path suggested", () => {
    expect(synthErrors(buildTargetGroup({ healthCheck: { path: "health" } }))).toEqual([
      '[test/tg] healthCheck.path is "health": a path starting with /. Fix: use "/health"',
    ]);
  });

  test.each(["200, 204", "2xx", "ok", "200-", "20"])("healthCheck.matcher %j is reported with its value", (matcher) => {
    const errors = synthErrors(buildTargetGroup({ healthCheck: { matcher } }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`[test/tg] healthCheck.matcher is ${JSON.stringify(matcher)}: HTTP codes`);
  });

  test("both problems are reported together", () => {
    const errors = synthErrors(buildTargetGroup({ healthCheck: { path: "health", matcher: "200 OK" } }));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("healthCheck.path");
    expect(errors[1]).toContain("healthCheck.matcher");
  });

  // ELB requires the (fixed, 5 s) timeout to be below the interval.
  test("healthCheck.intervalSeconds 5 (not above the fixed 5 s timeout) is reported", () => {
    expect(synthErrors(buildTargetGroup({ healthCheck: { intervalSeconds: 5 } }))).toEqual([
      expect.stringContaining("healthCheck.intervalSeconds is 5"),
    ]);
  });

  test("the nearest good interval, 6 s, synthesizes", () => {
    expect(synthErrors(buildTargetGroup({ healthCheck: { intervalSeconds: 6 } }))).toEqual([]);
  });

  test.each([1, 11, 2.5])("healthCheck.healthyThreshold %j (2 to 10) is reported", (threshold) => {
    expect(synthErrors(buildTargetGroup({ healthCheck: { healthyThreshold: threshold } }))).toEqual([
      expect.stringContaining(`healthCheck.healthyThreshold is ${threshold}: a whole number of checks from 2 to 10`),
    ]);
  });

  test("the nearest good thresholds, 2 and 10, synthesize", () => {
    expect(synthErrors(buildTargetGroup({ healthCheck: { healthyThreshold: 2, unhealthyThreshold: 10 } }))).toEqual([]);
    expect(synthErrors(buildTargetGroup({ healthCheck: { unhealthyThreshold: 11 } }))).toEqual([
      expect.stringContaining("healthCheck.unhealthyThreshold is 11"),
    ]);
  });
});
