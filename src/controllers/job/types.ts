// The parts of batch/v1 Job and core/v1 Pod the Job controllers read and write
// (k8s.io/api/batch/v1/types.go). Objects from informer caches are read-only.
import type { KubeObject } from '../../machinery/object.js';

/** Finalizer that keeps a finished pod around until the Job has counted it (batch.JobTrackingFinalizer). */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** Annotation, and since PodIndexLabel also a label, with an Indexed Job pod's completion index. */
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

export type JobConditionType = 'Complete' | 'Failed' | 'Suspended' | 'FailureTarget' | 'SuccessCriteriaMet';

export interface JobCondition {
  type: JobConditionType | string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
}

export interface PodFailurePolicyRule {
  action: 'FailJob' | 'FailIndex' | 'Ignore' | 'Count' | string;
  onExitCodes?: { containerName?: string; operator: 'In' | 'NotIn' | string; values: readonly number[] } | null;
  onPodConditions?: readonly { type: string; status?: string }[] | null;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; [k: string]: unknown };
  spec?: PodSpec;
}

export interface Container { name: string; env?: { name: string; [k: string]: unknown }[]; [k: string]: unknown }

export interface PodSpec {
  restartPolicy?: string;
  hostname?: string;
  containers?: Container[];
  initContainers?: Container[];
  [k: string]: unknown;
}

export interface JobSpec {
  parallelism?: number | null;
  completions?: number | null;
  activeDeadlineSeconds?: number | null;
  backoffLimit?: number | null;
  ttlSecondsAfterFinished?: number | null;
  completionMode?: 'NonIndexed' | 'Indexed' | string;
  suspend?: boolean;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  podFailurePolicy?: { rules: readonly PodFailurePolicyRule[] } | null;
  podReplacementPolicy?: 'TerminatingOrFailed' | 'Failed' | string;
  managedBy?: string;
  template?: PodTemplate;
}

export interface UncountedTerminatedPods { succeeded?: string[]; failed?: string[] }

export interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  ready?: number;
  completedIndexes?: string;
  uncountedTerminatedPods?: UncountedTerminatedPods;
}

export interface Job extends KubeObject {
  spec?: JobSpec;
  status?: JobStatus;
}

export interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { terminated?: { exitCode?: number; finishedAt?: string; reason?: string } | null; [k: string]: unknown };
}

export interface PodCondition { type: string; status: string; lastTransitionTime?: string }

export interface Pod extends KubeObject {
  spec?: PodSpec & { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: readonly PodCondition[];
    containerStatuses?: readonly ContainerStatus[];
    initContainerStatuses?: readonly ContainerStatus[];
  };
}

/** The job controller's own kind, as ownerReferences name it. */
export const JOB_API_VERSION = 'batch/v1';
export const JOB_KIND = 'Job';
