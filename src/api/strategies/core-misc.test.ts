import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventStrategy, limitRangeStrategy, namespaceStrategy, nodeStrategy, podTemplateStrategy, resourceQuotaStrategy } from './core-misc.js';
import { persistentVolumeClaimStrategy, persistentVolumeStrategy } from './core-storage.js';
import { create, get, meta, template, update, withValue } from './test-harness.js';

describe('Namespace', () => {
  test('create: Active, kubernetes finalizer, name label', () => {
    const { obj, errs } = create(namespaceStrategy, { metadata: { name: 'team-a' } });
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.status, { phase: 'Active' });
    assert.deepEqual(get(obj, 'spec.finalizers'), ['kubernetes']);
    assert.deepEqual(get(obj, 'metadata.labels'), { 'kubernetes.io/metadata.name': 'team-a' });
  });

  test('names are DNS labels; status and finalizers survive an update', () => {
    assert.deepEqual(create(namespaceStrategy, { metadata: { name: 'team.a' } }).fields, ['metadata.name']);
    const stored = create(namespaceStrategy, { metadata: { name: 'a' } }).obj;
    const { obj, errs } = update(namespaceStrategy, stored, { metadata: { name: 'a' }, spec: {}, status: { phase: 'Terminating' } });
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.status, { phase: 'Active' });
    assert.deepEqual(get(obj, 'spec.finalizers'), ['kubernetes']);
  });
});

describe('Node, Event, quota kinds', () => {
  test('node taints need a supported effect; providerID is sticky', () => {
    const { fields } = create(nodeStrategy, { metadata: { name: 'n1' }, spec: { taints: [{ key: 'k', effect: 'Sometimes' }] } });
    assert.deepEqual(fields, ['spec.taints[0].effect']);
    const stored = create(nodeStrategy, { metadata: { name: 'n1' }, spec: { providerID: 'kind://a' }, status: { capacity: { cpu: '2' } } }).obj;
    assert.deepEqual(get(stored, 'status.allocatable'), { cpu: '2' });
    assert.deepEqual(update(nodeStrategy, stored, withValue(stored, 'spec.providerID', 'kind://b')).fields, ['spec.providerID']);
  });

  test('events need an involved object in their own namespace', () => {
    assert.deepEqual(create(eventStrategy, { metadata: meta('e'), involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Started' }).errs, []);
    assert.deepEqual(create(eventStrategy, { metadata: meta('e') }).fields, ['involvedObject']);
    assert.deepEqual(create(eventStrategy, { metadata: meta('e'), involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } }).fields, ['involvedObject.namespace']);
  });

  test('resource quota quantities must parse; limit ranges default requests', () => {
    assert.deepEqual(create(resourceQuotaStrategy, { metadata: meta('q'), spec: { hard: { pods: 'ten' } } }).fields, ['spec.hard[pods]']);
    const { obj, errs } = create(limitRangeStrategy, { metadata: meta('l'), spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }] } });
    assert.deepEqual(errs, []);
    assert.deepEqual(get(obj, 'spec.limits[0].default'), { cpu: '2' });
    assert.deepEqual(get(obj, 'spec.limits[0].defaultRequest'), { cpu: '2', memory: '64Mi' });
  });

  test('pod templates validate their pod spec', () => {
    assert.deepEqual(create(podTemplateStrategy, { metadata: meta('t'), template: template() }).errs, []);
    assert.deepEqual(create(podTemplateStrategy, { metadata: meta('t'), template: template({}, { containers: [{ name: 'a' }] }) }).fields, ['template.spec.containers[0].image']);
  });
});

describe('PersistentVolumeClaim and PersistentVolume', () => {
  const claim = { metadata: meta('data'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };

  test('a claim needs access modes and a storage request; it starts Pending', () => {
    const { obj, errs } = create(persistentVolumeClaimStrategy, claim);
    assert.deepEqual(errs, []);
    assert.equal(get(obj, 'spec.volumeMode'), 'Filesystem');
    assert.deepEqual(obj.status, { phase: 'Pending' });
    assert.deepEqual(create(persistentVolumeClaimStrategy, { metadata: meta('d'), spec: {} }).fields, ['spec.accessModes', 'spec.resources[storage]']);
  });

  test('a claim may grow but not change its access modes', () => {
    const stored = create(persistentVolumeClaimStrategy, claim).obj;
    assert.deepEqual(update(persistentVolumeClaimStrategy, stored, withValue(stored, 'spec.resources.requests.storage', '2Gi')).errs, []);
    assert.deepEqual(update(persistentVolumeClaimStrategy, stored, withValue(stored, 'spec.accessModes', ['ReadWriteMany'])).fields, ['spec']);
    assert.deepEqual(update(persistentVolumeClaimStrategy, stored, withValue(stored, 'spec.resources.requests.storage', '512Mi')).fields, ['spec.resources.requests.storage']);
  });

  test('a volume needs a source and gets Retain', () => {
    const { obj, errs } = create(persistentVolumeStrategy, { metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } });
    assert.deepEqual(errs, []);
    assert.equal(get(obj, 'spec.persistentVolumeReclaimPolicy'), 'Retain');
    assert.deepEqual(create(persistentVolumeStrategy, { metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }).fields, ['spec']);
  });
});
