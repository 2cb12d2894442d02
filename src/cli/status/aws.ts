import { ECSClient } from "@aws-sdk/client-ecs";
import type { ECSClientConfig } from "@aws-sdk/client-ecs";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";

/*
 * The AWS clients `npm run status` calls, each bounded in time: a network that accepts a connection and
 * never answers (a proxy, a firewall that drops, a half-open VPN) must not hold the command forever.
 *
 * - connectionTimeout: the TCP (and TLS) connection must be up within it;
 * - requestTimeout, with throwOnRequestTimeout: the whole answer must be in within it (without the flag the
 *   SDK's handler only logs a warning), and socketTimeout, the same for a socket that goes silent;
 * - maxAttempts: tries per call, the first included (the SDK retries throttling and network errors);
 * - and over all of that, the command's own deadline (cli.ts, --deadline-seconds), which aborts the call in
 *   flight and exits 3.
 */

export interface AwsLimits {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
}

export const AWS_LIMITS: AwsLimits = {
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  maxAttempts: 2,
};

/** Test and tooling overrides: another endpoint (a local server), credentials, tighter limits. */
export interface AwsClientOverrides extends Partial<AwsLimits> {
  readonly endpoint?: string;
  readonly credentials?: ECSClientConfig["credentials"];
}

/** The configuration both clients get: the region, the limits, and any override. */
export function awsClientConfig(region: string | undefined, overrides: AwsClientOverrides = {}) {
  const limits = { ...AWS_LIMITS, ...definedOnly(overrides) };
  return {
    region,
    maxAttempts: limits.maxAttempts,
    requestHandler: {
      connectionTimeout: limits.connectionTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      socketTimeout: limits.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    ...(overrides.endpoint ? { endpoint: overrides.endpoint } : {}),
    ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
  };
}

export function ecsClient(region: string | undefined, overrides: AwsClientOverrides = {}): ECSClient {
  return new ECSClient(awsClientConfig(region, overrides));
}

export function logsClient(region: string | undefined, overrides: AwsClientOverrides = {}): CloudWatchLogsClient {
  return new CloudWatchLogsClient(awsClientConfig(region, overrides));
}

function definedOnly(overrides: AwsClientOverrides): Partial<AwsLimits> {
  const { connectionTimeoutMs, requestTimeoutMs, maxAttempts } = overrides;
  return Object.fromEntries(Object.entries({ connectionTimeoutMs, requestTimeoutMs, maxAttempts }).filter(([, value]) => value !== undefined));
}
