// Which table prints which resource. Keyed by `group/resource`, so every served version of a
// resource (HPA v1 and v2) and both Event APIs share one printer, as kube's internal-type printers do.
import type { ResourceDef, TableDef } from '../../types.js';
import { controllerRevisionTable, daemonSetTable, deploymentTable, replicaSetTable, statefulSetTable } from './apps.js';
import { horizontalPodAutoscalerTable } from './autoscaling.js';
import { cronJobTable, jobTable } from './batch.js';
import { certificateSigningRequestTable } from './certificates.js';
import { leaseTable, podDisruptionBudgetTable, priorityClassTable } from './coordination-policy-scheduling.js';
import {
  configMapTable, endpointsTable, namespaceTable, replicationControllerTable, resourceQuotaTable, secretTable,
  serviceAccountTable, serviceTable,
} from './core.js';
import { customResourceTable, defaultTable } from './custom.js';
import { endpointSliceTable, ingressClassTable, ingressTable, networkPolicyTable } from './networking.js';
import { eventTable, nodeTable } from './nodes-events.js';
import { podTable, podTemplateTable } from './pod.js';
import { clusterRoleBindingTable, roleBindingTable } from './rbac.js';
import {
  csiDriverTable, csiNodeTable, csiStorageCapacityTable, persistentVolumeClaimTable, persistentVolumeTable,
  storageClassTable, volumeAttachmentTable,
} from './storage.js';

export const builtinTables: ReadonlyMap<string, TableDef> = new Map<string, TableDef>([
  ['/pods', podTable],
  ['/podtemplates', podTemplateTable],
  ['/services', serviceTable],
  ['/endpoints', endpointsTable],
  ['/configmaps', configMapTable],
  ['/secrets', secretTable],
  ['/serviceaccounts', serviceAccountTable],
  ['/namespaces', namespaceTable],
  ['/nodes', nodeTable],
  ['/events', eventTable],
  ['/persistentvolumes', persistentVolumeTable],
  ['/persistentvolumeclaims', persistentVolumeClaimTable],
  ['/resourcequotas', resourceQuotaTable],
  ['/replicationcontrollers', replicationControllerTable],
  ['apps/deployments', deploymentTable],
  ['apps/replicasets', replicaSetTable],
  ['apps/statefulsets', statefulSetTable],
  ['apps/daemonsets', daemonSetTable],
  ['apps/controllerrevisions', controllerRevisionTable],
  ['batch/jobs', jobTable],
  ['batch/cronjobs', cronJobTable],
  ['certificates.k8s.io/certificatesigningrequests', certificateSigningRequestTable],
  ['autoscaling/horizontalpodautoscalers', horizontalPodAutoscalerTable],
  ['coordination.k8s.io/leases', leaseTable],
  ['events.k8s.io/events', eventTable],
  ['discovery.k8s.io/endpointslices', endpointSliceTable],
  ['networking.k8s.io/ingresses', ingressTable],
  ['networking.k8s.io/ingressclasses', ingressClassTable],
  ['networking.k8s.io/networkpolicies', networkPolicyTable],
  ['policy/poddisruptionbudgets', podDisruptionBudgetTable],
  ['rbac.authorization.k8s.io/rolebindings', roleBindingTable],
  ['rbac.authorization.k8s.io/clusterrolebindings', clusterRoleBindingTable],
  ['scheduling.k8s.io/priorityclasses', priorityClassTable],
  ['storage.k8s.io/storageclasses', storageClassTable],
  ['storage.k8s.io/csidrivers', csiDriverTable],
  ['storage.k8s.io/csinodes', csiNodeTable],
  ['storage.k8s.io/csistoragecapacities', csiStorageCapacityTable],
  ['storage.k8s.io/volumeattachments', volumeAttachmentTable],
]);

const crdDefaultTable = customResourceTable([]);

/**
 * The table of a resource. Custom resources get Name + Age here; the CRD code builds the real one
 * from the version's additionalPrinterColumns with customResourceTable(), which ResourceDef does not carry.
 */
export function tableFor(def: ResourceDef): TableDef {
  if (def.crd) return crdDefaultTable;
  return builtinTables.get(`${def.group}/${def.resource}`) ?? defaultTable;
}
