import { App } from "cdktf";
import { declareEnvironments, synthesizeApp, writeTerraformIgnore } from "./src";

/**
 * The article's app: a public example image serving HTTP, `USER` as a plain environment variable and
 * `PASSWORD` as a secret from SSM (its value from `TF_VAR_password` at plan and apply time), behind
 * HTTPS on a placeholder domain, in two environments: stacks `hello-dev` and `hello-prod`.
 * Replace the domains with ones you own before deploying.
 */
const app = new App();
declareEnvironments(app, {
  name: "hello",
  region: "eu-west-1",
  tags: { Application: "hello" },
  app: {
    image: "public.ecr.aws/nginx/nginx:1.27-alpine",
    port: 80,
    environment: { USER: "hello" },
    secrets: { PASSWORD: {} },
    // The root file system is read-only: nginx writes its temporary files and its pid here (Docker's nginx docs).
    writablePaths: ["/var/cache/nginx", "/var/run"],
  },
  environments: {
    dev: {
      domain: "dev.hello.example.com",
      // Dev leaves off the hardening that costs money (WAF, access logs, flow logs, KMS, DNSSEC): README "Hardening".
      stage: "development",
      cpu: 256,
      memory: 512,
      desiredCount: 1,
      networkOptions: { natGateways: "single" },
      deletionProtection: false,
      logRetentionDays: 7,
    },
    prod: {
      domain: "hello.example.com",
      cpu: 512,
      memory: 1024,
      desiredCount: 2,
      networkOptions: { natGateways: "one-per-az" },
      deletionProtection: true,
      logRetentionDays: 90,
    },
  },
});
synthesizeApp(app);
writeTerraformIgnore(app);
