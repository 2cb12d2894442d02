import { TerraformOutput } from "cdktf";
import { LOG_RETENTION_DAYS, LogGroup, LogGroupProps } from "../src";
import { onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

function synthLogGroup(props: Partial<LogGroupProps> = {}) {
  return synthesize((stack) => {
    new LogGroup(stack, "logs", { name: "/ecs/hello", ...props });
  });
}

const buildLogGroup = (props: Partial<LogGroupProps>) => (stack: any) => {
  new LogGroup(stack, "logs", { name: "/ecs/hello", ...props });
};

describe("LogGroup defaults", () => {
  const json = synthLogGroup();

  test("a log group named as given, keeping events 30 days, at the construct's address", () => {
    expect(resourcesOf(json, "aws_cloudwatch_log_group")).toEqual({
      logs: { name: "/ecs/hello", retention_in_days: 30 },
    });
  });

  test("no KMS key: the service's own encryption", () => {
    expect(onlyResource(json, "aws_cloudwatch_log_group")).not.toHaveProperty("kms_key_id");
  });

  test("synthesizes without validation errors", () => {
    expect(synthErrors(buildLogGroup({}))).toEqual([]);
  });

  test("exposes the name and ARN as references", () => {
    const outputs = synthesize((stack) => {
      const logs = new LogGroup(stack, "logs", { name: "/ecs/hello" });
      new TerraformOutput(stack, "name", { value: logs.name });
      new TerraformOutput(stack, "arn", { value: logs.arn });
    }).output!;
    expect(outputs.name.value).toBe("${aws_cloudwatch_log_group.logs.name}");
    expect(outputs.arn.value).toBe("${aws_cloudwatch_log_group.logs.arn}");
  });
});

describe("LogGroup options", () => {
  test("retentionDays sets retention_in_days", () => {
    expect(onlyResource(synthLogGroup({ retentionDays: 365 }), "aws_cloudwatch_log_group").retention_in_days).toBe(365);
  });

  // Written out from the PutRetentionPolicy API reference, apart from the implementation's list:
  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
  const DOCUMENTED_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

  test.each(DOCUMENTED_RETENTION_DAYS)("retentionDays %d, a value the API documents, is accepted", (retentionDays) => {
    expect(synthErrors(buildLogGroup({ retentionDays }))).toEqual([]);
  });

  test("the accepted values are exactly the documented ones", () => {
    expect([...LOG_RETENTION_DAYS].sort((a, b) => a - b)).toEqual(DOCUMENTED_RETENTION_DAYS);
  });

  test("kmsKeyArn sets kms_key_id", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(onlyResource(synthLogGroup({ kmsKeyArn: key }), "aws_cloudwatch_log_group").kms_key_id).toBe(key);
  });
});

describe("LogGroup invalid retention", () => {
  test.each([0, 2, 10, 31, 366, 3654, -1, 7.5])("retentionDays %p is reported with its value", (retentionDays) => {
    const errors = synthErrors(buildLogGroup({ retentionDays }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`[test/logs] retentionDays is ${retentionDays}:`);
    expect(errors[0]).toContain("one of 1, 3, 5, 7, 14, 30,");
    expect(errors[0]).toContain("Fix: pick one of those values");
  });
});
