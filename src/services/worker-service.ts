import { Environment } from "../environment/environment";
import { IQueue, grantConsume } from "../environment/queue";
import { SERVICE_PROP_KEYS, ServiceBase, ServiceProps } from "./service-base";
import { rejectUnknownProps } from "../checks/unknown-props";

export interface WorkerServiceProps extends ServiceProps {
  /**
   * The queue the worker consumes: its task role may receive, delete and hold its messages, and
   * `autoScaling.messagesPerTask` scales on its backlog.
   * @default none
   */
  readonly queue?: IQueue;
}

const WORKER_SERVICE_PROP_KEYS: Record<keyof WorkerServiceProps, true> = { ...SERVICE_PROP_KEYS, queue: true };

/**
 * A worker: tasks that pull their work (from a queue, a stream, a schedule of their own) and answer no
 * request, so no load balancer and no inbound rule. Scales on CPU, memory or its queue's backlog per task.
 */
export class WorkerService extends ServiceBase {
  public readonly queue?: IQueue;

  constructor(environment: Environment, id: string, props: WorkerServiceProps) {
    super(environment, id, props, false);
    rejectUnknownProps(this, props, Object.keys(WORKER_SERVICE_PROP_KEYS), "WorkerServiceProps");
    this.queue = props.queue;
    if (props.queue) grantConsume(this.taskDefinition.taskRole, props.queue);
    this.runService({ scaling: { queueName: props.queue?.queueName } });
  }
}
