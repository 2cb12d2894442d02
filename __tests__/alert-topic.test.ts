import { TerraformOutput } from "cdktf";
import { AlertTopic, AlertTopicProps, FargateStack } from "../src";
import { TerraformJson, decodeJsonencode, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

function build(stack: FargateStack, props: Partial<AlertTopicProps> = {}) {
  return new AlertTopic(stack, "alerts", { name: "hello-alerts", ...props });
}

function synthTopic(props: Partial<AlertTopicProps> = {}): TerraformJson {
  return synthesize((stack) => build(stack, props));
}

describe("AlertTopic defaults", () => {
  const json = synthTopic();

  test("makes one SNS topic, named as given", () => {
    expect(Object.keys(resourcesOf(json, "aws_sns_topic"))).toEqual(["alerts"]);
    expect(onlyResource(json, "aws_sns_topic").name).toBe("hello-alerts");
  });

  test("its policy lets only EventBridge and CloudWatch publish, only to this topic", () => {
    const policy = onlyResource(json, "aws_sns_topic_policy");
    expect(policy.arn).toBe("${aws_sns_topic.alerts.arn}");
    expect(decodeJsonencode(policy.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AlertsFromEventBridgeAndCloudWatch",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
          Action: "sns:Publish",
          Resource: "${aws_sns_topic.alerts.arn}",
        },
      ],
    });
  });

  test("has no subscription without emails", () => {
    expect(resourcesOf(json, "aws_sns_topic_subscription")).toEqual({});
  });

  test("topicArn is the topic's ARN", () => {
    const withOutput = synthesize((stack) => {
      new TerraformOutput(stack, "topic_arn", { value: build(stack).topicArn });
    });
    expect(withOutput.output!.topic_arn.value).toBe("${aws_sns_topic.alerts.arn}");
  });

  test("synthesizes without validation errors", () => {
    expect(synthErrors((stack) => build(stack))).toEqual([]);
  });
});

describe("AlertTopic emails", () => {
  test("each address gets its own email subscription to the topic, in order", () => {
    const json = synthTopic({ emails: ["ops@example.com", "oncall@example.org"] });
    expect(resourcesOf(json, "aws_sns_topic_subscription")).toEqual({
      alerts_email_0: { topic_arn: "${aws_sns_topic.alerts.arn}", protocol: "email", endpoint: "ops@example.com" },
      alerts_email_1: { topic_arn: "${aws_sns_topic.alerts.arn}", protocol: "email", endpoint: "oncall@example.org" },
    });
  });

  test("an empty list makes no subscription", () => {
    expect(resourcesOf(synthTopic({ emails: [] }), "aws_sns_topic_subscription")).toEqual({});
  });

  test.each(["ops@example", "ops example.com", "ops@exa mple.com", "@example.com", ""])("%p is reported with its index", (email) => {
    expect(synthErrors((stack) => build(stack, { emails: ["ops@example.com", email] }))).toEqual([
      `[test/alerts] emails[1] is ${JSON.stringify(email)}: an email address. Fix: fix the address`,
    ]);
  });

  test("each invalid address is reported", () => {
    expect(synthErrors((stack) => build(stack, { emails: ["ops", "oncall@example.org", "dev@"] }))).toEqual([
      '[test/alerts] emails[0] is "ops": an email address. Fix: fix the address',
      '[test/alerts] emails[2] is "dev@": an email address. Fix: fix the address',
    ]);
  });

  test("the nearest good addresses pass", () => {
    expect(synthErrors((stack) => build(stack, { emails: ["ops@example.com", "a@b.co", "first.last+alerts@sub.example.co.uk"] }))).toEqual([]);
  });
});

describe("AlertTopic encryption", () => {
  // CloudWatch and EventBridge cannot use the AWS managed SNS key, whose policy cannot be changed.
  test("is not encrypted with the AWS managed key, which would keep the alarms and events out", () => {
    const json = synthesize((stack) => new AlertTopic(stack, "alerts", { name: "hello-alerts" }));
    expect(onlyResource(json, "aws_sns_topic").kms_master_key_id).toBeUndefined();
  });
});
