// What one DaemonSet sync needs: the API, caches, bookkeeping, and a way to look again later.
import type { Logger } from 'pino';
import type { ApiClient, EventRecorder, Lister } from '../../client/types.js';
import type { Clock } from '../../machinery/clock.js';
import type { ControllerRevision } from '../history/index.js';
import type { DaemonExpectations, FailedPodBackoff } from './expectations.js';
import type { DaemonSet, Node, Pod } from './types.js';

export interface DaemonSetDeps {
  client: ApiClient;
  events: EventRecorder;
  clock: Clock;
  log: Logger;
  daemonSets: Lister<DaemonSet>;
  pods: Lister<Pod>;
  nodes: Lister<Node>;
  revisions: Lister<ControllerRevision>;
  expectations: DaemonExpectations;
  failedPodsBackoff: FailedPodBackoff;
  /** Most pods created or deleted in one sync (kube: 250). */
  burstReplicas: number;
  /** Added to the time until a ready pod becomes available before looking again. */
  availabilityPaddingMs: number;
  /** Reconcile the DaemonSet `key` again after `ms`. */
  enqueueAfter(key: string, ms: number): void;
}

export const keyOf = (ds: Readonly<DaemonSet>): string => `${ds.metadata?.namespace ?? ''}/${ds.metadata?.name ?? ''}`;
