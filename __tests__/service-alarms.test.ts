import { FargateStack, Network, ServiceAlarms, ServiceAlarmsProps } from "../src";
import { TerraformOutput } from "cdktf";
import { TerraformJson, resourcesOf, synthErrors, synthesize } from "./support/synth";
import { newTarget } from "./support/target";

const network = Network.fromExisting({
  vpcId: "vpc-0123456789abcdef0",
  publicSubnetIds: ["subnet-public-a", "subnet-public-b"],
  privateSubnetIds: ["subnet-private-a", "subnet-private-b"],
});
const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:hello-alerts";

function build(stack: FargateStack, props: Partial<Omit<ServiceAlarmsProps, "loadBalancer" | "targetGroup">> = {}) {
  const { loadBalancer, targetGroup } = newTarget(stack, network);
  return new ServiceAlarms(stack, "alarms", { name: "hello", loadBalancer, targetGroup, ...props });
}

function synthAlarms(props: Partial<Omit<ServiceAlarmsProps, "loadBalancer" | "targetGroup">> = {}): TerraformJson {
  return synthesize((stack) => build(stack, props));
}

function alarms(json: TerraformJson) {
  return resourcesOf(json, "aws_cloudwatch_metric_alarm");
}

const DIMENSIONS = {
  LoadBalancer: "${aws_lb.lb.arn_suffix}",
  TargetGroup: "${aws_lb_target_group.tg.arn_suffix}",
};

describe("ServiceAlarms defaults", () => {
  const json = synthAlarms();
  const all = alarms(json);

  test("makes exactly two alarms: unhealthy targets and target 5xx", () => {
    expect(Object.keys(all).sort()).toEqual(["alarms_target_5xx", "alarms_unhealthy_targets"]);
    expect(all.alarms_unhealthy_targets.alarm_name).toBe("hello-unhealthy-targets");
    expect(all.alarms_target_5xx.alarm_name).toBe("hello-target-5xx");
  });

  test("unhealthy targets: maximum UnHealthyHostCount above 0 in 3 of 3 one-minute periods", () => {
    expect(all.alarms_unhealthy_targets).toMatchObject({
      metric_name: "UnHealthyHostCount",
      statistic: "Maximum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      period: 60,
      evaluation_periods: 3,
      datapoints_to_alarm: 3,
    });
  });

  test("target 5xx: sum of HTTPCode_Target_5XX_Count at or above 10 in 3 of 5 one-minute periods", () => {
    expect(all.alarms_target_5xx).toMatchObject({
      metric_name: "HTTPCode_Target_5XX_Count",
      statistic: "Sum",
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 10,
      period: 60,
      evaluation_periods: 5,
      datapoints_to_alarm: 3,
    });
  });

  test.each(["alarms_unhealthy_targets", "alarms_target_5xx"])(
    "%s watches the load balancer's target group in AWS/ApplicationELB, missing data not breaching",
    (alarm) => {
      expect(all[alarm].namespace).toBe("AWS/ApplicationELB");
      expect(all[alarm].dimensions).toEqual(DIMENSIONS);
      expect(all[alarm].treat_missing_data).toBe("notBreaching");
    },
  );

  test("notify no one by default", () => {
    for (const alarm of Object.values(all)) {
      expect(alarm).not.toHaveProperty("alarm_actions");
      expect(alarm).not.toHaveProperty("ok_actions");
    }
  });

  test("descriptions say what went wrong and where to look", () => {
    expect(all.alarms_unhealthy_targets.alarm_description).toBe(
      "Tasks of hello fail the load balancer's health check. Run `npm run status` for the stopped tasks' reasons.",
    );
    expect(all.alarms_target_5xx.alarm_description).toBe("hello answers 5xx: 10 or more a minute. Read the container logs.");
  });

  test("alarmNames are references to the two alarms' names", () => {
    const json = synthesize((stack) => {
      new TerraformOutput(stack, "alarm_names", { value: build(stack).alarmNames });
    });
    expect(json.output!.alarm_names.value).toEqual([
      "${aws_cloudwatch_metric_alarm.alarms_unhealthy_targets.alarm_name}",
      "${aws_cloudwatch_metric_alarm.alarms_target_5xx.alarm_name}",
    ]);
  });

  test("synthesizes without validation errors", () => {
    expect(synthErrors((stack) => build(stack))).toEqual([]);
  });
});

describe("ServiceAlarms options", () => {
  test("actions go to both alarm_actions and ok_actions of both alarms", () => {
    const all = alarms(synthAlarms({ actions: [TOPIC_ARN] }));
    for (const alarm of Object.values(all)) {
      expect(alarm.alarm_actions).toEqual([TOPIC_ARN]);
      expect(alarm.ok_actions).toEqual([TOPIC_ARN]);
    }
  });

  test("target5xxPerMinute sets the 5xx threshold and its description, not the unhealthy one", () => {
    const all = alarms(synthAlarms({ target5xxPerMinute: 1 }));
    expect(all.alarms_target_5xx.threshold).toBe(1);
    expect(all.alarms_target_5xx.alarm_description).toBe("hello answers 5xx: 1 or more a minute. Read the container logs.");
    expect(all.alarms_unhealthy_targets.threshold).toBe(0);
  });

  test("name prefixes both alarm names", () => {
    const all = alarms(synthAlarms({ name: "shop" }));
    expect(Object.values(all).map((alarm) => alarm.alarm_name).sort()).toEqual(["shop-target-5xx", "shop-unhealthy-targets"]);
  });
});

describe("ServiceAlarms validation", () => {
  test.each([0, 2.5, -1])("target5xxPerMinute %p is reported", (value) => {
    expect(synthErrors((stack) => build(stack, { target5xxPerMinute: value }))).toEqual([
      `[test/alarms] target5xxPerMinute is ${value}: a whole number of responses, 1 or more. Fix: use 10 for a busy app, 1 to hear of every error`,
    ]);
  });

  test.each([1, 2, 3])("target5xxPerMinute %p, a whole number of 1 or more, passes", (value) => {
    expect(synthErrors((stack) => build(stack, { target5xxPerMinute: value }))).toEqual([]);
  });
});
