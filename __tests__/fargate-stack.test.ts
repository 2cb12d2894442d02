import { Construct } from "constructs";
import { Testing, TerraformOutput, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import * as childProcess from "child_process";
import { readFileSync, rmSync } from "fs";
import { join } from "path";
import { Cluster, FargateStack, FargateStackProps, LogGroup } from "../src";
import { MAIN_RESOURCE_ID, fitName, providerRegion, snakeCase } from "../src/app/naming";
import { TerraformJson, resourcesOf, synthErrors, synthesize } from "./support/synth";

function synthStack(id: string, props: FargateStackProps, build: (stack: FargateStack) => void = () => undefined) {
  const stack = new FargateStack(Testing.app(), id, props);
  build(stack);
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}

describe("FargateStack provider", () => {
  test("one AWS provider, in the given region", () => {
    const json = synthStack("hello", { region: "us-east-1" });
    expect(json.provider.aws).toHaveLength(1);
    expect(json.provider.aws[0].region).toBe("us-east-1");
    expect(json.provider.aws[0]).not.toHaveProperty("alias");
  });

  test("default tags: ManagedBy and the stack id", () => {
    const json = synthStack("hello", { region: "eu-west-1" });
    expect(json.provider.aws[0].default_tags).toEqual([{ tags: { ManagedBy: "fargate-as-code", Stack: "hello" } }]);
  });

  test("tags: the user's tags are added to the default tags", () => {
    const json = synthStack("shop-prod", { region: "eu-west-1", tags: { Team: "payments", CostCenter: "42" } });
    expect(json.provider.aws[0].default_tags).toEqual([
      { tags: { Team: "payments", CostCenter: "42", ManagedBy: "fargate-as-code", Stack: "shop-prod" } },
    ]);
  });

  test("tags: ManagedBy and Stack cannot be overridden", () => {
    const json = synthStack("hello", { region: "eu-west-1", tags: { ManagedBy: "someone", Stack: "other", Env: "dev" } });
    expect(json.provider.aws[0].default_tags[0].tags).toEqual({ ManagedBy: "fargate-as-code", Stack: "hello", Env: "dev" });
  });

  test("exposes the region and the provider, which constructs find through providerRegion", () => {
    const stack = new FargateStack(Testing.app(), "hello", { region: "ap-southeast-2" });
    expect(stack.region).toBe("ap-southeast-2");
    expect(stack.provider).toBeInstanceOf(AwsProvider);
    expect(stack.provider.regionInput).toBe("ap-southeast-2");
    expect(providerRegion(new Construct(stack, "child"))).toBe("ap-southeast-2");
  });
});

describe("FargateStack's Terraform", () => {
  test("requires Terraform 1.11 or later, which write-only secrets need", () => {
    expect(synthStack("hello", { region: "eu-west-1" }).terraform.required_version).toBe(">= 1.11.0");
  });

  test("a stack that moves a resource synthesizes without running `terraform version`, as cdktf would per stack", () => {
    const stack = new FargateStack(Testing.app(), "hello", { region: "eu-west-1" });
    new CloudwatchLogGroup(stack, "logs", { name: "/hello" }).moveFromId("aws_cloudwatch_log_group.old_logs");
    const execSync = jest.spyOn(childProcess, "execSync");
    let outdir: string | undefined;
    try {
      outdir = Testing.fullSynth(stack); // as `cdktf synth` does: every validation, cdktf's own included
      const json = JSON.parse(readFileSync(join(outdir, "stacks", "hello", "cdk.tf.json"), "utf8"));
      expect(json.moved).toEqual([{ from: "aws_cloudwatch_log_group.old_logs", to: "aws_cloudwatch_log_group.logs" }]);
      expect(execSync).not.toHaveBeenCalled();
    } finally {
      execSync.mockRestore();
      if (outdir) rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe("FargateStack logical ids", () => {
  test("a construct's main resource (id Resource) takes the construct's name", () => {
    const json = synthesize((stack) => {
      new LogGroup(stack, "logs", { name: "/ecs/hello" });
    });
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_log_group"))).toEqual(["logs"]);
    expect(MAIN_RESOURCE_ID).toBe("Resource");
  });

  test("other resources join the construct path with _, in snake case", () => {
    const json = synthesize((stack) => {
      new Cluster(stack, "appCluster", { name: "hello" });
    });
    expect(Object.keys(resourcesOf(json, "aws_ecs_cluster"))).toEqual(["app_cluster"]);
    expect(Object.keys(resourcesOf(json, "aws_ecs_cluster_capacity_providers"))).toEqual(["app_cluster_capacity_providers"]);
    expect(resourcesOf(json, "aws_ecs_cluster_capacity_providers").app_cluster_capacity_providers.cluster_name).toBe(
      "${aws_ecs_cluster.app_cluster.name}",
    );
  });

  test("nested constructs contribute every id on the path below the stack", () => {
    const json = synthesize((stack) => {
      const hello = new Construct(stack, "HelloApp");
      new LogGroup(new Construct(hello, "web"), "accessLogs", { name: "/ecs/hello" });
    });
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_log_group"))).toEqual(["hello_app_web_access_logs"]);
  });

  test("Resource is left out wherever it appears in the path", () => {
    const json = synthesize((stack) => {
      new LogGroup(new Construct(stack, MAIN_RESOURCE_ID), "logs", { name: "/ecs/hello" });
    });
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_log_group"))).toEqual(["logs"]);
  });

  test("outputs and variables get readable names too", () => {
    const json = synthesize((stack) => {
      const image = new TerraformVariable(stack, "imageTag", { type: "string" });
      new TerraformOutput(stack, "appUrl", { value: image.stringValue });
    });
    expect(Object.keys(json.variable ?? {})).toEqual(["image_tag"]);
    expect(Object.keys(json.output ?? {})).toEqual(["app_url"]);
    expect(json.output?.app_url.value).toBe("${var.image_tag}");
  });

  test("names are stable: the same constructs synthesize to the same addresses", () => {
    const build = (stack: FargateStack) => {
      new Cluster(stack, "cluster", { name: "hello" });
      new LogGroup(stack, "logs", { name: "/ecs/hello" });
    };
    expect(synthesize(build)).toEqual(synthesize(build));
  });

  // A LogGroup refers to its resource's name as it is built, which allocates the address: the clash is
  // found while the app is still building, and reported by synth with the other errors, not thrown there.
  test("two construct paths that map to one name stop synth with both paths named and the fix", () => {
    expect(
      synthErrors((stack) => {
        new LogGroup(new Construct(stack, "a_b"), "c", { name: "/ecs/one" });
        new LogGroup(new Construct(stack, "a"), "b_c", { name: "/ecs/two" });
      }),
    ).toEqual([
      '[test] Constructs "test/a_b/c/Resource" and "test/a/b_c/Resource" both map to the Terraform name "a_b_c" ' +
        "(their ids joined with _ in snake case, without Resource and Default). " +
        "Fix: rename one of them (a construct id on its path) so the names differ",
    ]);
  });

  test("a clash of elements nothing refers to is found at synth too; paths without Default", () => {
    expect(
      synthErrors((stack) => {
        new TerraformOutput(new Construct(stack, "Default"), "appUrl", { value: "one" });
        new TerraformOutput(stack, "app-url", { value: "two" });
      }),
    ).toEqual([expect.stringMatching(/^\[test\] Constructs "test\/appUrl" and "test\/app-url" both map to the Terraform name "app_url" /)]);
  });

  test("ids that differ only in case or separators collide too; distinct names do not", () => {
    expect(
      synthErrors((stack) => {
        new LogGroup(stack, "appLogs", { name: "/ecs/one" });
        new LogGroup(stack, "app-logs", { name: "/ecs/two" });
      }),
    ).toEqual([expect.stringContaining('both map to the Terraform name "app_logs"')]);
    expect(
      synthErrors((stack) => {
        new LogGroup(stack, "appLogs", { name: "/ecs/one" });
        new LogGroup(stack, "app-logs2", { name: "/ecs/two" });
      }),
    ).toEqual([]);
  });

  test("the same names in two stacks do not collide", () => {
    const app = Testing.app();
    const one = new FargateStack(app, "one", { region: "eu-west-1" });
    const two = new FargateStack(app, "two", { region: "eu-west-1" });
    new LogGroup(one, "logs", { name: "/ecs/one" });
    new LogGroup(two, "logs", { name: "/ecs/two" });
    expect(Object.keys(JSON.parse(Testing.synth(one)).resource.aws_cloudwatch_log_group)).toEqual(["logs"]);
    expect(Object.keys(JSON.parse(Testing.synth(two)).resource.aws_cloudwatch_log_group)).toEqual(["logs"]);
  });
});

describe("snakeCase", () => {
  test.each([
    ["httpsListener", "https_listener"],
    ["PASSWORD", "password"],
    ["HelloWorld", "hello_world"],
    ["v2Api", "v2_api"],
    ["nat_eip_a", "nat_eip_a"],
    ["app-logs", "app_logs"],
    ["my app.logs", "my_app_logs"],
    ["__edge__", "edge"],
    ["a--b", "a_b"],
    ["", ""],
  ])("%j → %j", (input, expected) => {
    expect(snakeCase(input)).toBe(expected);
  });
});

describe("fitName", () => {
  test("keeps names that fit, including one of exactly the limit", () => {
    expect(fitName("hello", 32)).toBe("hello");
    expect(fitName("x".repeat(32), 32)).toBe("x".repeat(32));
  });

  test("shortens longer names to the limit: their start, a dash and a 6-hex-digit hash", () => {
    const fitted = fitName("a-very-long-application-name-for-production", 32);
    expect(fitted).toHaveLength(32);
    expect(fitted).toMatch(/^a-very-long-application-n-[0-9a-f]{6}$/);
  });

  test("is stable, and keeps long names with a common start distinct", () => {
    const production = fitName("a-very-long-application-name-for-production", 32);
    expect(fitName("a-very-long-application-name-for-production", 32)).toBe(production);
    const staging = fitName("a-very-long-application-name-for-staging", 32);
    expect(staging.slice(0, 26)).toBe(production.slice(0, 26));
    expect(staging).not.toBe(production);
  });

  test("drops dashes at the cut so there is never a double dash", () => {
    const fitted = fitName("abcdefghijklmnopqrstuvwx-zzzzzzzzzzzzzzzz", 32);
    expect(fitted).toMatch(/^abcdefghijklmnopqrstuvwx-[0-9a-f]{6}$/);
    expect(fitted).not.toContain("--");
  });

  test("honours other limits", () => {
    const fitted = fitName("n".repeat(100), 64);
    expect(fitted).toHaveLength(64);
    expect(fitted.startsWith("n".repeat(57) + "-")).toBe(true);
  });
});

describe("providerRegion", () => {
  test("is undefined when the provider's region is not a literal", () => {
    const stack = new FargateStack(Testing.app(), "hello", { region: "eu-west-1" });
    stack.provider.region = new TerraformVariable(stack, "region", { type: "string" }).stringValue;
    expect(providerRegion(stack)).toBeUndefined();
  });
});
