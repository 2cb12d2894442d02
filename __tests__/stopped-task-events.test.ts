import { Cluster, FargateStack, StoppedTaskEvents, StoppedTaskEventsProps, stoppedTasksLogGroupName } from "../src";
import { TerraformOutput } from "cdktf";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

const CLUSTER_ARN = "arn:aws:ecs:eu-west-1:123456789012:cluster/hello";
const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:hello-alerts";

/** The record of the environment "hello", watching its service "hello". */
function build(stack: FargateStack, props: Partial<StoppedTaskEventsProps> = {}, services = ["hello"]) {
  const events = new StoppedTaskEvents(stack, "events", { name: "hello", clusterArn: CLUSTER_ARN, ...props });
  services.forEach((service) => events.watchService(service));
  return events;
}

function synthEvents(props: Partial<StoppedTaskEventsProps> = {}): TerraformJson {
  return synthesize((stack) => build(stack, props));
}

describe("StoppedTaskEvents defaults", () => {
  const json = synthEvents();

  test("keeps the events 30 days in /aws/events/ecs/<name>/stopped-tasks", () => {
    expect(resourcesOf(json, "aws_cloudwatch_log_group")).toEqual({
      events_log_group: { name: "/aws/events/ecs/hello/stopped-tasks", retention_in_days: 30 },
    });
  });

  test("stoppedTasksLogGroupName gives the same name the log group gets", () => {
    expect(stoppedTasksLogGroupName("hello")).toBe("/aws/events/ecs/hello/stopped-tasks");
    expect(onlyResource(json, "aws_cloudwatch_log_group").name).toBe(stoppedTasksLogGroupName("hello"));
  });

  test("has one rule, named <name>-stopped-tasks, described by its environment", () => {
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_event_rule"))).toEqual(["events"]);
    const rule = onlyResource(json, "aws_cloudwatch_event_rule");
    expect(rule.name).toBe("hello-stopped-tasks");
    expect(rule.description).toBe("Tasks of the hello environment that stopped, with their reasons");
  });

  test("matches only the STOPPED task state changes of the service, in its cluster", () => {
    expect(decodeJsonencode(onlyResource(json, "aws_cloudwatch_event_rule").event_pattern)).toEqual({
      source: ["aws.ecs"],
      "detail-type": ["ECS Task State Change"],
      detail: {
        clusterArn: [CLUSTER_ARN],
        group: ["service:hello"],
        lastStatus: ["STOPPED"],
      },
    });
  });

  test("sends the events to the log group, once the log group lets EventBridge write", () => {
    expect(resourcesOf(json, "aws_cloudwatch_event_target")).toEqual({
      events_to_logs: {
        rule: "${aws_cloudwatch_event_rule.events.name}",
        arn: "${aws_cloudwatch_log_group.events_log_group.arn}",
        depends_on: ["aws_cloudwatch_log_resource_policy.events_delivery_policy"],
      },
    });
  });

  test("the log resource policy lets EventBridge create streams and put events in that log group only", () => {
    const policy = onlyResource(json, "aws_cloudwatch_log_resource_policy");
    expect(policy.policy_name).toBe("hello-stopped-task-events");
    expect(decodeJsonencode(policy.policy_document)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EventBridgeDelivery",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: "${aws_cloudwatch_log_group.events_log_group.arn}:*",
        },
      ],
    });
  });

  test("exposes the rule and the log group to the rest of the stack", () => {
    const json = synthesize((stack) => {
      const events = build(stack);
      new TerraformOutput(stack, "rule_arn", { value: events.rule.arn });
      new TerraformOutput(stack, "log_group_name", { value: events.logGroup.name });
    });
    expect(json.output!.rule_arn.value).toBe("${aws_cloudwatch_event_rule.events.arn}");
    expect(json.output!.log_group_name.value).toBe("${aws_cloudwatch_log_group.events_log_group.name}");
  });

  test("synthesizes without validation errors", () => {
    expect(synthErrors((stack) => build(stack))).toEqual([]);
  });
});

describe("StoppedTaskEvents options", () => {
  test("retentionDays sets the log group's retention", () => {
    expect(onlyResource(synthEvents({ retentionDays: 90 }), "aws_cloudwatch_log_group").retention_in_days).toBe(90);
  });

  test("a retentionDays CloudWatch Logs does not offer is reported on the log group", () => {
    expect(synthErrors((stack) => build(stack, { retentionDays: 31 }))).toEqual([
      expect.stringMatching(/^\[test\/events\/log_group\] retentionDays is 31: CloudWatch Logs keeps events for one of .* days\. Fix: pick one of those values$/),
    ]);
  });

  test("the environment's name names the rule and the log group; the pattern lists each watched service", () => {
    const json = synthesize((stack) => build(stack, { name: "shop-prod" }, ["shop-prod-web", "shop-prod-api"]));
    expect(onlyResource(json, "aws_cloudwatch_event_rule").name).toBe("shop-prod-stopped-tasks");
    expect(onlyResource(json, "aws_cloudwatch_log_group").name).toBe("/aws/events/ecs/shop-prod/stopped-tasks");
    expect(decodeJsonencode(onlyResource(json, "aws_cloudwatch_event_rule").event_pattern).detail.group).toEqual([
      "service:shop-prod-web",
      "service:shop-prod-api",
    ]);
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_log_resource_policy"))).toHaveLength(1);
  });

  test("a service watched after the record is built still joins the pattern", () => {
    const json = synthesize((stack) => {
      const events = build(stack, {}, []);
      new TerraformOutput(stack, "group", { value: events.logGroupName });
      events.watchService("late");
    });
    expect(decodeJsonencode(onlyResource(json, "aws_cloudwatch_event_rule").event_pattern).detail.group).toEqual(["service:late"]);
  });

  test("the ARN of a cluster made in the stack is a reference in the pattern", () => {
    const json = synthesize((stack) => {
      const cluster = new Cluster(stack, "cluster", { name: "hello" });
      build(stack, { clusterArn: cluster.clusterArn });
    });
    const rule = resourcesOf(json, "aws_cloudwatch_event_rule").events;
    expect(decodeJsonencode(rule.event_pattern).detail.clusterArn).toEqual(["${aws_ecs_cluster.cluster.arn}"]);
  });

  test("a long name is shortened to the 64 characters a rule name may have, keeping its start and a hash", () => {
    const name = "a-very-long-application-name-for-the-checkout-service-eu";
    const ruleName: string = onlyResource(synthEvents({ name }), "aws_cloudwatch_event_rule").name;
    expect(`${name}-stopped-tasks`.length).toBeGreaterThan(64);
    expect(ruleName.length).toBeLessThanOrEqual(64);
    expect(ruleName).toMatch(/^a-very-long-application-name-for-the-checkout-service-eu-[0-9a-f]{6}$/);
  });

  test("two long names that share their start get different rule names", () => {
    const prefix = "a-very-long-application-name-for-the-checkout-service-";
    const first = onlyResource(synthEvents({ name: `${prefix}eu` }), "aws_cloudwatch_event_rule").name;
    const second = onlyResource(synthEvents({ name: `${prefix}us` }), "aws_cloudwatch_event_rule").name;
    expect(first).not.toBe(second);
  });

  test("a name that fits exactly is kept as it is", () => {
    const name = "x".repeat(64 - "-stopped-tasks".length);
    expect(onlyResource(synthEvents({ name }), "aws_cloudwatch_event_rule").name).toBe(`${name}-stopped-tasks`);
  });

  test("topicArn adds a second target, to the topic", () => {
    const targets = resourcesOf(synthEvents({ topicArn: TOPIC_ARN }), "aws_cloudwatch_event_target");
    expect(Object.keys(targets).sort()).toEqual(["events_to_logs", "events_to_topic"]);
    expect(targets.events_to_topic).toEqual({ rule: "${aws_cloudwatch_event_rule.events.name}", arn: TOPIC_ARN });
    expect(targets.events_to_logs.arn).toBe("${aws_cloudwatch_log_group.events_log_group.arn}");
  });

  test("without topicArn, the log group is the only target", () => {
    const targets = resourcesOf(synthEvents(), "aws_cloudwatch_event_target");
    expect(Object.keys(targets)).toEqual(["events_to_logs"]);
  });
});
