import { App } from "cdktf";
import { declareEnvironments, synthesizeApp, writeTerraformIgnore } from "../src";

/**
 * The article's app (main.ts's: the nginx image, USER plain, PASSWORD a secret from SSM) at the lowest cost
 * this project offers, in production shape: two tasks in two zones behind HTTPS, its secret, its alarms. Two
 * stacks, `lean-prod` and its dev twin `lean-dev`. What makes it lean, against main.ts's prod:
 * - no NAT (`egress: "none"`): the tasks run in the public subnets with a public IPv4 each ($3.65 a month per
 *   task), their security group admitting only the load balancer on port 80. One NAT instance
 *   (`egress: "nat-instance"`) would keep them private for about $0.40 a month more; NAT gateways cost $70+;
 * - the smallest Fargate size (0.25 vCPU, 512 MiB) on ARM64 (Graviton, 20 % less than X86_64): the nginx
 *   image is multi-arch. Check yours has an arm64 variant (`docker manifest inspect`), or remove
 *   `cpuArchitecture`;
 * - no WAF in prod (`hardening: { webAcl: false }`): its $9 a month and $0.60 per million requests are the
 *   one production measure it leaves off; the others (KMS keys, flow logs, access logs, DNSSEC, query logs)
 *   stay, at a few dollars a month;
 * - dev: one task, scaled to zero at night and at weekends (Paris time), shorter log retention, and
 *   `stage: "development"` (none of the hardening that costs money).
 * The load balancer (its hours and two public addresses) is most of what is left: about $26 of
 * the fixed $51 a month (`npm run review` of the plan prints every line; __tests__/terraform-lean.test.ts checks it).
 * Synthesize it with `node -r ./scripts/ts-require.js examples/lean.ts` (cdktf.json's app command with
 * main.ts replaced by this file). Replace the domains with ones you own before deploying.
 */
const app = new App();
declareEnvironments(app, {
  name: "lean",
  region: "eu-west-1",
  tags: { Application: "lean" },
  app: {
    image: "public.ecr.aws/nginx/nginx:1.27-alpine",
    port: 80,
    environment: { USER: "lean" },
    secrets: { PASSWORD: {} },
    writablePaths: ["/var/cache/nginx", "/var/run"], // nginx's temporary files and pid, on a read-only root
    cpu: 256,
    memory: 512,
    cpuArchitecture: "ARM64",
    networkOptions: { egress: "none" },
  },
  environments: {
    prod: {
      domain: "lean.example.com",
      desiredCount: 2,
      deletionProtection: true,
      logRetentionDays: 30,
      hardening: { webAcl: false },
    },
    dev: {
      domain: "dev.lean.example.com",
      stage: "development",
      autoScaling: {
        minTasks: 1,
        maxTasks: 1,
        schedules: [
          { name: "night", schedule: "cron(0 20 ? * MON-FRI *)", timeZone: "Europe/Paris", minTasks: 0, maxTasks: 0 },
          { name: "morning", schedule: "cron(0 7 ? * MON-FRI *)", timeZone: "Europe/Paris", minTasks: 1, maxTasks: 1 },
        ],
      },
      deletionProtection: false,
      logRetentionDays: 7,
    },
  },
});
synthesizeApp(app);
writeTerraformIgnore(app);
