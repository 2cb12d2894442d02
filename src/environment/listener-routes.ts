import { createHash } from "crypto";
import { IConstruct } from "constructs";

/** One listener rule of a web service: requests whose host is one of `hosts` and path matches one of `paths`. */
export interface Route {
  /** The web service the rule forwards to. */
  readonly service: string;
  /** Host names; empty for any host. */
  readonly hosts: string[];
  /** Path patterns (`*` and `?` wildcards); empty for any path. */
  readonly paths: string[];
  /** The rule's position among the service's rules, which keeps its priority stable. */
  readonly index: number;
  /** A priority the user chose for the service's first rule (the next rules follow it). */
  readonly explicitPriority?: number;
}

/**
 * Listener rule priorities: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
 * (1 to 50000, lowest evaluated first). Derived ones fall in bands that put the most specific rules first:
 * host and path, then path only, then host only; within a band, from a hash of the service's name and the
 * rule's index, so adding or removing a service never renumbers another's rules.
 */
export const MAX_PRIORITY = 50000;
const BAND_SIZE = 16000;
const BANDS = { hostAndPath: 0, pathOnly: 1, hostOnly: 2 } as const;

/**
 * The routes of an environment's web services on its shared HTTPS listener. Each gets a priority when it is
 * added; at synth, priorities that collide and routes that overlap (two services claiming the same host and
 * path) are reported, naming both services.
 */
export class ListenerRoutes {
  private readonly routes: (Route & { priority: number })[] = [];

  constructor(scope: IConstruct) {
    scope.node.addValidation({ validate: () => this.problems() });
  }

  /** Adds a route and returns its listener rule priority. */
  add(route: Route): number {
    const priority =
      route.explicitPriority !== undefined ? route.explicitPriority + route.index : derivedPriority(route);
    this.routes.push({ ...route, priority });
    return priority;
  }

  private problems(): string[] {
    const problems: string[] = [];
    this.routes.forEach((route, index) => {
      for (const other of this.routes.slice(index + 1)) {
        if (other.service === route.service) continue;
        if (other.priority === route.priority) {
          problems.push(
            `routes: services "${route.service}" and "${other.service}" both get listener rule priority ${route.priority}` +
              `${route.explicitPriority === undefined && other.explicitPriority === undefined ? " (derived from their names)" : ""}. ` +
              `Fix: set \`priority\` on one of them to a number from 1 to ${MAX_PRIORITY} that no other service uses`,
          );
        }
        const [first, second] = route.priority < other.priority ? [route, other] : [other, route];
        if (kindOf(first) !== kindOf(second) && covers(first, second)) {
          problems.push(
            `routes: service "${first.service}"'s rule (priority ${first.priority}) is evaluated before "${second.service}"'s (priority ${second.priority}) ` +
              `and matches every request that one does, so "${second.service}" gets none. Fix: give "${second.service}" the lower priority, or leave \`priority\` unset on both`,
          );
          continue;
        }
        const overlap = overlapOf(route, other);
        if (overlap) {
          problems.push(
            `routes: services "${route.service}" and "${other.service}" both claim ${overlap}, so which one gets those requests depends on rule order. ` +
              "Fix: give them different hosts, or paths that do not overlap",
          );
        }
      }
    });
    return problems;
  }
}

/** Whether `wider` matches every request `narrower` does, so that evaluated first it leaves `narrower` nothing. */
function covers(wider: Route, narrower: Route): boolean {
  const hosts = !wider.hosts.length || (narrower.hosts.length > 0 && narrower.hosts.every((host) => wider.hosts.includes(host)));
  const paths =
    !wider.paths.length ||
    (narrower.paths.length > 0 && narrower.paths.every((path) => wider.paths.some((pattern) => patternCovers(pattern, path))));
  return hosts && paths;
}

/** Whether `pattern` matches every path `other` does: the same pattern, or a prefix ending in `*`. */
function patternCovers(pattern: string, other: string): boolean {
  return pattern === other || (pattern.endsWith("*") && !pattern.slice(0, -1).includes("*") && !pattern.includes("?") && other.startsWith(pattern.slice(0, -1)));
}

function kindOf(route: Route): number {
  return route.hosts.length && route.paths.length ? BANDS.hostAndPath : route.paths.length ? BANDS.pathOnly : BANDS.hostOnly;
}

function derivedPriority(route: Route): number {
  const band = kindOf(route);
  const hash = createHash("sha256").update(`${route.service}#${route.index}`).digest().readUInt32BE(0);
  return band * BAND_SIZE + (hash % BAND_SIZE) + 1;
}

/** What two routes of the same kind both match, described; undefined when no request matches both. */
function overlapOf(a: Route, b: Route): string | undefined {
  if (kindOf(a) !== kindOf(b)) return undefined; // the more specific rule is evaluated first (checked by `covers`)
  const hosts = a.hosts.length ? a.hosts.filter((host) => b.hosts.includes(host)) : ["any host"];
  if (hosts.length === 0) return undefined;
  if (!a.paths.length) return `host ${hosts.join(", ")}`;
  for (const path of a.paths) {
    const other = b.paths.find((candidate) => patternsOverlap(path, candidate));
    if (other !== undefined) return `${a.hosts.length ? `host ${hosts.join(", ")} ` : ""}path ${path}${other === path ? "" : ` and ${other}`}`;
  }
  return undefined;
}

/**
 * Whether some path matches both ALB path patterns (`*`: any characters, `?`: one character): a search
 * over pairs of positions in the two patterns, consuming one character of a common path at a time.
 */
export function patternsOverlap(a: string, b: string): boolean {
  const seen = new Set<string>();
  const stack: [number, number][] = [[0, 0]];
  while (stack.length) {
    const [i, j] = stack.pop()!;
    const key = `${i},${j}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    if (a[i] === "*") stack.push([i + 1, j]);
    if (b[j] === "*") stack.push([i, j + 1]);
    // One character of the path: a literal either side names it, a wildcard takes any other.
    const candidates = new Set([a[i], b[j], "\u0000"].filter((c) => c !== undefined && c !== "*" && c !== "?"));
    for (const character of candidates) {
      const nextA = step(a, i, character);
      const nextB = step(b, j, character);
      if (nextA !== undefined && nextB !== undefined) stack.push([nextA, nextB]);
    }
  }
  return false;
}

/** Where pattern position `i` goes on reading `character`; undefined when it cannot. */
function step(pattern: string, i: number, character: string): number | undefined {
  const token = pattern[i];
  if (token === undefined) return undefined;
  if (token === "*") return i;
  if (token === "?" || token === character) return i + 1;
  return undefined;
}
