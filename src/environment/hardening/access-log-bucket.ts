import { Construct } from "constructs";
import { Fn } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { MAIN_RESOURCE_ID, fitName, partitionOf } from "../../app/naming";
import { reportInvalid } from "../../checks/validation";

export interface AccessLogBucketProps {
  /** The environment's name: the bucket's name starts with `<name>-alb-logs-` (the name shortened with a hash when long). */
  readonly name: string;
  /** The account of the load balancer: ELB may write only under `AWSLogs/<accountId>/`. */
  readonly accountId: string;
  /** The region of the bucket and the load balancer: it decides who delivers the logs. */
  readonly region: string;
  /** Days before a log object expires (a positive integer). */
  readonly expirationDays: number;
}

/**
 * The ELB account that delivers access logs in each region opened before August 2022, from "Enable access
 * logs for your Application Load Balancer", step 2
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
 */
const ELB_ACCOUNTS = new Map<string, string>([
  ["us-east-1", "127311923021"],
  ["us-east-2", "033677994240"],
  ["us-west-1", "027434742980"],
  ["us-west-2", "797873946194"],
  ["af-south-1", "098369216593"],
  ["ap-east-1", "754344448648"],
  ["ap-southeast-3", "589379963580"],
  ["ap-south-1", "718504428378"],
  ["ap-northeast-3", "383597477331"],
  ["ap-northeast-2", "600734575887"],
  ["ap-southeast-1", "114774131450"],
  ["ap-southeast-2", "783225319266"],
  ["ap-northeast-1", "582318560864"],
  ["ca-central-1", "985666609251"],
  ["eu-central-1", "054676820928"],
  ["eu-west-1", "156460612806"],
  ["eu-west-2", "652711504416"],
  ["eu-south-1", "635631232127"],
  ["eu-west-3", "009996457667"],
  ["eu-north-1", "897822967062"],
  ["me-south-1", "076674570225"],
  ["sa-east-1", "507241528517"],
  ["us-gov-east-1", "190560391635"],
  ["us-gov-west-1", "048591011584"],
]);

/** Regions opened since August 2022, which never had an ELB account: the log delivery service principal writes there. */
const LOG_DELIVERY_REGIONS = new Set([
  "me-central-1", // UAE, August 2022
  "eu-central-2", // Zurich
  "eu-south-2", // Spain
  "ap-south-2", // Hyderabad
  "ap-southeast-4", // Melbourne
  "il-central-1", // Tel Aviv
  "ca-west-1", // Calgary
  "ap-southeast-5", // Malaysia
  "ap-southeast-7", // Thailand
  "mx-central-1", // Mexico
  "ap-east-2", // Taipei
  "ap-southeast-6", // New Zealand
]);
const LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** The load balancer writes under `<bucket>/<PREFIX>/AWSLogs/`; the prefix may not contain `AWSLogs`. */
const PREFIX = "alb";
// Terraform appends 26 characters to bucket_prefix, and a bucket name has at most 63
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
const MAX_BUCKET_PREFIX_LENGTH = 63 - 26;
const NAME_SUFFIX = "-alb-logs-";
// Lowercase letters, digits and hyphens, starting with one of the first two, and none of the prefixes S3 reserves.
const BUCKET_NAME_START = /^(?!xn--|sthree-|amzn-s3-demo-)[a-z0-9][a-z0-9-]*$/;
/** Noncurrent versions are only overwritten or deleted logs: kept a week, to undo a mistake. */
const NONCURRENT_DAYS = 7;
const ABORT_MULTIPART_DAYS = 7;

/**
 * The S3 bucket an Application Load Balancer writes its access logs to: public access blocked, ACLs off,
 * encrypted with S3-managed keys (the only encryption ELB log delivery supports), versioned, objects
 * expiring, written only by Elastic Load Balancing under this account's prefix, and reachable only over TLS.
 * The load balancer must depend on `policy`: ELB writes a test file when access logs are turned on.
 */
export class AccessLogBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly bucketName: string;
  /** The prefix the load balancer writes under. */
  public readonly prefix = PREFIX;
  public readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.validate(props);
    this.bucket = new S3Bucket(this, MAIN_RESOURCE_ID, {
      bucketPrefix: `${fitName(props.name, MAX_BUCKET_PREFIX_LENGTH - NAME_SUFFIX.length)}${NAME_SUFFIX}`,
      tags: { Name: `${props.name}-alb-logs` },
    });
    this.bucketName = this.bucket.bucket;
    const bucket = this.bucket.id;
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "public_access_block", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership_controls", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    // SSE-KMS is refused by ELB log delivery (the page above, step 1).
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    const versioning = new S3BucketVersioningA(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: [{ prefix: `${PREFIX}/` }],
          expiration: [{ days: props.expirationDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: NONCURRENT_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_MULTIPART_DAYS }],
        },
      ],
      // A rule on noncurrent versions applied before versioning is on may not take effect (provider docs).
      dependsOn: [versioning],
    });
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket,
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ElasticLoadBalancingWritesAccessLogs",
            Effect: "Allow",
            Principal: logDeliveryPrincipal(props.region),
            Action: "s3:PutObject",
            Resource: `${this.bucket.arn}/${PREFIX}/AWSLogs/${props.accountId}/*`,
          },
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
      // S3 refuses a policy and a public access block written at the same time (OperationAborted).
      dependsOn: [publicAccessBlock],
    });
  }

  private validate(props: AccessLogBucketProps): void {
    // S3 lifecycle expiration: "a non-zero positive integer" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleExpiration.html).
    if (!Number.isInteger(props.expirationDays) || props.expirationDays < 1) {
      reportInvalid(this, {
        field: "expirationDays",
        value: props.expirationDays,
        allowed: "a whole number of days, 1 or more (S3 lifecycle expiration)",
        fix: "set hardening.accessLogs.expirationDays to a number of days such as 90, or leave it unset",
      });
    }
    if (!BUCKET_NAME_START.test(props.name)) {
      reportInvalid(this, {
        field: "name",
        value: props.name,
        allowed: "lowercase letters, digits and hyphens, starting with a letter or digit and not with xn--, sthree- or amzn-s3-demo- (S3 bucket names)",
        fix: "choose an environment name such as \"hello-web\"",
      });
    }
    if (!ELB_ACCOUNTS.has(props.region) && !LOG_DELIVERY_REGIONS.has(props.region)) {
      reportInvalid(this, {
        field: "region",
        value: props.region,
        allowed:
          "a region whose access log delivery is known: one in the ELB account table of \"Enable access logs for your Application Load Balancer\", or one opened since August 2022",
        fix: "give FargateStack a literal region such as \"eu-west-1\", or turn hardening.accessLogs off",
      });
    }
  }
}

/**
 * Who writes the logs: the region's ELB account where one exists (the grant those regions have always
 * had, still supported), else the log delivery service principal that regions opened since August 2022 use.
 */
function logDeliveryPrincipal(region: string): object {
  const account = ELB_ACCOUNTS.get(region);
  return account ? { AWS: `arn:${partitionOf(region)}:iam::${account}:root` } : { Service: LOG_DELIVERY_SERVICE };
}
