// The parts of core/v1 Pod, Node and Namespace the scheduler reads (k8s.io/api/core/v1/types.go).
// Objects come from informer caches: read-only.
import type { KubeObject } from '../machinery/object.js';
import type { MetaLabelSelector } from '../machinery/labels.js';

export type ResourceList = Readonly<Record<string, string | number>>;

export interface ResourceRequirements { requests?: ResourceList; limits?: ResourceList }

export interface Container {
  name?: string;
  resources?: ResourceRequirements;
  /** Init containers only: 'Always' makes it a sidecar (restartable init container). */
  restartPolicy?: string;
  ports?: readonly { containerPort?: number; hostPort?: number; protocol?: string; hostIP?: string }[];
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal' | string;
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | '' | string;
  tolerationSeconds?: number;
}

export interface Taint { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string }

export interface NodeSelectorRequirement { key: string; operator: string; values?: readonly string[] }
export interface NodeSelectorTerm { matchExpressions?: readonly NodeSelectorRequirement[]; matchFields?: readonly NodeSelectorRequirement[] }
export interface NodeSelector { nodeSelectorTerms?: readonly NodeSelectorTerm[] }
export interface PreferredSchedulingTerm { weight: number; preference?: NodeSelectorTerm }

export interface PodAffinityTerm {
  labelSelector?: MetaLabelSelector | null;
  namespaces?: readonly string[];
  namespaceSelector?: MetaLabelSelector | null;
  topologyKey: string;
  matchLabelKeys?: readonly string[];
  mismatchLabelKeys?: readonly string[];
}
export interface WeightedPodAffinityTerm { weight: number; podAffinityTerm: PodAffinityTerm }

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector | null;
    preferredDuringSchedulingIgnoredDuringExecution?: readonly PreferredSchedulingTerm[];
  };
  podAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: readonly PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: readonly WeightedPodAffinityTerm[];
  };
  podAntiAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: readonly PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: readonly WeightedPodAffinityTerm[];
  };
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway' | string;
  labelSelector?: MetaLabelSelector | null;
  minDomains?: number;
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
  matchLabelKeys?: readonly string[];
}

export interface PodSpec {
  nodeName?: string;
  schedulerName?: string;
  nodeSelector?: Readonly<Record<string, string>>;
  affinity?: Affinity;
  tolerations?: readonly Toleration[];
  topologySpreadConstraints?: readonly TopologySpreadConstraint[];
  containers?: readonly Container[];
  initContainers?: readonly Container[];
  overhead?: ResourceList;
  priority?: number;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  schedulingGates?: readonly { name: string }[];
}

export interface PodCondition {
  type: string; status: string; reason?: string; message?: string;
  lastProbeTime?: string | null; lastTransitionTime?: string | null;
}

export interface Pod extends KubeObject {
  spec?: PodSpec;
  status?: { phase?: string; conditions?: readonly PodCondition[]; nominatedNodeName?: string };
}

export interface Node extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: readonly Taint[]; podCIDR?: string };
  status?: { allocatable?: ResourceList; capacity?: ResourceList; conditions?: readonly { type: string; status: string }[] };
}

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
