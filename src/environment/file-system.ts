import { Construct } from "constructs";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { MAIN_RESOURCE_ID } from "../app/naming";
import { reportInvalid } from "../checks/validation";
import { INetwork } from "./network";

export interface FileSystemProps {
  /** Names the file system and its security group. */
  readonly name: string;
  /** Mount targets go in the network's private subnets, where the tasks run. */
  readonly network: INetwork;
  /**
   * The directory tasks see as the root, and the POSIX user they read and write as, through an access point.
   * @default /data owned by 1000:1000
   */
  readonly rootDirectory?: { path: string; uid: number; gid: number };
}

/** A task's view of an EFS file system: what the volume and the grants need. */
export interface IFileSystem {
  readonly fileSystemId: string;
  readonly fileSystemArn: string;
  readonly accessPointId: string;
  readonly accessPointArn: string;
  /**
   * Lets tasks in `securityGroupId` reach the mount targets on NFS (2049); the rules go in `scope`. With
   * `outbound`, for tasks whose outbound traffic is limited, the tasks' group gets the matching outbound rule.
   */
  admit(scope: Construct, id: string, securityGroupId: string, description: string, outbound?: boolean): void;
}

const NFS_PORT = 2049;
const POSIX_ID_MAX = 4294967295;

/**
 * An encrypted EFS file system for the environment's tasks: mount targets in the private subnets, a security
 * group that admits only the tasks that mount it, and an access point that pins the directory and user.
 * Tasks mount it encrypted in transit and authorized by IAM (their task role's grant).
 */
export class FileSystem extends Construct implements IFileSystem {
  public readonly fileSystem: EfsFileSystem;
  public readonly accessPoint: EfsAccessPoint;
  public readonly securityGroup: SecurityGroup;
  public readonly fileSystemId: string;
  public readonly fileSystemArn: string;
  public readonly accessPointId: string;
  public readonly accessPointArn: string;

  constructor(scope: Construct, id: string, props: FileSystemProps) {
    super(scope, id);
    const root = props.rootDirectory ?? { path: "/data", uid: 1000, gid: 1000 };
    if (!root.path.startsWith("/") || root.path.length > 100) {
      reportInvalid(this, { field: "rootDirectory.path", value: root.path, allowed: "an absolute path of up to 100 characters", fix: "e.g. \"/data\"" });
    }
    for (const field of ["uid", "gid"] as const) {
      if (!(Number.isInteger(root[field]) && root[field] >= 0 && root[field] <= POSIX_ID_MAX)) {
        reportInvalid(this, { field: `rootDirectory.${field}`, value: root[field], allowed: `a POSIX id from 0 to ${POSIX_ID_MAX}`, fix: "use the id the image's user runs as, e.g. 1000" });
      }
    }
    this.fileSystem = new EfsFileSystem(this, MAIN_RESOURCE_ID, {
      encrypted: true,
      creationToken: props.name,
      tags: { Name: props.name },
    });
    this.securityGroup = new SecurityGroup(this, "security_group", {
      name: `${props.name}-efs`,
      description: `Mount targets of ${props.name}: NFS from the tasks that mount it`,
      vpcId: props.network.vpcId,
      tags: { Name: `${props.name}-efs` },
    });
    props.network.privateSubnetIds.forEach((subnetId, index) => {
      new EfsMountTarget(this, `mount_target_${index + 1}`, {
        fileSystemId: this.fileSystem.id,
        subnetId,
        securityGroups: [this.securityGroup.id],
      });
    });
    this.accessPoint = new EfsAccessPoint(this, "access_point", {
      fileSystemId: this.fileSystem.id,
      posixUser: { uid: root.uid, gid: root.gid },
      rootDirectory: { path: root.path, creationInfo: { ownerUid: root.uid, ownerGid: root.gid, permissions: "750" } },
      tags: { Name: props.name },
    });
    this.fileSystemId = this.fileSystem.id;
    this.fileSystemArn = this.fileSystem.arn;
    this.accessPointId = this.accessPoint.id;
    this.accessPointArn = this.accessPoint.arn;
  }

  admit(scope: Construct, id: string, securityGroupId: string, description: string, outbound = false): void {
    new VpcSecurityGroupIngressRule(scope, id, {
      securityGroupId: this.securityGroup.id,
      description,
      ipProtocol: "tcp",
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      referencedSecurityGroupId: securityGroupId,
    });
    if (!outbound) return;
    new VpcSecurityGroupEgressRule(scope, `${id}_egress`, {
      securityGroupId,
      description: "NFS to the mount targets",
      ipProtocol: "tcp",
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      referencedSecurityGroupId: this.securityGroup.id,
    });
  }
}
