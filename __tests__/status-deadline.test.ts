import { spawn } from "child_process";
import { IncomingMessage, Server, createServer } from "http";
import { AddressInfo, Socket } from "net";
import { join } from "path";
import { AWS_LIMITS, awsClientConfig, ecsClient, logsClient } from "../src/cli/status/aws";
import { DEFAULT_DEADLINE_SECONDS, HELP, parseArguments, runStatus } from "../src/cli/status/cli";
import { UsageError } from "../src/cli/status/stack";
import { synthVariant } from "./fixtures/status/run";

jest.setTimeout(60_000);

/*
 * `npm run status` against a network that accepts a connection and never answers: a local HTTP server on
 * 127.0.0.1 that reads each request and never replies, with the real SDK clients pointed at it (endpoint
 * override, dummy credentials, the stack's region). The command must give up with exit 3, saying why.
 */

const ROOT = join(__dirname, "..");
const CREDENTIALS = { accessKeyId: "AKIDSTATUSDEADLINE", secretAccessKey: "status-deadline-test-secret" };

let server: Server;
let endpoint: string;
const sockets = new Set<Socket>();
/** The ECS operations the server was asked for (X-Amz-Target), in order. */
let received: string[] = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage) => {
    received.push(String(request.headers["x-amz-target"] ?? request.url));
    request.resume(); // read the body, and never answer
  });
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  received = [];
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** `npm run status -- <args>`, spawned (the server must keep answering nothing meanwhile): exit code, output, seconds taken. */
function npmStatus(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "status", "--", ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_SESSION_TOKEN: "",
        AWS_PROFILE: "",
        AWS_CONFIG_FILE: "/nonexistent/aws-config",
        AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_ENDPOINT_URL: endpoint,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const guard = setTimeout(() => child.kill("SIGKILL"), 45_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(guard);
      resolve({ status, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

describe("npm run status against an endpoint that accepts connections and never answers", () => {
  test("the command gives up at its deadline: exit 3 with what it was waiting for, well within 30 s", async () => {
    const outdir = synthVariant({});
    const run = await npmStatus(["--output", outdir, "--deadline-seconds", "2"]);
    expect(run.stderr).toContain(
      "status: AWS did not answer within 2 s (--deadline-seconds): gave up waiting for ecs:DescribeServices (service hello).\n" +
        "Check the network: a proxy (HTTPS_PROXY), VPN or firewall between here and AWS",
    );
    expect(run.stderr).toContain("A slow but working network: raise --deadline-seconds.");
    expect(run.stdout).toBe("");
    expect(run.status).toBe(3);
    expect(run.seconds).toBeLessThan(30); // 2 s of waiting, the rest npm's and node's start
    // The real ECS client sent its first call to the server, which never answered it.
    expect(received).toEqual(["AmazonEC2ContainerServiceV20141113.DescribeServices"]);

    const json = await npmStatus(["--output", outdir, "--deadline-seconds=1", "--json"]);
    expect(json.status).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({
      error: { kind: "deadline", message: "AWS did not answer within 1 s (--deadline-seconds): gave up waiting for ecs:DescribeServices (service hello)." },
      exitCode: 3,
    });
  });

  test("each call times out on its own (requestTimeout, maxAttempts tries), before the deadline", async () => {
    const outdir = synthVariant({});
    let stdout = "";
    let stderr = "";
    const limits = { endpoint, credentials: CREDENTIALS, requestTimeoutMs: 400, maxAttempts: 2 };
    const started = Date.now();
    const code = await runStatus(["--output", outdir, "--deadline-seconds", "30"], {
      ecs: (region) => ecsClient(region, limits),
      logs: (region) => logsClient(region, limits),
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    });
    const seconds = (Date.now() - started) / 1000;
    expect(code).toBe(3);
    expect(stdout).toBe("");
    expect(stderr).toContain(
      "status: AWS call failed: ecs:DescribeServices failed: TimeoutError: @smithy/node-http-handler - [ERROR] a request has exceeded the configured 400 ms requestTimeout.",
    );
    expect(stderr).toContain("AWS did not answer in time, or could not be reached. Check the network:");
    // Two tries, each given up after 400 ms (plus the SDK's backoff between them), far from the 30 s deadline.
    expect(received).toEqual(["AmazonEC2ContainerServiceV20141113.DescribeServices", "AmazonEC2ContainerServiceV20141113.DescribeServices"]);
    expect(seconds).toBeLessThan(10);
  });
});

describe("the bounds", () => {
  test("the default deadline is at most 30 s, and one call's own timeouts end before it", () => {
    expect(DEFAULT_DEADLINE_SECONDS).toBeLessThanOrEqual(30);
    expect(parseArguments([]).deadlineSeconds).toBeUndefined(); // the default applies
    // The request timeout covers the connection too: one call takes at most maxAttempts × requestTimeout, plus backoff.
    expect(AWS_LIMITS.maxAttempts * AWS_LIMITS.requestTimeoutMs).toBeLessThan(DEFAULT_DEADLINE_SECONDS * 1000 - 2000);
    expect(AWS_LIMITS.connectionTimeoutMs).toBeLessThan(AWS_LIMITS.requestTimeoutMs);
    expect(HELP).toContain(`(default ${DEFAULT_DEADLINE_SECONDS}); each call also times out on its own: 5 s to connect,\n                    10 s for the answer, 2 tries`);
  });

  test("every AWS client gets connection and request timeouts (that throw) and a bounded number of tries", async () => {
    expect(awsClientConfig("eu-west-1")).toEqual({
      region: "eu-west-1",
      maxAttempts: AWS_LIMITS.maxAttempts,
      requestHandler: {
        connectionTimeout: AWS_LIMITS.connectionTimeoutMs,
        requestTimeout: AWS_LIMITS.requestTimeoutMs,
        socketTimeout: AWS_LIMITS.requestTimeoutMs,
        throwOnRequestTimeout: true,
      },
    });
    for (const client of [ecsClient("eu-west-1"), logsClient("eu-west-1")]) {
      expect(await client.config.maxAttempts()).toBe(AWS_LIMITS.maxAttempts);
      expect(client.config.requestHandler.constructor.name).toBe("NodeHttpHandler");
      client.destroy();
    }
  });

  test("--deadline-seconds: a positive number of seconds", () => {
    expect(parseArguments(["--deadline-seconds", "5"]).deadlineSeconds).toBe(5);
    expect(parseArguments(["--deadline-seconds=0.5", "hello"])).toMatchObject({ deadlineSeconds: 0.5, stack: "hello" });
    for (const bad of [["--deadline-seconds"], ["--deadline-seconds", "0"], ["--deadline-seconds", "soon"], ["--deadline-seconds=-3"], ["--deadline-seconds", "7200"]]) {
      expect(() => parseArguments(bad)).toThrow(UsageError);
    }
    expect(() => parseArguments(["--deadline-seconds", "soon"])).toThrow("--deadline-seconds needs a number of seconds, more than 0 and at most 3600 (got soon)");
  });
});
