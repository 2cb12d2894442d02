import { decodeJsonencode } from "./support/synth";
import {
  PlannedStack,
  cleanupPlannedStacks,
  configurationResource,
  planStacks,
  plannedResource,
  resourcesOfType,
  whereTextAppears,
} from "./support/terraform";
import { SECRETS, stacksToPlan } from "./plans/terraform-variants";

jest.setTimeout(300_000);

const planned: Record<string, PlannedStack> = {};

beforeAll(async () => {
  const stacks = stacksToPlan();
  const plans = await planStacks(stacks);
  stacks.forEach(({ name }, index) => (planned[name!] = plans[index]));
});

const types = (plan: any) => new Set(plan.resource_changes.map((change: any) => change.type));
const executionPolicy = (plan: any) =>
  decodeJsonencode(configurationResource(plan, "aws_iam_role_policy.hello_task_execution_role_policy").expressions.policy.constant_value);

afterAll(() => cleanupPlannedStacks());

describe("variants of the app, planned offline by Terraform", () => {
  test("in an existing VPC: no network resources; the load balancer and tasks use the given subnets", () => {
    const { plan } = planned["existing-vpc-two-secrets"];
    for (const type of ["aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_internet_gateway", "aws_route_table"]) {
      expect(types(plan).has(type)).toBe(false);
    }
    expect(plannedResource(plan, "aws_lb.hello_load_balancer").values).toMatchObject({
      subnets: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
      ip_address_type: "ipv4",
    });
    expect(plannedResource(plan, "aws_ecs_service.hello_service").values.network_configuration[0].subnets).toEqual([
      "subnet-0bbbbbbbbbbbbbbb1",
      "subnet-0bbbbbbbbbbbbbbb2",
    ]);
    expect(resourcesOfType(plan, "aws_security_group").every((group) => group.values.vpc_id === "vpc-0123456789abcdef0")).toBe(true);
    expect(resourcesOfType(plan, "aws_route53_record").map((record) => record.values.type)).not.toContain("AAAA");
  });

  test("with an existing hosted zone: no zone created; records and validation go in the given zone", () => {
    const { plan } = planned["existing-zone-no-secret"];
    expect(types(plan).has("aws_route53_zone")).toBe(false);
    expect(plan.output_changes.hello_name_servers).toBeUndefined();
    const zones = resourcesOfType(plan, "aws_route53_record").map((record) => record.values.zone_id);
    expect(zones.length).toBe(3);
    expect(new Set(zones)).toEqual(new Set(["Z0123456789ABCDEFGHIJ"]));
    expect(plannedResource(plan, "aws_acm_certificate.hello_certificate").values.domain_name).toBe("app.example.org");
  });

  test("with no secret: no parameter, no variable, and the execution role may only write logs", () => {
    const { plan } = planned["existing-zone-no-secret"];
    expect(types(plan).has("aws_ssm_parameter")).toBe(false);
    expect(plan.configuration.root_module.variables).toBeUndefined();
    expect(executionPolicy(plan).Statement).toEqual([
      expect.objectContaining({ Sid: "WriteLogs", Resource: ["${aws_cloudwatch_log_group.hello_logs.arn}:*"] }),
    ]);
  });

  test("with two secrets: two parameters, each from its own variable, both granted, neither value anywhere", () => {
    const { plan } = planned["existing-vpc-two-secrets"];
    expect(resourcesOfType(plan, "aws_ssm_parameter").map((parameter) => parameter.values.name).sort()).toEqual([
      "/hello/API_TOKEN",
      "/hello/PASSWORD",
    ]);
    expect(configurationResource(plan, "aws_ssm_parameter.hello_secret_api_token").expressions.value_wo.references).toEqual([
      "var.api_token",
    ]);
    expect(plannedResource(plan, "aws_ssm_parameter.hello_secret_api_token").values.value_wo_version).toBe(2);
    const read = executionPolicy(plan).Statement.find((statement: any) => statement.Sid === "ReadSecretParameters");
    expect(read.Resource.sort()).toEqual([
      "${aws_ssm_parameter.hello_secret_api_token.arn}",
      "${aws_ssm_parameter.hello_secret_password.arn}",
    ]);
    for (const value of Object.values(SECRETS)) {
      expect(whereTextAppears(planned["existing-vpc-two-secrets"], value)).toEqual([]);
    }
  });
});
