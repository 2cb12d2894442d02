import { App } from "cdktf";
import { BackendService, Environment, FargateStack, WebService, writeTerraformIgnore } from "../src";

/**
 * One environment, many services: a storefront on two host names, an admin app on a path of the first host,
 * and an orders API that the storefront calls through Service Connect, all behind one load balancer.
 * Synthesize it with `cdktf synth` after pointing `cdktf.json`'s app command at this file instead of main.ts.
 * Replace the zone with one you own before deploying.
 */
const app = new App();
const stack = new FargateStack(app, "platform-prod", { region: "eu-west-1", tags: { Application: "platform" } });
const environment = new Environment(stack, "platform", {
  name: "platform-prod",
  zones: ["example.com"],
  networkOptions: { natGateways: "single" },
  deletionProtection: true,
});

const orders = new BackendService(environment, "orders", {
  image: "public.ecr.aws/nginx/nginx:1.27-alpine",
  port: 8080,
  environment: { LOG_LEVEL: "info" },
  secrets: { DATABASE_PASSWORD: {} },
});
new WebService(environment, "shop", {
  image: "public.ecr.aws/nginx/nginx:1.27-alpine",
  hosts: ["shop.example.com", "www.example.com"],
  environment: { ORDERS_URL: orders.url },
  calls: [orders],
  healthCheck: { path: "/" },
});
new WebService(environment, "admin", {
  image: "public.ecr.aws/nginx/nginx:1.27-alpine",
  hosts: ["shop.example.com"],
  paths: ["/admin/*"],
  desiredCount: 1,
});

app.synth();
writeTerraformIgnore(app);
