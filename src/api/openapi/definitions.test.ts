import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateDefinitions } from './test-helpers.js';
import { definitionForGVK, loadDefinitions, loadResources, patchSchemaFor } from './index.js';
import type { OpenAPISchema } from './index.js';

let warnings = '';
before(() => { warnings = generateDefinitions(); });

function def(name: string): OpenAPISchema {
  const d = loadDefinitions()[name];
  assert.ok(d, `definition ${name} exists`);
  return d;
}

function prop(name: string, field: string): OpenAPISchema {
  const p = def(name).properties?.[field];
  assert.ok(p, `${name}.${field} exists`);
  return p;
}

describe('generated definitions', () => {
  test('every patch tag names a generated field (no generator warnings)', () => {
    assert.equal(warnings, '');
  });

  test('Deployment.spec.replicas is an int32 with its description', () => {
    const replicas = prop('io.k8s.api.apps.v1.DeploymentSpec', 'replicas');
    assert.equal(replicas.type, 'integer');
    assert.equal(replicas.format, 'int32');
    assert.match(replicas.description ?? '', /Number of desired pods/);
    assert.deepEqual(prop('io.k8s.api.apps.v1.Deployment', 'spec').$ref, '#/definitions/io.k8s.api.apps.v1.DeploymentSpec');
    assert.deepEqual(def('io.k8s.api.apps.v1.DeploymentSpec').required, ['selector', 'template']);
  });

  test('kinds carry x-kubernetes-group-version-kind in their own group', () => {
    assert.deepEqual(def('io.k8s.api.apps.v1.Deployment')['x-kubernetes-group-version-kind'],
      [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    assert.deepEqual(def('io.k8s.api.core.v1.Event')['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Event', version: 'v1' }]);
    assert.deepEqual(def('io.k8s.api.events.v1.Event')['x-kubernetes-group-version-kind'],
      [{ group: 'events.k8s.io', kind: 'Event', version: 'v1' }]);
    assert.deepEqual(def('io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler')['x-kubernetes-group-version-kind'],
      [{ group: 'autoscaling', kind: 'HorizontalPodAutoscaler', version: 'v2' }]);
    assert.deepEqual(def('io.k8s.api.autoscaling.v1.Scale')['x-kubernetes-group-version-kind'],
      [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }]);
    assert.deepEqual(def('io.k8s.api.policy.v1.Eviction')['x-kubernetes-group-version-kind'],
      [{ group: 'policy', kind: 'Eviction', version: 'v1' }]);
    assert.deepEqual(def('io.k8s.api.apps.v1.DeploymentList')['x-kubernetes-group-version-kind'],
      [{ group: 'apps', kind: 'DeploymentList', version: 'v1' }]);
    const deleteOptions = def('io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions')['x-kubernetes-group-version-kind'] ?? [];
    assert.ok(deleteOptions.some((g) => g.group === 'apps' && g.version === 'v1'));
    assert.equal(def('io.k8s.api.apps.v1.DeploymentSpec')['x-kubernetes-group-version-kind'], undefined);
  });

  test('client-node class names map to Kubernetes packages', () => {
    for (const name of [
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Status', 'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList',
      'io.k8s.api.core.v1.PodSpec', 'io.k8s.api.core.v1.EndpointPort', 'io.k8s.api.discovery.v1.EndpointPort',
      'io.k8s.api.core.v1.TopologySelectorTerm', 'io.k8s.api.rbac.v1.Subject', 'io.k8s.api.core.v1.Binding',
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps',
    ]) def(name);
    assert.equal(loadDefinitions()['io.k8s.api.storage.v1.TopologySelectorTerm'], undefined);
  });

  test('special types: IntOrString, Quantity, Time, MicroTime, maps, free-form', () => {
    assert.deepEqual(
      { type: def('io.k8s.apimachinery.pkg.util.intstr.IntOrString').type, format: def('io.k8s.apimachinery.pkg.util.intstr.IntOrString').format },
      { type: 'string', format: 'int-or-string' });
    assert.equal(def('io.k8s.apimachinery.pkg.api.resource.Quantity').type, 'string');
    assert.equal(prop('io.k8s.api.apps.v1.RollingUpdateDeployment', 'maxSurge').$ref,
      '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    const limits = prop('io.k8s.api.core.v1.ResourceRequirements', 'limits');
    assert.equal(limits.type, 'object');
    assert.deepEqual(limits.additionalProperties, { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' });
    assert.deepEqual(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'labels').additionalProperties, { type: 'string' });
    assert.equal(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'creationTimestamp').$ref,
      '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time');
    assert.equal(prop('io.k8s.api.coordination.v1.LeaseSpec', 'renewTime').$ref,
      '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime');
    assert.equal(def('io.k8s.apimachinery.pkg.apis.meta.v1.Time').format, 'date-time');
    assert.equal(prop('io.k8s.api.apps.v1.ControllerRevision', 'data').$ref, '#/definitions/io.k8s.apimachinery.pkg.runtime.RawExtension');
    assert.deepEqual(prop('io.k8s.api.core.v1.Container', 'ports').items, { $ref: '#/definitions/io.k8s.api.core.v1.ContainerPort' });
    assert.ok(def('io.k8s.api.core.v1.Container').required?.includes('name'));
  });

  test('descriptions come through unescaped', () => {
    assert.match(prop('io.k8s.api.core.v1.ContainerPort', 'containerPort').description ?? '', /the pod's IP address/);
    assert.match(def('io.k8s.api.apps.v1.Deployment').description ?? '', /declarative updates for Pods/);
  });

  test('every $ref resolves to a definition', () => {
    const defs = loadDefinitions();
    const missing: string[] = [];
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (typeof v === 'object' && v !== null) {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string' && !defs[x.replace('#/definitions/', '')]) missing.push(x);
          else visit(x);
        }
      }
    };
    visit(defs);
    assert.deepEqual(missing, []);
  });

  test('resources list the served kinds with scope and verbs', () => {
    const apps = loadResources()['apis/apps/v1'] ?? [];
    const deployments = apps.find((r) => r.resource === 'deployments');
    assert.deepEqual(deployments && { ...deployments, verbs: [...deployments.verbs] }, {
      resource: 'deployments', namespaced: true, kind: 'Deployment', definition: 'io.k8s.api.apps.v1.Deployment',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update'],
    });
    const core = loadResources()['api/v1'] ?? [];
    assert.equal(core.find((r) => r.resource === 'nodes')?.namespaced, false);
    assert.equal(core.find((r) => r.resource === 'bindings')?.kind, 'Binding');
    assert.equal(loadResources()['apis/flowcontrol.apiserver.k8s.io/v1'], undefined, 'unserved groups are left out');
  });

  test('definitionForGVK finds built-in kinds and nothing else', () => {
    assert.equal(definitionForGVK({ group: '', version: 'v1', kind: 'Pod' }), loadDefinitions()['io.k8s.api.core.v1.Pod']);
    assert.equal(definitionForGVK({ group: 'apps', version: 'v1', kind: 'Pod' }), undefined);
  });
});

describe('patch tags', () => {
  test('are emitted on the properties as x-kubernetes-patch-*', () => {
    const containers = prop('io.k8s.api.core.v1.PodSpec', 'containers');
    assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(containers['x-kubernetes-list-type'], 'map');
    assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
    assert.equal(prop('io.k8s.api.core.v1.Container', 'ports')['x-kubernetes-patch-merge-key'], 'containerPort');
    assert.deepEqual(prop('io.k8s.api.core.v1.Container', 'ports')['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
    assert.equal(prop('io.k8s.api.core.v1.Container', 'volumeMounts')['x-kubernetes-patch-merge-key'], 'mountPath');
    assert.equal(prop('io.k8s.api.core.v1.PodSpec', 'volumes')['x-kubernetes-patch-strategy'], 'merge,retainKeys');
    assert.equal(prop('io.k8s.api.core.v1.PodSpec', 'tolerations')['x-kubernetes-list-type'], 'atomic');
    assert.equal(prop('io.k8s.api.core.v1.PodSpec', 'tolerations')['x-kubernetes-patch-strategy'], undefined);
    assert.equal(prop('io.k8s.api.core.v1.ServiceSpec', 'ports')['x-kubernetes-patch-merge-key'], 'port');
    assert.equal(prop('io.k8s.api.apps.v1.DeploymentSpec', 'strategy')['x-kubernetes-patch-strategy'], 'retainKeys');
    assert.equal(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers')['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'ownerReferences')['x-kubernetes-patch-merge-key'], 'uid');
    assert.equal(prop('io.k8s.api.apps.v1.DeploymentStatus', 'conditions')['x-kubernetes-patch-merge-key'], 'type');
    assert.equal(def('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector')['x-kubernetes-map-type'], 'atomic');
  });

  test('patchSchemaFor walks a kind with the tags of each field', () => {
    const deployment = patchSchemaFor({ group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.ok(deployment);
    assert.equal(deployment.type, 'object');
    const podSpec = deployment.field('spec')?.field('template')?.field('spec');
    assert.equal(podSpec?.type, 'object');
    const containers = podSpec?.field('containers');
    assert.equal(containers?.type, 'list');
    assert.equal(containers?.patchStrategy, 'merge');
    assert.equal(containers?.patchMergeKey, 'name');
    const container = containers?.items;
    assert.equal(container?.type, 'object');
    assert.equal(container?.field('env')?.patchMergeKey, 'name');
    assert.equal(container?.field('ports')?.patchMergeKey, 'containerPort');
    assert.equal(container?.field('image')?.type, 'scalar');
    assert.equal(container?.field('imagee'), undefined);
    assert.equal(podSpec?.field('volumes')?.patchStrategy, 'merge,retainKeys');
    assert.equal(podSpec?.field('tolerations')?.patchStrategy, undefined);
    assert.equal(deployment.field('spec')?.field('strategy')?.patchStrategy, 'retainKeys');
    assert.equal(deployment.field('spec')?.field('strategy')?.field('rollingUpdate')?.field('maxSurge')?.type, 'scalar');
    const labels = deployment.field('metadata')?.field('labels');
    assert.equal(labels?.type, 'map');
    assert.equal(labels?.field('app')?.type, 'scalar');
    const finalizers = deployment.field('metadata')?.field('finalizers');
    assert.equal(finalizers?.patchStrategy, 'merge');
    assert.equal(finalizers?.patchMergeKey, undefined);
    assert.equal(finalizers?.items?.type, 'scalar');
    assert.equal(deployment.field('kind')?.type, 'scalar');
    assert.equal(patchSchemaFor({ group: 'apps', version: 'v1', kind: 'Deployment' }), deployment, 'cached');
    assert.equal(patchSchemaFor({ group: 'example.com', version: 'v1', kind: 'Nope' }), undefined);
  });

  test('free-form values are unknown to the patch schema', () => {
    const revision = patchSchemaFor({ group: 'apps', version: 'v1', kind: 'ControllerRevision' });
    assert.equal(revision?.field('data')?.type, 'unknown');
    const crd = patchSchemaFor({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' });
    const schema = crd?.field('spec')?.field('versions')?.items?.field('schema')?.field('openAPIV3Schema');
    assert.equal(schema?.type, 'object');
    assert.equal(schema?.field('properties')?.type, 'map');
    assert.equal(schema?.field('properties')?.field('spec')?.field('type')?.type, 'scalar', 'recursive JSONSchemaProps');
    assert.equal(schema?.field('default')?.type, 'unknown');
  });
});
