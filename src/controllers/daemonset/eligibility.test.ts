// Node eligibility as pure functions: the cases the API-level test does not reach.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daemonPodTolerations, nodeShouldRunDaemonPod, pinToNode, targetNodeName } from './eligibility.js';
import { scaledValue } from './rolling.js';
import type { DaemonSet, Node, PodSpec, Taint } from './types.js';

const ds = (spec: PodSpec = {}): DaemonSet => ({ metadata: { name: 'd', namespace: 'ns' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec } } });
const node = (name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node =>
  ({ metadata: { name, labels }, spec: { taints } });

test('NoSchedule taints keep new pods off; NoExecute ones also evict running ones unless tolerated', () => {
  assert.deepEqual(nodeShouldRunDaemonPod(node('n'), ds()), { shouldRun: true, shouldContinueRunning: true });
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', value: 'v', effect: 'NoSchedule' }]), ds()), { shouldRun: false, shouldContinueRunning: true });
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', effect: 'NoExecute' }]), ds()), { shouldRun: false, shouldContinueRunning: false });
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', effect: 'NoExecute' }]), ds({ tolerations: [{ key: 'k', operator: 'Exists' }] })), { shouldRun: true, shouldContinueRunning: true });
  // The tolerations every daemon pod gets: a cordoned, not-ready or pressured node still runs them.
  for (const key of ['node.kubernetes.io/unschedulable', 'node.kubernetes.io/disk-pressure', 'node.kubernetes.io/memory-pressure', 'node.kubernetes.io/pid-pressure']) {
    assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key, effect: 'NoSchedule' }]), ds()).shouldRun, true, key);
  }
  assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), ds()).shouldRun, true);
  const netDown = node('n', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]);
  assert.equal(nodeShouldRunDaemonPod(netDown, ds()).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(netDown, ds({ hostNetwork: true })).shouldRun, true);
});

test('nodeSelector, required node affinity and the template nodeName all count', () => {
  assert.equal(nodeShouldRunDaemonPod(node('n', { disk: 'ssd' }), ds({ nodeSelector: { disk: 'ssd' } })).shouldRun, true);
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', { disk: 'hdd' }), ds({ nodeSelector: { disk: 'ssd' } })), { shouldRun: false, shouldContinueRunning: false });
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } } };
  assert.equal(nodeShouldRunDaemonPod(node('n', { zone: 'b' }), ds({ affinity })).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('n', { zone: 'c' }), ds({ affinity })).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node('n'), ds({ nodeName: 'm' })).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node('m'), ds({ nodeName: 'm' })).shouldRun, true);
});

test('the pod is pinned by replacing the required terms; its target node is read back from them', () => {
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] }, preferredDuringSchedulingIgnoredDuringExecution: [] } };
  const pinned = pinToNode(affinity, 'n1');
  assert.deepEqual(pinned.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] });
  assert.deepEqual(pinned.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution, []);
  assert.equal(targetNodeName({ spec: { affinity: pinned } }), 'n1');
  assert.equal(targetNodeName({ spec: { nodeName: 'n2', affinity: pinned } }), 'n2');
  assert.equal(targetNodeName({ spec: {} }), undefined);
});

test('default tolerations are added once, replacing an equal one the template has', () => {
  const ts = daemonPodTolerations({ tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }, { key: 'x', operator: 'Exists' }] });
  assert.equal(ts.filter((t) => t.key === 'node.kubernetes.io/not-ready').length, 1);
  assert.equal(ts.find((t) => t.key === 'node.kubernetes.io/not-ready')?.tolerationSeconds, undefined);
  assert.equal(ts.length, 7);
});

test('maxUnavailable / maxSurge percentages scale against the desired count, rounding up', () => {
  assert.equal(scaledValue('10%', 5, true), 1);
  assert.equal(scaledValue('10%', 5, false), 0);
  assert.equal(scaledValue(2, 5, true), 2);
  assert.equal(scaledValue(undefined, 5, true), 0);
});
