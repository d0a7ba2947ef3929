// The parts of apps/v1 DaemonSet, core/v1 Node and Pod the DaemonSet controller reads and writes
// (k8s.io/api/apps/v1/types.go). Objects from caches are read-only.
import type { MetaLabelSelector } from '../../machinery/labels.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Affinity, Taint, Toleration } from '../../scheduler/api-types.js';

export const DS_API_VERSION = 'apps/v1';
export const DS_KIND = 'DaemonSet';

/** Pods and revisions carry the revision hash here (apps/v1 DefaultDaemonSetUniqueLabelKey). */
export const REVISION_HASH_LABEL = 'controller-revision-hash';
/** The deprecated template generation: an annotation on the set, a label on its pods. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

export type { Taint, Toleration };

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  hostNetwork?: boolean;
  [k: string]: unknown;
}

export interface PodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; [k: string]: unknown };
  spec?: PodSpec;
}

export interface PodCondition { type: string; status: string; lastTransitionTime?: string; [k: string]: unknown }

export interface Pod extends KubeObject {
  spec?: PodSpec;
  status?: { phase?: string; conditions?: readonly PodCondition[]; [k: string]: unknown };
}

export interface Node extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: Taint[]; [k: string]: unknown };
  status?: { conditions?: readonly { type: string; status: string; [k: string]: unknown }[]; [k: string]: unknown };
}

export interface DaemonSetSpec {
  selector?: MetaLabelSelector;
  template?: PodTemplateSpec;
  updateStrategy?: {
    type?: 'RollingUpdate' | 'OnDelete';
    rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string };
  };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export interface DaemonSetStatus {
  currentNumberScheduled?: number;
  numberMisscheduled?: number;
  desiredNumberScheduled?: number;
  numberReady?: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: unknown[];
}

export interface DaemonSet extends KubeObject {
  spec?: DaemonSetSpec;
  status?: DaemonSetStatus;
}
