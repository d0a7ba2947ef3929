// The parts of core/v1 Node, Pod and coordination/v1 Lease the node lifecycle controllers read.
// Objects come from informer caches: read-only.
import type { KubeObject } from '../../machinery/object.js';

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint { key: string; value?: string; effect: TaintEffect | string; timeAdded?: string }

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal' | string;
  value?: string;
  effect?: TaintEffect | '' | string;
  tolerationSeconds?: number | null;
}

export interface Condition {
  type: string; status: string; reason?: string; message?: string;
  lastHeartbeatTime?: string | null; lastTransitionTime?: string | null; lastProbeTime?: string | null;
}

export interface Node extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: readonly Taint[] };
  status?: { conditions?: readonly Condition[] };
}

export interface Pod extends KubeObject {
  spec?: { nodeName?: string; tolerations?: readonly Toleration[] };
  status?: { phase?: string; conditions?: readonly Condition[] };
}

export interface Lease extends KubeObject {
  spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number };
}

/** Taint keys kube's node lifecycle controller manages (k8s.io/api/core/v1 well_known_taints.go). */
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
