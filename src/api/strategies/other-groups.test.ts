import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  endpointSliceStrategy, ingressStrategy, leaseStrategy, networkPolicyStrategy, podDisruptionBudgetStrategy, priorityClassStrategy,
  storageClassStrategy,
} from './other-groups.js';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './rbac.js';
import { eventCoreToEventsV1, eventsV1Strategy, eventsV1ToCore } from './events.js';
import { create, get, meta, update, withValue } from './test-harness.js';

describe('policy, coordination, networking, discovery, storage, scheduling', () => {
  test('PodDisruptionBudget: minAvailable xor maxUnavailable', () => {
    assert.deepEqual(create(podDisruptionBudgetStrategy, { metadata: meta('p'), spec: { minAvailable: '50%', selector: { matchLabels: { a: 'b' } } } }).errs, []);
    const both = create(podDisruptionBudgetStrategy, { metadata: meta('p'), spec: { minAvailable: 1, maxUnavailable: 1 } });
    assert.deepEqual(both.errs.map((e) => [e.field, e.message.endsWith('minAvailable and maxUnavailable cannot be both set')]), [['spec', true]]);
  });

  test('Lease duration must be positive', () => {
    assert.deepEqual(create(leaseStrategy, { metadata: meta('l'), spec: { leaseDurationSeconds: 0 } }).fields, ['spec.leaseDurationSeconds']);
  });

  test('Ingress paths need a pathType and backends a port', () => {
    const ok = { metadata: meta('i'), spec: { rules: [{ host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } };
    assert.deepEqual(create(ingressStrategy, ok).errs, []);
    const bad = withValue(withValue(ok, 'spec.rules[0].http.paths[0].pathType', undefined), 'spec.rules[0].http.paths[0].backend.service.port', {});
    assert.deepEqual(create(ingressStrategy, bad).fields, ['spec.rules[0].http.paths[0].pathType', 'spec.rules[0].http.paths[0].backend.service.port']);
    assert.deepEqual(create(ingressStrategy, { metadata: meta('i'), spec: {} }).fields, ['spec.rules']);
  });

  test('NetworkPolicy policyTypes default from its rules', () => {
    const { obj, errs } = create(networkPolicyStrategy, { metadata: meta('n'), spec: { egress: [{ ports: [{ port: 53 }] }] } });
    assert.deepEqual(errs, []);
    assert.deepEqual(get(obj, 'spec.policyTypes'), ['Ingress', 'Egress']);
    assert.equal(get(obj, 'spec.egress[0].ports[0].protocol'), 'TCP');
  });

  test('EndpointSlice addressType is required and immutable', () => {
    assert.deepEqual(create(endpointSliceStrategy, { metadata: meta('e'), endpoints: [{ addresses: [] }] }).fields, ['addressType', 'endpoints[0].addresses']);
    const stored = create(endpointSliceStrategy, { metadata: meta('e'), addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }] }).obj;
    assert.deepEqual(update(endpointSliceStrategy, stored, withValue(stored, 'addressType', 'IPv6')).fields, ['addressType']);
  });

  test('StorageClass: provisioner required, parameters immutable', () => {
    assert.deepEqual(create(storageClassStrategy, { metadata: { name: 'sc' } }).fields, ['provisioner']);
    const stored = create(storageClassStrategy, { metadata: { name: 'sc' }, provisioner: 'rancher.io/local-path', parameters: { a: 'b' } }).obj;
    assert.equal(stored.reclaimPolicy, 'Delete');
    assert.equal(stored.volumeBindingMode, 'Immediate');
    const changed = update(storageClassStrategy, stored, withValue(stored, 'parameters', { a: 'c' }));
    assert.deepEqual(changed.errs.map((e) => [e.field, e.message]), [['parameters', 'Forbidden: updates to parameters are forbidden.']]);
  });

  test('PriorityClass values above one billion are for system classes', () => {
    assert.deepEqual(create(priorityClassStrategy, { metadata: { name: 'high' }, value: 2_000_000_000 }).fields, ['value']);
    assert.deepEqual(create(priorityClassStrategy, { metadata: { name: 'system-x' }, value: 2_000_000_000 }).errs, []);
  });
});

describe('RBAC', () => {
  test('rules need verbs, groups and resources; namespaced roles cannot name URLs', () => {
    assert.deepEqual(create(roleStrategy, { metadata: meta('r'), rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }).errs, []);
    const { fields, errs } = create(roleStrategy, { metadata: meta('r'), rules: [{ apiGroups: [''], resources: ['pods'] }, { nonResourceURLs: ['/healthz'], verbs: ['get'] }] });
    assert.deepEqual(fields, ['rules[0].verbs', 'rules[1].nonResourceURLs']);
    assert.equal(errs[0]?.message, 'Required value: verbs must contain at least one value');
    assert.deepEqual(create(clusterRoleStrategy, { metadata: { name: 'system:x' }, rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] }).errs, []);
  });

  test('bindings default API groups; roleRef is immutable', () => {
    const binding = { metadata: meta('b'), roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'default', namespace: 'default' }] };
    const { obj, errs } = create(roleBindingStrategy, binding);
    assert.deepEqual(errs, []);
    assert.equal(get(obj, 'roleRef.apiGroup'), 'rbac.authorization.k8s.io');
    assert.equal(get(obj, 'subjects[0].apiGroup'), 'rbac.authorization.k8s.io');
    const changed = update(roleBindingStrategy, obj, withValue(obj, 'roleRef.name', 'other'));
    assert.deepEqual(changed.errs.map((e) => [e.field, e.message.endsWith('cannot change roleRef')]), [['roleRef', true]]);
  });

  test('cluster bindings need ClusterRoles and service-account namespaces', () => {
    const { fields } = create(clusterRoleBindingStrategy, { metadata: { name: 'b' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] });
    assert.deepEqual(fields, ['roleRef.kind', 'subjects[0].namespace']);
  });
});

describe('events.k8s.io', () => {
  const core = {
    apiVersion: 'v1', kind: 'Event', metadata: meta('p.1'),
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Pulled', message: 'pulled image', type: 'Normal',
    source: { component: 'kubelet', host: 'n1' }, firstTimestamp: '2024-01-01T00:00:00Z', lastTimestamp: '2024-01-01T00:00:05Z', count: 2,
    reportingComponent: 'kubelet', reportingInstance: 'n1', action: 'Pull',
  };

  test('core ⇄ events.k8s.io conversion renames fields and loses nothing', () => {
    const ev = eventCoreToEventsV1(core);
    assert.equal(ev.apiVersion, 'events.k8s.io/v1');
    assert.deepEqual(ev.regarding, core.involvedObject);
    assert.equal(ev.note, 'pulled image');
    assert.equal(ev.reportingController, 'kubelet');
    assert.deepEqual(ev.deprecatedSource, core.source);
    assert.equal(ev.deprecatedCount, 2);
    assert.deepEqual(eventsV1ToCore(ev), core);
  });

  test('new-style events need time, reporter and action', () => {
    const { fields } = create(eventsV1Strategy, { metadata: meta('e'), regarding: { kind: 'Pod', name: 'p' }, type: 'Normal' });
    assert.deepEqual(fields, ['eventTime', 'reportingController', 'reportingInstance', 'action', 'reason']);
  });
});
