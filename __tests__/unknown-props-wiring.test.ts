import { BackendService, Environment, FargateWebApp, OneOffTask, ScheduledTask, WebService, WorkerService } from "../src";
import { synthErrors } from "./support/synth";

/*
 * JavaScript apps have no compiler: a misspelled prop must still stop synth, once, naming the prop and the
 * closest one. These props are built the way a JavaScript app passes them, so the casts stand for that.
 */
const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";
const javascript = <T>(props: object) => props as unknown as T;

describe("every construct a user declares refuses a prop it does not have", () => {
  test("FargateWebApp: healthcheck is refused once with its did-you-mean, and a prop the app sets itself (hosts) too", () => {
    const errors = synthErrors((stack) => {
      new FargateWebApp(
        stack,
        "hello",
        javascript({ name: "hello", image: IMAGE, domain: "hello.example.com", healthcheck: { path: "/healthz" }, hosts: ["a.example.com"] }),
      );
    });
    expect(errors).toEqual([
      '[test/hello] healthcheck: FargateWebAppProps has no prop "healthcheck", so its value would be ignored. Fix: did you mean "healthCheck"? Rename it',
      expect.stringMatching(/^\[test\/hello\] hosts: FargateWebAppProps has no prop "hosts"/),
    ]);
  });

  test("the nearest good: the same app spelled right synthesizes", () => {
    expect(
      synthErrors((stack) => {
        new FargateWebApp(stack, "hello", { name: "hello", image: IMAGE, domain: "hello.example.com", healthCheck: { path: "/healthz" } });
      }),
    ).toEqual([]);
  });

  test("Environment and each kind of workload name their own props type", () => {
    const errors = synthErrors((stack) => {
      const environment = new Environment(stack, "env", javascript({ name: "env", zone: ["example.com"], zones: ["example.com"] }));
      new WebService(environment, "web", javascript({ image: IMAGE, hosts: ["web.example.com"], sidcars: [] }));
      new BackendService(environment, "api", javascript({ image: IMAGE, prot: 8080 }));
      new WorkerService(environment, "worker", javascript({ image: IMAGE, queu: undefined }));
      new ScheduledTask(environment, "nightly", javascript({ image: IMAGE, schedule: "rate(1 day)", timezone: "UTC" }));
      new OneOffTask(environment, "migrate", javascript({ image: IMAGE, comand: ["migrate"] }));
    });
    expect(errors.map((error) => error.replace(/, so its value.*/, ""))).toEqual([
      '[test/env] zone: EnvironmentProps has no prop "zone"',
      '[test/env/web] sidcars: WebServiceProps has no prop "sidcars"',
      '[test/env/api] prot: BackendServiceProps has no prop "prot"',
      '[test/env/worker] queu: WorkerServiceProps has no prop "queu"',
      '[test/env/nightly] timezone: ScheduledTaskProps has no prop "timezone"',
      '[test/env/migrate] comand: OneOffTaskProps has no prop "comand"',
    ]);
  });
});
