import { App } from "cdktf";
import { FargateStack, FargateWebApp } from "./src";

/**
 * The article's app: a public example image serving HTTP, `USER` as a plain environment variable and
 * `PASSWORD` as a secret from SSM (its value from `TF_VAR_password` at plan and apply time), behind
 * HTTPS on a placeholder domain. Replace the domain with one you own before deploying.
 */
const app = new App();
const stack = new FargateStack(app, "hello-fargate", { region: "eu-west-1", tags: { Application: "hello" } });
new FargateWebApp(stack, "hello", {
  name: "hello",
  image: "public.ecr.aws/nginx/nginx:1.27-alpine",
  port: 80,
  environment: { USER: "hello" },
  secrets: { PASSWORD: {} },
  domain: "hello.example.com",
  cpu: 256,
  memory: 512,
});
app.synth();
