import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateDefinitions } from './test-helpers.js';
import { pruneUnknownFields, registerExtraSchemas, typeErrors, unregisterExtraSchemas } from './index.js';

before(() => { generateDefinitions(); });

const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };

function deployment(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, annotations: { a: 'b' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{
            name: 'web', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }],
            env: [{ name: 'A', value: '1' }],
            resources: { limits: { cpu: 1, memory: '128Mi' }, requests: { cpu: '100m' } },
          }],
        },
      },
    },
  };
}

describe('pruneUnknownFields', () => {
  test('a valid object loses nothing', () => {
    const obj = deployment();
    assert.deepEqual(pruneUnknownFields(obj, DEPLOYMENT), []);
    assert.deepEqual(obj, deployment());
  });

  test('reports unknown fields with kube paths and removes them', () => {
    const obj = deployment() as { spec: Record<string, unknown> & { template: { spec: { containers: Record<string, unknown>[] } } } };
    obj.spec['replicass'] = 3;
    const container = obj.spec.template.spec.containers[0];
    assert.ok(container);
    container['imagee'] = 'busybox';
    // In document order, as the decoder meets them (replicass was added after template).
    assert.deepEqual(pruneUnknownFields(obj, DEPLOYMENT), ['spec.template.spec.containers[0].imagee', 'spec.replicass']);
    assert.equal('replicass' in obj.spec, false);
    assert.equal('imagee' in container, false);
    assert.equal(container['image'], 'nginx');
  });

  test('checks metadata fields too, but never apiVersion and kind', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', lables: { a: 'b' } }, data: { k: 'v' }, extra: 1 };
    assert.deepEqual(pruneUnknownFields(obj, { group: '', version: 'v1', kind: 'ConfigMap' }), ['metadata.lables', 'extra']);
    assert.deepEqual(obj, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } });
  });

  test('never reports inside free-form values, maps or scalars of special types', () => {
    const revision = {
      apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1,
      data: { spec: { template: { anything: true } } },
    };
    assert.deepEqual(pruneUnknownFields(revision, { group: 'apps', version: 'v1', kind: 'ControllerRevision' }), []);
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' },
        versions: [{
          name: 'v1', served: true, storage: true,
          schema: { openAPIV3Schema: { type: 'object', default: { whatever: 1 }, properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
        }],
      },
    };
    assert.deepEqual(pruneUnknownFields(crd, { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' }), []);
  });

  test('unknown kinds prune nothing', () => {
    const obj = { apiVersion: 'example.com/v1', kind: 'Nope', spec: { x: 1 } };
    assert.deepEqual(pruneUnknownFields(obj, { group: 'example.com', version: 'v1', kind: 'Nope' }), []);
    assert.deepEqual(obj.spec, { x: 1 });
  });
});

describe('typeErrors', () => {
  test('a valid object has none (Quantity numbers, IntOrString ints, null)', () => {
    const obj = deployment() as { spec: Record<string, unknown> };
    obj.spec['paused'] = null;
    assert.deepEqual(typeErrors(obj, DEPLOYMENT), []);
  });

  test('a string where an int32 is expected fails as kube-apiserver says', () => {
    const obj = deployment() as { spec: Record<string, unknown> };
    obj.spec['replicas'] = '3';
    assert.deepEqual(typeErrors(obj, DEPLOYMENT), [{
      path: 'spec.replicas',
      message: 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    }]);
  });

  test('nested values name the enclosing struct; paths keep list indices', () => {
    const obj = deployment() as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    const container = obj.spec.template.spec.containers[0];
    assert.ok(container);
    container['image'] = 5;
    container['ports'] = [{ containerPort: '80' }];
    container['env'] = 'A=1';
    assert.deepEqual(typeErrors(obj, DEPLOYMENT), [
      { path: 'spec.template.spec.containers[0].image',
        message: 'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string' },
      { path: 'spec.template.spec.containers[0].ports[0].containerPort',
        message: 'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32' },
      { path: 'spec.template.spec.containers[0].env',
        message: 'json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.env of type []v1.EnvVar' },
    ]);
  });

  test('integers must be integers, and int32 in range', () => {
    const obj = deployment() as { spec: Record<string, unknown> };
    obj.spec['replicas'] = 1.5;
    obj.spec['minReadySeconds'] = 2 ** 31;
    assert.deepEqual(typeErrors(obj, DEPLOYMENT).map((e) => e.message), [
      'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32',
      'json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.minReadySeconds of type int32',
    ]);
  });

  test('objects, maps and metadata are checked', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: 1 } }, data: [] };
    assert.deepEqual(typeErrors(obj, { group: '', version: 'v1', kind: 'ConfigMap' }), [
      { path: 'metadata.labels.a', message: 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string' },
      { path: 'data', message: 'json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string' },
    ]);
  });
});

describe('registered (CRD) schemas', () => {
  const WIDGET = { group: 'example.com', version: 'v1', kind: 'Widget' };
  before(() => {
    registerExtraSchemas('apis/example.com/v1', {
      'com.example.v1.Widget': {
        type: 'object', 'x-kubernetes-group-version-kind': [WIDGET],
        properties: {
          apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' },
          spec: {
            type: 'object',
            properties: {
              size: { type: 'integer' },
              port: { 'x-kubernetes-int-or-string': true },
              labels: { type: 'object', additionalProperties: { type: 'string' } },
              blob: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              empty: { type: 'object' },
            },
          },
        },
      },
    });
  });
  after(() => { unregisterExtraSchemas('apis/example.com/v1'); });

  test('prune as structural pruning does: metadata as ObjectMeta, preserve-unknown-fields kept', () => {
    const obj = {
      apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', bogus: 1 },
      spec: { size: 1, port: 'http', extra: 1, labels: { a: 'b' }, blob: { any: { thing: 1 } }, empty: { gone: 1 } },
    };
    assert.deepEqual(pruneUnknownFields(obj, WIDGET), ['metadata.bogus', 'spec.extra', 'spec.empty.gone']);
    assert.deepEqual(obj.spec, { size: 1, port: 'http', labels: { a: 'b' }, blob: { any: { thing: 1 } }, empty: {} });
  });

  test('type errors read as schema validation errors', () => {
    const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 'big', port: 8080 } };
    assert.deepEqual(typeErrors(obj, WIDGET), [{ path: 'spec.size', message: 'spec.size in body must be of type integer: "string"' }]);
  });
});
