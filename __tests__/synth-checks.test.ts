import { readFileSync, rmSync } from "fs";
import { join } from "path";
import { Lazy, Testing } from "cdktf";
import {
  Cluster,
  ContainerDefinitionProps,
  FargateService,
  FargateServiceProps,
  FargateStack,
  FargateTaskDefinition,
  FargateTaskDefinitionProps,
  FargateWebApp,
  FargateWebAppProps,
  HostedZone,
  ISecret,
  LoadBalancer,
  LoadBalancerProps,
  LogGroup,
  LogGroupProps,
  Network,
  NetworkProps,
  SecretParameter,
  TaskExecutionRole,
  TaskRole,
  TargetGroup,
  TargetGroupProps,
} from "../src";
import { newTarget } from "./support/target";
import { decodeJsonencode, newStack, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

/*
 * Every synth-time check of the constructs: for each rule, a bad input and the exact `[path] message`
 * line(s) it gives, and the nearest good input (the smallest change that fixes it), which synthesizes.
 */

const IMAGE = "public.ecr.aws/nginx/nginx:1.27";
const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const ACCOUNT = "123456789012";
const LEGACY_ROLE = `arn:aws:iam::${ACCOUNT}:role/legacy-ecs-execution`;
const PASSWORD_ARN = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/hello/PASSWORD`;
const KMS_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const CERTIFICATE = `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`;
const CANARY = "hunter2-canary";
/** A region the provider only knows at plan time: a token, as a variable or data source would give. */
const TOKEN_REGION = Lazy.stringValue({ produce: () => "eu-west-1" });

const NETWORK = Network.fromExisting({
  vpcId: "vpc-0123456789abcdef0",
  publicSubnetIds: ["subnet-public-a", "subnet-public-b"],
  privateSubnetIds: ["subnet-private-a", "subnet-private-b"],
});
const CLUSTER = Cluster.fromExisting({ clusterArn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/main`, clusterName: "main" });

/**
 * The article's app, as main.ts declares it, in development: its new parameters keep AWS's aws/ssm key, as the
 * article's did (production's environment key is in test (1b)).
 */
const APP: FargateWebAppProps = {
  name: "hello",
  image: "public.ecr.aws/nginx/nginx:1.27-alpine",
  port: 80,
  domain: "hello.example.com",
  stage: "development",
};
const APP_CONTAINER = "[test/hello/task/container]";

/** The validation errors of a FargateWebApp "hello"; `after` runs on it once it is built. */
function appErrors(props: Partial<FargateWebAppProps>, after?: (app: FargateWebApp) => void): string[] {
  return synthErrors((stack) => {
    const app = new FargateWebApp(stack, "hello", { ...APP, ...props });
    after?.(app);
  });
}

/** Task "task" (family hello, 256/512 unless `task` says otherwise) with container "web" made of `props`. */
function containerErrors(props: Record<string, unknown>, task: Partial<FargateTaskDefinitionProps> = {}, region?: string) {
  return synthErrors(
    (stack) =>
      new FargateTaskDefinition(stack, "task", { family: "hello", ...task }).addContainer("web", {
        name: "web",
        image: IMAGE,
        ...props,
      } as unknown as ContainerDefinitionProps),
    region,
  );
}
const WEB = "[test/task/web]";

/** The message synth fails with, whole; "" when it synthesizes. */
function synthMessage(build: (stack: FargateStack) => void): string {
  try {
    synthesize(build);
    return "";
  } catch (error) {
    return String((error as Error).message);
  }
}

/** The warnings cdktf writes to the stack's manifest.json (what `cdktf synth` prints), synthesizing with validations. */
function warnings(build: (stack: FargateStack) => void): { constructPath: string; level: string; message: string }[] {
  const stack = newStack();
  build(stack);
  const outdir = Testing.fullSynth(stack);
  try {
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
    return manifest.stacks.test.annotations
      .filter((annotation: any) => annotation.level === "@cdktf/warn")
      .map(({ constructPath, level, message }: any) => ({ constructPath, level, message }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function policyStatements(policy: any): any[] {
  return decodeJsonencode(policy.policy).Statement;
}

/** The line an existing execution role gets for a secret it cannot read. */
function unreadable(variable: string, parameter: string, lacks: string, role = "legacy-ecs-execution"): string {
  return (
    `${APP_CONTAINER} secrets.${variable}: execution role "${role}" cannot read parameter ${parameter}: it lacks ${lacks}, ` +
    `so ECS would fail to start the task ("unable to pull secrets"). Fix: call executionRole.grantSecretRead(...) with this secret, ` +
    `or leave the task's executionRole unset so this project creates one`
  );
}

describe("the article's mistake: a secret the execution role cannot read", () => {
  test("(1) an existing execution role and a new secret: one error naming role, parameter, action and fix; grantSecretRead fixes it", () => {
    const props = { executionRoleArn: LEGACY_ROLE, secrets: { PASSWORD: {} } };

    const errors = appErrors(props);
    expect(errors).toEqual([unreadable("PASSWORD", "/hello/PASSWORD", "ssm:GetParameters on parameter /hello/PASSWORD")]);
    expect(errors[0]).toContain('"legacy-ecs-execution"');
    expect(errors[0]).toContain("/hello/PASSWORD");
    expect(errors[0]).toContain("ssm:GetParameters");
    expect(errors[0]).toContain("Fix: call executionRole.grantSecretRead(...)");

    const grant = (app: FargateWebApp) => app.taskDefinition.executionRole.grantSecretRead(app.secrets.PASSWORD);
    expect(appErrors(props, grant)).toEqual([]);
    const json = synthesize((stack) => grant(new FargateWebApp(stack, "hello", { ...APP, ...props })));
    const policy = onlyResource(json, "aws_iam_role_policy");
    expect(policy.role).toBe("legacy-ecs-execution");
    expect(policyStatements(policy)).toEqual([
      {
        Sid: "ReadSecretParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameters"],
        Resource: ["${aws_ssm_parameter.hello_secret_password.arn}"],
      },
    ]);
    // The existing role is used as it is: the task starts with it, and no execution role is created.
    expect(onlyResource(json, "aws_ecs_task_definition").execution_role_arn).toBe(LEGACY_ROLE);
    expect(Object.values(resourcesOf(json, "aws_iam_role")).map((role: any) => role.name)).toEqual(["hello-task"]);
  });

  test("(1b) in production the new secret is encrypted with the environment's key: the error names that key by what it is; grantSecretRead fixes it", () => {
    const props = { executionRoleArn: LEGACY_ROLE, secrets: { PASSWORD: {} }, stage: "production" as const };
    expect(appErrors(props)).toEqual([
      unreadable("PASSWORD", "/hello/PASSWORD", "ssm:GetParameters on parameter /hello/PASSWORD and kms:Decrypt on the KMS key this stack creates for it"),
    ]);
    const grant = (app: FargateWebApp) => app.taskDefinition.executionRole.grantSecretRead(app.secrets.PASSWORD);
    expect(appErrors(props, grant)).toEqual([]);
    const json = synthesize((stack) => grant(new FargateWebApp(stack, "hello", { ...APP, ...props })));
    const legacyPolicy = Object.values(resourcesOf(json, "aws_iam_role_policy")).find((policy: any) => policy.role === "legacy-ecs-execution");
    expect(policyStatements(legacyPolicy)).toContainEqual({
      Sid: "DecryptSecretParameters",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: ["${aws_kms_key.hello_encryption_key.arn}"],
    });
  });

  test("(2) a KMS-encrypted parameter on an existing role granted only ssm:GetParameters: kms:Decrypt and the key are named; grantSecretRead fixes it", () => {
    const props = { executionRoleArn: LEGACY_ROLE, secrets: { PASSWORD: SecretParameter.fromArn(PASSWORD_ARN, { kmsKeyArn: KMS_KEY }) } };
    const readOnly = (app: FargateWebApp) =>
      app.taskDefinition.executionRole.addToPolicy({ sid: "ReadPassword", actions: ["ssm:GetParameters"], resources: [PASSWORD_ARN] });

    expect(appErrors(props, readOnly)).toEqual([unreadable("PASSWORD", "/hello/PASSWORD", `kms:Decrypt on key ${KMS_KEY}`)]);

    const grant = (app: FargateWebApp) => app.taskDefinition.executionRole.grantSecretRead(app.secrets.PASSWORD);
    expect(appErrors(props, grant)).toEqual([]);
    const json = synthesize((stack) => grant(new FargateWebApp(stack, "hello", { ...APP, ...props })));
    const policy = onlyResource(json, "aws_iam_role_policy");
    expect(policy.role).toBe("legacy-ecs-execution");
    expect(policyStatements(policy)).toEqual([
      { Sid: "ReadSecretParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [PASSWORD_ARN] },
      { Sid: "DecryptSecretParameters", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KMS_KEY] },
    ]);
  });

  test("(2b) an existing role with neither grant lacks both, in one line", () => {
    const props = { executionRoleArn: LEGACY_ROLE, secrets: { PASSWORD: SecretParameter.fromArn(PASSWORD_ARN, { kmsKeyArn: KMS_KEY }) } };
    expect(appErrors(props)).toEqual([
      unreadable("PASSWORD", "/hello/PASSWORD", `ssm:GetParameters on parameter /hello/PASSWORD and kms:Decrypt on key ${KMS_KEY}`),
    ]);
    expect(appErrors(props, (app) => app.taskDefinition.executionRole.grantSecretRead(app.secrets.PASSWORD))).toEqual([]);
  });

  test("(3) a wildcard grant covers the parameter only when action and resource patterns both match it", () => {
    const props = { executionRoleArn: LEGACY_ROLE, secrets: { PASSWORD: SecretParameter.fromArn(PASSWORD_ARN) } };
    const grant = (actions: string[], resource: string) => (app: FargateWebApp) =>
      app.taskDefinition.executionRole.addToPolicy({ sid: "ReadAll", actions, resources: [resource] });
    const lacksRead = [unreadable("PASSWORD", "/hello/PASSWORD", "ssm:GetParameters on parameter /hello/PASSWORD")];

    // Bad: another folder, or the singular action (ECS calls ssm:GetParameters).
    expect(appErrors(props, grant(["ssm:GetParameter*"], `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/other/*`))).toEqual(lacksRead);
    expect(appErrors(props, grant(["ssm:GetParameter"], `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/hello/*`))).toEqual(lacksRead);
    // Good: the article's wildcard grant.
    expect(appErrors(props, grant(["ssm:GetParameter*"], `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/hello/*`))).toEqual([]);
  });

  test("(3b) a wildcard grant on the parameter's folder covers a parameter this project creates", () => {
    const props = { executionRoleArn: LEGACY_ROLE, secrets: { PASSWORD: {} } };
    const grant = (resource: string) => (app: FargateWebApp) =>
      app.taskDefinition.executionRole.addToPolicy({ sid: "ReadAll", actions: ["ssm:GetParameter*"], resources: [resource] });
    expect(appErrors(props, grant(`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/other/*`))).toEqual([
      unreadable("PASSWORD", "/hello/PASSWORD", "ssm:GetParameters on parameter /hello/PASSWORD"),
    ]);
    expect(appErrors(props, grant(`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/hello/*`))).toEqual([]);
    expect(appErrors(props, grant("arn:aws:ssm:eu-west-1:*:parameter/hello/*"))).toEqual([]);
    expect(appErrors(props, grant("arn:aws:ssm:us-east-1:*:parameter/hello/*"))).toHaveLength(1); // another region
  });

  test("(4) with the role this project creates, secrets of every kind are granted automatically and synth never refuses them", () => {
    const secrets = {
      PASSWORD: {},
      API_KEY: SecretParameter.fromArn(`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/shared/API_KEY`, { kmsKeyArn: KMS_KEY }),
    };
    expect(appErrors({ secrets })).toEqual([]);
    const json = synthesize((stack) => new FargateWebApp(stack, "hello", { ...APP, secrets }));
    const policy = onlyResource(json, "aws_iam_role_policy");
    expect(policy.role).toBe("${aws_iam_role.hello_task_execution_role.name}");
    const statements = policyStatements(policy);
    expect(statements.find((statement) => statement.Sid === "ReadSecretParameters")).toEqual({
      Sid: "ReadSecretParameters",
      Effect: "Allow",
      Action: ["ssm:GetParameters"],
      Resource: ["${aws_ssm_parameter.hello_secret_password.arn}", `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/shared/API_KEY`],
    });
    expect(statements.find((statement) => statement.Sid === "DecryptSecretParameters")).toEqual({
      Sid: "DecryptSecretParameters",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [KMS_KEY],
    });
  });

  test("no error message ever contains a secret value passed anywhere", () => {
    const build = (stack: FargateStack) => {
      new FargateWebApp(stack, "hello", {
        ...APP,
        executionRoleArn: LEGACY_ROLE,
        environment: { PASSWORD: CANARY, DB_PASSWORD: CANARY, GITHUB_TOKEN: CANARY },
        secrets: { PASSWORD: {}, API_KEY: CANARY as unknown as ISecret },
      });
      new FargateTaskDefinition(stack, "task", { family: "other" }).addContainer("web", {
        name: "web",
        image: IMAGE,
        environment: { AWS_SECRET_ACCESS_KEY: CANARY },
        secrets: { PRIVATE_KEY: CANARY as unknown as ISecret },
      });
    };
    const errors = synthErrors(build);
    expect(errors).toEqual([
      `${APP_CONTAINER} environment.PASSWORD: a variable is either plain (\`environment\`) or secret (\`secrets\`), not both. Fix: remove PASSWORD from \`environment\``,
      expect.stringMatching(/^\[test\/hello\/task\/container\] environment\.DB_PASSWORD: its name says it holds a secret/),
      expect.stringMatching(/^\[test\/hello\/task\/container\] environment\.GITHUB_TOKEN: its name says it holds a secret/),
      expect.stringMatching(/^\[test\/hello\/task\/container\] secrets\.API_KEY: a secret is a reference to an SSM parameter/),
      unreadable("PASSWORD", "/hello/PASSWORD", "ssm:GetParameters on parameter /hello/PASSWORD"),
      expect.stringMatching(/^\[test\/task\/web\] environment\.AWS_SECRET_ACCESS_KEY: its name says it holds a secret/),
      expect.stringMatching(/^\[test\/task\/web\] secrets\.PRIVATE_KEY: a secret is a reference to an SSM parameter/),
    ]);
    const message = synthMessage(build);
    expect(message).toContain("Validation failed");
    expect(message).not.toContain(CANARY);
  });
});

describe("ContainerDefinition", () => {
  test("name: letters, digits, hyphens and underscores", () => {
    expect(containerErrors({ name: "web app" })).toEqual([
      `${WEB} name is "web app": 1 to 255 letters, digits, hyphens and underscores. Fix: rename the container, e.g. "web"`,
    ]);
    expect(containerErrors({ name: "web-app_1" })).toEqual([]);
  });

  test.each([
    ["uppercase repository", "Nginx:1.27", "nginx:1.27"],
    ["uppercase path after a registry", "registry.example.com/Team/app:1.0", "registry.example.com/team/app:1.0"],
    ["a space", "my app:1.0", "my-app:1.0"],
    [": with an empty tag", "nginx:", "nginx:1.27"],
    ["a digest too short", "nginx@sha256:abc", `nginx@${DIGEST}`],
    ["a digest in uppercase hex", `nginx@${DIGEST.toUpperCase().replace("SHA256", "sha256")}`, `nginx@${DIGEST}`],
    ["a scheme", "https://public.ecr.aws/nginx/nginx:1.27", "public.ecr.aws/nginx/nginx:1.27"],
    ["an uppercase Docker Hub namespace (not a registry: no dot, no port)", "MyOrg/app:1", "myorg/app:1"],
  ])("image: %s is not an image reference", (_, bad, good) => {
    expect(containerErrors({ image: bad })).toEqual([
      `${WEB} image is ${JSON.stringify(bad)}: an image reference: [registry/]repository[:tag][@sha256:digest], repository in lowercase. ` +
        `Fix: e.g. "public.ecr.aws/nginx/nginx:1.27" or "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"`,
    ]);
    expect(containerErrors({ image: good })).toEqual([]);
  });

  test.each([
    "nginx:1.27",
    "library/nginx:1.27",
    "bitnami/nginx:1.27.0-debian-12-r1",
    "docker.io/library/nginx:1.27",
    "registry.example.com:5000/team/app:1.0",
    "localhost:5000/app:v2",
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2",
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app__worker:1.4.2",
    "public.ecr.aws/nginx/nginx:1.27-alpine",
    `nginx@${DIGEST}`,
    `nginx:1.27@${DIGEST}`,
    "${aws_ecr_repository.app.repository_url}:1.0",
  ])("image: %s is a valid reference", (image) => {
    expect(containerErrors({ image })).toEqual([]);
  });

  test.each([
    ["public.ecr.aws/nginx/nginx", "public.ecr.aws/nginx/nginx:1.2.3"],
    ["localhost:5000/app:latest", "localhost:5000/app:1.2.3"],
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.2.3"],
    ["bitnami/nginx", "bitnami/nginx:1.2.3"],
  ])("image warning for %s suggests pinning the same image, registry and namespace kept: %s", (image, suggestion) => {
    const [warning] = warnings((stack) =>
      new FargateTaskDefinition(stack, "task", { family: "hello" }).addContainer("web", { name: "web", image }),
    );
    expect(warning.message).toMatch(new RegExp(`Fix: pin a version tag or a digest, e\\.g\\. "${suggestion.replace(/[.]/g, "\\.")}"$`));
  });

  test.each([
    ["no tag (the fix: a version tag)", "nginx", "no tag (so latest)", "nginx:1.27"],
    ["the latest tag", "nginx:latest", "the tag latest", "nginx:1.27"],
    ["no tag (the fix: a digest)", "nginx", "no tag (so latest)", `nginx@${DIGEST}`],
  ])("image warning: %s is mutable; a pinned tag or digest gives no warning", (_, mutable, why, pinned) => {
    const build = (image: string) => (stack: FargateStack) =>
      new FargateTaskDefinition(stack, "task", { family: "hello" }).addContainer("web", { name: "web", image });
    const repository = mutable.replace(/:latest$/, "");
    expect(warnings(build(mutable))).toEqual([
      {
        constructPath: "test/task/web",
        level: "@cdktf/warn",
        message:
          `image is "${mutable}": ${why} is mutable, so a task replaced later may run other code than the one deployed, ` +
          `and Terraform sees no change to roll out. Fix: pin a version tag or a digest, e.g. "${repository}:1.2.3"`,
      },
    ]);
    // A warning, not an error: synth goes on.
    expect(containerErrors({ image: mutable })).toEqual([]);
    expect(warnings(build(pinned))).toEqual([]);
  });

  test.each([
    "PASSWORD",
    "DB_PASSWORD",
    "db_password",
    "API_KEY",
    "APIKEY",
    "GITHUB_TOKEN",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "PRIVATE_KEY",
    "CREDENTIALS",
    "GOOGLE_APPLICATION_CREDENTIAL",
    "SMTP_PASS",
    "MYSQL_PASSWD",
    "SESSION_SECRET",
    // Secret terms inside a word, or in camelCase.
    "PGPASSWORD",
    "MYSQL_PWD",
    "JWTSECRET",
    "SECRETKEY",
    "AUTHTOKEN",
    "dbPassword",
    "githubToken",
    "SSH_PASSPHRASE",
    // Not secret, but named like one: what `notSecret` is for.
    "TOKEN_TTL",
    "PASSWORD_MIN_LENGTH",
    "DB_SECRET_ARN",
  ])("environment: %s looks secret and its plain value stops synth, unless listed in notSecret", (variable) => {
    const environment = { [variable]: CANARY };
    expect(containerErrors({ environment })).toEqual([
      `${WEB} environment.${variable}: its name says it holds a secret, and a plain value is readable in the task definition, ` +
        `the synthesized JSON and Terraform state. Fix: move it to \`secrets\` (e.g. secrets: { ${variable}: {} }), ` +
        `or list it in \`notSecret\` if the value is not secret`,
    ]);
    expect(containerErrors({ environment, notSecret: [variable] })).toEqual([]);
  });

  test.each(["USER", "PASSENGER_COUNT", "BYPASS_CACHE", "PASSPORT_STRATEGY", "SECRETARY_EMAIL", "TOKENIZER_MODEL", "KEYBOARD_LAYOUT", "PUBLIC_KEY_URL", "PORT"])(
    "environment: %s does not look secret",
    (variable) => {
      expect(containerErrors({ environment: { [variable]: "value" } })).toEqual([]);
    },
  );

  test("environment and secrets: a variable in both", () => {
    const secrets = { PASSWORD: SecretParameter.fromArn(PASSWORD_ARN) };
    expect(containerErrors({ environment: { PASSWORD: CANARY, USER: "hello" }, secrets })).toEqual([
      `${WEB} environment.PASSWORD: a variable is either plain (\`environment\`) or secret (\`secrets\`), not both. Fix: remove PASSWORD from \`environment\``,
    ]);
    expect(containerErrors({ environment: { USER: "hello" }, secrets })).toEqual([]);
  });

  test("secrets: a literal string instead of a parameter, reported without its value", () => {
    const errors = containerErrors({ secrets: { PASSWORD: CANARY as unknown as ISecret } });
    expect(errors).toEqual([
      `${WEB} secrets.PASSWORD: a secret is a reference to an SSM parameter; a literal value would be written into the synthesized JSON. ` +
        "Fix: create the parameter with SecretParameter (value from TF_VAR_…) or reference one with SecretParameter.fromArn",
    ]);
    expect(errors[0]).not.toContain(CANARY);
    expect(containerErrors({ secrets: { PASSWORD: SecretParameter.fromArn(PASSWORD_ARN) } })).toEqual([]);
  });

  test.each<[string, unknown, string]>([
    ["privileged", true, "remove it: Fargate never runs privileged containers"],
    ["links", ["db"], "remove it: containers of a Fargate task reach each other on localhost"],
    ["hostname", "web", "remove it: with awsvpc networking the task's ENI decides the hostname"],
    ["dnsServers", ["10.0.0.2"], "remove it: Fargate uses the VPC's resolver; change DNS through the VPC's DHCP options"],
    ["dnsSearchDomains", ["example.com"], "remove it: Fargate uses the VPC's resolver; change DNS through the VPC's DHCP options"],
    ["extraHosts", [{ hostname: "db", ipAddress: "10.0.0.5" }], "remove it: add the names to a Route53 private zone instead"],
    ["dockerSecurityOptions", ["no-new-privileges"], "remove it: Fargate does not take Docker security options"],
    ["disableNetworking", true, "remove it: awsvpc tasks always have a network interface"],
    ["resourceRequirements", [{ type: "GPU", value: "1" }], "remove it: Fargate has no GPUs; run GPU work on ECS with EC2 capacity"],
    ["volumesFrom", [{ sourceContainer: "data" }], "remove it: share data through a task volume and mountPoints instead"],
  ])("Fargate rejects the container field %s", (field, value, fix) => {
    expect(containerErrors({ [field]: value })).toEqual([`${WEB} ${field}: Fargate rejects this container definition field. Fix: ${fix}`]);
    expect(containerErrors({})).toEqual([]);
  });

  test.each<[string, unknown]>([
    ["devices", [{ hostPath: "/dev/fuse" }]],
    ["sharedMemorySize", 64],
    ["tmpfs", [{ containerPath: "/tmp", size: 64 }]],
    ["maxSwap", 1024],
    ["swappiness", 60],
  ])("linuxParameters.%s: Fargate supports only capabilities and initProcessEnabled", (field, value) => {
    expect(containerErrors({ linuxParameters: { initProcessEnabled: true, [field]: value } })).toEqual([
      `${WEB} linuxParameters.${field}: Fargate supports only capabilities and initProcessEnabled among the Linux parameters. Fix: remove ${field}`,
    ]);
    expect(containerErrors({ linuxParameters: { initProcessEnabled: true } })).toEqual([]);
  });

  test("linuxParameters.capabilities.add: only SYS_PTRACE; dropping is fine", () => {
    expect(containerErrors({ linuxParameters: { capabilities: { add: ["SYS_PTRACE", "NET_ADMIN", "SYS_ADMIN"] } } })).toEqual([
      `${WEB} linuxParameters.capabilities.add is ["NET_ADMIN","SYS_ADMIN"]: Fargate lets a container add only SYS_PTRACE ` +
        "(dropping any capability is fine). Fix: remove the other capabilities",
    ]);
    expect(containerErrors({ linuxParameters: { capabilities: { add: ["SYS_PTRACE"], drop: ["NET_RAW", "SYS_ADMIN"] } } })).toEqual([]);
  });

  test("portMappings.hostPort: must equal the container port", () => {
    expect(containerErrors({ portMappings: [{ containerPort: 8080, hostPort: 80 }] })).toEqual([
      `${WEB} portMappings.hostPort is 80: with awsvpc networking the host port is the container port (8080). Fix: remove hostPort`,
    ]);
    expect(containerErrors({ portMappings: [{ containerPort: 8080, hostPort: 8080 }] })).toEqual([]);
    expect(containerErrors({ portMappings: [{ containerPort: 8080 }] })).toEqual([]);
  });

  test("memoryReservation: not above memory", () => {
    expect(containerErrors({ memory: 256, memoryReservation: 384 })).toEqual([
      `${WEB} memoryReservation is 384: the soft limit cannot exceed the hard limit, memory (256 MiB). Fix: lower memoryReservation or raise memory`,
    ]);
    expect(containerErrors({ memory: 256, memoryReservation: 256 })).toEqual([]);
  });

  test("logGroup: the awslogs driver needs a literal region", () => {
    const withLogs = (stack: FargateStack) =>
      new FargateTaskDefinition(stack, "task", { family: "hello" }).addContainer("web", {
        name: "web",
        image: IMAGE,
        logGroup: new LogGroup(stack, "logs", { name: "/ecs/hello" }),
      });
    expect(synthErrors(withLogs, TOKEN_REGION)).toEqual([
      `${WEB} logGroup: the awslogs driver needs the region, and the stack's AWS provider has no literal region. ` +
        "Fix: give the AwsProvider (or FargateStack) a literal `region`",
    ]);
    expect(synthErrors(withLogs, "eu-west-1")).toEqual([]);
  });
});

describe("FargateTaskDefinition", () => {
  const TASK = "[test/task]";
  const taskErrors = (props: Partial<FargateTaskDefinitionProps>, containers: Record<string, unknown>[]) =>
    synthErrors((stack) => {
      const task = new FargateTaskDefinition(stack, "task", { family: "hello", ...props });
      containers.forEach((container, index) =>
        task.addContainer(`c${index}`, { name: `c${index}`, image: IMAGE, ...container } as unknown as ContainerDefinitionProps),
      );
    });

  test("containers: at least one", () => {
    expect(taskErrors({}, [])).toEqual([`${TASK} containers: a task needs at least one container. Fix: call addContainer()`]);
    expect(taskErrors({}, [{}])).toEqual([]);
  });

  test("containers: names unique in the task", () => {
    expect(taskErrors({}, [{ name: "web" }, { name: "web", essential: false }])).toEqual([
      `${TASK} containers: the name "web" is used twice. Fix: give each container its own name`,
    ]);
    expect(taskErrors({}, [{ name: "web" }, { name: "sidecar", essential: false }])).toEqual([]);
  });

  test("containers: at least one essential", () => {
    expect(taskErrors({}, [{ essential: false }, { essential: false }])).toEqual([
      `${TASK} containers: none is essential, so ECS would keep a task whose every container stopped. ` +
        "Fix: leave `essential` unset (true) on the main container",
    ]);
    expect(taskErrors({}, [{}, { essential: false }])).toEqual([]);
  });

  test("containers: their cpu adds up to the task's at most", () => {
    expect(taskErrors({}, [{ cpu: 200 }, { cpu: 100, essential: false }])).toEqual([
      `${TASK} containers: their cpu adds up to 300, more than the task's 256. Fix: lower the containers' cpu or raise the task's`,
    ]);
    expect(taskErrors({}, [{ cpu: 156 }, { cpu: 100, essential: false }])).toEqual([]);
  });

  test("containers: their memory reservations add up to the task's at most", () => {
    expect(taskErrors({}, [{ memoryReservation: 300 }, { memoryReservation: 300, essential: false }])).toEqual([
      `${TASK} containers: their memory reservations add up to 600 MiB, more than the task's 512 MiB. ` +
        "Fix: lower the containers' memoryReservation (or memory) or raise the task's memory",
    ]);
    expect(taskErrors({}, [{ memoryReservation: 256 }, { memoryReservation: 256, essential: false }])).toEqual([]);
  });

  test("containers: one container's memory is the task's at most", () => {
    expect(taskErrors({}, [{ memory: 1024, memoryReservation: 256 }])).toEqual([
      `${TASK} containers: "c0" has memory 1024 MiB, more than the task's 512 MiB. Fix: lower it to 512 or less`,
    ]);
    expect(taskErrors({}, [{ memory: 512, memoryReservation: 256 }])).toEqual([]);
  });

  test.each([
    [{ cpu: 256, memory: 4096 }, "cpu 256 / memory 2048, cpu 512 / memory 4096, cpu 512 / memory 3072"],
    [{ cpu: 1000, memory: 2048 }, "cpu 1024 / memory 2048, cpu 1024 / memory 3072, cpu 512 / memory 2048"],
    [{ cpu: 512, memory: 512 }, "cpu 256 / memory 512, cpu 512 / memory 1024, cpu 256 / memory 1024"],
    [{ cpu: 4096, memory: 4096 }, "cpu 2048 / memory 4096, cpu 4096 / memory 8192, cpu 4096 / memory 9216"],
  ])("cpu/memory %j is no Fargate task size; the message gives the nearest ones", (size, nearest) => {
    expect(taskErrors(size, [{}])).toEqual([
      `${TASK} cpu/memory is ${JSON.stringify(size)}: Fargate runs only the task sizes listed at ` +
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size. " +
        `Fix: use one of the nearest valid sizes: ${nearest}`,
    ]);
    const [, cpu, memory] = /^cpu (\d+) \/ memory (\d+)/.exec(nearest)!;
    expect(taskErrors({ cpu: Number(cpu), memory: Number(memory) }, [{}])).toEqual([]);
  });

  test("Windows: 1 vCPU or more", () => {
    const windows = { operatingSystemFamily: "WINDOWS_SERVER_2022_CORE" } as const;
    expect(taskErrors({ ...windows, cpu: 512, memory: 1024 }, [{}])).toEqual([
      `${TASK} cpu is 512: Windows tasks on Fargate need 1 vCPU (1024) or more. Fix: set cpu: 1024 and memory: 2048 or more`,
    ]);
    expect(taskErrors({ ...windows, cpu: 1024, memory: 2048 }, [{}])).toEqual([]);
  });

  test("Windows: X86_64 only (ARM64 is fine on Linux)", () => {
    const windows = { operatingSystemFamily: "WINDOWS_SERVER_2022_CORE", cpu: 1024, memory: 2048 } as const;
    expect(taskErrors({ ...windows, cpuArchitecture: "ARM64" }, [{}])).toEqual([
      `${TASK} cpuArchitecture is "ARM64": Windows tasks on Fargate run on X86_64 only. Fix: set cpuArchitecture: "X86_64"`,
    ]);
    expect(taskErrors({ ...windows, cpuArchitecture: "X86_64" }, [{}])).toEqual([]);
    expect(taskErrors({ cpu: 1024, memory: 2048, cpuArchitecture: "ARM64" }, [{}])).toEqual([]);
  });
});

describe("FargateService", () => {
  const SERVICE = "[test/service]";
  const serviceErrors = (props: Partial<FargateServiceProps>, options: { targetPort?: number; containerPorts?: number[] } = {}) =>
    synthErrors((stack) => {
      const taskDefinition = new FargateTaskDefinition(stack, "task", { family: "hello" });
      taskDefinition.addContainer("web", {
        name: "web",
        image: IMAGE,
        portMappings: (options.containerPorts ?? [80]).map((containerPort) => ({ containerPort })),
      });
      const target = options.targetPort === undefined ? undefined : newTarget(stack, NETWORK, options.targetPort);
      new FargateService(stack, "service", { name: "hello", cluster: CLUSTER, taskDefinition, network: NETWORK, target, ...props });
    });
  const wholeNumber = (field: string, value: number, min: number, max: number, fix: string) =>
    `${SERVICE} ${field} is ${value}: a whole number from ${min} to ${max}. Fix: ${fix}`;
  const COUNT_FIX = "2 or more keep the app up when a zone or a task fails";
  const MIN_FIX = "100 keeps full capacity during deployments";
  const MAX_FIX = "200 lets a deployment start a full new set of tasks first";
  const GRACE_FIX = "give it a little longer than the app takes to start answering its health check";
  const maxAboveMin = (maximum: number, minimum: number) =>
    `${SERVICE} maximumPercent is ${maximum}: a deployment replaces tasks only when maximumPercent is above minimumHealthyPercent (${minimum}). ` +
    "Fix: keep the defaults 100 and 200, or lower minimumHealthyPercent";

  test.each<[string, Partial<FargateServiceProps>, string[], Partial<FargateServiceProps>]>([
    ["desiredCount -1", { desiredCount: -1 }, [wholeNumber("desiredCount", -1, 0, 5000, COUNT_FIX)], { desiredCount: 0 }],
    ["desiredCount 1.5", { desiredCount: 1.5 }, [wholeNumber("desiredCount", 1.5, 0, 5000, COUNT_FIX)], { desiredCount: 2 }],
    ["desiredCount 5001", { desiredCount: 5001 }, [wholeNumber("desiredCount", 5001, 0, 5000, COUNT_FIX)], { desiredCount: 5000 }],
    ["minimumHealthyPercent 101", { minimumHealthyPercent: 101 }, [wholeNumber("minimumHealthyPercent", 101, 0, 100, MIN_FIX)], { minimumHealthyPercent: 100 }],
    ["minimumHealthyPercent -1", { minimumHealthyPercent: -1 }, [wholeNumber("minimumHealthyPercent", -1, 0, 100, MIN_FIX)], { minimumHealthyPercent: 0 }],
    [
      "maximumPercent 99",
      { maximumPercent: 99 },
      [wholeNumber("maximumPercent", 99, 100, 2000, MAX_FIX), maxAboveMin(99, 100)],
      { maximumPercent: 101 },
    ],
    ["maximumPercent 2001", { maximumPercent: 2001 }, [wholeNumber("maximumPercent", 2001, 100, 2000, MAX_FIX)], { maximumPercent: 2000 }],
    [
      "maximumPercent not above minimumHealthyPercent",
      { minimumHealthyPercent: 100, maximumPercent: 100 },
      [maxAboveMin(100, 100)],
      { minimumHealthyPercent: 50, maximumPercent: 100 },
    ],
    [
      "healthCheckGracePeriodSeconds -1",
      { healthCheckGracePeriodSeconds: -1 },
      [wholeNumber("healthCheckGracePeriodSeconds", -1, 0, 2147483647, GRACE_FIX)],
      { healthCheckGracePeriodSeconds: 0 },
    ],
  ])("deployment: %s", (_, bad, expected, good) => {
    expect(serviceErrors(bad)).toEqual(expected);
    expect(serviceErrors(good)).toEqual([]);
  });

  test.each<[string, number[], string]>([
    ["another port", [80], "port 80"],
    ["no port", [], "no port"],
  ])("taskDefinition: the load balancer's target port must be the container's (container maps %s)", (_, containerPorts, maps) => {
    expect(serviceErrors({}, { targetPort: 8080, containerPorts })).toEqual([
      `${SERVICE} taskDefinition: the load balancer sends traffic to port 8080, but container "web" maps ${maps}. ` +
        "Fix: add { containerPort: 8080 } to its portMappings, or set the target group's port to the port it listens on",
    ]);
    expect(serviceErrors({}, { targetPort: 8080, containerPorts: [...containerPorts, 8080] })).toEqual([]);
  });
});

describe("LoadBalancer", () => {
  const LB = "[test/lb]";
  const lbErrors = (props: Partial<LoadBalancerProps>) =>
    synthErrors((stack) => new LoadBalancer(stack, "lb", { name: "hello", network: NETWORK, certificateArn: CERTIFICATE, ...props }));
  const TG = "[test/tg]";
  const tgErrors = (props: Partial<TargetGroupProps>) =>
    synthErrors((stack) => new TargetGroup(stack, "tg", { name: "hello", vpcId: "vpc-0123", port: 80, ...props }));

  test.each([
    ["-bad", "bad"],
    ["bad-", "bad"],
    ["internal-x", "internalx"],
    ["bad_name", "bad-name"],
  ])("name %j: letters, digits and hyphens, not -… or internal-…", (bad, good) => {
    expect(lbErrors({ name: bad })).toEqual([
      `${LB} name is ${JSON.stringify(bad)}: letters, digits and hyphens, not starting with a hyphen or internal- and not ending with a hyphen. ` +
        'Fix: use a name such as "my-app" (it is shortened to 32 characters with a hash when longer)',
    ]);
    expect(lbErrors({ name: good })).toEqual([]);
  });

  test("certificateArn: not empty", () => {
    expect(lbErrors({ certificateArn: "" })).toEqual([
      `${LB} certificateArn is "": the HTTPS listener needs a certificate. ` +
        "Fix: pass a Certificate's certificateArn (new, validated through a hosted zone) or Certificate.fromArn(...)",
    ]);
    expect(lbErrors({ certificateArn: CERTIFICATE })).toEqual([]);
  });

  test("healthCheck.path: starts with /", () => {
    expect(tgErrors({ healthCheck: { path: "health" } })).toEqual([
      `${TG} healthCheck.path is "health": a path starting with /. Fix: use "/health"`,
    ]);
    expect(tgErrors({ healthCheck: { path: "/health" } })).toEqual([]);
  });

  test("healthCheck.matcher: HTTP codes without text or spaces", () => {
    expect(tgErrors({ healthCheck: { matcher: "200 OK" } })).toEqual([
      `${TG} healthCheck.matcher is "200 OK": HTTP codes as a list or ranges, such as "200", "200,204" or "200-399". Fix: write the codes without spaces`,
    ]);
    expect(tgErrors({ healthCheck: { matcher: "200" } })).toEqual([]);
  });

  test.each([
    [5, 6],
    [301, 300],
    [10.5, 10],
  ])("healthCheck.intervalSeconds %d: whole seconds above the 5 s timeout, up to 300", (bad, good) => {
    expect(tgErrors({ healthCheck: { intervalSeconds: bad } })).toEqual([
      `${TG} healthCheck.intervalSeconds is ${bad}: whole seconds above the 5 s check timeout, up to 300. Fix: use 10 to 30 seconds`,
    ]);
    expect(tgErrors({ healthCheck: { intervalSeconds: good } })).toEqual([]);
  });

  test.each(["publicSubnetIds", "privateSubnetIds"] as const)("network.%s: an existing network needs two subnets or more", (field) => {
    const network = (ids: string[]) => Network.fromExisting({ ...NETWORK, [field]: ids });
    expect(lbErrors({ network: network(["subnet-a"]) })).toEqual([
      `${LB} network.${field}: 1 subnet(s); an ALB and a service spread over zones need subnets in two or more availability zones. ` +
        "Fix: list one subnet per zone, in at least two zones",
    ]);
    expect(lbErrors({ network: network(["subnet-a", "subnet-b"]) })).toEqual([]);
  });
});

describe("Network", () => {
  const NET = "[test/network]";
  const networkErrors = (props: Partial<NetworkProps>, region?: string) =>
    synthErrors((stack) => new Network(stack, "network", { name: "hello", ...props }), region);

  test.each([
    ["/8", "10.0.0.0/8", "10.0.0.0/16"],
    ["/25", "10.0.0.0/25", "10.0.0.0/24"],
    ["not a network address", "10.0.0.1/16", "10.0.0.0/16"],
    ["garbage", "garbage", "10.0.0.0/16"],
    ["an octet above 255", "10.256.0.0/16", "10.255.0.0/16"],
  ])("cidrBlock: %s", (_, bad, good) => {
    expect(networkErrors({ cidrBlock: bad })).toEqual([
      `${NET} cidrBlock is ${JSON.stringify(bad)}: an IPv4 network block from /16 to /24, such as "10.0.0.0/16". ` +
        "Fix: give the first address of the block and its prefix length",
    ]);
    expect(networkErrors({ cidrBlock: good })).toEqual([]);
  });

  test("availabilityZones: two or more", () => {
    expect(networkErrors({ availabilityZones: ["eu-west-1a"] })).toEqual([
      `${NET} availabilityZones is ["eu-west-1a"]: a load balancer needs subnets in at least two availability zones. ` +
        'Fix: list two or more zones of the region, e.g. ["eu-west-1a", "eu-west-1b"]',
    ]);
    expect(networkErrors({ availabilityZones: ["eu-west-1a", "eu-west-1b"] })).toEqual([]);
  });

  test("availabilityZones: eight zones or fewer (the VPC's halves hold eight subnets each)", () => {
    const zones = [..."abcdefghi"].map((letter) => `eu-west-1${letter}`);
    expect(networkErrors({ availabilityZones: zones })).toEqual([
      `${NET} availabilityZones is ${JSON.stringify(zones)}: the VPC is split into public and private halves of 8 subnets each. ` +
        "Fix: list 8 zones or fewer",
    ]);
    expect(networkErrors({ availabilityZones: zones.slice(0, 8) })).toEqual([]);
  });

  test("availabilityZones: each zone once", () => {
    expect(networkErrors({ availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1a"] })).toEqual([
      `${NET} availabilityZones is ["eu-west-1a","eu-west-1b","eu-west-1a"]: each zone once (subnets are named after the zone's letter). ` +
        "Fix: remove the repeated eu-west-1a",
    ]);
    expect(networkErrors({ availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] })).toEqual([]);
  });

  test("availabilityZones: derived from a literal provider region, else given", () => {
    expect(networkErrors({}, TOKEN_REGION)).toEqual([
      `${NET} availabilityZones: zones are derived from the AWS provider's region, and this stack's provider has no literal region. ` +
        "Fix: set `availabilityZones`, or give the AwsProvider a `region`",
    ]);
    expect(networkErrors({ availabilityZones: ["eu-west-1a", "eu-west-1b"] }, TOKEN_REGION)).toEqual([]);
  });
});

describe("LogGroup", () => {
  const logErrors = (props: Partial<LogGroupProps>) => synthErrors((stack) => new LogGroup(stack, "logs", { name: "/ecs/hello", ...props }));

  test("name: letters, digits and _ - / . #", () => {
    expect(logErrors({ name: "/ecs/my app" })).toEqual([
      '[test/logs] name is "/ecs/my app": 1 to 512 letters, digits and _ - / . #. Fix: use a path such as /ecs/my-app',
    ]);
    expect(logErrors({ name: "/ecs/my-app" })).toEqual([]);
  });

  test("retentionDays: one of CloudWatch Logs' values", () => {
    expect(logErrors({ retentionDays: 42 })).toEqual([
      "[test/logs] retentionDays is 42: CloudWatch Logs keeps events for one of " +
        "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days. " +
        "Fix: pick one of those values",
    ]);
    expect(logErrors({ retentionDays: 30 })).toEqual([]);
  });
});

describe("SecretParameter", () => {
  test.each([
    ["a path without its leading /", "hello/PASSWORD", "/hello/PASSWORD"],
    ["the aws prefix", "/aws/hello/PASSWORD", "/hello/aws/PASSWORD"],
    ["the AWS prefix in capitals", "/AWS/hello/PASSWORD", "/hello/AWS/PASSWORD"],
    ["the ssm prefix, bare name", "ssm_password", "app_ssm_password"],
    ["the Ssm prefix in mixed case", "/Ssm/hello/PASSWORD", "/hello/Ssm/PASSWORD"],
    ["a space", "/hello/MY PASSWORD", "/hello/MY_PASSWORD"],
  ])("parameterName with %s", (_, bad, good) => {
    const errors = (parameterName: string) => synthErrors((stack) => new SecretParameter(stack, "secret", { parameterName }));
    expect(errors(bad)).toEqual([
      `[test/secret] parameterName is ${JSON.stringify(bad)}: SSM takes a bare name or a path starting with /, ` +
        "of letters, digits and . - _, not starting with aws or ssm. Fix: use a path such as /my-app/PASSWORD",
    ]);
    expect(errors(good)).toEqual([]);
  });

  test("variableName: two parameters cannot share one Terraform variable", () => {
    const errors = (variableName?: string) =>
      synthErrors((stack) => {
        new SecretParameter(stack, "a", { parameterName: "/a/PASSWORD" });
        new SecretParameter(stack, "b", { parameterName: "/b/PASSWORD", variableName });
      });
    expect(errors()).toEqual([
      '[test/b] variableName is "password": each secret needs its own Terraform variable, and "password" already feeds /a/PASSWORD. ' +
        'Fix: set `variableName` of /b/PASSWORD to another name, e.g. "b_password"',
    ]);
    expect(errors("b_password")).toEqual([]);
  });

  test("variableName: a Terraform variable name, not starting with a digit", () => {
    const errors = (variableName?: string) =>
      synthErrors((stack) => new SecretParameter(stack, "secret", { parameterName: "/hello/2FA_SEED", variableName }));
    expect(errors()).toEqual([
      '[test/secret] variableName is "2_fa_seed": a Terraform variable name: a letter or _ then letters, digits, _ or -. ' +
        "Fix: set `variableName` to such a name",
    ]);
    expect(errors("two_fa_seed")).toEqual([]);
  });

  test("fromName: the ARN needs a literal provider region", () => {
    const build = (stack: FargateStack) =>
      new FargateTaskDefinition(stack, "task", { family: "hello" }).addContainer("web", {
        name: "web",
        image: IMAGE,
        secrets: { PASSWORD: SecretParameter.fromName(stack, "/hello/PASSWORD") },
      });
    expect(synthErrors(build, TOKEN_REGION)).toEqual([
      '[test] SecretParameter.fromName is "/hello/PASSWORD": a parameter\'s ARN is built from the stack\'s region, and the AWS provider has no literal region. ' +
        "Fix: give the AwsProvider (or FargateStack) a literal `region`, or use SecretParameter.fromArn",
    ]);
    expect(synthErrors(build, "eu-west-1")).toEqual([]);
  });
});

describe("TaskRole and TaskExecutionRole", () => {
  test.each([
    ["an 11-digit account", "arn:aws:iam::12345678901:role/legacy-ecs-execution", LEGACY_ROLE],
    ["a role name alone", "legacy-ecs-execution", LEGACY_ROLE],
    ["a user instead of a role", `arn:aws:iam::${ACCOUNT}:user/legacy-ecs-execution`, LEGACY_ROLE],
    ["a region in an IAM ARN", `arn:aws:iam:eu-west-1:${ACCOUNT}:role/legacy-ecs-execution`, LEGACY_ROLE],
    ["a space in a path", `arn:aws:iam::${ACCOUNT}:role/ecs roles/legacy`, `arn:aws:iam::${ACCOUNT}:role/ecs-roles/legacy`],
  ])("roleArn with %s", (_, bad, good) => {
    const errors = (roleArn: string) =>
      synthErrors((stack) => {
        new TaskRole(stack, "role", { roleArn });
        new TaskExecutionRole(stack, "execution_role", { roleArn });
      });
    const line = (path: string) =>
      `[test/${path}] roleArn is ${JSON.stringify(bad)}: an IAM role ARN, arn:aws:iam::<12-digit account>:role/<optional path/><name>. ` +
      "Fix: copy the role's ARN from the IAM console or `aws iam get-role`";
    expect(errors(bad)).toEqual([line("role"), line("execution_role")]);
    expect(errors(good)).toEqual([]);
  });
});

describe("FargateWebApp", () => {
  test.each([
    ["Hello", "hello"],
    ["hello_web", "hello-web"],
    ["1hello", "hello1"],
    ["h", "hi"],
    ["a-name-of-thirty-three-characters", "a-name-of-thirty-two-characters"],
    ["hello-", "hello"],
    ["-hello", "hello"],
    ["Hello-", "hello"],
    ["internal-app", "intern-app"],
  ])("name %j: 2 to 32 lowercase letters, digits and hyphens; reported once", (bad, good) => {
    expect(appErrors({ name: bad })).toEqual([
      `[test/hello] name is ${JSON.stringify(bad)}: 2 to 32 lowercase letters, digits and hyphens, starting with a letter (not internal-) and not ending with a hyphen. ` +
        'Fix: choose a short name such as "hello-web"',
    ]);
    expect(appErrors({ name: good })).toEqual([]);
  });

  test.each([
    ["https://hello.example.com", "hello.example.com"],
    ["Hello.Example.com", "hello.example.com"],
    ["hello.example.com/app", "hello.example.com"],
    ["localhost", "hello.localhost.dev"],
  ])("domain %j: a lowercase DNS name", (bad, good) => {
    expect(appErrors({ domain: bad })).toEqual([
      `[test/hello] domain is ${JSON.stringify(bad)}: a lowercase DNS name such as "app.example.com". ` +
        "Fix: give the full name the app answers on, without scheme or path",
    ]);
    expect(appErrors({ domain: good })).toEqual([]);
  });

  test("domain: inside the hosted zone given", () => {
    const hostedZone = HostedZone.fromExisting({ zoneId: "Z0123456789ABCDEFGHIJ", zoneName: "example.org" });
    expect(appErrors({ domain: "hello.example.com", hostedZone })).toEqual([
      '[test/hello] domain is "hello.example.com": the name must be inside the hosted zone "example.org". ' +
        'Fix: use a name ending in ".example.org", or the zone that holds "hello.example.com"',
    ]);
    expect(appErrors({ domain: "hello.example.org", hostedZone })).toEqual([]);
    expect(appErrors({ domain: "example.org", hostedZone })).toEqual([]);
    // A suffix is not a subdomain.
    expect(appErrors({ domain: "helloexample.org", hostedZone })).toHaveLength(1);
  });
});
