// The controller contract (controller-runtime's shape): a controller is reconcile(key) → Result;
// the runner alone decides requeueing. Errors are retried with backoff; TerminalError is not.
import type { Logger } from 'pino';
import type { ApiClient, EventRecorder, InformerFactory } from '../../client/types.js';
import type { Clock } from '../../machinery/clock.js';

export interface Result {
  /** Reconcile this key again after this long (level-triggered timers: deadlines, backoffs). */
  requeueAfterMs?: number;
}

/** An error that retrying will not fix: logged, not requeued. */
export class TerminalError extends Error {
  override name = 'TerminalError';
}

/** Tunables the server passes down (flags); every field optional, each controller documents its default. */
export interface ControllerConfig {
  /** Concurrent reconciles per controller (kube: --concurrent-*-syncs). */
  workers?: number;
  /** Node lifecycle: a node whose Lease was not renewed for this long goes Unknown (kube: 40s). */
  nodeMonitorGracePeriodMs?: number;
  /** Node lifecycle: how often nodes are checked (kube: 5s). */
  nodeMonitorPeriodMs?: number;
  /** Node IPAM: the pod network nodes' podCIDRs are cut from (default 10.42.0.0/16) and the mask size per node (24). */
  clusterCidr?: string;
  nodeCidrMaskSize?: number;
  /** Garbage collector / namespace: how often discovery is re-read for new resources (CRDs). */
  discoveryResyncMs?: number;
  /** Job: base of the pod-failure backoff (kube: 10s, doubling, max 6m). */
  jobBackoffBaseMs?: number;
  /** Deployment / StatefulSet / DaemonSet: base delay of their requeue timers, for tests. */
  minReadyCheckMs?: number;
  /**
   * CSR signing (kube: --cluster-signing-cert-file / --cluster-signing-key-file): the cluster CA that
   * signs approved kubelet and client CSRs. The bootstrap signer publishes this certificate in
   * kube-public/cluster-info. Without them csrsigning and bootstrapsigner do nothing.
   */
  clusterSigningCertFile?: string;
  clusterSigningKeyFile?: string;
  /** Longest validity of a signed certificate (kube: --cluster-signing-duration, 8760h). */
  clusterSigningDurationMs?: number;
  /** The API server URL written into kube-public/cluster-info (kubeadm: the control-plane endpoint). */
  clusterInfoServer?: string;
}

/** What every controller gets. */
export interface ControllerContext {
  client: ApiClient;
  informers: InformerFactory;
  clock: Clock;
  log: Logger;
  events: EventRecorder;
  config: Readonly<ControllerConfig>;
}

/** A controller the server can run, stop and elect. */
export interface Controller {
  readonly name: string;
  /** Runs until the signal aborts. */
  run(signal: AbortSignal): Promise<void>;
}

export type ControllerFactory = (ctx: ControllerContext) => Controller;
