// persistentVolumeClaimRetentionPolicy as owner references: every policy, for a replica in range
// and for one scaled down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OwnerReference } from '../../machinery/object.js';
import { claimOwnerRefs, claimOwnerUpToDate } from './retention.js';
import type { PersistentVolumeClaim, Pod, RetentionPolicyType, StatefulSet } from './types.js';

const set = (whenDeleted: RetentionPolicyType, whenScaled: RetentionPolicyType): StatefulSet =>
  ({ metadata: { name: 'web', namespace: 'ns', uid: 'set-uid' }, spec: { replicas: 2, persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } } });
const pod = (ordinal: number): Pod => ({ metadata: { name: `web-${ordinal}`, namespace: 'ns', uid: `pod-${ordinal}` } });
const claim = (refs: OwnerReference[] = []): PersistentVolumeClaim =>
  ({ metadata: { name: 'www-web-0', namespace: 'ns', ownerReferences: refs } });
const owners = (refs: readonly { kind: string; uid: string }[]) => refs.map((r) => `${r.kind}/${r.uid}`);

test('each policy gives the owners kube gives', () => {
  const cases: [RetentionPolicyType, RetentionPolicyType, number, string[]][] = [
    ['Retain', 'Retain', 0, []],
    ['Delete', 'Retain', 0, ['StatefulSet/set-uid']],
    ['Delete', 'Retain', 5, ['StatefulSet/set-uid']],
    ['Retain', 'Delete', 0, []],
    ['Retain', 'Delete', 5, ['Pod/pod-5']],
    ['Delete', 'Delete', 0, ['StatefulSet/set-uid']],
    ['Delete', 'Delete', 5, ['Pod/pod-5']],
  ];
  for (const [whenDeleted, whenScaled, ordinal, want] of cases) {
    const s = set(whenDeleted, whenScaled);
    const p = pod(ordinal);
    const refs = claimOwnerRefs(claim(), s, p);
    assert.deepEqual(owners(refs), want, `${whenDeleted}/${whenScaled} ordinal ${ordinal}`);
    assert.ok(refs.every((r) => r.controller === true && r.blockOwnerDeletion === true));
    assert.equal(claimOwnerUpToDate(claim(refs), s, p), true);
    assert.equal(claimOwnerUpToDate(claim(), s, p), want.length === 0);
  }
});

test('a foreign controller is left alone; a stale reference to an earlier pod of the name blocks nothing else', () => {
  const other = { apiVersion: 'v1', kind: 'Thing', name: 'x', uid: 'other', controller: true };
  const s = set('Delete', 'Retain');
  assert.deepEqual(claimOwnerRefs(claim([other]), s, pod(0)), [other]);
  const stale = { apiVersion: 'v1', kind: 'Pod', name: 'web-0', uid: 'old-pod', controller: true };
  assert.equal(claimOwnerUpToDate(claim([stale]), set('Retain', 'Delete'), pod(0)), true);
});
