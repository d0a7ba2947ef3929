// The closed table of built-in kinds' strategies, keyed `${group}/${kind}` ('' group for core).
// HorizontalPodAutoscaler works on the stored autoscaling/v2 form; events.k8s.io Events have their
// own validation on the served form and are stored as core Events.
import type { KindStrategy } from '../types.js';
import { podStrategy } from './core-pod.js';
import { serviceStrategy } from './core-service.js';
import { configMapStrategy, secretStrategy } from './core-config.js';
import {
  endpointsStrategy, eventStrategy, limitRangeStrategy, namespaceStrategy, nodeStrategy, podTemplateStrategy,
  resourceQuotaStrategy, serviceAccountStrategy,
} from './core-misc.js';
import { persistentVolumeClaimStrategy, persistentVolumeStrategy } from './core-storage.js';
import {
  controllerRevisionStrategy, daemonSetStrategy, deploymentStrategy, replicaSetStrategy, replicationControllerStrategy,
  statefulSetStrategy,
} from './apps.js';
import { cronJobStrategy, jobStrategy } from './batch.js';
import { certificateSigningRequestStrategy } from './certificates.js';
import { hpaStrategy } from './autoscaling.js';
import { eventsV1Strategy } from './events.js';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './rbac.js';
import {
  endpointSliceStrategy, ingressClassStrategy, ingressStrategy, leaseStrategy, networkPolicyStrategy,
  podDisruptionBudgetStrategy, priorityClassStrategy, storageClassStrategy,
} from './other-groups.js';

export const strategies: Readonly<Record<string, KindStrategy>> = {
  '/Pod': podStrategy,
  '/Service': serviceStrategy,
  '/ConfigMap': configMapStrategy,
  '/Secret': secretStrategy,
  '/Namespace': namespaceStrategy,
  '/Node': nodeStrategy,
  '/Event': eventStrategy,
  '/Endpoints': endpointsStrategy,
  '/ServiceAccount': serviceAccountStrategy,
  '/ResourceQuota': resourceQuotaStrategy,
  '/LimitRange': limitRangeStrategy,
  '/PodTemplate': podTemplateStrategy,
  '/PersistentVolumeClaim': persistentVolumeClaimStrategy,
  '/PersistentVolume': persistentVolumeStrategy,
  '/ReplicationController': replicationControllerStrategy,
  'apps/Deployment': deploymentStrategy,
  'apps/ReplicaSet': replicaSetStrategy,
  'apps/StatefulSet': statefulSetStrategy,
  'apps/DaemonSet': daemonSetStrategy,
  'apps/ControllerRevision': controllerRevisionStrategy,
  'batch/Job': jobStrategy,
  'batch/CronJob': cronJobStrategy,
  'certificates.k8s.io/CertificateSigningRequest': certificateSigningRequestStrategy,
  'autoscaling/HorizontalPodAutoscaler': hpaStrategy,
  'events.k8s.io/Event': eventsV1Strategy,
  'coordination.k8s.io/Lease': leaseStrategy,
  'policy/PodDisruptionBudget': podDisruptionBudgetStrategy,
  'networking.k8s.io/Ingress': ingressStrategy,
  'networking.k8s.io/IngressClass': ingressClassStrategy,
  'networking.k8s.io/NetworkPolicy': networkPolicyStrategy,
  'discovery.k8s.io/EndpointSlice': endpointSliceStrategy,
  'storage.k8s.io/StorageClass': storageClassStrategy,
  'scheduling.k8s.io/PriorityClass': priorityClassStrategy,
  'rbac.authorization.k8s.io/Role': roleStrategy,
  'rbac.authorization.k8s.io/ClusterRole': clusterRoleStrategy,
  'rbac.authorization.k8s.io/RoleBinding': roleBindingStrategy,
  'rbac.authorization.k8s.io/ClusterRoleBinding': clusterRoleBindingStrategy,
};

/** The strategy of a built-in kind, or undefined (CRDs and kinds without special rules). */
export function strategyFor(group: string, kind: string): KindStrategy | undefined {
  return strategies[`${group}/${kind}`];
}
