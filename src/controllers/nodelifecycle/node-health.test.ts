// The pure decisions of the node lifecycle controller and the taint manager.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeartbeatTracker, reconcileTaints, silentNodeConditions } from './node-health.js';
import { matchingTolerations, minTolerationMs, toleratesTaint } from './tolerations.js';
import type { Node } from './types.js';

const NOW = Date.parse('2024-05-01T10:00:00Z');
const node = (ready: string | undefined, extra: Partial<Node> = {}): Node => ({
  metadata: { name: 'n', creationTimestamp: '2024-05-01T09:00:00Z' },
  spec: {},
  status: { conditions: ready ? [{ type: 'Ready', status: ready, reason: 'KubeletReady', lastHeartbeatTime: '2024-05-01T09:59:00Z', lastTransitionTime: '2024-05-01T09:00:00Z' }] : [] },
  ...extra,
});
const keys = (t: ReturnType<typeof reconcileTaints>) => t?.map((x) => `${x.key}:${x.effect}`).sort();

test('a silent node: Ready Unknown (NodeStatusUnknown), missing conditions NodeStatusNeverUpdated, idempotent', () => {
  const conds = silentNodeConditions(node('True'), NOW);
  assert.ok(conds);
  const ready = conds.find((c) => c.type === 'Ready');
  assert.deepEqual([ready?.status, ready?.reason, ready?.message, ready?.lastTransitionTime, ready?.lastHeartbeatTime],
    ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', '2024-05-01T10:00:00Z', '2024-05-01T09:59:00Z']);
  const mem = conds.find((c) => c.type === 'MemoryPressure');
  assert.deepEqual([mem?.status, mem?.reason, mem?.message], ['Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.']);
  assert.equal(silentNodeConditions({ ...node('True'), status: { conditions: conds } }, NOW + 1000), undefined);
});

test('taints follow Ready and the other conditions; foreign taints are kept; nothing to do returns undefined', () => {
  assert.deepEqual(keys(reconcileTaints(node('Unknown'), NOW)), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.deepEqual(keys(reconcileTaints(node('False'), NOW)), ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule']);
  const noExec = reconcileTaints(node('Unknown'), NOW)?.find((t) => t.effect === 'NoExecute');
  assert.equal(noExec?.timeAdded, '2024-05-01T10:00:00Z');
  // not-ready → unreachable swaps, the user's own taint stays
  const swapped = reconcileTaints(node('Unknown', { spec: { taints: [
    { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, { key: 'mine', effect: 'NoExecute' },
  ] } }), NOW);
  assert.deepEqual(keys(swapped), ['mine:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.deepEqual(keys(reconcileTaints(node('True', { spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] } }), NOW)), []);
  assert.equal(reconcileTaints(node('True'), NOW), undefined);
  assert.deepEqual(keys(reconcileTaints(node('True', { spec: { unschedulable: true } }), NOW)), ['node.kubernetes.io/unschedulable:NoSchedule']);
  const pressured = node('True');
  pressured.status = { conditions: [...(pressured.status?.conditions ?? []), { type: 'DiskPressure', status: 'True' }] };
  assert.deepEqual(keys(reconcileTaints(pressured, NOW)), ['node.kubernetes.io/disk-pressure:NoSchedule']);
});

test('heartbeats are judged by when we saw them change', () => {
  const t = new HeartbeatTracker();
  const n = node('True');
  const lease = { spec: { renewTime: '2024-05-01T09:59:59.000000Z' } };
  assert.equal(t.observe(n, lease, 1000), 1000, 'first sight counts as a heartbeat');
  assert.equal(t.observe(n, lease, 5000), 1000, 'nothing new');
  assert.equal(t.observe(n, { spec: { renewTime: '2024-05-01T10:00:09.000000Z' } }, 9000), 9000, 'a renewal');
});

test('toleration matching and tolerationSeconds', () => {
  const taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
  assert.equal(toleratesTaint({ operator: 'Exists' }, taint), true);
  assert.equal(toleratesTaint({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }, taint), false);
  assert.equal(toleratesTaint({ key: 'k', operator: 'Equal', value: 'v' }, { key: 'k', value: 'v', effect: 'NoExecute' }), true);
  assert.equal(toleratesTaint({ key: 'k', value: 'w' }, { key: 'k', value: 'v', effect: 'NoExecute' }), false);
  assert.equal(matchingTolerations([taint, { key: 'other', effect: 'NoExecute' }], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }]), undefined);
  const used = matchingTolerations([taint], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 }, { operator: 'Exists', tolerationSeconds: 5 }]);
  assert.equal(minTolerationMs(used ?? []), 300_000, 'the first matching toleration is the one used');
  assert.equal(minTolerationMs([{ operator: 'Exists' }]), Infinity);
  assert.equal(minTolerationMs([{ operator: 'Exists', tolerationSeconds: -5 }]), 0);
});
