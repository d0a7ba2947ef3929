// The parts of apps/v1 StatefulSet, core/v1 Pod and PersistentVolumeClaim the StatefulSet
// controller reads and writes (k8s.io/api/apps/v1/types.go). Objects from caches are read-only.
import type { MetaLabelSelector } from '../../machinery/labels.js';
import type { KubeObject } from '../../machinery/object.js';

export const STS_API_VERSION = 'apps/v1';
export const STS_KIND = 'StatefulSet';

/** Labels kube's controller puts on every pod (k8s.io/api/apps/v1 types.go). */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

export interface PodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; [k: string]: unknown };
  spec?: PodSpec;
}

export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [k: string]: unknown;
}

export interface PodSpec {
  hostname?: string;
  subdomain?: string;
  nodeName?: string;
  volumes?: Volume[];
  [k: string]: unknown;
}

export interface PodCondition { type: string; status: string; lastTransitionTime?: string; [k: string]: unknown }

export interface Pod extends KubeObject {
  spec?: PodSpec;
  status?: { phase?: string; conditions?: readonly PodCondition[]; [k: string]: unknown };
}

export interface PersistentVolumeClaim extends KubeObject {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export type RetentionPolicyType = 'Retain' | 'Delete';

export interface StatefulSetSpec {
  replicas?: number;
  selector?: MetaLabelSelector;
  template?: PodTemplateSpec;
  volumeClaimTemplates?: PersistentVolumeClaim[];
  serviceName?: string;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  updateStrategy?: {
    type?: 'RollingUpdate' | 'OnDelete';
    rollingUpdate?: { partition?: number; maxUnavailable?: number | string };
  };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: RetentionPolicyType; whenScaled?: RetentionPolicyType };
  ordinals?: { start?: number };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  availableReplicas?: number;
  conditions?: unknown[];
}

export interface StatefulSet extends KubeObject {
  spec?: StatefulSetSpec;
  status?: StatefulSetStatus;
}

/** spec.replicas as defaulted (1). */
export const specReplicas = (set: Readonly<StatefulSet>): number => set.spec?.replicas ?? 1;
export const minReadySeconds = (set: Readonly<StatefulSet>): number => set.spec?.minReadySeconds ?? 0;
