// The parts of apps/v1 Deployment the Deployment controller reads and writes
// (k8s.io/api/apps/v1/types.go), and the annotations and condition reasons kube uses
// (pkg/controller/deployment/util/deployment_util.go), which kubectl reads.
import type { KubeObject } from '../../machinery/object.js';
import type { MetaLabelSelector } from '../../machinery/labels.js';
import type { PodTemplateSpec } from '../replicaset/index.js';

export const DEPLOYMENT_API_VERSION = 'apps/v1';
export const DEPLOYMENT_KIND = 'Deployment';

/** Label added to a Deployment's ReplicaSets (selector and template) and so to their pods. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** The extensions/v1beta1 rollback request, never copied to ReplicaSets. */
export const DEPRECATED_ROLLBACK_TO = 'deprecated.deployment.rollback.to';

/** Progressing / Available / ReplicaFailure reasons, as kubectl and users see them. */
export const Reason = {
  NewRSCreated: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  RSUpdated: 'ReplicaSetUpdated',
  NewRSAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  FailedRSCreate: 'ReplicaSetCreateError',
  MinimumAvailable: 'MinimumReplicasAvailable',
  MinimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

export type IntOrString = number | string;

export interface DeploymentCondition {
  type: 'Available' | 'Progressing' | 'ReplicaFailure' | string;
  status: 'True' | 'False' | 'Unknown' | string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface DeploymentSpec {
  replicas?: number;
  selector?: MetaLabelSelector;
  template?: PodTemplateSpec;
  strategy?: {
    type?: 'Recreate' | 'RollingUpdate' | string;
    rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString } | null;
  };
  minReadySeconds?: number;
  revisionHistoryLimit?: number | null;
  paused?: boolean;
  progressDeadlineSeconds?: number | null;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

export interface Deployment extends KubeObject {
  spec?: DeploymentSpec;
  status?: DeploymentStatus;
}

/** spec.replicas (the API defaults it to 1). */
export function desiredReplicas(d: Readonly<Deployment>): number {
  return d.spec?.replicas ?? 1;
}
