// ResourceRefs of the built-in kinds components use, and a lookup by apiVersion/kind.
import type { ResourceRef } from './types.js';

function ref(group: string, version: string, resource: string, kind: string, namespaced = true): ResourceRef {
  return Object.freeze({ group, version, resource, kind, namespaced });
}

export const R = Object.freeze({
  pods: ref('', 'v1', 'pods', 'Pod'),
  nodes: ref('', 'v1', 'nodes', 'Node', false),
  namespaces: ref('', 'v1', 'namespaces', 'Namespace', false),
  services: ref('', 'v1', 'services', 'Service'),
  endpoints: ref('', 'v1', 'endpoints', 'Endpoints'),
  events: ref('', 'v1', 'events', 'Event'),
  configmaps: ref('', 'v1', 'configmaps', 'ConfigMap'),
  secrets: ref('', 'v1', 'secrets', 'Secret'),
  serviceaccounts: ref('', 'v1', 'serviceaccounts', 'ServiceAccount'),
  persistentvolumeclaims: ref('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'),
  persistentvolumes: ref('', 'v1', 'persistentvolumes', 'PersistentVolume', false),
  replicationcontrollers: ref('', 'v1', 'replicationcontrollers', 'ReplicationController'),
  limitranges: ref('', 'v1', 'limitranges', 'LimitRange'),
  resourcequotas: ref('', 'v1', 'resourcequotas', 'ResourceQuota'),
  deployments: ref('apps', 'v1', 'deployments', 'Deployment'),
  replicasets: ref('apps', 'v1', 'replicasets', 'ReplicaSet'),
  statefulsets: ref('apps', 'v1', 'statefulsets', 'StatefulSet'),
  daemonsets: ref('apps', 'v1', 'daemonsets', 'DaemonSet'),
  controllerrevisions: ref('apps', 'v1', 'controllerrevisions', 'ControllerRevision'),
  jobs: ref('batch', 'v1', 'jobs', 'Job'),
  cronjobs: ref('batch', 'v1', 'cronjobs', 'CronJob'),
  leases: ref('coordination.k8s.io', 'v1', 'leases', 'Lease'),
  endpointslices: ref('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
  poddisruptionbudgets: ref('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget'),
  horizontalpodautoscalers: ref('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler'),
  customresourcedefinitions: ref('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
  certificatesigningrequests: ref('certificates.k8s.io', 'v1', 'certificatesigningrequests', 'CertificateSigningRequest', false),
});

const byKind = new Map<string, ResourceRef>(
  Object.values(R).map((r) => [`${r.group ? `${r.group}/${r.version}` : r.version}|${r.kind}`, r]),
);

/** The built-in ResourceRef of `apiVersion`+`kind`, or undefined (use discovery for others). */
export function refForKind(apiVersion: string, kind: string): ResourceRef | undefined {
  return byKind.get(`${apiVersion}|${kind}`);
}

/** `apiVersion` string of a ref: `v1`, `apps/v1`. */
export function apiVersionOf(ref: ResourceRef): string {
  return ref.group ? `${ref.group}/${ref.version}` : ref.version;
}

/** Path of a collection or object: /api/v1/namespaces/ns/pods[/name[/sub]]. */
export function resourcePath(ref: ResourceRef, namespace: string, name?: string, subresource?: string): string {
  let p = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  if (ref.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${ref.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}
