import { IConstruct } from "constructs";
import { Environment, FargateStack, OneOffTask, ScheduledTask, WebService, WebServiceProps, WorkerService } from "../src";
import { TerraformJson, decodeJsonencode, resourcesOf, synthErrors, synthesize } from "./support/synth";

/*
 * The containers' root file systems are read-only unless a workload says otherwise: the main container of
 * every kind of workload, and its sidecars, with writable scratch paths where the image writes. Asserted
 * on the synthesized JSON of workloads in the environment "platform" (named platform-prod).
 */

const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";
const SHOP = "[test/platform/shop]";

const newEnvironment = (stack: FargateStack) => new Environment(stack, "platform", { name: "platform-prod", zones: ["example.com"] });
const containersOf = (json: TerraformJson, task: string) =>
  decodeJsonencode(resourcesOf(json, "aws_ecs_task_definition")[task].container_definitions);
const buildShop = (props: Partial<WebServiceProps>) => (stack: FargateStack) =>
  new WebService(newEnvironment(stack), "shop", { image: IMAGE, hosts: ["shop.example.com"], ...props });
const shopContainers = (props: Partial<WebServiceProps>) => containersOf(synthesize(buildShop(props)), "platform_shop_task");

describe("read-only by default: the main container of each kind of workload, with no option set", () => {
  const json = synthesize((stack) => {
    const environment = newEnvironment(stack);
    new WebService(environment, "shop", { image: IMAGE, hosts: ["shop.example.com"] });
    new WorkerService(environment, "worker", { image: IMAGE });
    new ScheduledTask(environment, "report", { image: IMAGE, schedule: "cron(0 3 * * ? *)" });
    new OneOffTask(environment, "migrate", { image: IMAGE });
  });
  const mainContainer = (task: string) => containersOf(json, task)[0];

  test("a web service", () => {
    expect(mainContainer("platform_shop_task").readonlyRootFilesystem).toBe(true);
  });

  test("a worker", () => {
    expect(mainContainer("platform_worker_task").readonlyRootFilesystem).toBe(true);
  });

  test("a scheduled task", () => {
    expect(mainContainer("platform_report_task").readonlyRootFilesystem).toBe(true);
  });

  test("a one-off task", () => {
    expect(mainContainer("platform_migrate_task").readonlyRootFilesystem).toBe(true);
  });
});

test("readonlyRootFilesystem: false makes the main container's root writable", () => {
  expect(shopContainers({ readonlyRootFilesystem: false })[0].readonlyRootFilesystem).toBe(false);
});

describe("sidecars", () => {
  test("read-only by default, like the main container; readonlyRootFilesystem: false in the sidecar makes its root writable", () => {
    const [, readOnly] = shopContainers({ sidecars: [{ name: "proxy", image: IMAGE }] });
    expect(readOnly.readonlyRootFilesystem).toBe(true);
    const [main, writable] = shopContainers({ sidecars: [{ name: "proxy", image: IMAGE, readonlyRootFilesystem: false }] });
    expect(writable.readonlyRootFilesystem).toBe(false);
    expect(main.readonlyRootFilesystem).toBe(true);
  });

  test("a sidecar's writablePaths get scratch volumes of their own, beside the main container's, and stay out of its definition", () => {
    const json = synthesize(
      buildShop({
        writablePaths: ["/var/cache/nginx"],
        sidecars: [{ name: "proxy", image: IMAGE, writablePaths: ["/tmp", "/var/run"] }],
      }),
    );
    expect(resourcesOf(json, "aws_ecs_task_definition").platform_shop_task.volume).toEqual([
      { name: "scratch-1" },
      { name: "sidecar-1-scratch-1" },
      { name: "sidecar-1-scratch-2" },
    ]);
    const [main, sidecar] = containersOf(json, "platform_shop_task");
    expect(main.mountPoints).toEqual([{ sourceVolume: "scratch-1", containerPath: "/var/cache/nginx", readOnly: false }]);
    expect(sidecar.mountPoints).toEqual([
      { sourceVolume: "sidecar-1-scratch-1", containerPath: "/tmp", readOnly: false },
      { sourceVolume: "sidecar-1-scratch-2", containerPath: "/var/run", readOnly: false },
    ]);
    expect(sidecar.writablePaths).toBeUndefined();
  });

  test("a sidecar's writablePaths with its readonlyRootFilesystem: false is refused; on its default read-only root it synthesizes", () => {
    const errors = (readonlyRootFilesystem?: boolean) =>
      synthErrors(buildShop({ sidecars: [{ name: "proxy", image: IMAGE, readonlyRootFilesystem, writablePaths: ["/tmp"] }] }));
    expect(errors(false)).toEqual([
      `${SHOP} sidecars[0].writablePaths is ["/tmp"]: scratch paths are for a read-only root file system, and \`readonlyRootFilesystem\` is false. ` +
        "Fix: remove readonlyRootFilesystem: false (read-only is the default), or drop writablePaths: the whole root file system is writable",
    ]);
    expect(errors(undefined)).toEqual([]);
  });
});

describe("ECS Exec, whose agent writes in the container", () => {
  const warningsOf = (props: Partial<WebServiceProps>): string[] => {
    let shop: IConstruct | undefined;
    synthesize((stack) => {
      shop = buildShop(props)(stack);
    });
    return shop!.node.metadata.filter((entry) => entry.type === "@cdktf/warn").map((entry) => String(entry.data));
  };

  test("on the default read-only root, a warning; with readonlyRootFilesystem: false, none", () => {
    expect(warningsOf({ enableExecuteCommand: true })).toEqual([
      "enableExecuteCommand is true and the main container's root file system is read-only: ECS Exec's agent writes its files in the " +
        "container, and AWS does not support it on a read-only root file system, so sessions would fail. " +
        "Fix: set readonlyRootFilesystem: false while you need ECS Exec",
    ]);
    expect(warningsOf({ enableExecuteCommand: true, readonlyRootFilesystem: false })).toEqual([]);
  });

  test("without ECS Exec, a read-only root has no warning", () => {
    expect(warningsOf({})).toEqual([]);
  });
});
