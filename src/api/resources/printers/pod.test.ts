import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../machinery/object.js';
import { podTable, summarizePod } from './pod.js';

const NOW = Date.parse('2025-01-10T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace('.000Z', 'Z');

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', creationTimestamp: ago(3600), ...meta },
    spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec },
    status,
  };
}

const running = (name: string, ready = true, restartCount = 0) => ({
  name, ready, restartCount, started: true, state: { running: { startedAt: ago(600) } },
});

describe('pod table', () => {
  test('columns are kube\'s, with the wide ones at priority 1', () => {
    assert.deepEqual(podTable.columns.map((c) => [c.name, c.priority]), [
      ['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0],
      ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
    ]);
    assert.equal(podTable.columns[0]?.format, 'name');
  });

  test('a crash-looping pod shows CrashLoopBackOff and when it last restarted', () => {
    const p = pod({ nodeName: 'node-1' }, {
      phase: 'Running',
      podIP: '10.42.0.7', podIPs: [{ ip: '10.42.0.7' }],
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{
        name: 'app', ready: false, restartCount: 5, started: false,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(125) } },
      }],
    });
    assert.deepEqual(podTable.row(p, NOW), ['web-0', '0/1', 'CrashLoopBackOff', '5 (2m5s ago)', '60m', '10.42.0.7', 'node-1', '<none>', '<none>']);
  });

  test('a running pod counts ready containers; restarts without a last termination time are a bare count', () => {
    const p = pod({ containers: [{ name: 'a' }, { name: 'b' }] }, {
      phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [running('a', true, 2), running('b', false)],
    });
    assert.deepEqual(summarizePod(p, NOW), { ready: '1/2', status: 'Running', restarts: '2' });
  });

  test('a pending pod shows its phase, and a scheduling gate wins over it', () => {
    assert.equal(summarizePod(pod({}, { phase: 'Pending' }), NOW).status, 'Pending');
    const gated = pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
    assert.equal(summarizePod(gated, NOW).status, 'SchedulingGated');
  });

  test('init containers: Init:i/n while running, Init:<reason> when failing', () => {
    const spec = { initContainers: [{ name: 'migrate' }, { name: 'seed' }] };
    const firstDone = { name: 'migrate', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } };
    const p = pod(spec, {
      phase: 'Pending',
      initContainerStatuses: [firstDone, { name: 'seed', ready: false, restartCount: 0, state: { running: {} } }],
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    });
    assert.deepEqual(summarizePod(p, NOW), { ready: '0/1', status: 'Init:1/2', restarts: '0' });

    const failing = pod(spec, {
      phase: 'Pending',
      initContainerStatuses: [firstDone, {
        name: 'seed', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 2, finishedAt: ago(30) } },
      }],
    });
    assert.deepEqual(summarizePod(failing, NOW), { ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '3 (30s ago)' });

    const exited = pod(spec, { phase: 'Failed', initContainerStatuses: [{ name: 'migrate', restartCount: 0, state: { terminated: { exitCode: 3 } } }] });
    assert.equal(summarizePod(exited, NOW).status, 'Init:ExitCode:3');
  });

  test('a sidecar (restartable init container) counts as a container once started', () => {
    const p = pod({ initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] }, {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
      initContainerStatuses: [{ ...running('proxy', true, 1), lastState: { terminated: { exitCode: 1, finishedAt: ago(300) } } }],
      containerStatuses: [running('app')],
    });
    assert.deepEqual(summarizePod(p, NOW), { ready: '2/2', status: 'Running', restarts: '1 (5m ago)' });
  });

  test('completed pods, and a completed container beside a running one', () => {
    const done = pod({}, {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    });
    assert.deepEqual(summarizePod(done, NOW), { ready: '0/1', status: 'Completed', restarts: '0' });

    const mixed = pod({ containers: [{ name: 'app' }, { name: 'job' }] }, {
      phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [running('app'), { name: 'job', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    });
    assert.equal(summarizePod(mixed, NOW).status, 'Running');
    const notReady = structuredClone(mixed);
    (notReady['status'] as { conditions: unknown[] }).conditions = [{ type: 'Ready', status: 'False' }];
    assert.equal(summarizePod(notReady, NOW).status, 'NotReady');
  });

  test('terminated containers without a reason show their exit code or signal', () => {
    const p = pod({}, { phase: 'Running', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }] });
    assert.equal(summarizePod(p, NOW).status, 'Signal:9');
    const q = pod({}, { phase: 'Running', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 2 } } }] });
    assert.equal(summarizePod(q, NOW).status, 'ExitCode:2');
  });

  test('a deleted pod is Terminating, or Unknown when its node is lost; finished pods keep their status', () => {
    const deleting = { deletionTimestamp: ago(5) };
    assert.equal(summarizePod(pod({}, { phase: 'Running', containerStatuses: [running('app')] }, deleting), NOW).status, 'Terminating');
    assert.equal(summarizePod(pod({}, { phase: 'Running', reason: 'NodeLost' }, deleting), NOW).status, 'Unknown');
    const done = pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, deleting);
    assert.equal(summarizePod(done, NOW).status, 'Completed');
  });

  test('wide cells: nominated node and readiness gates', () => {
    const p = pod({ readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] }, {
      phase: 'Pending', nominatedNodeName: 'node-2',
      conditions: [{ type: 'example.com/lb', status: 'True' }, { type: 'example.com/dns', status: 'False' }],
    });
    assert.deepEqual(podTable.row(p, NOW).slice(5), ['<none>', '<none>', 'node-2', '1/2']);
  });
});
