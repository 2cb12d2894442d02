import { App } from "cdktf";
import { Environment, FargateStack, WebService } from "../../../src";

// An environment with BENCH_SERVICES public web services (default 1), for `npm run bench`'s per-service cost.
const count = Number(process.env.BENCH_SERVICES ?? "1");
const app = new App();
const stack = new FargateStack(app, "services", { region: "eu-west-1" });
const environment = new Environment(stack, "env", { name: "bench", zones: ["example.com"] });
for (let index = 1; index <= count; index++) {
  new WebService(environment, `web${index}`, { image: "public.ecr.aws/nginx/nginx:1.27-alpine", hosts: [`web${index}.example.com`] });
}
app.synth();
