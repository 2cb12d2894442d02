import { Environment } from "../environment/environment";
import { BackendServiceRef, SERVICE_PROP_KEYS, ServiceBase, ServiceProps } from "./service-base";
import { rejectUnknownProps } from "../checks/unknown-props";

export type BackendServiceProps = ServiceProps;

/**
 * A backend service: no public route. It is published in the environment's Service Connect namespace as
 * `http://<name>:<port>`, and its security group admits exactly the services that declare they call it
 * (`calls: [backend]`).
 */
export class BackendService extends ServiceBase implements BackendServiceRef {
  /** `http://<name>:<port>`, where the services that call it reach it. */
  public readonly url: string;

  constructor(environment: Environment, id: string, props: BackendServiceProps) {
    super(environment, id, props);
    rejectUnknownProps(this, props, Object.keys(SERVICE_PROP_KEYS), "BackendServiceProps");
    this.runService({ publish: true });
    this.url = `http://${this.name}:${this.port}`;
  }
}
