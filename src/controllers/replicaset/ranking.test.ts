// The deletion ranking as a pure function (the API-level test in replicaset.test.ts covers the
// rules that pod status drives; these cover the ones time and annotations drive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rfc3339 } from '../../machinery/object.js';
import { POD_DELETION_COST, podsToDelete } from './ranking.js';
import type { Pod } from './types.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');

function pod(name: string, o: { node?: string; createdAgoMs?: number; readyAgoMs?: number; cost?: string } = {}): Pod {
  return {
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`,
      creationTimestamp: rfc3339(NOW - (o.createdAgoMs ?? 3_600_000)),
      ...(o.cost !== undefined ? { annotations: { [POD_DELETION_COST]: o.cost } } : {}),
    },
    spec: { nodeName: o.node ?? 'n1' },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc3339(NOW - (o.readyAgoMs ?? 3_600_000)) }],
    },
  };
}

const names = (ps: readonly Pod[]) => ps.map((p) => p.metadata?.name);

test('newer pods go before older ones; ages within one power of two rank equal', () => {
  const old = pod('old', { createdAgoMs: 10 * 3_600_000 });
  const young = pod('young', { createdAgoMs: 60_000 });
  assert.deepEqual(names(podsToDelete([old, young], [], 1, NOW)), ['young']);
  // Ready recently ranks before ready for long, whatever the creation times.
  const readyLong = pod('ready-long', { createdAgoMs: 60_000, readyAgoMs: 50_000 });
  const readyNew = pod('ready-new', { createdAgoMs: 10 * 3_600_000, readyAgoMs: 1_000 });
  assert.deepEqual(names(podsToDelete([readyLong, readyNew], [], 1, NOW)), ['ready-new']);
});

test('pod-deletion-cost outranks readiness age; invalid costs count as 0', () => {
  const cheap = pod('cheap', { cost: '-5', createdAgoMs: 10 * 3_600_000 });
  const plain = pod('plain', { createdAgoMs: 60_000 });
  const invalid = pod('invalid', { cost: '+7', createdAgoMs: 60_000 });
  assert.deepEqual(names(podsToDelete([plain, cheap, invalid], [], 1, NOW)), ['cheap']);
  const dear = pod('dear', { cost: '100', createdAgoMs: 1000 });
  assert.deepEqual(names(podsToDelete([dear, plain], [], 1, NOW)), ['plain']);
});

test('a pod sharing its node with more related pods goes first', () => {
  const crowded = pod('crowded', { node: 'busy', createdAgoMs: 10 * 3_600_000 });
  const alone = pod('alone', { node: 'quiet', createdAgoMs: 60_000 });
  const related = [crowded, alone, pod('sibling-1', { node: 'busy' }), pod('sibling-2', { node: 'busy' })];
  assert.deepEqual(names(podsToDelete([crowded, alone], related, 1, NOW)), ['crowded']);
});

test('asking for as many pods as there are returns them all', () => {
  const ps = [pod('a'), pod('b')];
  assert.deepEqual(names(podsToDelete(ps, [], 2, NOW)), ['a', 'b']);
});
