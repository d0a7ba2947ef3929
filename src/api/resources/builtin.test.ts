import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_RESOURCES } from './builtin.js';
import { tableFor } from './printers/table-for.js';
import { defaultTable } from './printers/custom.js';

const find = (group: string, version: string, resource: string) => {
  const d = BUILTIN_RESOURCES.find((x) => x.group === group && x.version === version && x.resource === resource);
  assert.ok(d, `${group}/${version}/${resource} is built in`);
  return d;
};

describe('built-in resources', () => {
  test('each group/version/resource is listed once, with a List kind', () => {
    const keys = BUILTIN_RESOURCES.map((d) => `${d.group}/${d.version}/${d.resource}`);
    assert.equal(new Set(keys).size, keys.length);
    for (const d of BUILTIN_RESOURCES) assert.equal(d.listKind, `${d.kind}List`);
  });

  test('short names, scope and kinds match `kubectl api-resources` of kube-apiserver 1.32', () => {
    const rows: Array<[string, string, string, string[], boolean, string]> = [
      ['', 'v1', 'bindings', [], true, 'Binding'],
      ['', 'v1', 'configmaps', ['cm'], true, 'ConfigMap'],
      ['', 'v1', 'endpoints', ['ep'], true, 'Endpoints'],
      ['', 'v1', 'events', ['ev'], true, 'Event'],
      ['', 'v1', 'limitranges', ['limits'], true, 'LimitRange'],
      ['', 'v1', 'namespaces', ['ns'], false, 'Namespace'],
      ['', 'v1', 'nodes', ['no'], false, 'Node'],
      ['', 'v1', 'persistentvolumeclaims', ['pvc'], true, 'PersistentVolumeClaim'],
      ['', 'v1', 'persistentvolumes', ['pv'], false, 'PersistentVolume'],
      ['', 'v1', 'pods', ['po'], true, 'Pod'],
      ['', 'v1', 'podtemplates', [], true, 'PodTemplate'],
      ['', 'v1', 'replicationcontrollers', ['rc'], true, 'ReplicationController'],
      ['', 'v1', 'resourcequotas', ['quota'], true, 'ResourceQuota'],
      ['', 'v1', 'secrets', [], true, 'Secret'],
      ['', 'v1', 'serviceaccounts', ['sa'], true, 'ServiceAccount'],
      ['', 'v1', 'services', ['svc'], true, 'Service'],
      ['apiextensions.k8s.io', 'v1', 'customresourcedefinitions', ['crd', 'crds'], false, 'CustomResourceDefinition'],
      ['apps', 'v1', 'controllerrevisions', [], true, 'ControllerRevision'],
      ['apps', 'v1', 'daemonsets', ['ds'], true, 'DaemonSet'],
      ['apps', 'v1', 'deployments', ['deploy'], true, 'Deployment'],
      ['apps', 'v1', 'replicasets', ['rs'], true, 'ReplicaSet'],
      ['apps', 'v1', 'statefulsets', ['sts'], true, 'StatefulSet'],
      ['autoscaling', 'v2', 'horizontalpodautoscalers', ['hpa'], true, 'HorizontalPodAutoscaler'],
      ['batch', 'v1', 'cronjobs', ['cj'], true, 'CronJob'],
      ['batch', 'v1', 'jobs', [], true, 'Job'],
      ['coordination.k8s.io', 'v1', 'leases', [], true, 'Lease'],
      ['discovery.k8s.io', 'v1', 'endpointslices', [], true, 'EndpointSlice'],
      ['events.k8s.io', 'v1', 'events', ['ev'], true, 'Event'],
      ['networking.k8s.io', 'v1', 'ingressclasses', [], false, 'IngressClass'],
      ['networking.k8s.io', 'v1', 'ingresses', ['ing'], true, 'Ingress'],
      ['networking.k8s.io', 'v1', 'networkpolicies', ['netpol'], true, 'NetworkPolicy'],
      ['policy', 'v1', 'poddisruptionbudgets', ['pdb'], true, 'PodDisruptionBudget'],
      ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', [], false, 'ClusterRoleBinding'],
      ['rbac.authorization.k8s.io', 'v1', 'clusterroles', [], false, 'ClusterRole'],
      ['rbac.authorization.k8s.io', 'v1', 'rolebindings', [], true, 'RoleBinding'],
      ['rbac.authorization.k8s.io', 'v1', 'roles', [], true, 'Role'],
      ['scheduling.k8s.io', 'v1', 'priorityclasses', ['pc'], false, 'PriorityClass'],
      ['storage.k8s.io', 'v1', 'storageclasses', ['sc'], false, 'StorageClass'],
      ['storage.k8s.io', 'v1', 'volumeattachments', [], false, 'VolumeAttachment'],
    ];
    for (const [g, v, r, shortNames, namespaced, kind] of rows) {
      const d = find(g, v, r);
      assert.deepEqual([d.shortNames, d.namespaced, d.kind], [shortNames, namespaced, kind], `${g}/${r}`);
    }
    assert.equal(find('', 'v1', 'endpoints').singular, 'endpoints');
    assert.equal(find('', 'v1', 'pods').singular, 'pod');
  });

  test('`kubectl get all` covers exactly kube\'s "all" category', () => {
    const all = new Set(BUILTIN_RESOURCES.filter((d) => d.categories.includes('all')).map((d) => `${d.group}/${d.resource}`));
    assert.deepEqual([...all].sort(), [
      '/pods', '/replicationcontrollers', '/services', 'apps/daemonsets', 'apps/deployments', 'apps/replicasets',
      'apps/statefulsets', 'autoscaling/horizontalpodautoscalers', 'batch/cronjobs', 'batch/jobs',
    ]);
    assert.deepEqual(find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions').categories, ['api-extensions']);
  });

  test('verbs: namespaces cannot be deleted as a collection, bindings are create-only', () => {
    assert.deepEqual(find('', 'v1', 'namespaces').verbs, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
    assert.deepEqual(find('', 'v1', 'bindings').verbs, ['create']);
    assert.deepEqual(find('apps', 'v1', 'deployments').verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  });

  test('pod subresources with their kinds and verbs', () => {
    const subs = Object.fromEntries(find('', 'v1', 'pods').subresources.map((s) => [s.name, [s.group ?? '', s.version ?? '', s.kind, s.verbs]]));
    assert.deepEqual(subs, {
      attach: ['', '', 'PodAttachOptions', ['create', 'get']],
      binding: ['', '', 'Binding', ['create']],
      ephemeralcontainers: ['', '', 'Pod', ['get', 'patch', 'update']],
      eviction: ['policy', 'v1', 'Eviction', ['create']],
      exec: ['', '', 'PodExecOptions', ['create', 'get']],
      log: ['', '', 'Pod', ['get']],
      portforward: ['', '', 'PodPortForwardOptions', ['create', 'get']],
      proxy: ['', '', 'PodProxyOptions', ['create', 'delete', 'get', 'patch', 'update']],
      status: ['', '', 'Pod', ['get', 'patch', 'update']],
    });
  });

  test('scale subresources return autoscaling/v1 Scale and say where replicas live', () => {
    for (const [g, r] of [['', 'replicationcontrollers'], ['apps', 'deployments'], ['apps', 'replicasets'], ['apps', 'statefulsets']] as const) {
      const d = find(g, 'v1', r);
      const scale = d.subresources.find((s) => s.name === 'scale');
      assert.deepEqual(scale && [scale.group, scale.version, scale.kind], ['autoscaling', 'v1', 'Scale'], r);
      assert.equal(d.scale?.specReplicasPath, '.spec.replicas');
      assert.equal(d.scale?.statusReplicasPath, '.status.replicas');
    }
    assert.equal(find('apps', 'v1', 'daemonsets').scale, undefined);
    const token = find('', 'v1', 'serviceaccounts').subresources.find((s) => s.name === 'token');
    assert.deepEqual(token && [token.group, token.kind], ['authentication.k8s.io', 'TokenRequest']);
  });

  test('one storage per resource: HPA v1 and v2, and both Event APIs', () => {
    const v1 = find('autoscaling', 'v1', 'horizontalpodautoscalers');
    const v2 = find('autoscaling', 'v2', 'horizontalpodautoscalers');
    assert.deepEqual([v2.storageVersion, v2.preferredVersion, v1.storageVersion, v1.preferredVersion], [true, true, false, false]);
    assert.equal(v1.storageResource, v2.storageResource);
    const ev = find('events.k8s.io', 'v1', 'events');
    assert.deepEqual([ev.storageGroup, ev.storageResource, ev.storageVersion], ['', 'events', false]);
  });

  test('the table is frozen', () => {
    const pods = find('', 'v1', 'pods');
    assert.throws(() => { pods.shortNames.push('p'); }, TypeError);
  });

  test('every built-in has a printer; Roles and LimitRanges use the default table, as in kube', () => {
    assert.equal(tableFor(find('rbac.authorization.k8s.io', 'v1', 'roles')), defaultTable);
    assert.equal(tableFor(find('', 'v1', 'limitranges')), defaultTable);
    assert.equal(tableFor(find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')), defaultTable);
    assert.equal(tableFor(find('events.k8s.io', 'v1', 'events')), tableFor(find('', 'v1', 'events')));
    assert.equal(tableFor(find('autoscaling', 'v1', 'horizontalpodautoscalers')), tableFor(find('autoscaling', 'v2', 'horizontalpodautoscalers')));
    assert.deepEqual(tableFor(find('', 'v1', 'pods')).columns.slice(0, 5).map((c) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
  });
});
