// What the ReplicaSet controller's sync works with (one typed object; handlers only enqueue keys).
import type { Logger } from 'pino';
import type { ApiClient, EventRecorder, Lister } from '../../client/types.js';
import type { Clock } from '../../machinery/clock.js';
import type { ControllerExpectations } from './expectations.js';
import type { Pod, ReplicaSet } from './types.js';

export interface ReplicaSetDeps {
  client: ApiClient;
  events: EventRecorder;
  clock: Clock;
  log: Logger;
  replicaSets: Lister<ReplicaSet>;
  pods: Lister<Pod>;
  /** Name of the pod index holding, per namespace, the pods no controller owns. */
  orphanIndex: string;
  expectations: ControllerExpectations;
  /** Most pods created or deleted in one sync (kube: 500). */
  burstReplicas: number;
  /** Added to minReadySeconds wake-ups so that the pod is surely available then (kube: 1s). */
  availabilityPaddingMs: number;
}
