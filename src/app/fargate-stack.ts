import { Construct, IConstruct, Node } from "constructs";
import { TerraformElement, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DEFAULT_CHILD_ID, MAIN_RESOURCE_ID, addressPath, snakeCase } from "./naming";
import { StateBackend, backendFromEnvironment, configureBackend } from "./state-backend";

/** The Terraform every stack requires (its `required_version`). */
const MIN_TERRAFORM_VERSION = ">= 1.11.0";

export interface FargateStackProps {
  /** AWS region everything is created in. */
  readonly region: string;
  /**
   * Tags put on every resource of the stack (through the provider's `default_tags`).
   * `ManagedBy` and `Stack` are always added.
   * @default {}
   */
  readonly tags?: Record<string, string>;
  /**
   * Where Terraform keeps this stack's state: local, S3, or Terraform Cloud.
   * @default Terraform Cloud when TF_CLOUD_ORGANIZATION is set at synth (see `backendFromEnvironment`),
   * else a local `terraform.<stack>.tfstate` in the project folder
   */
  readonly backend?: StateBackend;
}

/**
 * A Terraform stack for one Fargate app: the AWS provider for its region, tags on every resource, and
 * Terraform addresses derived from the construct path (`aws_lb.hello_load_balancer`) instead of cdktf's
 * hashed ones, so `terraform plan` reads like hand-written HCL and addresses stay stable across edits.
 */
export class FargateStack extends TerraformStack {
  public readonly region: string;
  public readonly provider: AwsProvider;
  private readonly ownersByAddress = new Map<string, IConstruct>();
  /** Two constructs for one address, by message: reported by validation, not thrown (see the constructor). */
  private readonly clashes = new Set<string>();

  constructor(scope: Construct, id: string, props: FargateStackProps) {
    super(scope, id);
    this.region = props.region;
    this.provider = new AwsProvider(this, "aws", {
      region: props.region,
      defaultTags: [{ tags: { ...props.tags, ManagedBy: "fargate-as-code", Stack: id } }],
    });
    configureBackend(this, props.backend ?? backendFromEnvironment() ?? { type: "local" }, props.region);
    // Secrets are ephemeral variables (1.10) feeding write-only attributes (1.11): an older Terraform says
    // so at init instead of failing on an argument it does not know.
    this.addOverride("terraform.required_version", MIN_TERRAFORM_VERSION);
    // An address is allocated when something first refers to the element, which may be while the app is
    // still building (a throw there would be a stack trace in the user's code), else when synth writes it:
    // every address is settled here, so that a clash stops synth with the other errors, once.
    this.node.addValidation({
      validate: () => {
        for (const construct of this.node.findAll()) if (TerraformElement.isTerraformElement(construct)) void construct.friendlyUniqueId;
        return [...this.clashes];
      },
    });
  }

  /**
   * cdktf checks a stack that moves resources (`moved` blocks need Terraform 1.5) by running `terraform
   * version` in a shell, once per stack at every synth: the stack's required_version already has Terraform
   * refuse anything older than 1.11, so synth spawns nothing, and works where Terraform is not installed.
   */
  public hasResourceMove(): boolean {
    return false;
  }

  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = element instanceof TerraformElement ? element.node : element;
    const path = node.scopes
      .slice(node.scopes.indexOf(this) + 1)
      .filter((scope) => scope.node.id !== MAIN_RESOURCE_ID && scope.node.id !== DEFAULT_CHILD_ID)
      .map((scope) => snakeCase(scope.node.id));
    const address = path.join("_");
    const construct = node.scopes[node.scopes.length - 1];
    const owner = this.ownersByAddress.get(address);
    if (owner === undefined) this.ownersByAddress.set(address, construct);
    else if (owner.node.path !== node.path) {
      this.clashes.add(
        `Constructs "${addressPath(owner)}" and "${addressPath(construct)}" both map to the Terraform name "${address}" ` +
          `(their ids joined with _ in snake case, without ${MAIN_RESOURCE_ID} and ${DEFAULT_CHILD_ID}). ` +
          "Fix: rename one of them (a construct id on its path) so the names differ",
      );
    }
    return address;
  }
}
