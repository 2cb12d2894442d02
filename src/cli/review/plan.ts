/**
 * The plan under review: `terraform show -json` of a saved plan (format 1.x), indexed for the review.
 *
 * What Terraform knows at plan time is in `resource_changes[].change.after`; what it cannot know yet is
 * marked in `after_unknown`, and the configuration (`configuration.root_module`, child modules under
 * `module_calls`) still says what it will come from: each argument's `constant_value` (for cdktf, the
 * template it wrote, such as `${aws_iam_role.x.arn}` or `${jsonencode({...})}`) and its `references`.
 * `Plan.value` reads the first, falling back to the second.
 */
import { interpolatedReferences, readDocument } from "../hcl";

/** Plan JSON is untyped data; every read of it checks what it finds. */
export type Json = any;

/** What a plan does to one resource. */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "read" | "no-op" | "forget";

export interface PlanResource {
  /** Full address, e.g. `module.web.aws_lb.hello_load_balancer` or `aws_route53_record.x["a.example.com"]`. */
  readonly address: string;
  /** The address without its instance key: what the configuration and references name. */
  readonly baseAddress: string;
  /** `module.web` (with instance keys) or "" for the root module. */
  readonly moduleAddress: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly kind: ChangeKind;
  readonly actions: string[];
  /** For a replacement: whether the old object goes first (Terraform's default) or last (create_before_destroy). */
  readonly replaceOrder?: "delete-first" | "create-first";
  readonly actionReason?: string;
  readonly replacePaths: string[];
  readonly importing: boolean;
  readonly previousAddress?: string;
  readonly before: Json;
  readonly after: Json;
  readonly afterUnknown: Json;
  /** The provider's (and Terraform's) sensitivity marks on `after`: `{ password: true }`. */
  readonly afterSensitive: Json;
  /** The resource block in the configuration (with `expressions`), when found. */
  readonly config?: Json;
}

/** Thrown for input that is not the JSON of a plan: the CLI exits 2 with its message. */
export class NotAPlanError extends Error {}

export class Plan {
  readonly raw: Json;
  readonly resources: PlanResource[];
  private readonly byBase = new Map<string, PlanResource[]>();
  private readonly referrers = new Map<string, Set<string>>();

  constructor(raw: Json) {
    assertPlan(raw);
    this.raw = raw;
    this.resources = (raw.resource_changes ?? []).map((change: Json) => this.toResource(change));
    for (const resource of this.resources) {
      const list = this.byBase.get(resource.baseAddress) ?? [];
      list.push(resource);
      this.byBase.set(resource.baseAddress, list);
    }
    this.indexReferences(raw.configuration?.root_module, "");
  }

  get terraformVersion(): string | undefined {
    return typeof this.raw.terraform_version === "string" ? this.raw.terraform_version : undefined;
  }

  /** Managed resources of these types that exist once the plan is applied (not deleted, forgotten or read). */
  present(...types: string[]): PlanResource[] {
    return this.resources.filter(
      (resource) =>
        resource.mode === "managed" &&
        (types.length === 0 || types.includes(resource.type)) &&
        resource.kind !== "delete" &&
        resource.kind !== "forget" &&
        resource.after !== null &&
        resource.after !== undefined,
    );
  }

  /** The provider's region as configured (`provider "aws" { region = "..." }`), when it is a literal. */
  configuredRegion(): string | undefined {
    const region = this.raw.configuration?.provider_config?.aws?.expressions?.region?.constant_value;
    return typeof region === "string" && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) ? region : undefined;
  }

  /** Variables the root module declares: `{ sensitive, ephemeral, description }` by name. */
  declaredVariables(): Record<string, Json> {
    return this.raw.configuration?.root_module?.variables ?? {};
  }

  /** Variable values the plan holds (`variables.<name>.value`); ephemeral ones are never there. */
  variableValues(): Record<string, Json> {
    return this.raw.variables ?? {};
  }

  /**
   * The value of an argument, by path (`"policy"`, `"default_action.0.redirect.0.port"`): Terraform's
   * planned value when it is known, else what the configuration says it will be (a `${jsonencode(...)}`
   * document decoded, a reference kept as `"${aws_x.y.arn}"`), else undefined.
   */
  value(resource: PlanResource, path: string): Json {
    const known = this.knownValue(resource, path);
    if (known !== undefined) return known;
    return this.configuredValue(resource, path);
  }

  /** The planned value, undefined when Terraform does not know it yet (or it is not set). */
  knownValue(resource: PlanResource, path: string): Json {
    if (isUnknown(resource.afterUnknown, path)) return undefined;
    const value = dig(resource.after, path);
    return value === null ? undefined : value;
  }

  /** What the configuration says the argument is (see `value`); JSON documents are decoded. */
  configuredValue(resource: PlanResource, path: string): Json {
    const expression = this.expression(resource, path);
    if (!expression || !("constant_value" in expression)) return undefined;
    const constant = expression.constant_value;
    if (typeof constant === "string" && /^\s*\$\{\s*jsonencode\s*\(/.test(constant)) return readDocument(constant);
    return constant;
  }

  /** Whether Terraform marks the value at `path` (or a parent of it) as known only after apply. */
  isUnknown(resource: PlanResource, path: string): boolean {
    return isUnknown(resource.afterUnknown, path);
  }

  /**
   * Resources referred to anywhere under an argument or block (`"action"`, `"dimensions"`), nested blocks
   * included; the whole resource's configuration without a path.
   */
  referencedResourcesUnder(resource: PlanResource, path?: string): PlanResource[] {
    const references: string[] = [];
    const visit = (node: Json) => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === "object") {
        if (Array.isArray(node.references)) references.push(...node.references.map(String));
        if (typeof node.constant_value === "string") references.push(...interpolatedReferences(node.constant_value));
        for (const [key, value] of Object.entries(node)) if (key !== "references" && key !== "constant_value") visit(value);
      }
    };
    visit(path === undefined ? resource.config?.expressions : this.expression(resource, path));
    const found = new Map<string, PlanResource>();
    for (const reference of references) {
      for (const target of this.resolve(reference, resource.moduleAddress)) found.set(target.address, target);
    }
    return [...found.values()];
  }

  /** The configuration's `{ constant_value?, references? }` for an argument, by path. */
  expression(resource: PlanResource, path: string): Json {
    let node = resource.config?.expressions;
    for (const part of path.split(".")) {
      if (node === undefined || node === null) return undefined;
      node = Array.isArray(node) ? node[Number(part)] : node[part];
    }
    return node;
  }

  /** Resources (with their module prefix) an argument refers to, through its references or its value. */
  referencedResources(resource: PlanResource, path: string): PlanResource[] {
    const references: string[] = [
      ...(this.expression(resource, path)?.references ?? []),
      ...interpolatedReferences(this.configuredValue(resource, path)),
    ];
    const found = new Map<string, PlanResource>();
    for (const reference of references) {
      for (const target of this.resolve(reference, resource.moduleAddress)) found.set(target.address, target);
    }
    return [...found.values()];
  }

  /**
   * The resources a reference names (`aws_iam_role.x.name`, `data.aws_iam_policy_document.d.json`,
   * `${aws_x.y.arn}`), relative to a module; all instances of a counted resource.
   */
  resolve(reference: string, moduleAddress = ""): PlanResource[] {
    const base = referenceBase(reference);
    if (!base) return [];
    const prefix = moduleAddress ? `${stripKeys(moduleAddress)}.` : "";
    return this.byBase.get(prefix + base) ?? [];
  }

  /** Base addresses of the resources whose configuration refers to this one. */
  referrersOf(resource: PlanResource): string[] {
    return [...(this.referrers.get(resource.baseAddress) ?? [])].sort();
  }

  /** Resources by base address (all instances). */
  byBaseAddress(base: string): PlanResource[] {
    return this.byBase.get(base) ?? [];
  }

  private toResource(change: Json): PlanResource {
    const address = String(change.address ?? "");
    const moduleAddress = typeof change.module_address === "string" ? change.module_address : "";
    const actions: string[] = Array.isArray(change.change?.actions) ? change.change.actions.map(String) : [];
    const kind = kindOf(actions);
    const type = String(change.type ?? "");
    const name = String(change.name ?? "");
    const mode = change.mode === "data" ? "data" : "managed";
    const baseAddress = `${moduleAddress ? `${stripKeys(moduleAddress)}.` : ""}${mode === "data" ? "data." : ""}${type}.${name}`;
    return {
      address,
      baseAddress,
      moduleAddress,
      mode,
      type,
      name,
      kind,
      actions,
      replaceOrder: kind === "replace" ? (actions[0] === "delete" ? "delete-first" : "create-first") : undefined,
      actionReason: typeof change.action_reason === "string" ? change.action_reason : undefined,
      replacePaths: (Array.isArray(change.change?.replace_paths) ? change.change.replace_paths : []).map(showPath),
      importing: Boolean(change.change?.importing),
      previousAddress: typeof change.previous_address === "string" ? change.previous_address : undefined,
      before: change.change?.before,
      after: change.change?.after,
      afterUnknown: change.change?.after_unknown,
      afterSensitive: change.change?.after_sensitive,
      config: this.findConfig(moduleAddress, mode, type, name),
    };
  }

  private findConfig(moduleAddress: string, mode: string, type: string, name: string): Json {
    let module = this.raw.configuration?.root_module;
    if (moduleAddress) {
      for (const call of stripKeys(moduleAddress).split(".").filter((_, index) => index % 2 === 1)) {
        module = module?.module_calls?.[call]?.module;
      }
    }
    return (module?.resources ?? []).find(
      (resource: Json) => resource.mode === mode && resource.type === type && resource.name === name,
    );
  }

  private indexReferences(module: Json, prefix: string): void {
    if (!module) return;
    for (const resource of module.resources ?? []) {
      const from = `${prefix}${resource.address}`;
      const visit = (node: Json) => {
        if (Array.isArray(node)) node.forEach(visit);
        else if (node && typeof node === "object") {
          if (Array.isArray(node.references)) {
            for (const reference of node.references) {
              const base = referenceBase(String(reference));
              if (base) {
                const set = this.referrers.get(prefix + base) ?? new Set<string>();
                set.add(from);
                this.referrers.set(prefix + base, set);
              }
            }
          }
          for (const [key, value] of Object.entries(node)) if (key !== "references") visit(value);
        }
      };
      visit(resource.expressions);
    }
    for (const [name, call] of Object.entries<Json>(module.module_calls ?? {})) {
      this.indexReferences(call?.module, `${prefix}module.${name}.`);
    }
  }
}

/** Refuses what is not `terraform show -json` of a plan, saying what it is instead. */
function assertPlan(raw: Json): void {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new NotAPlanError("not plan JSON: expected an object (the output of `terraform show -json PLANFILE`)");
  }
  if (raw.resource && raw.provider && !raw.format_version) {
    throw new NotAPlanError(
      "this is Terraform configuration (cdk.tf.json), not a plan: run `terraform plan -out plan.tfplan` and " +
        "`terraform show -json plan.tfplan > plan.json` in the stack's folder, then review plan.json",
    );
  }
  if (typeof raw.format_version !== "string") {
    throw new NotAPlanError("not plan JSON: no format_version (expected the output of `terraform show -json PLANFILE`)");
  }
  if (!("planned_values" in raw) && !("resource_changes" in raw)) {
    throw new NotAPlanError(
      "this is Terraform JSON but not a plan (no planned_values or resource_changes): `terraform show -json` " +
        "of a state file gives the state; give it the saved plan file instead",
    );
  }
  if (!/^1\./.test(raw.format_version)) {
    throw new NotAPlanError(`plan JSON format ${raw.format_version} is not supported (1.x expected)`);
  }
}

function kindOf(actions: string[]): ChangeKind {
  const set = new Set(actions);
  if (set.has("forget")) return "forget";
  if (set.has("delete") && set.has("create")) return "replace";
  if (set.has("create")) return "create";
  if (set.has("delete")) return "delete";
  if (set.has("update")) return "update";
  if (set.has("read")) return "read";
  return "no-op";
}

/** `aws_x.y.arn` → `aws_x.y`; `data.aws_x.y.json` → `data.aws_x.y`; `${...}` unwrapped; var/local/module → undefined. */
export function referenceBase(reference: string): string | undefined {
  const text = reference.trim().replace(/^\$\{\s*/, "").replace(/\s*\}$/, "");
  const parts = text.split(/[.[]/);
  if (parts[0] === "data" && parts.length >= 3) return `data.${parts[1]}.${parts[2]}`;
  if (["var", "local", "module", "each", "count", "self", "path", "terraform"].includes(parts[0])) return undefined;
  if (parts.length >= 2 && /^[a-z][a-z0-9_]*$/.test(parts[0]) && /^[A-Za-z_][\w-]*$/.test(parts[1])) return `${parts[0]}.${parts[1]}`;
  return undefined;
}

/** `module.a["x"].module.b[0]` → `module.a.module.b` */
function stripKeys(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, "");
}

/** A replace path (`["subnet_mapping", 0, "subnet_id"]`) as `subnet_mapping[0].subnet_id`. */
function showPath(path: Json): string {
  if (!Array.isArray(path)) return String(path);
  return path.map((step, index) => (typeof step === "number" ? `[${step}]` : `${index ? "." : ""}${step}`)).join("");
}

function dig(node: Json, path: string): Json {
  for (const part of path.split(".")) {
    if (node === undefined || node === null) return undefined;
    node = Array.isArray(node) ? node[Number(part)] : node[part];
  }
  return node;
}

/** Whether `after_unknown` marks the value at `path` (or one of its parents) as unknown. */
function isUnknown(afterUnknown: Json, path: string): boolean {
  let node = afterUnknown;
  for (const part of path.split(".")) {
    if (node === true) return true;
    if (node === undefined || node === null || typeof node !== "object") return false;
    node = Array.isArray(node) ? node[Number(part)] : node[part];
  }
  return node === true;
}
