import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  controllerRevisionStrategy, daemonSetStrategy, deploymentStrategy, replicaSetStrategy, replicationControllerStrategy, statefulSetStrategy,
} from './apps.js';
import { create, get, meta, template, update, withValue } from './test-harness.js';

const deployment = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'),
  spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec },
});

describe('Deployment', () => {
  test('valid deployment gets kube defaults, generation 1 and an empty status', () => {
    const { obj, errs } = create(deploymentStrategy, withValue(deployment(), 'status', { replicas: 5 }));
    assert.deepEqual(errs, []);
    assert.equal(get(obj, 'spec.replicas'), 1);
    assert.deepEqual(get(obj, 'spec.strategy'), { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(get(obj, 'spec.revisionHistoryLimit'), 10);
    assert.equal(get(obj, 'spec.progressDeadlineSeconds'), 600);
    assert.equal(get(obj, 'spec.template.spec.restartPolicy'), 'Always');
    assert.equal(get(obj, 'spec.template.spec.containers[0].imagePullPolicy'), 'IfNotPresent');
    // Pod-only defaults do not reach templates.
    assert.equal(get(obj, 'spec.template.spec.enableServiceLinks'), undefined);
    assert.deepEqual(obj.status, {});
    assert.equal(get(obj, 'metadata.generation'), 1);
  });

  test('selector not matching template labels', () => {
    const { errs } = create(deploymentStrategy, deployment({ selector: { matchLabels: { app: 'api' } } }));
    assert.equal(errs.length, 1);
    assert.equal(errs[0]?.field, 'spec.template.metadata.labels');
    assert.equal(errs[0]?.message, 'Invalid value: {"app":"web"}: `selector` does not match template `labels`');
  });

  test('missing or empty selector', () => {
    assert.deepEqual(create(deploymentStrategy, deployment({ selector: undefined })).fields, ['spec.selector']);
    const empty = create(deploymentStrategy, deployment({ selector: {} }));
    assert.match(empty.errs[0]?.message ?? '', /empty selector is invalid for deployment/);
  });

  test('negative replicas, both rolling parameters 0, short progress deadline, wrong restartPolicy', () => {
    const { fields, errs } = create(deploymentStrategy, deployment({
      replicas: -1, minReadySeconds: 30, progressDeadlineSeconds: 10,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } },
      template: template({ app: 'web' }, { restartPolicy: 'Never' }),
    }));
    assert.deepEqual(fields, [
      'spec.replicas', 'spec.template.spec.restartPolicy', 'spec.strategy.rollingUpdate.maxUnavailable', 'spec.progressDeadlineSeconds',
    ]);
    assert.equal(errs[0]?.message, 'Invalid value: -1: must be greater than or equal to 0');
    assert.equal(errs[1]?.message, 'Unsupported value: "Never": supported values: "Always"');
  });

  test('missing image and duplicate containers report template paths', () => {
    const { fields } = create(deploymentStrategy, deployment({
      template: template({ app: 'web' }, { containers: [{ name: 'a' }, { name: 'a', image: 'x:1' }] }),
    }));
    assert.deepEqual(fields, ['spec.template.spec.containers[0].image', 'spec.template.spec.containers[1].name']);
  });

  test('selector is immutable; spec and annotation changes bump generation, status is kept', () => {
    const stored = withValue(create(deploymentStrategy, deployment()).obj, 'status', { replicas: 1 });
    const moved = update(deploymentStrategy, stored, withValue(stored, 'spec.selector', { matchLabels: { app: 'web', tier: 'x' } }));
    assert.ok(moved.fields.includes('spec.selector'));
    assert.equal(moved.errs.find((e) => e.field === 'spec.selector')?.message.endsWith('field is immutable'), true);
    const scaled = update(deploymentStrategy, stored, withValue(withValue(stored, 'spec.replicas', 3), 'status', {}));
    assert.deepEqual(scaled.errs, []);
    assert.equal(get(scaled.obj, 'metadata.generation'), 2);
    assert.deepEqual(scaled.obj.status, { replicas: 1 });
    const annotated = update(deploymentStrategy, stored, withValue(stored, 'metadata.annotations', { a: 'b' }));
    assert.equal(get(annotated.obj, 'metadata.generation'), 2);
    const labelled = update(deploymentStrategy, stored, withValue(stored, 'metadata.labels', { a: 'b' }));
    assert.equal(get(labelled.obj, 'metadata.generation'), 1);
  });
});

describe('ReplicaSet, StatefulSet, DaemonSet, ControllerRevision, ReplicationController', () => {
  const spec = { selector: { matchLabels: { app: 'web' } }, template: template() };

  test('ReplicaSet defaults replicas and checks its selector', () => {
    const { obj, errs } = create(replicaSetStrategy, { metadata: meta('rs'), spec });
    assert.deepEqual(errs, []);
    assert.equal(get(obj, 'spec.replicas'), 1);
    assert.deepEqual(create(replicaSetStrategy, { metadata: meta('rs'), spec: { ...spec, replicas: -2 } }).fields, ['spec.replicas']);
  });

  test('StatefulSet defaults and its update rule', () => {
    const { obj, errs } = create(statefulSetStrategy, {
      metadata: meta('db'),
      spec: { ...spec, serviceName: 'db', volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }] },
    });
    assert.deepEqual(errs, []);
    assert.equal(get(obj, 'spec.podManagementPolicy'), 'OrderedReady');
    assert.deepEqual(get(obj, 'spec.updateStrategy'), { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(get(obj, 'spec.persistentVolumeClaimRetentionPolicy'), { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.equal(get(obj, 'spec.revisionHistoryLimit'), 10);
    assert.equal(get(obj, 'spec.volumeClaimTemplates[0].spec.volumeMode'), 'Filesystem');
    assert.deepEqual(update(statefulSetStrategy, obj, withValue(obj, 'spec.replicas', 3)).errs, []);
    const renamed = update(statefulSetStrategy, obj, withValue(obj, 'spec.serviceName', 'other'));
    assert.deepEqual(renamed.fields, ['spec']);
    assert.match(renamed.errs[0]?.message ?? '', /updates to statefulset spec for fields other than 'replicas'/);
  });

  test('DaemonSet defaults its rolling update', () => {
    const { obj, errs } = create(daemonSetStrategy, { metadata: meta('agent'), spec });
    assert.deepEqual(errs, []);
    assert.deepEqual(get(obj, 'spec.updateStrategy'), { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.deepEqual(create(daemonSetStrategy, { metadata: meta('a'), spec: { ...spec, updateStrategy: { type: 'Sometimes' } } }).fields, ['spec.updateStrategy.type']);
  });

  test('ControllerRevision data is immutable', () => {
    const stored = create(controllerRevisionStrategy, { metadata: meta('r'), data: { a: 1 }, revision: 1 }).obj;
    assert.deepEqual(update(controllerRevisionStrategy, stored, withValue(stored, 'data', { a: 2 })).fields, ['data']);
    assert.deepEqual(create(controllerRevisionStrategy, { metadata: meta('r'), revision: -1 }).fields, ['data', 'revision']);
  });

  test('ReplicationController takes selector and labels from its template', () => {
    const { obj, errs } = create(replicationControllerStrategy, { metadata: meta('rc'), spec: { template: template() } });
    assert.deepEqual(errs, []);
    assert.deepEqual(get(obj, 'spec.selector'), { app: 'web' });
    assert.deepEqual(get(obj, 'metadata.labels'), { app: 'web' });
    const bad = create(replicationControllerStrategy, { metadata: meta('rc'), spec: { selector: { app: 'x' }, template: template() } });
    assert.deepEqual(bad.fields, ['spec.template.metadata.labels']);
  });
});
