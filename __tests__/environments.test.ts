import { Testing } from "cdktf";
import { declareEnvironments, FargateEnvironmentsProps } from "../src";

const declaration: FargateEnvironmentsProps = {
  name: "hello",
  region: "eu-west-1",
  tags: { Application: "hello" },
  app: { image: "public.ecr.aws/nginx/nginx:1.27-alpine", secrets: { PASSWORD: {} } },
  environments: {
    dev: { domain: "dev.hello.example.com", desiredCount: 1, networkOptions: { natGateways: "single" }, logRetentionDays: 7 },
    prod: { domain: "hello.example.com", cpu: 512, memory: 1024, deletionProtection: true, region: "eu-central-1" },
  },
};

function synthEnvironments(props: FargateEnvironmentsProps = declaration) {
  const environments = declareEnvironments(Testing.app({ stackTraces: false }), props);
  return Object.fromEntries(
    Object.entries(environments).map(([name, { stack }]) => [name, { stack, json: JSON.parse(Testing.synth(stack, true)) }]),
  );
}

describe("declareEnvironments", () => {
  const { dev, prod } = synthEnvironments();

  test("one stack per environment, named <app>-<environment>", () => {
    expect([dev.stack.node.id, prod.stack.node.id]).toEqual(["hello-dev", "hello-prod"]);
  });

  test("resources are named by environment, at the same Terraform addresses in every stack", () => {
    expect(dev.json.resource.aws_ecs_service.hello_service.name).toBe("hello-dev");
    expect(prod.json.resource.aws_ecs_service.hello_service.name).toBe("hello-prod");
    expect(dev.json.resource.aws_iam_role.hello_task_execution_role.name).toBe("hello-dev-execution");
    expect(prod.json.resource.aws_ssm_parameter.hello_secret_password.name).toBe("/hello-prod/PASSWORD");
    expect(Object.keys(dev.json.variable)).toEqual(["password"]);
  });

  test("every resource is tagged with its environment, beside the shared tags", () => {
    expect(dev.json.provider.aws[0].default_tags[0].tags).toEqual({
      Application: "hello",
      Environment: "dev",
      ManagedBy: "fargate-as-code",
      Stack: "hello-dev",
    });
    expect(prod.json.provider.aws[0].default_tags[0].tags.Environment).toBe("prod");
  });

  test("each environment overrides size, count, domain, NAT strategy, deletion protection, retention and region", () => {
    expect(dev.json.resource.aws_ecs_service.hello_service.desired_count).toBe(1);
    expect(prod.json.resource.aws_ecs_service.hello_service.desired_count).toBe(2);
    expect(prod.json.resource.aws_ecs_task_definition.hello_task).toMatchObject({ cpu: "512", memory: "1024" });
    expect(dev.json.resource.aws_ecs_task_definition.hello_task).toMatchObject({ cpu: "256", memory: "512" });
    expect(Object.keys(dev.json.resource.aws_nat_gateway)).toHaveLength(1);
    expect(Object.keys(prod.json.resource.aws_nat_gateway)).toHaveLength(2);
    expect(prod.json.resource.aws_lb.hello_load_balancer.enable_deletion_protection).toBe(true);
    expect(dev.json.resource.aws_lb.hello_load_balancer.enable_deletion_protection).toBe(false);
    expect(dev.json.resource.aws_cloudwatch_log_group.hello_logs.retention_in_days).toBe(7);
    expect(dev.json.resource.aws_acm_certificate.hello_certificate.domain_name).toBe("dev.hello.example.com");
    expect(prod.json.provider.aws[0].region).toBe("eu-central-1");
    expect(dev.json.provider.aws[0].region).toBe("eu-west-1");
  });

  test("an environment's own tags join the shared ones and win over them; Environment is always its name", () => {
    const { dev: d, prod: p } = synthEnvironments({
      ...declaration,
      tags: { Application: "hello", Team: "web" },
      environments: {
        dev: { ...declaration.environments.dev, tags: { Team: "platform", CostCenter: "42", Environment: "spoofed" } },
        prod: declaration.environments.prod,
      },
    });
    expect(d.json.provider.aws[0].default_tags[0].tags).toEqual({
      Application: "hello",
      Team: "platform",
      CostCenter: "42",
      Environment: "dev",
      ManagedBy: "fargate-as-code",
      Stack: "hello-dev",
    });
    expect(p.json.provider.aws[0].default_tags[0].tags).toMatchObject({ Team: "web", Environment: "prod" });
    expect(p.json.provider.aws[0].default_tags[0].tags).not.toHaveProperty("CostCenter");
  });

  test("an environment name of 10 characters is accepted, 11 is reported", () => {
    const named = (environment: string) => {
      const environments = declareEnvironments(Testing.app({ stackTraces: false }), {
        ...declaration,
        environments: { [environment]: { domain: "x.hello.example.com" } },
      });
      return () => Testing.synth(environments[environment].stack, true);
    };
    expect(named("staging123")).not.toThrow();
    expect(named("staging1234")).toThrow(/environments is "staging1234": an environment name is 1 to 10 lowercase letters and digits/);
    expect(named("a")).not.toThrow();
    expect(named("1dev")).toThrow(/environments is "1dev"/);
  });

  test("a shared backend gives each stack its own state", () => {
    const { dev: d, prod: p } = synthEnvironments({ ...declaration, backend: { type: "s3", bucket: "acme-state" } });
    expect(d.json.terraform.backend.s3.key).toBe("hello-dev/terraform.tfstate");
    expect(p.json.terraform.backend.s3.key).toBe("hello-prod/terraform.tfstate");
  });

  test("an invalid environment name, or one with no domain, is reported", () => {
    const app = Testing.app({ stackTraces: false });
    const environments = declareEnvironments(app, {
      ...declaration,
      environments: { Staging: { domain: "staging.hello.example.com" }, qa: {} },
    });
    expect(() => Testing.synth(environments.Staging.stack, true)).toThrow(
      /environments is "Staging": an environment name is 1 to 10 lowercase letters and digits, starting with a letter\. Fix: use names such as dev, staging, prod/,
    );
    expect(() => Testing.synth(environments.qa.stack, true)).toThrow(
      /environments\.qa: every environment needs an `image` and a `domain`, shared in `app` or its own\. Fix: give qa a domain such as "qa\.app\.example\.com"/,
    );
  });
});
