/**
 * Several stacks planned in one Terraform run, each stack's plan JSON then cut out of the whole, as if it
 * had been planned alone. What a Terraform run costs here is mostly fixed: loading the AWS provider's
 * schema (once for `plan`, once more for `show -json`) and starting a provider process per provider
 * configuration and walk. A batch pays the schema twice in all, and one provider process per distinct
 * configuration instead of one per stack.
 *
 * The layout (layOutBatch), in a fresh dir:
 * - Each stack is a child module in its own subdir (`stack_1`, `stack_2`...), its files as synthesized
 *   except that its `backend`/`cloud` settings (the root's local backend applies) and its `aws` provider
 *   blocks are taken out; `configuration_aliases` declares the aliases it uses.
 * - The root module holds one `aws` provider block per distinct configuration (the stack's settings plus
 *   the offline ones; identical configurations of different stacks are one block, while two providers of one
 *   stack keep a block each, so that the cut tells their resources apart), passes each stack its own as `aws` and
 *   `aws.<alias>`, declares `<stack key>__<variable>` for each variable a value is given for, passed to the
 *   stack with its type, sensitivity, ephemerality and nullability, and re-exports each output as
 *   `<stack key>__<output>`, sensitive where the stack's is.
 * - `.terraform/modules/modules.json` records the local modules as `terraform init` would (`terraform
 *   get` is not needed for local sources).
 * - A stack's prior state, if any, joins one state with its resources moved into its module.
 *
 * The cut (memberPlan) keeps what belongs to the stack's module, without the `module.<key>.` prefix, and
 * gives back its own names: provider configurations, variables, outputs. The harness's tests prove the cut
 * equals the plan of the same stack alone (terraform-harness.test.ts), but for `relevant_attributes`,
 * which may list more: the attributes the root's re-exported outputs read (nothing here reads them).
 *
 * A stack written in HCL (the reviewer's own Terraform) keeps its provider blocks, which a batch does not take
 * out of HCL: its module configures its own providers, the offline settings written into its default one as
 * the override of its plan alone merges them, and its variables and outputs are read from its HCL (readHcl).
 * Such a module cannot share a provider configuration, but saves its plan and show their fixed cost.
 *
 * A stack is planned alone instead (batchRefusal) when its provider blocks hold expressions (a stack-
 * specific value could not be shared), when it has import blocks or module calls (root-only, or needing an
 * init of their own), or when it is HCL that readHcl does not read.
 */
import * as fs from "fs";
import * as path from "path";
import { asArray, readConfigFiles, sortKeys } from "./terraform-json";

export const BATCH_ROOT_FILE = "batch.tf.json";
/** The offline default aws provider of an HCL stack that declares none (its plan alone gets one from its override). */
const HCL_OFFLINE_PROVIDER_FILE = "zz_batch_offline_provider.tf";
const AWS = "aws";
const STATE_AWS_PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]';

/** One stack of a batch, its files already copied into `<batch dir>/<key>`. */
export interface BatchMember {
  key: string;
  vars: Record<string, string>;
  /** A Terraform state, format version 4, as text or object. */
  priorState?: object | string;
}

/** How a stack's names map to the batch's: each map goes from the batch's name to the stack's. */
export interface MemberLayout {
  key: string;
  /** Root provider configuration key ("aws.stack_config_1") to the stack's ("aws", "aws.us_east_1"). */
  providers: Map<string, string>;
  /** Root variable to the stack's variable. */
  variables: Map<string, string>;
  /** Root output to the stack's output. */
  outputs: Map<string, string>;
}

export interface BatchLayout {
  members: MemberLayout[];
  /** The root's required_providers: every stack's (hashicorp/aws when none requires any), for the shared init. */
  requiredProviders: Record<string, any>;
  /** The variable values to give Terraform, by root variable name. */
  vars: Record<string, string>;
  /** The joined prior state, when any member has one. */
  priorState?: string;
}

/** Why a stack dir cannot join a batch (it is then planned alone), or undefined. */
export function batchRefusal(dir: string): string | undefined {
  if (isHcl(dir)) {
    if (readConfigFiles(dir).size > 0) return "it mixes HCL and JSON";
    const read = readHcl(dir);
    return typeof read === "string" ? read : undefined;
  }
  for (const json of readConfigFiles(dir).values()) {
    if (json.module && Object.keys(json.module).length > 0) return "it calls modules";
    if (json.import) return "it has import blocks, which only a root module may have";
    for (const provider of asArray(json.provider?.[AWS])) {
      if (JSON.stringify(provider).includes("${")) return "its aws provider settings hold expressions";
    }
  }
  return undefined;
}

/** The HCL files of a stack dir, by name. */
function hclFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((file) => file.endsWith(".tf")).sort();
}

/** Whether a stack dir is written in HCL. */
export function isHcl(dir: string): boolean {
  return hclFiles(dir).length > 0;
}

interface HclDeclarations {
  variables: Record<string, { type?: string; sensitive?: boolean; ephemeral?: boolean; nullable?: boolean }>;
  outputs: Record<string, { sensitive?: boolean }>;
}

/**
 * The variables and outputs of an HCL stack, read from its `.tf` files as `terraform fmt` writes them (each
 * top-level block closed by a `}` alone at the start of a line, each argument on a line of its own), or why
 * a batch cannot take it. It reads only what the root module needs to pass values and re-export outputs, and
 * refuses what it does not read, so that such a stack is planned alone rather than planned wrong:
 * - a `terraform` block with a backend or cloud block (a child module's would not apply) or requiring a
 *   provider other than aws (the shared init has no other), module calls or import blocks;
 * - a variable with a default (the plan of the stack alone shows its value, a batch's root would not);
 * - a type written over several lines, or an ephemeral output (a root module cannot re-export one);
 * - heredocs and block comments, whose lines could look like a block's end, and a provider block with
 *   settings on one line (layOutHclMember writes the offline settings into it).
 */
function readHcl(dir: string): HclDeclarations | string {
  const declared: HclDeclarations = { variables: {}, outputs: {} };
  for (const file of hclFiles(dir)) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    if (/<<-?\w+\s*$|^\s*\/\*/m.test(text)) return `${file} has heredocs or block comments, which the batch's reader does not read`;
    const lines = text.split("\n");
    for (let index = 0; index < lines.length; index++) {
      const header = /^(\w+)\b(?:\s+"([^"]*)")?/.exec(lines[index]);
      if (!header) continue;
      const [, kind, name] = header;
      if (["module", "import"].includes(kind)) return `its HCL has a ${kind} block, which a batch's module cannot have`;
      const end = blockEnd(lines, index);
      if (end < 0) return `${file}: the ${kind} block at line ${index + 1} does not end with a "}" at the start of a line`;
      if (kind === "provider" && end === index && !/\{\s*\}\s*$/.test(lines[index])) {
        return `${file}: the provider block at line ${index + 1} is written on one line, which the batch does not edit`;
      }
      const body = lines.slice(index + 1, end);
      index = end;
      if (kind === "terraform") {
        if (body.some((line) => /^\s*(backend|cloud)\b/.test(line))) return "its terraform block has a backend or cloud block, which a child module's would not apply";
        const providers = body.map((line) => /^\s*(\w+)\s*=\s*\{/.exec(line)?.[1]).filter((name) => name !== undefined);
        if (providers.some((name) => name !== AWS)) return `its terraform block requires providers other than aws (${providers.join(", ")})`;
      }
      if (kind !== "variable" && kind !== "output") continue;
      const attributes = new Map<string, string>();
      for (const line of body) {
        const argument = /^\s*(type|default|sensitive|ephemeral|nullable)\s*=\s*(.*?)\s*(#.*)?$/.exec(line);
        if (argument) attributes.set(argument[1], argument[2]);
      }
      if (kind === "variable") {
        if (attributes.has("default")) return `its variable "${name}" has a default, which a batch's plan would not show`;
        const type = attributes.get("type");
        if (type !== undefined && !balanced(type)) return `its variable "${name}"'s type spans several lines`;
        declared.variables[name] = {
          ...(type !== undefined ? { type } : {}),
          ...flags(attributes, ["sensitive", "ephemeral", "nullable"]),
        };
      } else {
        if (attributes.get("ephemeral") === "true") return `its output "${name}" is ephemeral, which a root module cannot re-export`;
        declared.outputs[name] = flags(attributes, ["sensitive"]);
      }
    }
  }
  return declared;
}

/** The line that ends the top-level block starting at `start`: itself when it opens and closes there. */
function blockEnd(lines: string[], start: number): number {
  return balanced(lines[start]) ? start : lines.findIndex((line, at) => at > start && line.startsWith("}"));
}

function balanced(expression: string): boolean {
  let depth = 0;
  for (const char of expression) {
    depth += "([{".includes(char) ? 1 : ")]}".includes(char) ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

function flags(attributes: Map<string, string>, names: string[]): Record<string, boolean> {
  return Object.fromEntries(names.filter((name) => ["true", "false"].includes(attributes.get(name) ?? "")).map((name) => [name, attributes.get(name) === "true"]));
}

/**
 * Writes the root module, the modules manifest and each member's edited files into batchDir (see the
 * module doc). `offline` is merged into every aws provider configuration.
 */
export function layOutBatch(batchDir: string, members: BatchMember[], offline: Record<string, unknown>): BatchLayout {
  const requiredProviders: Record<string, any> = {};
  const rootProviders: any[] = [];
  /** The root configurations made for each distinct provider setting. */
  const rootAliasesOf = new Map<string, string[]>();
  const rootVariables: Record<string, any> = {};
  const rootOutputs: Record<string, any> = {};
  const moduleCalls: Record<string, any> = {};
  const vars: Record<string, string> = {};
  const layouts: MemberLayout[] = [];

  for (const member of members) {
    const memberDir = path.join(batchDir, member.key);
    const layout: MemberLayout = { key: member.key, providers: new Map(), variables: new Map(), outputs: new Map() };
    const hcl = isHcl(memberDir) ? readHcl(memberDir) : undefined;
    if (typeof hcl === "string") throw new Error(`${member.key}: ${hcl}`);
    const { declaredVariables, declaredOutputs, providerMap } = hcl
      ? layOutHclMember(memberDir, hcl, offline)
      : layOutJsonMember(memberDir, layout, requiredProviders, offline, rootProviders, rootAliasesOf);

    const inputs: Record<string, string> = {};
    for (const [name, value] of Object.entries(member.vars)) {
      const declared = declaredVariables[name];
      if (!declared) continue; // as alone: a value for an undeclared variable is ignored
      const rootName = `${member.key}__${name}`;
      rootVariables[rootName] = pick(declared, ["type", "sensitive", "ephemeral", "nullable"]);
      inputs[name] = `\${var.${rootName}}`;
      vars[rootName] = value;
      layout.variables.set(rootName, name);
    }
    for (const [name, declared] of Object.entries(declaredOutputs)) {
      const rootName = `${member.key}__${name}`;
      rootOutputs[rootName] = { value: `\${module.${member.key}.${name}}`, ...(declared?.sensitive ? { sensitive: true } : {}) };
      layout.outputs.set(rootName, name);
    }
    moduleCalls[member.key] = { source: `./${member.key}`, ...(Object.keys(providerMap).length > 0 ? { providers: providerMap } : {}), ...inputs };
    layouts.push(layout);
  }

  if (Object.keys(requiredProviders).length === 0) requiredProviders[AWS] = { source: "hashicorp/aws" };
  const root: any = {
    "//": "Written by __tests__/support/plan-batch.ts: several stacks, one Terraform run.",
    terraform: { required_providers: requiredProviders, backend: { local: { path: "terraform.tfstate" } } },
    provider: { [AWS]: rootProviders },
    module: moduleCalls,
  };
  if (Object.keys(rootVariables).length > 0) root.variable = rootVariables;
  if (Object.keys(rootOutputs).length > 0) root.output = rootOutputs;
  fs.writeFileSync(path.join(batchDir, BATCH_ROOT_FILE), JSON.stringify(root, null, 2));
  fs.mkdirSync(path.join(batchDir, ".terraform", "modules"), { recursive: true });
  const manifest = [{ Key: "", Source: "", Dir: "." }, ...members.map(({ key }) => ({ Key: key, Source: `./${key}`, Dir: key }))];
  fs.writeFileSync(path.join(batchDir, ".terraform", "modules", "modules.json"), JSON.stringify({ Modules: manifest }));

  const withState = members.filter((member) => member.priorState !== undefined);
  const priorState = withState.length > 0 ? JSON.stringify(joinStates(withState, layouts), null, 2) : undefined;
  return { members: layouts, requiredProviders, vars, priorState };
}

/**
 * A synthesized stack's module: its backend and aws provider blocks taken out (the root's local state and
 * offline providers apply), each of its aws providers given the root configuration with its settings.
 */
function layOutJsonMember(
  memberDir: string,
  layout: MemberLayout,
  requiredProviders: Record<string, any>,
  offline: Record<string, unknown>,
  rootProviders: any[],
  rootAliasesOf: Map<string, string[]>,
): MemberDeclarations {
  const files = readConfigFiles(memberDir);
  const providerSettings = new Map<string, Record<string, unknown>>([[AWS, {}]]); // an undeclared default one is offline too
  const declaredVariables: Record<string, any> = {};
  const declaredOutputs: Record<string, any> = {};
  let requirements: any;
  for (const json of files.values()) {
    for (const block of asArray(json.terraform)) {
      delete block.backend;
      delete block.cloud;
      for (const providers of asArray(block.required_providers)) {
        Object.assign(requiredProviders, providers);
        if (providers[AWS]) requirements = providers;
      }
    }
    for (const provider of asArray(json.provider?.[AWS])) {
      const { alias, ...settings } = provider;
      providerSettings.set(alias ? `${AWS}.${alias}` : AWS, settings);
    }
    if (json.provider) {
      delete json.provider[AWS];
      if (Object.keys(json.provider).length === 0) delete json.provider;
    }
    Object.assign(declaredVariables, json.variable ?? {});
    Object.assign(declaredOutputs, json.output ?? {});
  }
  const aliases = [...providerSettings.keys()].filter((key) => key !== AWS);
  if (aliases.length > 0) {
    if (!requirements) throw new Error(`${layout.key}: uses aws provider aliases without requiring the aws provider`);
    requirements[AWS] = { ...requirements[AWS], configuration_aliases: aliases };
  }
  for (const [file, json] of files) fs.writeFileSync(path.join(memberDir, file), JSON.stringify(json, null, 2));

  const providerMap: Record<string, string> = {};
  for (const [memberKey, settings] of providerSettings) {
    const configuration = sortKeys({ ...settings, ...offline });
    const identity = JSON.stringify(configuration);
    // Shared across stacks; within a stack, two providers with the same settings (its aws provider and its
    // us_east_1 alias, in us-east-1) each need their own, or the cut could not tell their resources apart.
    const sameSettings = rootAliasesOf.get(identity) ?? [];
    let rootAlias = sameSettings.find((alias) => !layout.providers.has(`${AWS}.${alias}`));
    if (!rootAlias) {
      rootAlias = `stack_config_${rootProviders.length + 1}`;
      rootAliasesOf.set(identity, [...sameSettings, rootAlias]);
      rootProviders.push({ ...configuration, alias: rootAlias });
    }
    providerMap[memberKey] = `${AWS}.${rootAlias}`;
    layout.providers.set(`${AWS}.${rootAlias}`, memberKey);
  }
  return { declaredVariables, declaredOutputs, providerMap };
}

/**
 * An HCL stack's module: its providers configured in it, the offline settings written into its default aws
 * provider block (or a block of their own when it has none), as the override of its plan alone merges them.
 * Not as an override file: in a child module, Terraform would then take the block for an empty proxy one,
 * and warn that it is redundant.
 */
function layOutHclMember(memberDir: string, hcl: HclDeclarations, offline: Record<string, unknown>): MemberDeclarations {
  const settings = Object.entries(offline).map(([name, value]) => `  ${name} = ${JSON.stringify(value)}`);
  const overridden = new RegExp(`^\\s*(${Object.keys(offline).join("|")})\\s*=`);
  let hasDefault = false;
  for (const file of hclFiles(memberDir)) {
    const lines = fs.readFileSync(path.join(memberDir, file), "utf8").split("\n");
    const edited: string[] = [];
    for (let index = 0; index < lines.length; index++) {
      const end = /^provider\s+"aws"\s*\{/.test(lines[index]) ? blockEnd(lines, index) : -1;
      const body = end < 0 ? [] : lines.slice(index + 1, end);
      if (end < 0 || body.some((line) => /^\s*alias\s*=/.test(line))) {
        edited.push(lines[index]);
        continue;
      }
      hasDefault = true;
      edited.push('provider "aws" {', ...settings, ...body.filter((line) => !overridden.test(line)), "}");
      index = end;
    }
    fs.writeFileSync(path.join(memberDir, file), edited.join("\n"));
  }
  if (!hasDefault) fs.writeFileSync(path.join(memberDir, HCL_OFFLINE_PROVIDER_FILE), `provider "aws" {\n${settings.join("\n")}\n}\n`);
  return { declaredVariables: hcl.variables, declaredOutputs: hcl.outputs, providerMap: {} };
}

interface MemberDeclarations {
  declaredVariables: Record<string, any>;
  declaredOutputs: Record<string, any>;
  /** The module call's `providers`: the stack's provider key to the root's. */
  providerMap: Record<string, string>;
}

/** The members' states as one: each resource moved into its member's module, on the root provider it is given. */
function joinStates(members: BatchMember[], layouts: MemberLayout[]): any {
  const states = members.map((member) => (typeof member.priorState === "string" ? JSON.parse(member.priorState) : member.priorState));
  const joined: any = { ...states[0], serial: Math.max(...states.map((state) => state.serial ?? 0)), outputs: {}, resources: [], check_results: null };
  members.forEach((member, index) => {
    const layout = layouts.find(({ key }) => key === member.key)!;
    const rootProviderOf = new Map([...layout.providers].map(([rootKey, memberKey]) => [memberKey, rootKey]));
    const moduleAddress = `module.${member.key}`;
    for (const [name, output] of Object.entries<any>(states[index].outputs ?? {})) joined.outputs[`${member.key}__${name}`] = output;
    for (const resource of states[index].resources ?? []) {
      if (resource.module) throw new Error(`prior state of ${member.key}: resources in modules (${resource.module}) are not supported in a batch`);
      const memberProvider = String(resource.provider ?? "");
      const providerKey = memberProvider === STATE_AWS_PROVIDER ? AWS : memberProvider.startsWith(`${STATE_AWS_PROVIDER}.`) ? `${AWS}.${memberProvider.slice(STATE_AWS_PROVIDER.length + 1)}` : undefined;
      const rootKey = providerKey && rootProviderOf.get(providerKey);
      joined.resources.push({
        ...resource,
        module: moduleAddress,
        provider: rootKey ? `${STATE_AWS_PROVIDER}.${rootKey.slice(AWS.length + 1)}` : `${moduleAddress}.${memberProvider}`,
        instances: (resource.instances ?? []).map((instance: any) => ({
          ...instance,
          ...(instance.dependencies ? { dependencies: instance.dependencies.map((address: string) => `${moduleAddress}.${address}`) } : {}),
        })),
      });
    }
  });
  return joined;
}

/** A member's part of the batch's `terraform show -json`, shaped as the plan of that stack alone. */
export function memberPlan(batchPlan: any, layout: MemberLayout): any {
  const moduleAddress = `module.${layout.key}`;
  const prefix = `${moduleAddress}.`;
  const own = (address: unknown) => typeof address === "string" && address.startsWith(prefix);
  const strip = (address: string) => (own(address) ? address.slice(prefix.length) : address);
  const renamed = (values: Record<string, any> | undefined, names: Map<string, string>) =>
    values && Object.fromEntries(Object.entries(values).filter(([name]) => names.has(name)).map(([name, value]) => [names.get(name)!, value]));
  const changes = (list: any[] | undefined) =>
    list?.filter((change) => change.module_address === moduleAddress).map(({ module_address, ...change }) => ({
      ...change,
      address: strip(change.address),
      ...(change.previous_address ? { previous_address: strip(change.previous_address) } : {}),
    }));
  const moduleValues = (rootModule: any) => {
    const child = (rootModule?.child_modules ?? []).find((module: any) => module.address === moduleAddress);
    if (!child?.resources) return {};
    return {
      resources: child.resources.map((resource: any) => ({
        ...resource,
        address: strip(resource.address),
        ...(resource.depends_on ? { depends_on: resource.depends_on.map(strip) } : {}),
      })),
    };
  };
  // As Terraform shows a plan: no empty outputs or variables, and no prior state when it holds nothing.
  const stateValues = (values: any) => {
    const { outputs, ...rest } = values;
    const ownOutputs = renamed(outputs, layout.outputs);
    return { ...rest, ...(isEmpty(ownOutputs) ? {} : { outputs: ownOutputs }), root_module: moduleValues(values.root_module) };
  };

  const plan: any = { ...batchPlan };
  for (const key of ["variables", "output_changes"]) {
    const own = renamed(batchPlan[key], key === "variables" ? layout.variables : layout.outputs);
    if (isEmpty(own)) delete plan[key];
    else plan[key] = own;
  }
  plan.planned_values = stateValues(batchPlan.planned_values);
  delete plan.prior_state;
  const priorValues = batchPlan.prior_state && stateValues(batchPlan.prior_state.values);
  if (priorValues && (priorValues.outputs || priorValues.root_module.resources)) plan.prior_state = { ...batchPlan.prior_state, values: priorValues };
  plan.resource_changes = changes(batchPlan.resource_changes);
  if (batchPlan.resource_drift) plan.resource_drift = changes(batchPlan.resource_drift);
  if (plan.resource_drift?.length === 0) delete plan.resource_drift;
  if (batchPlan.relevant_attributes) {
    plan.relevant_attributes = batchPlan.relevant_attributes
      .filter((attribute: any) => own(attribute.resource))
      .map((attribute: any) => ({ ...attribute, resource: strip(attribute.resource) }));
  }
  if (batchPlan.checks) {
    const address = ({ module, ...rest }: any) => ({ ...rest, ...(rest.to_display ? { to_display: strip(rest.to_display) } : {}) });
    plan.checks = batchPlan.checks
      .filter((check: any) => check.address?.module === moduleAddress)
      .map((check: any) => ({ ...check, address: address(check.address), instances: check.instances?.map((instance: any) => ({ ...instance, address: address(instance.address) })) }));
  }
  plan.configuration = memberConfiguration(batchPlan.configuration, layout);
  return plan;
}

function memberConfiguration(configuration: any, layout: MemberLayout): any {
  const modulePrefix = `module.${layout.key}:`;
  const providerKeys = new Map(layout.providers);
  const providerConfig: Record<string, any> = {};
  for (const [key, entry] of Object.entries<any>(configuration.provider_config ?? {})) {
    if (layout.providers.has(key)) {
      const memberKey = layout.providers.get(key)!;
      const { alias, ...rest } = entry;
      providerConfig[memberKey] = memberKey === AWS ? rest : { ...rest, alias: memberKey.slice(AWS.length + 1) };
    } else if (key.startsWith(modulePrefix)) {
      const { module_address, ...rest } = entry;
      providerConfig[key.slice(modulePrefix.length)] = rest;
      providerKeys.set(key, key.slice(modulePrefix.length));
    }
  }
  const module = configuration.root_module?.module_calls?.[layout.key]?.module ?? {};
  const withProviderKey = (resource: any) => ({ ...resource, provider_config_key: providerKeys.get(resource.provider_config_key) ?? resource.provider_config_key });
  return {
    provider_config: providerConfig,
    root_module: { ...module, ...(module.resources ? { resources: module.resources.map(withProviderKey) } : {}) },
  };
}

function isEmpty(values: Record<string, unknown> | undefined): boolean {
  return !values || Object.keys(values).length === 0;
}

function pick(value: any, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => value?.[key] !== undefined).map((key) => [key, value[key]]));
}
