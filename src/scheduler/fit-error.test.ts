// The FailedScheduling message, character for character as kube-scheduler 1.32 writes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterMessage, fitErrorMessage, preemptionMessage } from './fit-error.js';
import type { Diagnosis } from './framework.js';
import { reject } from './types.js';
import { podInfo } from './test-objects.js';

const taint = reject('UnschedulableAndUnresolvable', 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }');
const cpu = reject('Unschedulable', 'Insufficient cpu');

function diagnosis(statuses: [string, ReturnType<typeof reject>][], extra: Partial<Diagnosis> = {}): Diagnosis {
  return { numAllNodes: statuses.length, nodeStatuses: new Map(statuses), unschedulablePlugins: new Set(), ...extra };
}

test('per-node reasons are counted and sorted as strings; preemption explains itself per node', () => {
  const d = diagnosis([['cp', taint], ['w1', cpu], ['w2', cpu]]);
  assert.equal(fitErrorMessage(podInfo('p'), d),
    '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. '
    + 'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.');
});

test('a node with several reasons counts each; "10 ..." sorts before "2 ..." as kube\'s sort.Strings does', () => {
  const many: [string, ReturnType<typeof reject>][] = [];
  for (let i = 0; i < 10; i++) many.push([`a${i}`, reject('UnschedulableAndUnresolvable', "node(s) didn't match Pod's node affinity/selector")]);
  many.push(['b0', { code: 'Unschedulable', reasons: ['Insufficient cpu', 'Insufficient memory'] }]);
  many.push(['b1', { code: 'Unschedulable', reasons: ['Insufficient cpu', 'Insufficient memory'] }]);
  assert.equal(filterMessage(diagnosis(many)),
    "0/12 nodes are available: 10 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu, 2 Insufficient memory.");
});

test('PreFilter rejections and nodes a PreFilter ruled out', () => {
  const pre = diagnosis([], { numAllNodes: 4, preFilterMsg: "node(s) didn't satisfy plugin NodeAffinity", absentStatus: reject('Unschedulable', "node(s) didn't satisfy plugin NodeAffinity") });
  assert.equal(filterMessage(pre), "0/4 nodes are available: node(s) didn't satisfy plugin NodeAffinity.");
  const narrowed = diagnosis([['n1', cpu]], { numAllNodes: 3, absentStatus: reject('UnschedulableAndUnresolvable', "node(s) didn't satisfy plugin(s) [NodeAffinity]") });
  assert.equal(fitErrorMessage(podInfo('p'), narrowed),
    "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
    + 'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.');
});

test('a pod that may not preempt says so', () => {
  const never = podInfo('p', { spec: { preemptionPolicy: 'Never' } });
  assert.equal(preemptionMessage(never, diagnosis([['n', cpu]])), 'preemption: not eligible due to preemptionPolicy=Never.');
});
