// The closed table of built-in resources, as kube-apiserver 1.32 discovery lists them
// (`kubectl api-resources -o wide`, kubernetes api/discovery/*.json): verbs, short names,
// categories, scope, singular names and subresources with their kinds and verbs.
// Groups appear in kube's discovery order (APIService group priority); CRD groups come after.
import type { ResourceDef, ScalePaths, SubresourceDef, Verb } from '../types.js';
import { ALL_VERBS } from '../types.js';

type Spec = Pick<ResourceDef, 'group' | 'version' | 'kind' | 'resource' | 'namespaced'> & Partial<ResourceDef>;

const GET_PATCH_UPDATE: Verb[] = ['get', 'patch', 'update'];
const CREATE_GET: Verb[] = ['create', 'get'];
const PROXY_VERBS: Verb[] = ['create', 'delete', 'get', 'patch', 'update'];

const status = (kind: string): SubresourceDef => ({ name: 'status', kind, verbs: GET_PATCH_UPDATE });
const scale: SubresourceDef = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: GET_PATCH_UPDATE };

/**
 * Where the scale subresource reads replicas. For built-ins the selector at `.spec.selector` is
 * a LabelSelector (a label map for ReplicationControllers): the scale handler serialises it into
 * Scale.status.selector, where a CRD's labelSelectorPath already points at a string.
 */
const replicaScale: ScalePaths = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' };

function def(s: Spec): ResourceDef {
  return {
    listKind: `${s.kind}List`,
    singular: s.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    verbs: [...ALL_VERBS],
    subresources: [],
    storageResource: s.resource,
    storageGroup: s.group,
    storageVersion: true,
    preferredVersion: true,
    ...s,
  };
}

const core = (kind: string, resource: string, namespaced: boolean, rest: Partial<ResourceDef> = {}): ResourceDef =>
  def({ group: '', version: 'v1', kind, resource, namespaced, ...rest });

const CORE: ResourceDef[] = [
  core('Binding', 'bindings', true, { verbs: ['create'] }),
  core('ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  core('Endpoints', 'endpoints', true, { shortNames: ['ep'], singular: 'endpoints' }),
  core('Event', 'events', true, { shortNames: ['ev'] }),
  core('LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
  core('Namespace', 'namespaces', false, {
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }, status('Namespace')],
  }),
  core('Node', 'nodes', false, {
    shortNames: ['no'],
    subresources: [{ name: 'proxy', kind: 'NodeProxyOptions', verbs: PROXY_VERBS }, status('Node')],
  }),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'], subresources: [status('PersistentVolumeClaim')] }),
  core('PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'], subresources: [status('PersistentVolume')] }),
  core('Pod', 'pods', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      { name: 'attach', kind: 'PodAttachOptions', verbs: CREATE_GET },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'ephemeralcontainers', kind: 'Pod', verbs: GET_PATCH_UPDATE },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: CREATE_GET },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: CREATE_GET },
      { name: 'proxy', kind: 'PodProxyOptions', verbs: PROXY_VERBS },
      status('Pod'),
    ],
  }),
  core('PodTemplate', 'podtemplates', true),
  core('ReplicationController', 'replicationcontrollers', true, {
    shortNames: ['rc'],
    categories: ['all'],
    subresources: [scale, status('ReplicationController')],
    scale: replicaScale,
  }),
  core('ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'], subresources: [status('ResourceQuota')] }),
  core('Secret', 'secrets', true),
  core('ServiceAccount', 'serviceaccounts', true, {
    shortNames: ['sa'],
    subresources: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }],
  }),
  core('Service', 'services', true, {
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [{ name: 'proxy', kind: 'ServiceProxyOptions', verbs: PROXY_VERBS }, status('Service')],
  }),
];

const apps = (kind: string, resource: string, rest: Partial<ResourceDef> = {}): ResourceDef =>
  def({ group: 'apps', version: 'v1', kind, resource, namespaced: true, ...rest });

const APPS: ResourceDef[] = [
  apps('ControllerRevision', 'controllerrevisions'),
  apps('DaemonSet', 'daemonsets', { shortNames: ['ds'], categories: ['all'], subresources: [status('DaemonSet')] }),
  apps('Deployment', 'deployments', { shortNames: ['deploy'], categories: ['all'], subresources: [scale, status('Deployment')], scale: replicaScale }),
  apps('ReplicaSet', 'replicasets', { shortNames: ['rs'], categories: ['all'], subresources: [scale, status('ReplicaSet')], scale: replicaScale }),
  apps('StatefulSet', 'statefulsets', { shortNames: ['sts'], categories: ['all'], subresources: [scale, status('StatefulSet')], scale: replicaScale }),
];

const hpa = (version: string, preferred: boolean): ResourceDef => def({
  group: 'autoscaling', version, kind: 'HorizontalPodAutoscaler', resource: 'horizontalpodautoscalers', namespaced: true,
  shortNames: ['hpa'], categories: ['all'], subresources: [status('HorizontalPodAutoscaler')],
  // One stored object per HPA, in the v2 form; v1 is served through conversion.
  storageVersion: preferred, preferredVersion: preferred,
});

const GROUPS: ResourceDef[] = [
  // events.k8s.io Events are core Events under another schema: same storage, converted on the way.
  def({
    group: 'events.k8s.io', version: 'v1', kind: 'Event', resource: 'events', namespaced: true, shortNames: ['ev'],
    storageGroup: '', storageResource: 'events', storageVersion: false,
  }),
  hpa('v2', true),
  hpa('v1', false),
  def({ group: 'batch', version: 'v1', kind: 'CronJob', resource: 'cronjobs', namespaced: true, shortNames: ['cj'], categories: ['all'], subresources: [status('CronJob')] }),
  def({ group: 'batch', version: 'v1', kind: 'Job', resource: 'jobs', namespaced: true, categories: ['all'], subresources: [status('Job')] }),
  def({
    group: 'certificates.k8s.io', version: 'v1', kind: 'CertificateSigningRequest', resource: 'certificatesigningrequests',
    namespaced: false, shortNames: ['csr'],
    subresources: [{ name: 'approval', kind: 'CertificateSigningRequest', verbs: GET_PATCH_UPDATE }, status('CertificateSigningRequest')],
  }),
  def({ group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', resource: 'ingressclasses', namespaced: false }),
  def({ group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', resource: 'ingresses', namespaced: true, shortNames: ['ing'], subresources: [status('Ingress')] }),
  def({ group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', resource: 'networkpolicies', namespaced: true, shortNames: ['netpol'] }),
  def({ group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', resource: 'poddisruptionbudgets', namespaced: true, shortNames: ['pdb'], subresources: [status('PodDisruptionBudget')] }),
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', namespaced: false }),
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', resource: 'clusterroles', namespaced: false }),
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', resource: 'rolebindings', namespaced: true }),
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', resource: 'roles', namespaced: true }),
  def({ group: 'storage.k8s.io', version: 'v1', kind: 'CSIDriver', resource: 'csidrivers', namespaced: false }),
  def({ group: 'storage.k8s.io', version: 'v1', kind: 'CSINode', resource: 'csinodes', namespaced: false }),
  def({ group: 'storage.k8s.io', version: 'v1', kind: 'CSIStorageCapacity', resource: 'csistoragecapacities', namespaced: true }),
  def({ group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass', resource: 'storageclasses', namespaced: false, shortNames: ['sc'] }),
  def({ group: 'storage.k8s.io', version: 'v1', kind: 'VolumeAttachment', resource: 'volumeattachments', namespaced: false, subresources: [status('VolumeAttachment')] }),
  def({
    group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', resource: 'customresourcedefinitions',
    namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], subresources: [status('CustomResourceDefinition')],
  }),
  def({ group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass', resource: 'priorityclasses', namespaced: false, shortNames: ['pc'] }),
  def({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', resource: 'leases', namespaced: true }),
  def({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', resource: 'endpointslices', namespaced: true }),
];

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** Every built-in resource version, frozen: copy before changing. Core first, then groups in discovery order. */
export const BUILTIN_RESOURCES: readonly ResourceDef[] = deepFreeze([...CORE, ...APPS, ...GROUPS]);
