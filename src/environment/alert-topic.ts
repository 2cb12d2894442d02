import { Construct } from "constructs";
import { Fn } from "cdktf";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { MAIN_RESOURCE_ID } from "../app/naming";
import { reportInvalid } from "../checks/validation";

export interface AlertTopicProps {
  /** Topic name. */
  readonly name: string;
  /**
   * Addresses that get the alerts by email (each confirms a subscription mail first).
   * @default none
   */
  readonly emails?: string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * An SNS topic for the app's alerts: stopped tasks (from EventBridge) and alarms (from CloudWatch) may
 * publish to it, and nothing else.
 */
export class AlertTopic extends Construct {
  public readonly topic: SnsTopic;
  public readonly topicArn: string;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    // Not encrypted with the AWS managed key: its key policy cannot let CloudWatch or EventBridge publish,
    // so alerts would silently never arrive. They hold stop reasons and alarm states, no secrets.
    this.topic = new SnsTopic(this, MAIN_RESOURCE_ID, { name: props.name });
    this.topicArn = this.topic.arn;
    new SnsTopicPolicy(this, "policy", {
      arn: this.topic.arn,
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AlertsFromEventBridgeAndCloudWatch",
            Effect: "Allow",
            Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
            Action: "sns:Publish",
            Resource: this.topic.arn,
          },
        ],
      }),
    });
    (props.emails ?? []).forEach((email, index) => {
      if (!EMAIL.test(email)) {
        reportInvalid(this, { field: `emails[${index}]`, value: email, allowed: "an email address", fix: "fix the address" });
      }
      new SnsTopicSubscription(this, `email_${index}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email });
    });
  }
}
