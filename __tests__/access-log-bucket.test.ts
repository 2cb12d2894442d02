import { Certificate, Environment, EnvironmentProps, FargateStack, WebService } from "../src";
import { AccessLogBucket, AccessLogBucketProps } from "../src/environment/hardening/access-log-bucket";
import { decodeJsonencode, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

const ACCOUNT = "123456789012";
const build = (props: Partial<AccessLogBucketProps> = {}) => (stack: FargateStack) => {
  new AccessLogBucket(stack, "access_logs", { name: "hello", accountId: ACCOUNT, region: "eu-west-1", expirationDays: 90, ...props });
};
const synthBucket = (props: Partial<AccessLogBucketProps> = {}) => synthesize(build(props), props.region);
const policyOf = (json: any) => decodeJsonencode(onlyResource(json, "aws_s3_bucket_policy").policy);
const statement = (json: any, sid: string) => policyOf(json).Statement.find((s: any) => s.Sid === sid);
const BUCKET_ARN = "${aws_s3_bucket.access_logs.arn}";

describe("AccessLogBucket", () => {
  const json = synthBucket();

  test("a bucket named by prefix <name>-alb-logs-, so that its globally unique name never clashes", () => {
    const bucket = onlyResource(json, "aws_s3_bucket");
    expect(bucket.bucket_prefix).toBe("hello-alb-logs-");
    expect(bucket.bucket).toBeUndefined();
  });

  test("a name of 28 characters is shortened with a hash to Terraform's 37 characters of bucket_prefix; 27 are kept", () => {
    const prefixOf = (name: string) => onlyResource(synthBucket({ name }), "aws_s3_bucket").bucket_prefix;
    const long = prefixOf("a-very-long-environment-name");
    expect(long).toHaveLength(37);
    expect(long).toMatch(/^a-very-long-environm-[0-9a-f]{6}-alb-logs-$/);
    expect(prefixOf("a-very-long-environment-nam")).toBe("a-very-long-environment-nam-alb-logs-");
  });

  test("public access blocked all four ways, ACLs off (bucket owner enforced)", () => {
    expect(onlyResource(json, "aws_s3_bucket_public_access_block")).toEqual({
      bucket: "${aws_s3_bucket.access_logs.id}",
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(json, "aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
  });

  test("encrypted with S3-managed keys (ELB log delivery supports no other), versioned", () => {
    expect(onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    expect(onlyResource(json, "aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
  });

  test("lifecycle: logs expire after expirationDays, noncurrent versions after a week, incomplete uploads aborted", () => {
    const lifecycle = onlyResource(synthBucket({ expirationDays: 30 }), "aws_s3_bucket_lifecycle_configuration");
    expect(lifecycle.rule).toEqual([
      {
        id: "expire-access-logs",
        status: "Enabled",
        filter: [{ prefix: "alb/" }],
        expiration: [{ days: 30 }],
        noncurrent_version_expiration: [{ noncurrent_days: 7 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
    ]);
    expect(lifecycle.depends_on).toEqual(["aws_s3_bucket_versioning.access_logs_versioning"]);
  });

  test("eu-west-1 (before August 2022): the region's ELB account may put objects, only under <prefix>/AWSLogs/<account>/", () => {
    expect(statement(json, "ElasticLoadBalancingWritesAccessLogs")).toEqual({
      Sid: "ElasticLoadBalancingWritesAccessLogs",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::156460612806:root" },
      Action: "s3:PutObject",
      Resource: `${BUCKET_ARN}/alb/AWSLogs/${ACCOUNT}/*`,
    });
  });

  test("eu-central-2 (Zurich, opened since August 2022): the log delivery service principal", () => {
    const grant = statement(synthBucket({ region: "eu-central-2" }), "ElasticLoadBalancingWritesAccessLogs");
    expect(grant.Principal).toEqual({ Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
    expect(grant.Resource).toBe(`${BUCKET_ARN}/alb/AWSLogs/${ACCOUNT}/*`);
  });

  test("GovCloud: the ELB account's ARN is in the aws-us-gov partition", () => {
    const grant = statement(synthBucket({ region: "us-gov-west-1" }), "ElasticLoadBalancingWritesAccessLogs");
    expect(grant.Principal).toEqual({ AWS: "arn:aws-us-gov:iam::048591011584:root" });
  });

  test("any request without TLS is denied, on the bucket and its objects", () => {
    expect(statement(json, "DenyInsecureTransport")).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(policyOf(json).Statement).toHaveLength(2);
  });

  test("the policy is written after the public access block (S3 refuses both at once)", () => {
    expect(onlyResource(json, "aws_s3_bucket_policy").depends_on).toEqual(["aws_s3_bucket_public_access_block.access_logs_public_access_block"]);
  });
});

describe("AccessLogBucket input checks", () => {
  test("expirationDays 0 and 1.5 are reported; 1 synthesizes", () => {
    expect(synthErrors(build({ expirationDays: 0 }))).toEqual([
      expect.stringContaining("expirationDays is 0: a whole number of days, 1 or more"),
    ]);
    expect(synthErrors(build({ expirationDays: 1.5 }))).toEqual([expect.stringContaining("expirationDays is 1.5")]);
    expect(synthErrors(build({ expirationDays: 1 }))).toEqual([]);
  });

  test("a region with no known log delivery is reported by name; a known one synthesizes", () => {
    const errors = synthErrors(build({ region: "xx-east-9" }));
    expect(errors).toEqual([expect.stringContaining('region is "xx-east-9": a region whose access log delivery is known')]);
    expect(errors[0]).toContain("turn hardening.accessLogs off");
    expect(synthErrors(build({ region: "us-east-1" }))).toEqual([]);
  });

  test("a name S3 reserves the start of (xn--) is reported; the nearest good name synthesizes", () => {
    expect(synthErrors(build({ name: "xn--hello" }))).toEqual([expect.stringContaining('name is "xn--hello"')]);
    expect(synthErrors(build({ name: "xn-hello" }))).toEqual([]);
  });
});

describe("an Environment's load balancer access logs", () => {
  const CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
  const buildEnvironment = (props: Partial<EnvironmentProps>) => (stack: FargateStack) => {
    const environment = new Environment(stack, "platform", { name: "platform-prod", certificate: Certificate.fromArn(CERTIFICATE), ...props });
    new WebService(environment, "web", { image: "public.ecr.aws/nginx/nginx:1.27-alpine", paths: ["/*"] });
  };
  const loadBalancerOf = (json: any) => resourcesOf(json, "aws_lb").platform_load_balancer;

  test("production (the default stage): the bucket, the load balancer writing to it once its policy is in place, its name output", () => {
    const json = synthesize(buildEnvironment({}));
    expect(Object.keys(resourcesOf(json, "aws_s3_bucket"))).toEqual(["platform_load_balancer_access_logs"]);
    expect(loadBalancerOf(json).access_logs).toEqual({
      bucket: "${aws_s3_bucket.platform_load_balancer_access_logs.bucket}",
      prefix: "alb",
      enabled: true,
    });
    expect(loadBalancerOf(json).depends_on).toEqual(["aws_s3_bucket_policy.platform_load_balancer_access_logs_policy"]);
    expect(json.output?.platform_access_logs_bucket.value).toBe("${aws_s3_bucket.platform_load_balancer_access_logs.bucket}");
    expect(onlyResource(json, "aws_s3_bucket_lifecycle_configuration").rule[0].expiration).toEqual([{ days: 90 }]);
    // The account is read from the cluster's ARN: no data source calls AWS.
    expect(onlyResource(json, "aws_s3_bucket_policy").policy).toContain('element(split(\":\", aws_ecs_cluster.platform_cluster.arn), 4)');
  });

  test("development: no bucket, no access logs, no output", () => {
    const json = synthesize(buildEnvironment({ stage: "development" }));
    expect(resourcesOf(json, "aws_s3_bucket")).toEqual({});
    expect(loadBalancerOf(json).access_logs).toBeUndefined();
    expect(loadBalancerOf(json).depends_on).toBeUndefined();
    expect(json.output?.platform_access_logs_bucket).toBeUndefined();
  });

  test("hardening.accessLogs options turn them on in development, with their expiration", () => {
    const json = synthesize(buildEnvironment({ stage: "development", hardening: { accessLogs: { expirationDays: 30 } } }));
    expect(onlyResource(json, "aws_s3_bucket_lifecycle_configuration").rule[0].expiration).toEqual([{ days: 30 }]);
  });

  test("a bad expirationDays is reported under the bucket's path", () => {
    expect(synthErrors(buildEnvironment({ hardening: { accessLogs: { expirationDays: -1 } } }))).toEqual([
      expect.stringMatching(/^\[test\/platform\/load_balancer_access_logs\] expirationDays is -1/),
    ]);
  });
});
