import { TerraformOutput } from "cdktf";
import { FargateStack, SecretParameter, SecretParameterProps } from "../src";
import { onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

const KMS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const EXISTING_ARN = "arn:aws:ssm:eu-west-1:123456789012:parameter/hello/API_KEY";

function synthSecret(props: Partial<SecretParameterProps> = {}) {
  return synthesize((stack) => new SecretParameter(stack, "secret", { parameterName: "/hello/PASSWORD", ...props }));
}

describe("SecretParameter defaults", () => {
  const json = synthSecret();
  const parameter = onlyResource(json, "aws_ssm_parameter");

  test("is a SecureString parameter with the given name, addressed by its construct id", () => {
    expect(Object.keys(resourcesOf(json, "aws_ssm_parameter"))).toEqual(["secret"]);
    expect(parameter.name).toBe("/hello/PASSWORD");
    expect(parameter.type).toBe("SecureString");
  });

  test("writes the value write-only, from the variable, at version 1", () => {
    expect(parameter.value_wo).toBe("${var.password}");
    expect(parameter.value_wo_version).toBe(1);
  });

  test("sets no value attribute, so no value can reach the plan or the state", () => {
    expect(parameter).not.toHaveProperty("value");
    expect(parameter).not.toHaveProperty("insecure_value");
    expect(Object.keys(parameter).sort()).toEqual(["description", "name", "type", "value_wo", "value_wo_version"]);
  });

  test("declares a sensitive, ephemeral, non-nullable string variable named after the last part in snake case", () => {
    expect(Object.keys(json.variable ?? {})).toEqual(["password"]);
    expect(json.variable?.password).toEqual({
      type: "string",
      sensitive: true,
      ephemeral: true,
      nullable: false,
      description: "Value of the secret SSM parameter /hello/PASSWORD",
    });
    expect(json.variable?.password).not.toHaveProperty("default");
  });

  test("uses the AWS managed key: no key_id", () => {
    expect(parameter).not.toHaveProperty("key_id");
  });

  test("tells in its description which TF_VAR_ sets it", () => {
    expect(parameter.description).toBe("Secret /hello/PASSWORD, set through TF_VAR_password");
  });

  test("synthesizes without validation errors", () => {
    expect(synthErrors((stack) => new SecretParameter(stack, "secret", { parameterName: "/hello/PASSWORD" }))).toEqual([]);
  });

  test("exposes the ARN as a reference to the resource, and the name as given (readable in messages)", () => {
    const outputs = synthesize((stack) => {
      const secret = new SecretParameter(stack, "secret", { parameterName: "/hello/PASSWORD" });
      new TerraformOutput(stack, "arn", { value: secret.parameterArn });
      new TerraformOutput(stack, "name", { value: secret.parameterName });
    }).output;
    expect(outputs?.arn.value).toBe("${aws_ssm_parameter.secret.arn}");
    expect(outputs?.name.value).toBe("/hello/PASSWORD");
  });
});

describe("SecretParameter variable name derived from the parameter name", () => {
  test.each([
    ["/hello/PASSWORD", "password"],
    ["/hello/DB_PASSWORD", "db_password"],
    ["/hello/dbPassword", "db_password"],
    ["/my-app/api-key", "api_key"],
    ["TOKEN", "token"],
  ])("%s → var.%s", (parameterName, variable) => {
    const json = synthSecret({ parameterName });
    expect(Object.keys(json.variable ?? {})).toEqual([variable]);
    expect(onlyResource(json, "aws_ssm_parameter").value_wo).toBe(`\${var.${variable}}`);
  });
});

describe("SecretParameter options", () => {
  test("variableName names the variable, the value_wo reference and the description", () => {
    const json = synthSecret({ variableName: "hello_db_password" });
    const parameter = onlyResource(json, "aws_ssm_parameter");
    expect(Object.keys(json.variable ?? {})).toEqual(["hello_db_password"]);
    expect(json.variable?.hello_db_password).toMatchObject({ sensitive: true, ephemeral: true, nullable: false });
    expect(parameter.value_wo).toBe("${var.hello_db_password}");
    expect(parameter.description).toBe("Secret /hello/PASSWORD, set through TF_VAR_hello_db_password");
  });

  test("version sets value_wo_version, so bumping it rotates the value", () => {
    expect(onlyResource(synthSecret({ version: 3 }), "aws_ssm_parameter").value_wo_version).toBe(3);
  });

  test("kmsKeyArn encrypts with that key (key_id) and is exposed for grants", () => {
    let kmsKeyArn: string | undefined;
    const json = synthesize((stack) => {
      kmsKeyArn = new SecretParameter(stack, "secret", { parameterName: "/hello/PASSWORD", kmsKeyArn: KMS_KEY }).kmsKeyArn;
    });
    expect(onlyResource(json, "aws_ssm_parameter").key_id).toBe(KMS_KEY);
    expect(kmsKeyArn).toBe(KMS_KEY);
  });

  test("description replaces the default one", () => {
    expect(onlyResource(synthSecret({ description: "Database password" }), "aws_ssm_parameter").description).toBe(
      "Database password",
    );
  });
});

describe("SecretParameter validation", () => {
  test("reports an invalid parameter name with the construct path", () => {
    const errors = synthErrors((stack) => new SecretParameter(stack, "secret", { parameterName: "/hello/PASS WORD" }));
    expect(errors).toEqual([
      '[test/secret] parameterName is "/hello/PASS WORD": SSM takes a bare name or a path starting with /, ' +
        "of letters, digits and . - _, not starting with aws or ssm. Fix: use a path such as /my-app/PASSWORD",
    ]);
  });

  test.each(["/hello//PASSWORD", "/hello/PASSWORD/", "/hello/PASS$WORD", ""])("rejects the parameter name %j", (parameterName) => {
    const errors = synthErrors((stack) => new SecretParameter(stack, "secret", { parameterName, variableName: "password" }));
    expect(errors).toEqual([expect.stringContaining(`[test/secret] parameterName is ${JSON.stringify(parameterName)}`)]);
  });

  test("reports an invalid variableName", () => {
    const errors = synthErrors(
      (stack) => new SecretParameter(stack, "secret", { parameterName: "/hello/PASSWORD", variableName: "1password" }),
    );
    expect(errors).toEqual([
      '[test/secret] variableName is "1password": a Terraform variable name: a letter or _ then letters, digits, _ or -. ' +
        "Fix: set `variableName` to such a name",
    ]);
  });

  test("reports a derived variable name that is not a valid Terraform name, and tells to set variableName", () => {
    const errors = synthErrors((stack) => new SecretParameter(stack, "secret", { parameterName: "/hello/2FA_SEED" }));
    expect(errors).toEqual([expect.stringMatching(/^\[test\/secret\] variableName is "2_fa_seed": .*Fix: set `variableName`/)]);
  });

  test("variableName makes a parameter whose derived name is invalid acceptable", () => {
    expect(
      synthErrors((stack) => new SecretParameter(stack, "secret", { parameterName: "/hello/2FA_SEED", variableName: "two_fa_seed" })),
    ).toEqual([]);
  });

  test("two parameters whose names end alike never silently share one variable", () => {
    const errors = synthErrors((stack: FargateStack) => {
      new SecretParameter(stack, "first", { parameterName: "/app1/PASSWORD" });
      new SecretParameter(stack, "second", { parameterName: "/app2/PASSWORD" });
    });
    expect(errors).toEqual([
      expect.stringMatching(/^\[test\/second\] variableName is "password": .*"password" already feeds \/app1\/PASSWORD\. Fix: set `variableName` of \/app2\/PASSWORD/),
    ]);
  });

  test("the nearest good input, a distinct variableName, synthesizes with two variables", () => {
    const json = synthesize((stack: FargateStack) => {
      new SecretParameter(stack, "first", { parameterName: "/app1/PASSWORD" });
      new SecretParameter(stack, "second", { parameterName: "/app2/PASSWORD", variableName: "app2_password" });
    });
    expect(Object.keys(json.variable ?? {}).sort()).toEqual(["app2_password", "password"]);
  });

  test.each(["hello/PASSWORD", "aws-token", "/AWS/token", "ssm_key", "/a//b"])("reports the parameter name %j that SSM refuses", (parameterName) => {
    const errors = synthErrors((stack) => new SecretParameter(stack, "secret", { parameterName, variableName: "token" }));
    expect(errors).toEqual([expect.stringContaining("parameterName")]);
  });
});

describe("SecretParameter.fromArn", () => {
  test("reads the parameter name from the ARN and keeps the ARN", () => {
    const secret = SecretParameter.fromArn(EXISTING_ARN);
    expect(secret).toEqual({ parameterArn: EXISTING_ARN, parameterName: "/hello/API_KEY", kmsKeyArn: undefined });
  });

  test("parses ARNs of other partitions", () => {
    const secret = SecretParameter.fromArn("arn:aws-cn:ssm:cn-north-1:123456789012:parameter/hello/API_KEY");
    expect(secret.parameterName).toBe("/hello/API_KEY");
  });

  test("kmsKeyArn is kept for the grants", () => {
    expect(SecretParameter.fromArn(EXISTING_ARN, { kmsKeyArn: KMS_KEY }).kmsKeyArn).toBe(KMS_KEY);
  });

  test("creates nothing in the stack", () => {
    const json = synthesize((stack) => {
      new TerraformOutput(stack, "arn", { value: SecretParameter.fromArn(EXISTING_ARN).parameterArn });
    });
    expect(json.resource ?? {}).toEqual({});
    expect(json.data).toBeUndefined();
    expect(json.variable).toBeUndefined();
    expect(json.output?.arn.value).toBe(EXISTING_ARN);
  });
});

describe("SecretParameter.fromName", () => {
  test("builds the ARN from the stack's region and the caller identity's account", () => {
    let parameterName: string | undefined;
    const json = synthesize((stack) => {
      const secret = SecretParameter.fromName(stack, "/hello/API_KEY");
      parameterName = secret.parameterName;
      new TerraformOutput(stack, "arn", { value: secret.parameterArn });
    });
    expect(json.output?.arn.value).toBe(
      "arn:aws:ssm:eu-west-1:${data.aws_caller_identity.current_account.account_id}:parameter/hello/API_KEY",
    );
    expect(parameterName).toBe("/hello/API_KEY");
    expect(json.data?.aws_caller_identity).toEqual({ current_account: {} });
    expect(json.resource ?? {}).toEqual({});
  });

  test("a name without a leading slash gets exactly one / in the ARN", () => {
    const json = synthesize((stack) => {
      new TerraformOutput(stack, "arn", { value: SecretParameter.fromName(stack, "API_KEY").parameterArn });
    });
    expect(json.output?.arn.value).toBe(
      "arn:aws:ssm:eu-west-1:${data.aws_caller_identity.current_account.account_id}:parameter/API_KEY",
    );
  });

  test("uses one aws_caller_identity per stack, even when called twice", () => {
    const json = synthesize((stack) => {
      new TerraformOutput(stack, "first", { value: SecretParameter.fromName(stack, "/hello/A").parameterArn });
      new TerraformOutput(stack, "second", { value: SecretParameter.fromName(stack, "/hello/B").parameterArn });
    });
    expect(Object.keys(json.data?.aws_caller_identity ?? {})).toEqual(["current_account"]);
    expect(json.output?.first.value).toContain("${data.aws_caller_identity.current_account.account_id}:parameter/hello/A");
    expect(json.output?.second.value).toContain("${data.aws_caller_identity.current_account.account_id}:parameter/hello/B");
  });

  test.each([
    ["cn-north-1", "arn:aws-cn:ssm:cn-north-1:"],
    ["us-gov-west-1", "arn:aws-us-gov:ssm:us-gov-west-1:"],
    ["us-east-1", "arn:aws:ssm:us-east-1:"],
  ])("in %s the ARN starts with %s", (region, prefix) => {
    const json = synthesize((stack) => {
      new TerraformOutput(stack, "arn", { value: SecretParameter.fromName(stack, "/hello/API_KEY").parameterArn });
    }, region);
    expect(json.output?.arn.value).toBe(
      `${prefix}\${data.aws_caller_identity.current_account.account_id}:parameter/hello/API_KEY`,
    );
  });

  test("kmsKeyArn is kept for the grants", () => {
    let kmsKeyArn: string | undefined;
    synthesize((stack) => {
      kmsKeyArn = SecretParameter.fromName(stack, "/hello/API_KEY", { kmsKeyArn: KMS_KEY }).kmsKeyArn;
    });
    expect(kmsKeyArn).toBe(KMS_KEY);
  });

  test("refuses to build an ARN when the provider region is not a literal", () => {
    const errors = synthErrors((stack) => {
      new TerraformOutput(stack, "arn", { value: SecretParameter.fromName(stack, "/hello/API_KEY").parameterArn });
    }, "${var.region}");
    expect(errors).toEqual([expect.stringMatching(/SecretParameter.fromName is "\/hello\/API_KEY": .*no literal region.* Fix: /)]);
  });
});
