// The parts of apps/v1 ReplicaSet and core/v1 Pod the ReplicaSet controller reads and writes
// (k8s.io/api/apps/v1/types.go, core/v1/types.go). Objects from informer caches are read-only.
import type { KubeObject } from '../../machinery/object.js';
import type { MetaLabelSelector } from '../../machinery/labels.js';

export const RS_API_VERSION = 'apps/v1';
export const RS_KIND = 'ReplicaSet';

export interface PodTemplateSpec {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    [k: string]: unknown;
  };
  spec?: Record<string, unknown>;
}

export interface ReplicaSetCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: MetaLabelSelector;
  template?: PodTemplateSpec;
}

export interface ReplicaSetStatus {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaSetCondition[];
}

export interface ReplicaSet extends KubeObject {
  spec?: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

export interface PodCondition { type: string; status: string; lastTransitionTime?: string; [k: string]: unknown }

export interface ContainerStatus { name: string; restartCount?: number; [k: string]: unknown }

export interface Pod extends KubeObject {
  spec?: { nodeName?: string; [k: string]: unknown };
  status?: {
    phase?: string;
    conditions?: readonly PodCondition[];
    containerStatuses?: readonly ContainerStatus[];
    initContainerStatuses?: readonly ContainerStatus[];
    [k: string]: unknown;
  };
}

/** The replica count a spec asks for (the API defaults it to 1). */
export function specReplicas(rs: Readonly<ReplicaSet> | undefined): number {
  return rs?.spec?.replicas ?? 1;
}
