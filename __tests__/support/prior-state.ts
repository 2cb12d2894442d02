/**
 * A Terraform state (format version 4) standing for "this configuration, applied", made without AWS:
 * for the upgrade test, which plans a new release's configuration against the previous release's state.
 *
 * How it is made (buildPriorState):
 * 1. The configuration is planned offline (no state): `planned_values` gives every resource instance
 *    (for_each instances with their index_key) and the values known at plan time.
 * 2. Each value unknown at plan time (`resource_changes[].change.after_unknown`) gets a deterministic
 *    fake of its schema type (`terraform providers schema -json`, which also gives each resource type's
 *    schema_version): ids with their AWS prefix (vpc-..., sg-...), ARNs of the right shape
 *    (`arn:aws:<service>:<region>:123456789012:<resource>`, and the arn_suffix the alarms parse),
 *    the provider's usual defaults for computed settings, and for an ACM certificate's
 *    domain_validation_options one CNAME record per name of the certificate.
 * 3. Fakes made apart do not agree with the references between resources (a subnet's vpc_id is not
 *    its VPC's fake id). Where the configuration holds a plain reference ("${aws_vpc.x.id}", or cdktf's
 *    "${each.value.x}" over a list), the referenced value is copied in memory, which settles most of
 *    them at no cost. The rest (jsonencode() policies, for expressions...) is Terraform's to evaluate:
 *    the configuration is planned again against the state, with `-refresh=false` (refreshing would
 *    call AWS), and each resource's planned `after` becomes its state (where it is still unknown: the
 *    prior value, or a fresh fake for a replaced object); the outputs likewise. This repeats until the
 *    configuration plans no change at all, resources and outputs: the proof that the fake state is
 *    one this configuration could have produced (the default app: 2 rounds). Each plan costs ~10-15 s
 *    here, so the upgrade test uses states built once by scripts/upgrade-prior-state.ts and
 *    committed (__tests__/fixtures/upgrade/*.tfstate.json), and only re-checks them.
 *
 * Not made: `dependencies` and `create_before_destroy` of the instances (used when destroying, not
 * when planning), the providers' private data, and anything a refresh would bring (drift).
 */
import * as crypto from "crypto";
import { PlannedStack, planSynthesized, providerSchemas, removePlannedStack } from "./terraform";

export const FAKE_ACCOUNT = "123456789012";
const AWS_PROVIDER = "registry.terraform.io/hashicorp/aws";
const STATE_PROVIDER = `provider["${AWS_PROVIDER}"]`;

export interface PriorStateOptions {
  /** The configuration's input variables (e.g. an ephemeral `password`), passed to every plan. */
  vars?: Record<string, string>;
  /** A label for the plan dirs and messages. */
  name?: string;
  /** Plans against the state before giving up (default 6). */
  maxRounds?: number;
  /** Progress messages (one per plan). */
  log?: (message: string) => void;
}

export interface PriorState {
  /** The state, format version 4. */
  state: any;
  /** Plans run against a state until none planned a change (the last one planned none). */
  rounds: number;
  /** Milliseconds per plan: the first one without state, then one per round. */
  planMs: number[];
}

/** Builds the state of `cdkTfJson` applied, as the module doc describes; throws when it does not converge. */
export async function buildPriorState(cdkTfJson: string, options: PriorStateOptions = {}): Promise<PriorState> {
  const name = options.name ?? "prior-state";
  const log = options.log ?? (() => {});
  const maxRounds = options.maxRounds ?? 6;
  const config = JSON.parse(cdkTfJson);
  const schemas = awsResourceSchemas(await providerSchemas(cdkTfJson));
  const context = { region: providerRegion(config), lineage: fakeUuid(`lineage ${cdkTfJson}`) };
  const planMs: number[] = [];

  let started = Date.now();
  const first = await planSynthesized(cdkTfJson, { vars: options.vars, name: `${name}-0` });
  planMs.push(Date.now() - started);
  let state = stateFromPlan(first.plan, schemas, undefined, { ...context, config });
  removePlannedStack(first);
  log(`${name}: planned without state in ${planMs[0]} ms, ${state.resources.length} resources faked`);

  for (let round = 1; ; round++) {
    started = Date.now();
    const planned = await planAgainstState(cdkTfJson, state, { vars: options.vars, name: `${name}-${round}` });
    planMs.push(Date.now() - started);
    const pending = pendingChanges(planned.plan);
    log(`${name}: round ${round} in ${planMs[round]} ms, ${pending.length} changes${pending.length ? ": " : ""}${pending.join(", ")}`);
    if (pending.length === 0) {
      removePlannedStack(planned);
      return { state, rounds: round, planMs };
    }
    if (round >= maxRounds) {
      const error: any = new Error(
        `${name}: the state did not converge in ${maxRounds} rounds; the configuration still plans: ${pending.join("; ")}` +
          ` (last plan in ${planned.dir})`,
      );
      error.state = state;
      throw error;
    }
    state = stateFromPlan(planned.plan, schemas, state, context);
    removePlannedStack(planned);
  }
}

/** Plans a configuration (Terraform JSON text) against a state, offline, with -refresh=false. */
function planAgainstState(
  cdkTfJson: string,
  state: any,
  options: { vars?: Record<string, string>; name?: string } = {},
): Promise<PlannedStack> {
  return planSynthesized(cdkTfJson, { vars: options.vars, name: options.name, priorState: state, refresh: false });
}

/** What a plan would change: "<address> (<actions>)" for each resource and output whose action is not no-op. */
export function pendingChanges(plan: any): string[] {
  const pending: string[] = [];
  for (const change of plan?.resource_changes ?? []) {
    const actions: string[] = change.change.actions;
    if (actions.join() !== "no-op") pending.push(`${change.address} (${actions.join(",")}${changedAttributes(change)})`);
  }
  for (const [output, change] of Object.entries<any>(plan?.output_changes ?? {})) {
    if (change.actions.join() !== "no-op") pending.push(`output.${output} (${change.actions.join(",")})`);
  }
  return pending;
}

/** ": attr, attr" for the top-level attributes an update or replace changes, "" otherwise. */
function changedAttributes(change: any): string {
  const { before, after, after_unknown: unknown } = change.change;
  if (!before || !after) return "";
  const keys = Object.keys({ ...before, ...after, ...(unknown ?? {}) }).filter(
    (key) => unknown?.[key] === true || JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  return keys.length ? `: ${keys.sort().join(", ")}` : "";
}

// ---------------------------------------------------------------------------------------------
// State from a plan
// ---------------------------------------------------------------------------------------------

interface Context {
  region: string;
  lineage: string;
  /** The configuration (cdktf JSON): for a first state, its plain references are followed. */
  config?: any;
}

/**
 * The next state: each resource instance of the plan with its planned values (planned_values for a
 * first state, else resource_changes' `after`), and for what the plan leaves unknown the prior state's
 * value at that place, or a fake. Outputs whose value the plan knows are kept with their type.
 */
export function stateFromPlan(plan: any, schemas: Record<string, any>, prior: any, context: Context): any {
  const priorInstances = new Map<string, any>();
  for (const resource of prior?.resources ?? []) {
    for (const instance of resource.instances) {
      priorInstances.set(instanceAddress(resource.type, resource.name, instance.index_key), instance.attributes);
    }
  }
  const unknownByAddress = new Map<string, any>();
  const afterByAddress = new Map<string, any>();
  const sensitiveByAddress = new Map<string, any>();
  const actionsByAddress = new Map<string, string[]>();
  for (const change of plan.resource_changes ?? []) {
    if (change.mode !== "managed") continue;
    unknownByAddress.set(change.address, change.change.after_unknown ?? {});
    afterByAddress.set(change.address, change.change.after);
    sensitiveByAddress.set(change.address, change.change.after_sensitive ?? {});
    actionsByAddress.set(change.address, change.change.actions);
  }
  const planned: any[] = [];
  const walk = (module: any) => {
    planned.push(...(module?.resources ?? []));
    for (const child of module?.child_modules ?? []) walk(child);
  };
  walk(plan.planned_values?.root_module);

  const instances: Instance[] = [];
  for (const item of planned) {
    if (item.mode !== "managed") continue;
    const schema = schemas[item.type];
    if (!schema) throw new Error(`no schema for resource type ${item.type}`);
    const actions: string[] = actionsByAddress.get(item.address) ?? [];
    const replaced = actions.includes("delete") && actions.includes("create");
    instances.push({
      item,
      schemaVersion: schema.version ?? 0,
      desc: blockDesc(schema.block),
      // On a first plan planned_values and `after` agree; against a state, `after` is the planned
      // object of a replace as well as of an update or a no-op.
      known: structuredClone(prior ? (afterByAddress.get(item.address) ?? item.values) : item.values),
      unknown: structuredClone(unknownByAddress.get(item.address) ?? {}),
      // What is unknown keeps its prior value, unless the object is replaced: a new object, new fakes
      // (the same ids, which only depend on the address; values made from the new known values).
      prior: replaced ? undefined : priorInstances.get(item.address),
      sensitive: sensitiveByAddress.get(item.address) ?? {},
      attributes: undefined,
      references: new Map(),
    });
  }
  const fillAll = () => {
    for (const instance of instances) {
      const where: Where = { type: instance.item.type, address: instance.item.address, values: instance.known, region: context.region };
      instance.attributes = fill(instance.known, instance.unknown, instance.desc, where, [], instance.prior);
      for (const { path, value } of instance.references.values()) setAt(instance.attributes, path, structuredClone(value));
    }
  };
  fillAll();
  if (!prior && context.config) {
    // The fakes do not agree with the references between resources yet: follow the plain ones
    // ("${aws_vpc.x.id}") of the configuration, where the plan left the value unknown, until none is left.
    for (let pass = 0; pass < 20 && resolveReferences(instances, context.config); pass++) fillAll();
  }

  const resources = new Map<string, any>();
  for (const instance of instances) {
    const { item } = instance;
    const key = `${item.type}.${item.name}`;
    if (!resources.has(key)) {
      resources.set(key, { mode: "managed", type: item.type, name: item.name, provider: STATE_PROVIDER, instances: [] });
    }
    const state: any = {
      schema_version: instance.schemaVersion,
      attributes: instance.attributes,
      sensitive_attributes: sensitivePaths(instance.sensitive, instance.desc, []),
    };
    if (item.index !== undefined) state.index_key = item.index;
    resources.get(key).instances.push(state);
  }

  const outputs: Record<string, any> = {};
  for (const [output, value] of Object.entries<any>(plan.planned_values?.outputs ?? {})) {
    if (value.type === undefined) {
      if (prior?.outputs?.[output]) outputs[output] = prior.outputs[output];
      continue;
    }
    outputs[output] = { value: value.value, type: value.type, ...(value.sensitive ? { sensitive: true } : {}) };
  }
  return {
    version: 4,
    terraform_version: plan.terraform_version,
    serial: (prior?.serial ?? 0) + 1,
    lineage: context.lineage,
    outputs,
    resources: [...resources.values()].sort((a, b) => (a.type + "." + a.name < b.type + "." + b.name ? -1 : 1)),
    check_results: null,
  };
}

interface Instance {
  item: any;
  schemaVersion: number;
  desc: Desc;
  /** The values the plan knows; the references followed are added here. */
  known: any;
  /** after_unknown: where the plan left a value unknown (the prior value, a reference or a fake goes there). */
  unknown: any;
  prior: any;
  sensitive: any;
  attributes: any;
  /** Values of plain references followed, by path (JSON): they replace the fakes at those places. */
  references: Map<string, { path: (string | number)[]; value: any }>;
}

/**
 * The state's sensitive_attributes: the paths the plan marks sensitive (after_sensitive), as Terraform
 * stores them. Without them, Terraform plans an update of the marks alone ("the value is unchanged").
 * A set cannot be indexed: a mark inside one marks the whole set.
 */
function sensitivePaths(marks: any, desc: Desc | undefined, path: any[]): any[][] {
  if (marks === true) return [path];
  if (Array.isArray(marks)) {
    if (desc?.kind === "list" && desc.set) {
      return JSON.stringify(marks).includes("true") ? [path] : [];
    }
    const elem = desc?.kind === "list" ? desc.elem : undefined;
    return marks.flatMap((inner, i) => sensitivePaths(inner, elem, [...path, { type: "index", value: { value: i, type: "number" } }]));
  }
  if (marks && typeof marks === "object") {
    return Object.keys(marks)
      .sort()
      .flatMap((key) => {
        const step =
          desc?.kind === "map"
            ? { type: "index", value: { value: key, type: "string" } }
            : { type: "get_attr", value: key };
        const inner = desc?.kind === "object" ? desc.attrs[key] : desc?.kind === "map" ? desc.elem : undefined;
        return sensitivePaths(marks[key], inner, [...path, step]);
      });
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// Following the configuration's plain references (a first state only)
// ---------------------------------------------------------------------------------------------

const PLAIN_REFERENCE = /^\$\{([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])+)\}$/;
const NOT_ARGUMENTS = new Set(["//", "depends_on", "lifecycle", "for_each", "count", "provider", "provisioner", "connection"]);

/**
 * Where the plan left a value unknown and the configuration has a plain reference there (a string
 * that is only "${<type>.<name>.<attribute path>}", or "${each.value.<attribute>}" of cdktf's
 * `{ for key, val in tolist(<list>): val.<key> => val }` for_each), takes the value the reference
 * has in the state being built. True when a value changed (the caller fills again and repeats).
 */
function resolveReferences(instances: Instance[], config: any): boolean {
  const byAddress = new Map(instances.map((instance) => [instance.item.address, instance]));
  let changed = false;
  for (const instance of instances) {
    const block = config?.resource?.[instance.item.type]?.[instance.item.name];
    if (!block) continue;
    const each = eachValue(block, instance, byAddress);
    const resolve = (text: any): { value: any } | undefined => {
      if (typeof text !== "string") return text === undefined || text === null ? undefined : { value: text };
      if (!text.includes("${")) return { value: text };
      const match = PLAIN_REFERENCE.exec(text);
      if (!match) return undefined;
      const steps = [...match[3].matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
      let value: any;
      if (match[1] === "each" && match[2] === "value") {
        if (each === undefined) return undefined;
        value = each;
      } else {
        const target = byAddress.get(`${match[1]}.${match[2]}`);
        if (!target) return undefined;
        value = target.attributes;
      }
      for (const step of steps) value = value?.[step];
      return value === undefined ? undefined : { value };
    };
    const walk = (cfg: any, marks: any, desc: Desc | undefined, path: (string | number)[]) => {
      if (marks === true) {
        let resolved: { value: any } | undefined;
        if (typeof cfg === "string") resolved = resolve(cfg);
        else if (Array.isArray(cfg)) {
          const items = cfg.map(resolve);
          if (items.every((item) => item !== undefined)) resolved = { value: items.map((item) => item!.value) };
        } else if (cfg && typeof cfg === "object" && desc?.kind === "map") {
          const entries = Object.entries(cfg).map(([key, item]) => [key, resolve(item)] as const);
          if (entries.every(([, item]) => item !== undefined)) {
            resolved = { value: Object.fromEntries(entries.map(([key, item]) => [key, item!.value])) };
          }
        }
        if (resolved !== undefined) {
          const value = stateForm(instance.item.type, path, resolved.value);
          const key = JSON.stringify(path);
          if (JSON.stringify(instance.references.get(key)?.value) !== JSON.stringify(value)) {
            // the value may still change, when its target was itself a fake: repeated until stable
            instance.references.set(key, { path, value });
            setAt(instance.known, path, value); // for the fakes made from it (a record's fqdn...)
            changed = true;
          }
        }
        return;
      }
      if (Array.isArray(marks) && desc?.kind === "list") {
        const items = Array.isArray(cfg) ? cfg : cfg && typeof cfg === "object" ? [cfg] : [];
        marks.forEach((inner, i) => walk(items[i], inner, desc.elem, [...path, i]));
        return;
      }
      if (marks && typeof marks === "object" && desc?.kind === "object" && cfg && typeof cfg === "object" && !Array.isArray(cfg)) {
        for (const key of Object.keys(marks)) {
          if (path.length === 0 && NOT_ARGUMENTS.has(key)) continue;
          walk(cfg[key], marks[key], desc.attrs[key], [...path, key]);
        }
      }
    };
    walk(block, instance.unknown, instance.desc, []);
  }
  return changed;
}

/** A value as the provider stores it (its StateFunc), where that differs from the configured one. */
function stateForm(type: string, path: (string | number)[], value: any): any {
  if (type === "aws_route53_record" && path.length === 1 && path[0] === "name" && typeof value === "string") {
    return value.replace(/\.$/, "").toLowerCase(); // the provider stores record names without the final dot
  }
  return value;
}

/** each.value of a for_each instance, for cdktf's `{ for key, val in tolist(<list>): val.<key> => val }`. */
function eachValue(block: any, instance: Instance, byAddress: Map<string, Instance>): any {
  if (typeof block.for_each !== "string" || instance.item.index === undefined) return undefined;
  const match = /^\$\{\{ for key, val in (?:tolist\()?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z0-9_]+)\)?: val\.([A-Za-z0-9_]+) => val \}\}$/.exec(
    block.for_each,
  );
  if (!match) return undefined;
  const list = byAddress.get(`${match[1]}.${match[2]}`)?.attributes?.[match[3]];
  return Array.isArray(list) ? list.find((item) => item?.[match[4]] === instance.item.index) : undefined;
}

function setAt(root: any, path: (string | number)[], value: any): void {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (node[path[i]] === undefined || node[path[i]] === null || typeof node[path[i]] !== "object") {
      node[path[i]] = typeof path[i + 1] === "number" ? [] : {};
    }
    node = node[path[i]];
  }
  node[path[path.length - 1]] = value;
}

function instanceAddress(type: string, name: string, indexKey: any): string {
  if (indexKey === undefined) return `${type}.${name}`;
  return `${type}.${name}[${typeof indexKey === "string" ? JSON.stringify(indexKey) : indexKey}]`;
}

function awsResourceSchemas(schemas: any): Record<string, any> {
  const found = schemas?.provider_schemas?.[AWS_PROVIDER]?.resource_schemas;
  if (!found) throw new Error(`terraform providers schema -json has no ${AWS_PROVIDER} resource schemas`);
  return found;
}

function providerRegion(config: any): string {
  const providers = config?.provider?.aws;
  const first = Array.isArray(providers) ? providers.find((p: any) => !p.alias) : providers;
  return typeof first?.region === "string" && /^[a-z0-9-]+$/.test(first.region) ? first.region : "eu-west-1";
}

// ---------------------------------------------------------------------------------------------
// Schema types
// ---------------------------------------------------------------------------------------------

type Desc =
  | { kind: "string" | "number" | "bool" | "dynamic" }
  | { kind: "list"; set: boolean; elem: Desc }
  | { kind: "map"; elem: Desc }
  | { kind: "object"; attrs: Record<string, Desc>; single?: boolean };

function blockDesc(block: any): Desc {
  const attrs: Record<string, Desc> = {};
  for (const [name, attribute] of Object.entries<any>(block.attributes ?? {})) {
    attrs[name] = attribute.nested_type ? nestedDesc(attribute.nested_type) : typeDesc(attribute.type);
  }
  for (const [name, nested] of Object.entries<any>(block.block_types ?? {})) {
    const inner = blockDesc(nested.block);
    attrs[name] =
      nested.nesting_mode === "single" || nested.nesting_mode === "group"
        ? { ...(inner as any), single: true }
        : nested.nesting_mode === "map"
          ? { kind: "map", elem: inner }
          : { kind: "list", set: nested.nesting_mode === "set", elem: inner };
  }
  return { kind: "object", attrs };
}

function nestedDesc(nested: any): Desc {
  const inner = blockDesc({ attributes: nested.attributes });
  if (nested.nesting_mode === "single") return inner;
  if (nested.nesting_mode === "map") return { kind: "map", elem: inner };
  return { kind: "list", set: nested.nesting_mode === "set", elem: inner };
}

function typeDesc(type: any): Desc {
  if (typeof type === "string") return { kind: type as any };
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") return { kind: "list", set: kind === "set", elem: typeDesc(inner) };
  if (kind === "map") return { kind: "map", elem: typeDesc(inner) };
  if (kind === "object") {
    return { kind: "object", attrs: Object.fromEntries(Object.entries<any>(inner).map(([k, t]) => [k, typeDesc(t)])) };
  }
  if (kind === "tuple") return { kind: "list", set: false, elem: inner.length ? typeDesc(inner[0]) : { kind: "dynamic" } };
  return { kind: "dynamic" };
}

// ---------------------------------------------------------------------------------------------
// Filling unknowns
// ---------------------------------------------------------------------------------------------

interface Where {
  type: string;
  address: string;
  /** The instance's known values (top level). */
  values: any;
  region: string;
}

type Path = (string | number)[];

/** `value` with every place `unknown` marks true replaced by the prior value there, or else a fake. */
function fill(value: any, unknown: any, desc: Desc | undefined, where: Where, path: Path, prior: any, parent?: any): any {
  if (unknown === true) {
    if (prior !== undefined) return prior;
    return fake(desc ?? { kind: "dynamic" }, where, path, parent);
  }
  if (Array.isArray(unknown) && desc?.kind === "list") {
    const items: any[] = Array.isArray(value) ? [...value] : [];
    unknown.forEach((marks, i) => {
      items[i] = fill(items[i], marks, desc.elem, where, [...path, i], Array.isArray(prior) ? prior[i] : undefined, items);
    });
    return items;
  }
  if (unknown && typeof unknown === "object" && !Array.isArray(unknown) && (desc?.kind === "object" || desc?.kind === "map")) {
    const result: any = value && typeof value === "object" ? { ...value } : {};
    for (const [key, marks] of Object.entries(unknown)) {
      const inner = desc.kind === "object" ? desc.attrs[key] : desc.elem;
      result[key] = fill(result[key], marks, inner, where, [...path, key], prior?.[key], result);
    }
    return result;
  }
  return value;
}

/** A deterministic value of the type, as AWS would have it once created, for the attribute at path. */
function fake(desc: Desc, where: Where, path: Path, parent: any): any {
  const name = String([...path].reverse().find((step) => typeof step === "string") ?? "");
  if (path.length === 1 && special[where.type]?.[name]) return special[where.type][name](where);
  switch (desc.kind) {
    case "string":
      return fakeString(where, name, path, parent);
    case "number":
      return ["revision", "version", "order"].includes(name) ? 1 : 0;
    case "bool":
      return trueByDefault[name] === true;
    case "list":
      return [];
    case "map":
      return {};
    case "object": {
      const result: any = {};
      for (const [key, inner] of Object.entries(desc.attrs)) result[key] = fake(inner, where, [...path, key], result);
      return result;
    }
    default:
      return null;
  }
}

const trueByDefault: Record<string, boolean> = {
  routing_http_response_server_enabled: true,
  has_value_wo: true,
  vpc: true,
};

/** Whole attributes made per resource type (top level only). */
const special: Record<string, Record<string, (where: Where) => any>> = {
  aws_acm_certificate: {
    domain_validation_options: (where) => {
      const names = [where.values.domain_name, ...(where.values.subject_alternative_names ?? [])];
      return [...new Set(names.filter((n) => typeof n === "string"))].map((domain) => ({
        domain_name: domain,
        ...validationRecord(domain),
      }));
    },
  },
  aws_ssm_parameter: {
    // a parameter written through value_wo: the state holds neither value
    value: () => null,
    insecure_value: () => null,
  },
  aws_route53_zone: {
    name_servers: (where) => nameServers(where.address),
    primary_name_server: (where) => nameServers(where.address)[0],
  },
};

function nameServers(address: string): string[] {
  const n = parseInt(hex(address, "ns", 6), 16);
  return [
    `ns-${n % 512}.awsdns-${n % 64}.com`,
    `ns-${512 + (n % 512)}.awsdns-${(n >> 6) % 64}.net`,
    `ns-${1024 + (n % 512)}.awsdns-${(n >> 12) % 64}.org`,
    `ns-${1536 + (n % 512)}.awsdns-${(n >> 18) % 64}.co.uk`,
  ];
}

/** The CNAME ACM asks for to validate a name by DNS (the name and value have this shape). */
function validationRecord(domain: string) {
  const bare = domain.replace(/^\*\./, "");
  return {
    resource_record_name: `_${hex(bare, "dv-name", 32)}.${bare}.`,
    resource_record_type: "CNAME",
    resource_record_value: `_${hex(bare, "dv-value", 32)}.${hex(bare, "dv-zone", 10)}.acm-validations.aws.`,
  };
}

/** Strings by attribute name, whatever the resource type (after the type-specific rules of fakeString). */
const stringDefaults: Record<string, string> = {
  name_prefix: "",
  log_group_class: "STANDARD",
  key_algorithm: "RSA_2048",
  renewal_eligibility: "INELIGIBLE",
  not_before: "2025-01-01T00:00:00Z",
  not_after: "2026-01-31T23:59:59Z",
  create_date: "2025-01-01T00:00:00Z",
  evaluate_low_sample_count_percentiles: "",
  data_type: "text",
  tier: "Standard",
  key_id: "alias/aws/ssm",
  private_dns_hostname_type_on_launch: "ip-name",
  enforce_security_group_inbound_rules_on_private_link_traffic: "",
  load_balancing_algorithm_type: "round_robin",
  load_balancing_anomaly_mitigation: "off",
  load_balancing_cross_zone_enabled: "use_load_balancer_configuration",
  protocol_version: "HTTP1",
  preserve_client_ip: "",
  public_ipv4_pool: "amazon",
  carrier_ip: "",
  customer_owned_ip: "",
  instance: "",
  ptr_record: "",
  ssl_policy: "",
  iam_role: "",
};

const idPrefixes: Record<string, string> = {
  aws_vpc: "vpc",
  aws_subnet: "subnet",
  aws_security_group: "sg",
  aws_internet_gateway: "igw",
  aws_egress_only_internet_gateway: "eigw",
  aws_nat_gateway: "nat",
  aws_eip: "eipalloc",
  aws_route_table: "rtb",
  aws_route_table_association: "rtbassoc",
  aws_vpc_security_group_ingress_rule: "sgr",
  aws_vpc_security_group_egress_rule: "sgr",
  aws_network_acl: "acl",
  aws_vpc_endpoint: "vpce",
};

/** Prefixes of attributes named <x>_id, for ids of other EC2 objects. */
const idAttributePrefixes: Record<string, string> = {
  vpc_id: "vpc",
  subnet_id: "subnet",
  security_group_id: "sg",
  referenced_security_group_id: "sg",
  default_security_group_id: "sg",
  route_table_id: "rtb",
  default_route_table_id: "rtb",
  main_route_table_id: "rtb",
  default_network_acl_id: "acl",
  dhcp_options_id: "dopt",
  gateway_id: "igw",
  nat_gateway_id: "nat",
  allocation_id: "eipalloc",
  association_id: "eipassoc",
  network_interface_id: "eni",
  network_interface: "eni",
  security_group_rule_id: "sgr",
  ipv6_association_id: "vpc-cidr-assoc",
  ipv6_cidr_block_association_id: "subnet-cidr-assoc",
};

function fakeString(where: Where, name: string, path: Path, parent: any): string | null {
  const v = where.values ?? {};
  const top = path.length === 1;
  if (name.startsWith("resource_record_") && typeof parent?.domain_name === "string") {
    return (validationRecord(parent.domain_name) as any)[name];
  }
  if (top && name === "arn") return arnOf(where);
  if (top && name === "id") return idOf(where);
  if (top && name === "arn_suffix") return arnOf(where).split(":").slice(5).join(":").replace(/^loadbalancer\//, "");
  if (top && name === "arn_without_revision") return arnOf(where).replace(/:\d+$/, "");
  if (name === "owner_id") return FAKE_ACCOUNT;
  if (top && where.type === "aws_acm_certificate") {
    if (name === "status") return "ISSUED";
    if (name === "type") return "AMAZON_ISSUED";
  }
  if (top && where.type === "aws_route53_zone" && name === "zone_id") return zoneId(where.address);
  if (top && where.type === "aws_lb") {
    if (name === "dns_name") return `${v.name ?? "lb"}-${parseInt(hex(where.address, "dns", 8), 16)}.${where.region}.elb.amazonaws.com`;
    if (name === "zone_id") return "Z32O12XQLNTSW2"; // the ALB hosted zone of eu-west-1 (a fixed AWS value per region)
  }
  if (where.type === "aws_route53_record" && name === "fqdn") return String(v.name ?? "").replace(/\.$/, "");
  if (name === "zone_id") return zoneId(`${where.address} ${path.join(".")}`);
  if (name === "unique_id") return `AROA${hex(where.address, "unique", 17).toUpperCase()}`;
  if (name === "availability_zone_id") return `${shortRegion(where.region)}-az${azNumber(v.availability_zone)}`;
  if (name === "network_border_group" || name === "ipv6_cidr_block_network_border_group") return where.region;
  if (name === "ipv6_cidr_block") {
    // the VPC's /56 (cidrsubnet() is applied to it at plan time); a subnet's /64 comes from its config
    return `2a05:d018:${hex("ipv6", "vpc", 4)}:${hex(where.address, "ipv6", 2)}00::/56`;
  }
  if (name === "public_ip") return `203.0.113.${1 + (parseInt(hex(where.address, "ip", 2), 16) % 250)}`;
  if (name === "private_ip") return `10.0.${parseInt(hex(where.address, "pip", 2), 16) % 16}.${1 + (parseInt(hex(where.address, "pip2", 2), 16) % 250)}`;
  if (name === "public_dns") return `ec2-203-0-113-1.${where.region}.compute.amazonaws.com`;
  if (name === "private_dns") return `ip-10-0-0-1.${where.region}.compute.internal`;
  if (name === "target_id") return `terraform-${hex(where.address, "target", 26)}`;
  if (name in stringDefaults) return stringDefaults[name];
  if (name.startsWith("routing_http_")) return ""; // listener attributes an ALB listener leaves unset
  if (name === "ipam_pool_id") return null; // an address not from an IPAM pool
  if (name in idAttributePrefixes) return `${idAttributePrefixes[name]}-${hex(`${where.address} ${path.join(".")}`, "id", 17)}`;
  if (name.endsWith("_arn")) {
    return `arn:aws:${serviceOf(where.type)}:${where.region}:${FAKE_ACCOUNT}:fake/${hex(`${where.address} ${path.join(".")}`, "arn", 16)}`;
  }
  if (name.endsWith("_id")) return `fake-${hex(`${where.address} ${path.join(".")}`, "id", 17)}`;
  return `fake-${name}-${hex(`${where.address} ${path.join(".")}`, "value", 8)}`;
}

function idOf(where: Where): string {
  const v = where.values ?? {};
  const prefix = idPrefixes[where.type];
  if (prefix) return `${prefix}-${hex(where.address, "id", 17)}`;
  switch (where.type) {
    case "aws_lb":
    case "aws_lb_target_group":
    case "aws_lb_listener":
    case "aws_lb_listener_rule":
    case "aws_acm_certificate":
    case "aws_acm_certificate_validation":
    case "aws_ecs_cluster":
    case "aws_ecs_service":
    case "aws_sns_topic":
      return where.type === "aws_acm_certificate_validation" ? "2025-01-01 00:00:00 +0000 UTC" : arnOf(where);
    case "aws_route53_zone":
      return zoneId(where.address);
    case "aws_route53_record":
      return [v.zone_id ?? zoneId(where.address), v.name, v.type].filter((part) => part !== undefined).join("_");
    case "aws_ecs_task_definition":
      return String(v.family ?? "task");
    case "aws_ecs_cluster_capacity_providers":
      return String(v.cluster_name ?? "cluster");
    case "aws_cloudwatch_metric_alarm":
      return String(v.alarm_name ?? "alarm");
    case "aws_cloudwatch_log_resource_policy":
      return String(v.policy_name ?? "policy");
    case "aws_cloudwatch_event_target":
      return `${v.event_bus_name ?? "default"}-${v.rule ?? "rule"}-${v.target_id ?? "target"}`;
    case "aws_iam_role_policy":
      return `${v.role ?? "role"}:${v.name ?? "policy"}`;
    default:
      return String(v.name ?? v.arn ?? `${where.type.replace(/^aws_/, "")}-${hex(where.address, "id", 12)}`);
  }
}

function arnOf(where: Where): string {
  const v = where.values ?? {};
  const region = where.region;
  const arn = (service: string, resource: string, global = false) =>
    `arn:aws:${service}:${global ? "" : region}:${FAKE_ACCOUNT}:${resource}`;
  const h = (salt: string) => hex(where.address, salt, 16);
  switch (where.type) {
    case "aws_vpc":
      return arn("ec2", `vpc/${idOf(where)}`);
    case "aws_subnet":
      return arn("ec2", `subnet/${idOf(where)}`);
    case "aws_security_group":
      return arn("ec2", `security-group/${idOf(where)}`);
    case "aws_internet_gateway":
      return arn("ec2", `internet-gateway/${idOf(where)}`);
    case "aws_route_table":
      return arn("ec2", `route-table/${idOf(where)}`);
    case "aws_eip":
      return arn("ec2", `elastic-ip/${idOf(where)}`);
    case "aws_nat_gateway":
      return arn("ec2", `natgateway/${idOf(where)}`);
    case "aws_vpc_security_group_ingress_rule":
    case "aws_vpc_security_group_egress_rule":
      return arn("ec2", `security-group-rule/${idOf(where)}`);
    case "aws_lb":
      return arn("elasticloadbalancing", `loadbalancer/${v.load_balancer_type === "network" ? "net" : "app"}/${v.name ?? "lb"}/${h("lb")}`);
    case "aws_lb_target_group":
      return arn("elasticloadbalancing", `targetgroup/${v.name ?? "tg"}/${h("tg")}`);
    case "aws_lb_listener": {
      const lb = /:loadbalancer\/(.+)$/.exec(String(v.load_balancer_arn ?? ""))?.[1] ?? `app/lb/${h("lb")}`;
      return arn("elasticloadbalancing", `listener/${lb}/${h("listener")}`);
    }
    case "aws_lb_listener_rule": {
      const listener = /:listener\/(.+)$/.exec(String(v.listener_arn ?? ""))?.[1] ?? `app/lb/${h("lb")}/${h("listener")}`;
      return arn("elasticloadbalancing", `listener-rule/${listener}/${h("rule")}`);
    }
    case "aws_acm_certificate":
      return arn("acm", `certificate/${fakeUuid(where.address)}`);
    case "aws_ecs_cluster":
      return arn("ecs", `cluster/${v.name ?? "cluster"}`);
    case "aws_ecs_service":
      return arn("ecs", `service/${v.name ?? "cluster"}/${v.name ?? "service"}`);
    case "aws_ecs_task_definition":
      return arn("ecs", `task-definition/${v.family ?? "task"}:1`);
    case "aws_iam_role":
      return arn("iam", `role${v.path ?? "/"}${v.name ?? "role"}`, true);
    case "aws_iam_policy":
      return arn("iam", `policy${v.path ?? "/"}${v.name ?? "policy"}`, true);
    case "aws_cloudwatch_log_group":
      return arn("logs", `log-group:${v.name ?? "group"}`);
    case "aws_cloudwatch_event_rule":
      return arn("events", `rule/${v.name ?? "rule"}`);
    case "aws_cloudwatch_metric_alarm":
      return arn("cloudwatch", `alarm:${v.alarm_name ?? "alarm"}`);
    case "aws_ssm_parameter":
      return arn("ssm", `parameter/${String(v.name ?? "parameter").replace(/^\//, "")}`);
    case "aws_sns_topic":
      return arn("sns", String(v.name ?? "topic"));
    case "aws_route53_zone":
      return `arn:aws:route53:::hostedzone/${zoneId(where.address)}`;
    default:
      return arn(serviceOf(where.type), `${where.type.replace(/^aws_/, "")}/${v.name ?? h("arn")}`);
  }
}

function serviceOf(type: string): string {
  const word = type.replace(/^aws_/, "").split("_")[0];
  return ({ lb: "elasticloadbalancing", cloudwatch: "logs", vpc: "ec2", eip: "ec2", subnet: "ec2", route: "ec2" } as any)[word] ?? word;
}

function zoneId(seed: string): string {
  return `Z0${hex(seed, "zone", 19).toUpperCase()}`;
}

/** "euw1" for eu-west-1, as in the zone ids euw1-az1... */
function shortRegion(region: string): string {
  const [area, direction, number] = region.split("-");
  return `${area}${direction?.[0] ?? ""}${number ?? ""}`;
}

function azNumber(zone: any): number {
  const letter = typeof zone === "string" ? zone.slice(-1) : "a";
  return Math.max(1, letter.charCodeAt(0) - 96);
}

function hex(seed: string, salt: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) {
    out += crypto.createHash("sha256").update(`${salt}\0${seed}\0${i}`).digest("hex");
  }
  return out.slice(0, length);
}

function fakeUuid(seed: string): string {
  const h = hex(seed, "uuid", 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
