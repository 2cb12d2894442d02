import { Certificate, Environment, EnvironmentProps, FargateStack, WebService, WebServiceProps, patternsOverlap } from "../src";
import { resourcesOf, synthErrors, synthesize } from "./support/synth";

/*
 * The listener rules of an environment's web services, checked together: `patternsOverlap` on ALB path
 * patterns, and through WebService the overlap and priority collision reports, naming both services.
 */

const IMAGE = "public.ecr.aws/nginx/nginx:1.27-alpine";
const CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
const ENVIRONMENT: EnvironmentProps = { name: "platform-prod", zones: ["example.com"], certificate: Certificate.fromArn(CERTIFICATE) };

type Props = Partial<WebServiceProps>;

/** The web services `services` (id → props), in declaration order, in the environment "platform". */
const build = (services: Record<string, Props>) => (stack: FargateStack) => {
  const environment = new Environment(stack, "platform", ENVIRONMENT);
  for (const [id, props] of Object.entries(services)) new WebService(environment, id, { image: IMAGE, ...props });
};
const routeErrors = (services: Record<string, Props>) => synthErrors(build(services));

const overlapError = (first: string, second: string, claim: string) =>
  `[test/platform] routes: services "${first}" and "${second}" both claim ${claim}, so which one gets those requests depends on rule order. ` +
  "Fix: give them different hosts, or paths that do not overlap";

describe("patternsOverlap: whether some path matches both ALB path patterns", () => {
  // [a, b, overlap]: written from what ALB matches (`*` any characters, `?` exactly one), not from the search.
  const table: [string, string, boolean][] = [
    ["/admin/*", "/admin/users", true],
    ["/api/*", "/admin/*", false],
    ["/a?c", "/abc", true],
    ["/a?c", "/abbc", false],
    ["/a?c", "/ac", false],
    ["*", "/anything/at/all", true],
    ["*", "/a?c", true],
    ["*", "*.png", true],
    ["*", "", true],
    ["/x/*/y", "/x/z/w", false],
    ["/x/*/y", "/x/*", true],
    ["/img/*.png", "/img/*.jpg", false],
    ["/img/*.png", "/img/*.png", true],
    ["/img/*", "*.png", true],
    ["/*/b", "/a/*", true],
    ["/a*b", "/a*c", false],
    ["*a", "b*", true],
    ["/about", "/about", true],
    ["/about", "/abouts", false],
    ["/about", "/About", false],
    ["?", "*", true],
    ["?", "", false],
    ["/a??", "/a*", true],
    ["/a??", "/a?", false],
  ];

  test.each(table)("%j and %j → %s", (a, b, overlap) => {
    expect(patternsOverlap(a, b)).toBe(overlap);
  });

  test.each(table)("symmetric: %j and %j → %s either way round", (a, b, overlap) => {
    expect(patternsOverlap(b, a)).toBe(overlap);
  });
});

describe("route overlaps between services of one environment", () => {
  test("two host-only services on the same host: reported, naming both", () => {
    expect(routeErrors({ shop: { hosts: ["shop.example.com"] }, store: { hosts: ["shop.example.com"] } })).toEqual([
      overlapError("shop", "store", "host shop.example.com"),
    ]);
  });

  test("the nearest good: different hosts", () => {
    expect(routeErrors({ shop: { hosts: ["shop.example.com"] }, store: { hosts: ["store.example.com"] } })).toEqual([]);
  });

  test("sharing one host among several is enough to be reported", () => {
    expect(
      routeErrors({ shop: { hosts: ["shop.example.com", "www.example.com"] }, store: { hosts: ["store.example.com", "www.example.com"] } }),
    ).toEqual([overlapError("shop", "store", "host www.example.com")]);
  });

  test("host and path rules with overlapping paths on the same host: reported, naming both and the paths", () => {
    expect(
      routeErrors({
        admin: { hosts: ["shop.example.com"], paths: ["/admin/*"] },
        users: { hosts: ["shop.example.com"], paths: ["/admin/users"] },
      }),
    ).toEqual([overlapError("admin", "users", "host shop.example.com path /admin/* and /admin/users")]);
  });

  test("the nearest good: paths that do not overlap on the same host", () => {
    expect(
      routeErrors({
        admin: { hosts: ["shop.example.com"], paths: ["/admin/*"] },
        users: { hosts: ["shop.example.com"], paths: ["/users/*"] },
      }),
    ).toEqual([]);
  });

  test("the same paths on different hosts are fine", () => {
    expect(
      routeErrors({
        admin: { hosts: ["shop.example.com"], paths: ["/admin/*"] },
        blog: { hosts: ["blog.example.com"], paths: ["/admin/*"] },
      }),
    ).toEqual([]);
  });

  test("path-only services whose paths overlap (on any host): reported", () => {
    expect(routeErrors({ api: { paths: ["/api/*"] }, v1: { paths: ["/api/v1"] } })).toEqual([overlapError("api", "v1", "path /api/* and /api/v1")]);
    expect(routeErrors({ api: { paths: ["/api/*"] }, v1: { paths: ["/v1/*"] } })).toEqual([]);
  });

  test("a path on a host and a host-only service on it: not an overlap, the more specific rule comes first", () => {
    const services = { shop: { hosts: ["shop.example.com"] }, admin: { hosts: ["shop.example.com"], paths: ["/admin/*"] } };
    expect(routeErrors(services)).toEqual([]);
    const rules = resourcesOf(synthesize(build(services)), "aws_lb_listener_rule");
    expect(rules.platform_admin_listener_rule.priority).toBeLessThan(rules.platform_shop_listener_rule.priority);
  });

  test("an explicit priority that puts a host-only rule before a path on the same host is reported (the path's service would get nothing)", () => {
    const errors = routeErrors({
      shop: { hosts: ["shop.example.com"], priority: 1 },
      admin: { hosts: ["shop.example.com"], paths: ["/admin/*"], priority: 2 },
    });
    expect(errors).toEqual([
      '[test/platform] routes: service "shop"\'s rule (priority 1) is evaluated before "admin"\'s (priority 2) and matches every request that one does, so "admin" gets none. Fix: give "admin" the lower priority, or leave `priority` unset on both',
    ]);
  });

  test("the nearest good: explicit priorities that keep the path's rule before the host-only rule synthesize", () => {
    expect(
      routeErrors({
        shop: { hosts: ["shop.example.com"], priority: 2 },
        admin: { hosts: ["shop.example.com"], paths: ["/admin/*"], priority: 1 },
      }),
    ).toEqual([]);
  });

  test("services of two environments never overlap: each environment has its own listener", () => {
    const errors = synthErrors((stack) => {
      for (const [id, name] of [["platform", "platform-prod"], ["staging", "platform-staging"]]) {
        const environment = new Environment(stack, id, { ...ENVIRONMENT, name });
        new WebService(environment, "api", { image: IMAGE, paths: ["/api/*"], priority: 10 });
      }
    });
    expect(errors).toEqual([]);
  });
});

describe("listener rule priority collisions", () => {
  const collision = (first: string, second: string, priority: number) =>
    `[test/platform] routes: services "${first}" and "${second}" both get listener rule priority ${priority}. ` +
    "Fix: set `priority` on one of them to a number from 1 to 50000 that no other service uses";

  test("two services given the same priority: reported, naming both and suggesting `priority`", () => {
    expect(routeErrors({ shop: { hosts: ["shop.example.com"], priority: 10 }, blog: { hosts: ["blog.example.com"], priority: 10 } })).toEqual([
      collision("shop", "blog", 10),
    ]);
  });

  test("the nearest good: the next number synthesizes", () => {
    expect(routeErrors({ shop: { hosts: ["shop.example.com"], priority: 10 }, blog: { hosts: ["blog.example.com"], priority: 11 } })).toEqual([]);
  });

  test("a service's later rules take the numbers after its priority, and collide with another's there", () => {
    const shop = { hosts: ["shop.example.com"], paths: ["/a", "/b", "/c"], priority: 10 };
    expect(routeErrors({ shop, blog: { hosts: ["blog.example.com"], priority: 11 } })).toEqual([collision("shop", "blog", 11)]);
    expect(routeErrors({ shop, blog: { hosts: ["blog.example.com"], priority: 12 } })).toEqual([]);
  });
});
