import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../machinery/object.js';
import { customResourceFieldGetters, fieldGettersFor } from './field-selectors.js';

const get = (group: string, kind: string, field: string, o: KubeObject) => {
  const g = fieldGettersFor({ group, kind })[field];
  assert.ok(g, `${group}/${kind} supports ${field}`);
  return g(o);
};

describe('field selectors', () => {
  const pod: KubeObject = {
    metadata: { name: 'web-0', namespace: 'default' },
    spec: { nodeName: 'node-1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
    status: { phase: 'Running', podIP: '10.42.0.7', podIPs: [{ ip: '10.42.0.7' }, { ip: 'fd00::7' }] },
  };

  test('pods: the fields kubelet and kubectl select on', () => {
    assert.equal(get('', 'Pod', 'spec.nodeName', pod), 'node-1');
    assert.equal(get('', 'Pod', 'spec.host', pod), 'node-1');
    assert.equal(get('', 'Pod', 'status.phase', pod), 'Running');
    assert.equal(get('', 'Pod', 'status.podIP', pod), '10.42.0.7');
    assert.equal(get('', 'Pod', 'spec.hostNetwork', pod), 'false');
    assert.equal(get('', 'Pod', 'spec.restartPolicy', pod), 'Always');
    assert.equal(get('', 'Pod', 'status.nominatedNodeName', pod), '');
    assert.equal(get('', 'Pod', 'status.podIPs', pod), '');
    assert.equal(get('', 'Pod', 'spec.nodeName', { metadata: { name: 'pending' } }), '');
    assert.equal(get('', 'Pod', 'spec.hostNetwork', { spec: { hostNetwork: true } }), 'true');
  });

  test('kinds without extra fields support none; unknown fields are absent', () => {
    assert.deepEqual(Object.keys(fieldGettersFor({ group: '', kind: 'ConfigMap' })), []);
    assert.equal(fieldGettersFor({ group: '', kind: 'Pod' })['spec.containers'], undefined);
    assert.equal(fieldGettersFor({ group: 'apps', kind: 'Deployment' })['status.replicas'], undefined);
  });

  test('events: core names on core Events, regarding.* on events.k8s.io, either wire form', () => {
    const core: KubeObject = {
      involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default', uid: 'u1', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff', type: 'Warning', source: { component: 'kubelet' }, reportingComponent: '', reportingController: 'kubelet',
    };
    assert.equal(get('', 'Event', 'involvedObject.name', core), 'web-0');
    assert.equal(get('', 'Event', 'involvedObject.uid', core), 'u1');
    assert.equal(get('', 'Event', 'involvedObject.resourceVersion', core), '');
    assert.equal(get('', 'Event', 'reason', core), 'BackOff');
    assert.equal(get('', 'Event', 'source', core), 'kubelet');
    assert.equal(get('', 'Event', 'reportingComponent', core), 'kubelet');
    const v1: KubeObject = { regarding: { kind: 'Node', name: 'node-1' }, reason: 'NodeReady', type: 'Normal', reportingController: 'node-controller' };
    assert.equal(get('events.k8s.io', 'Event', 'regarding.kind', v1), 'Node');
    assert.equal(get('events.k8s.io', 'Event', 'reportingController', v1), 'node-controller');
    assert.equal(get('events.k8s.io', 'Event', 'source', v1), 'node-controller');
    assert.equal(get('events.k8s.io', 'Event', 'regarding.name', core), 'web-0');
    assert.equal(fieldGettersFor({ group: 'events.k8s.io', kind: 'Event' })['involvedObject.name'], undefined);
  });

  test('other kinds: values formatted as kube formats them', () => {
    assert.equal(get('', 'Node', 'spec.unschedulable', { spec: {} }), 'false');
    assert.equal(get('', 'Node', 'spec.unschedulable', { spec: { unschedulable: true } }), 'true');
    assert.equal(get('', 'Namespace', 'status.phase', { status: { phase: 'Terminating' } }), 'Terminating');
    assert.equal(get('', 'Secret', 'type', { type: 'kubernetes.io/service-account-token' }), 'kubernetes.io/service-account-token');
    assert.equal(get('', 'Service', 'spec.type', { spec: { type: 'NodePort', clusterIP: '10.43.0.1' } }), 'NodePort');
    assert.equal(get('', 'Service', 'spec.clusterIP', { spec: { type: 'NodePort', clusterIP: '10.43.0.1' } }), '10.43.0.1');
    assert.equal(get('', 'ReplicationController', 'status.replicas', { status: { replicas: 3 } }), '3');
    assert.equal(get('apps', 'ReplicaSet', 'status.replicas', { status: {} }), '0');
    assert.equal(get('batch', 'Job', 'status.successful', { status: { succeeded: 1 } }), '1');
  });

  test('CRD selectable fields read their JSONPath', () => {
    const g = customResourceFieldGetters(['.spec.color', '.spec.size', '.spec.enabled']);
    const o: KubeObject = { spec: { color: 'blue', size: 3, enabled: true } };
    assert.deepEqual(Object.fromEntries(Object.entries(g).map(([k, f]) => [k, f(o)])), { 'spec.color': 'blue', 'spec.size': '3', 'spec.enabled': 'true' });
    assert.equal(g['spec.color']?.({}), '');
  });
});
