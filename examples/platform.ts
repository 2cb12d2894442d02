import { App } from "cdktf";
import {
  BackendService,
  Environment,
  FargateStack,
  FileSystem,
  OneOffTask,
  Queue,
  ScheduledTask,
  SecretsManagerSecret,
  WebService,
  WorkerService,
  synthesizeApp,
  writeTerraformIgnore,
} from "../src";

/**
 * One environment, many workloads, behind one load balancer:
 * - a storefront on two host names, with an OpenTelemetry collector sidecar started before it, autoscaled;
 * - an admin app on a path of the storefront's host with ECS Exec for operators (so a writable root file system);
 * - an orders API the storefront calls through Service Connect, its database password from Secrets Manager;
 * - a worker on Fargate Spot that scales on its queue's backlog, with a shared EFS volume;
 * - a nightly report run by EventBridge Scheduler, and a migration run on demand with `npm run task`.
 * Synthesize it with `cdktf synth` after pointing `cdktf.json`'s app command at this file instead of main.ts.
 * Replace the zone and the ARNs with yours before deploying.
 */
const app = new App();
const stack = new FargateStack(app, "platform-prod", { region: "eu-west-1", tags: { Application: "platform" } });
const environment = new Environment(stack, "platform", {
  name: "platform-prod",
  zones: ["example.com"],
  networkOptions: { natGateways: "single" },
  deletionProtection: true,
});

const image = "public.ecr.aws/nginx/nginx:1.27-alpine";
const databasePassword = SecretsManagerSecret.fromArn(
  "arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-prod/orders-db-AbCdEf",
  { jsonKey: "password" },
);
const jobs = new Queue(environment, "jobs", { name: "platform-prod-jobs", visibilityTimeoutSeconds: 120 });
const uploads = new FileSystem(environment, "uploads", { name: "platform-prod-uploads", network: environment.network });

const orders = new BackendService(environment, "orders", {
  image,
  port: 8080,
  writablePaths: ["/var/cache/nginx", "/var/run"], // nginx's temporary files and pid, on a read-only root
  environment: { LOG_LEVEL: "info", JOBS_QUEUE_URL: jobs.queueUrl },
  secrets: { DATABASE_PASSWORD: databasePassword },
  permissions: [{ actions: ["sqs:SendMessage"], resources: [jobs.queueArn] }],
});
new WebService(environment, "shop", {
  image,
  hosts: ["shop.example.com", "www.example.com"],
  environment: { ORDERS_URL: orders.url, OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4317" },
  secrets: { SESSION_SECRET: {} }, // an SSM SecureString; its value comes from TF_VAR_session_secret
  calls: [orders],
  writablePaths: ["/var/cache/nginx", "/var/run"],
  cpu: 512,
  memory: 1024,
  sidecars: [
    {
      name: "otel-collector",
      image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1",
      essential: true,
      memoryReservation: 128,
      healthCheck: { command: ["/healthcheck"], interval: 10, timeout: 5, retries: 3, startPeriod: 10 },
    },
  ],
  dependsOn: [{ containerName: "otel-collector", condition: "HEALTHY" }],
  autoScaling: { minTasks: 2, maxTasks: 10, targetCpuPercent: 60, requestsPerTarget: 500 },
});
new WebService(environment, "admin", {
  image,
  hosts: ["shop.example.com"],
  paths: ["/admin/*"],
  desiredCount: 1,
  // ECS Exec's agent writes inside the container: the one service with a writable root file system.
  readonlyRootFilesystem: false,
  enableExecuteCommand: true,
});
new WorkerService(environment, "worker", {
  image,
  command: ["node", "worker.js"],
  queue: jobs,
  capacity: { fargate: { base: 1, weight: 1 }, fargateSpot: { weight: 3 } },
  autoScaling: { minTasks: 1, maxTasks: 20, messagesPerTask: 50 },
  fileSystems: [{ fileSystem: uploads, containerPath: "/data" }],
});
new ScheduledTask(environment, "nightly-report", {
  image,
  command: ["node", "report.js"],
  schedule: "cron(0 3 * * ? *)",
  timeZone: "Europe/Paris",
  fileSystems: [{ fileSystem: uploads, containerPath: "/data", readOnly: true }],
});
new OneOffTask(environment, "migrate", {
  image,
  command: ["node", "migrate.js"],
  secrets: { DATABASE_PASSWORD: databasePassword },
});

synthesizeApp(app);
writeTerraformIgnore(app);
