// The Job controller's pure parts: completed-index intervals, the pod failure backoff, the pod
// failure policy and the pod template.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nextBackoffRecord, remainingBackoffMs } from './backoff.js';
import { matchPodFailurePolicy } from './failure-policy.js';
import { firstPendingIndexes, formatIntervals, has, intersectionCount, parseIntervals, total, withIndexes } from './intervals.js';
import { podFromTemplate } from './manage.js';
import type { Job, Pod } from './types.js';

const failedPod = (name: string, finishedAt: string, exitCode = 1, conditions: { type: string; status: string }[] = []): Pod => ({
  metadata: { name, namespace: 'ns', creationTimestamp: '2024-01-01T00:00:00Z' },
  status: { phase: 'Failed', conditions, containerStatuses: [{ name: 'main', state: { terminated: { exitCode, finishedAt } } }] },
});

describe('completed indexes', () => {
  test('parse, merge and format as kube writes status.completedIndexes', () => {
    const iv = parseIntervals('1,3-5,7', 10);
    assert.deepEqual(iv, [{ first: 1, last: 1 }, { first: 3, last: 5 }, { first: 7, last: 7 }]);
    assert.equal(total(iv), 5);
    assert.equal(formatIntervals(withIndexes(iv, [2, 8, 9])), '1-5,7-9');
    assert.equal(formatIntervals(withIndexes([], [3, 4])), '3,4');
    assert.deepEqual(parseIntervals('0-20,x,30', 5), [{ first: 0, last: 4 }]);
    assert.equal(has(iv, 4), true);
    assert.equal(has(iv, 6), false);
    assert.equal(intersectionCount(parseIntervals('0-9', 10), iv), 5);
  });

  test('first pending indexes skip done and active ones', () => {
    assert.deepEqual(firstPendingIndexes(parseIntervals('0,2', 6), [1, 4], 3, 6), [3, 5]);
    assert.deepEqual(firstPendingIndexes([], [], 2, 6), [0, 1]);
  });
});

describe('pod failure backoff', () => {
  test('doubles per failure since the last success, capped', () => {
    let rec = nextBackoffRecord(undefined, [], [failedPod('a', '2024-01-01T00:00:10Z')]);
    assert.deepEqual(rec, { failuresAfterLastSuccess: 1, lastFailureTime: Date.parse('2024-01-01T00:00:10Z') });
    const t = Date.parse('2024-01-01T00:00:10Z');
    assert.equal(remainingBackoffMs(rec, t + 4000, 10_000, 600_000), 6000);
    rec = nextBackoffRecord(rec, [], [failedPod('b', '2024-01-01T00:00:20Z'), failedPod('c', '2024-01-01T00:00:15Z')]);
    assert.equal(rec.failuresAfterLastSuccess, 3);
    assert.equal(remainingBackoffMs(rec, Date.parse('2024-01-01T00:00:20Z'), 10_000, 600_000), 40_000);
    assert.equal(remainingBackoffMs({ failuresAfterLastSuccess: 20, lastFailureTime: 0 }, 0, 10_000, 600_000), 600_000);
    // A success resets; failures after it still count.
    const ok: Pod = { metadata: { name: 'ok' }, status: { phase: 'Succeeded', containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 0, finishedAt: '2024-01-01T00:00:30Z' } } }] } };
    assert.deepEqual(nextBackoffRecord(rec, [ok], []), { failuresAfterLastSuccess: 0 });
    assert.equal(nextBackoffRecord(rec, [ok], [failedPod('d', '2024-01-01T00:00:40Z')]).failuresAfterLastSuccess, 1);
  });
});

describe('pod failure policy', () => {
  const job: Job = {
    spec: {
      podFailurePolicy: {
        rules: [
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
          { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
          { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1] } },
        ],
      },
    },
  };
  test('first matching rule wins', () => {
    assert.deepEqual(matchPodFailurePolicy(job, failedPod('p', '', 1, [{ type: 'DisruptionTarget', status: 'True' }])), { countFailed: false, action: 'Ignore' });
    assert.deepEqual(matchPodFailurePolicy(job, failedPod('p', '', 42)), {
      countFailed: true, action: 'FailJob',
      failJobMessage: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1',
    });
    assert.deepEqual(matchPodFailurePolicy(job, failedPod('p', '', 3)), { countFailed: true, action: 'Count' });
    assert.deepEqual(matchPodFailurePolicy(job, failedPod('p', '', 1)), { countFailed: true });
    assert.deepEqual(matchPodFailurePolicy({ spec: {} }, failedPod('p', '', 42)), { countFailed: true });
  });
});

describe('pod template', () => {
  const job: Job = {
    metadata: { name: 'j', namespace: 'ns', uid: 'u1' },
    spec: {
      completionMode: 'Indexed',
      template: {
        metadata: { labels: { a: 'b' }, finalizers: ['x'] },
        spec: { hostname: 'mine', containers: [{ name: 'c', env: [{ name: 'JOB_COMPLETION_INDEX', value: 'own' }] }, { name: 'd' }] },
      },
    },
  };
  test('indexed pods get the index, hostname, env and the tracking finalizer', () => {
    const p = podFromTemplate(job, 3);
    assert.equal(p.metadata?.generateName, 'j-3-');
    assert.deepEqual(p.metadata?.finalizers, ['x', 'batch.kubernetes.io/job-tracking']);
    assert.deepEqual(p.metadata?.labels, { a: 'b', 'batch.kubernetes.io/job-completion-index': '3' });
    assert.deepEqual(p.metadata?.annotations, { 'batch.kubernetes.io/job-completion-index': '3' });
    assert.equal(p.spec?.hostname, 'j-3');
    assert.deepEqual(p.spec?.containers?.[0]?.env, [{ name: 'JOB_COMPLETION_INDEX', value: 'own' }]);
    assert.equal(p.spec?.containers?.[1]?.env?.[0]?.name, 'JOB_COMPLETION_INDEX');
    assert.deepEqual(p.metadata?.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'u1', controller: true, blockOwnerDeletion: true }]);
    assert.equal(job.spec?.template?.spec?.hostname, 'mine', 'the Job is not changed');
    assert.equal(podFromTemplate({ ...job, metadata: { name: 'x'.repeat(60) } }, 12).metadata?.generateName, `${'x'.repeat(54)}-12-`);
  });
});
