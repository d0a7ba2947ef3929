// The simulated ("hollow") node runtime: one process registers many Nodes, keeps their Leases and
// status fresh, and plays the kubelet's part for the pods bound to them (like kwok / kubemark).
import type { Logger } from 'pino';
import type { ApiClient } from '../../../client/types.js';
import type { Clock } from '../../../machinery/clock.js';
import type { KubeObject } from '../../../machinery/object.js';

/** Pod annotations the sim reads (documented in `k8ts sim --help`). */
export const ANNOTATION_RUN_FOR = 'sim.k8ts.io/run-for';
export const ANNOTATION_EXIT_CODE = 'sim.k8ts.io/exit-code';
export const ANNOTATION_START_DELAY = 'sim.k8ts.io/start-delay';

export interface SimTaint { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }

/** One hollow node. Quantities are Kubernetes quantities ("4", "500m", "16Gi"). */
export interface SimNodeSpec {
  name: string;
  cpu?: string;              // default "4"
  memory?: string;           // default "16Gi"
  pods?: number;             // default 110
  ephemeralStorage?: string; // default "100Gi"
  labels?: Readonly<Record<string, string>>;
  taints?: readonly SimTaint[];
}

export interface SimOptions {
  client: ApiClient;
  log?: Logger;
  clock?: Clock;
  /** Nodes registered at start. */
  nodes?: readonly SimNodeSpec[];
  /** Lease renewal interval (kubelet: 10s); the Lease's duration is 4× this (kubelet: 40s). */
  heartbeatMs?: number;
  /** Node status is posted this often when nothing changed (kubelet nodeStatusReportFrequency: 5m), and at once on change. */
  statusReportMs?: number;
  /** A bound pod goes Running this long after the sim first sees it (default 1s; per pod: sim.k8ts.io/start-delay). */
  podStartDelayMs?: number;
  /** A deleted pod is finished after min(its grace period, this) (default 1s). */
  terminationGraceCapMs?: number;
  /** Base of the restart back-off of exited containers (kubelet: 10s, doubling to 5m). */
  crashLoopBackoffMs?: number;
  /** Concurrent writes for node heartbeats/status and for pods (defaults 16 and 32). */
  nodeWorkers?: number;
  podWorkers?: number;
  /** Where nodes' InternalIPs come from (default 172.20.0.0/16, one address per node in order). */
  nodeIpCidr?: string;
  /** Pod IPs for nodes without spec.podCIDR: a /24 per node from this range (default 10.64.0.0/10). */
  fallbackPodCidr?: string;
}

/** The running sim: add and stop nodes, stop everything. */
export interface SimNodes {
  /** Names of the nodes this process currently runs. */
  nodeNames(): string[];
  /** Registers (or revives) a node and starts heartbeating it. Resolves once the Node exists. */
  addNode(spec: SimNodeSpec): Promise<void>;
  /** A node failure: its Lease and status stop, its pods are left as they are. The Node object stays. */
  stopNode(name: string): void;
  /** Stops every node (a failure of the whole process) and the informers; closes nothing it was given. */
  stop(): Promise<void>;
}

// ---- typed views of what the sim reads ----

export interface ContainerView { name: string; image?: string; restartPolicy?: string }

export interface ContainerStateView {
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; reason?: string; startedAt?: string; finishedAt?: string; containerID?: string };
  waiting?: { reason?: string; message?: string };
}

export interface ContainerStatusView {
  name: string;
  state?: ContainerStateView;
  lastState?: ContainerStateView;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  imageID?: string;
  containerID?: string;
  started?: boolean;
}

export interface PodConditionView { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string | null; lastProbeTime?: string | null }

export interface SimPod extends KubeObject {
  spec?: {
    nodeName?: string;
    restartPolicy?: string;
    hostNetwork?: boolean;
    containers?: readonly ContainerView[];
    initContainers?: readonly ContainerView[];
    readinessGates?: readonly { conditionType: string }[];
    terminationGracePeriodSeconds?: number;
  };
  status?: {
    phase?: string;
    conditions?: readonly PodConditionView[];
    podIP?: string;
    hostIP?: string;
    startTime?: string;
    containerStatuses?: readonly ContainerStatusView[];
    initContainerStatuses?: readonly ContainerStatusView[];
  };
}

export interface NodeConditionView { type: string; status: string; reason?: string; message?: string; lastHeartbeatTime?: string; lastTransitionTime?: string }

export interface SimNodeObject extends KubeObject {
  spec?: { podCIDR?: string; podCIDRs?: readonly string[]; taints?: readonly SimTaint[] };
  status?: { conditions?: readonly NodeConditionView[] };
}
