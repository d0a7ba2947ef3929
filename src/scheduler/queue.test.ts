// The scheduling queue with a fake clock: order, backoff, unschedulable pods and cluster events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../machinery/clock.js';
import type { Pod } from './api-types.js';
import { SchedulingQueue } from './queue.js';
import { testPod } from './test-objects.js';

class FakeClock implements Clock {
  t = 1_000_000;
  now(): number { return this.t; }
  sleep(): Promise<void> { return new Promise(() => undefined); }
  advance(ms: number): void { this.t += ms; }
}

function setup(o: { initial?: number; max?: number } = {}) {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock, backoffInitialMs: o.initial ?? 1000, backoffMaxMs: o.max ?? 10_000 });
  const add = (p: Pod) => { q.add(p, `${p.metadata?.namespace}/${p.metadata?.name}`); return p; };
  return { clock, q, add };
}

const created = (name: string, at: string, priority?: number): Pod => {
  const p = testPod(name);
  return { ...p, metadata: { ...p.metadata, creationTimestamp: at }, spec: { ...p.spec, ...(priority !== undefined ? { priority } : {}) } };
};

test('activeQ pops by priority, then by creation time, then arrival', () => {
  const { q, add } = setup();
  add(created('late', '2024-01-01T00:00:05Z'));
  add(created('early', '2024-01-01T00:00:01Z'));
  add(created('urgent', '2024-01-01T00:00:09Z', 1000));
  add(created('early-too', '2024-01-01T00:00:01Z'));
  const order = [q.tryPop(), q.tryPop(), q.tryPop(), q.tryPop()].map((x) => x?.pod.metadata?.name);
  assert.deepEqual(order, ['urgent', 'early', 'early-too', 'late']);
  assert.equal(q.tryPop(), undefined);
});

test('backoff doubles per attempt up to the maximum', () => {
  const { q } = setup({ initial: 1000, max: 10_000 });
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => q.backoffDuration(a)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
});

test('a pod no node fits waits as unschedulable; one failing with an error (no rejecting plugin) backs off', () => {
  const { q, add } = setup();
  add(testPod('p'));
  add(testPod('e'));
  const p = q.tryPop();
  const e = q.tryPop();
  assert.ok(p && e);
  q.requeueUnschedulable(p, new Set(['NodeResourcesFit']));
  q.requeueUnschedulable(e, new Set());
  assert.equal(q.whereIs('default/p'), 'unschedulable');
  assert.equal(q.whereIs('default/e'), 'backoff');
});

test('moveRequestCycle: events during an attempt send the pod to backoff, otherwise to unschedulable', () => {
  const { q, add, clock } = setup();
  add(testPod('p'));
  q.moveAll(); // an event before the attempt: does not count for it
  const a1 = q.tryPop();
  assert.ok(a1);
  q.requeueUnschedulable(a1, new Set(['NodeResourcesFit']));
  assert.equal(q.whereIs('default/p'), 'unschedulable');
  // Only events for the rejecting plugin move it.
  q.moveAll(new Set(['InterPodAffinity']));
  assert.equal(q.whereIs('default/p'), 'unschedulable');
  q.moveAll(new Set(['NodeResourcesFit']));
  assert.equal(q.whereIs('default/p'), 'backoff', 'still within its 1 s backoff');
  clock.advance(1000);
  q.flush();
  assert.equal(q.whereIs('default/p'), 'active');
  const a2 = q.tryPop();
  assert.ok(a2);
  assert.equal(a2.attempts, 2);
  q.moveAll(); // a node was added while this attempt ran
  q.requeueUnschedulable(a2, new Set(['NodeResourcesFit']));
  assert.equal(q.whereIs('default/p'), 'backoff');
  clock.advance(1999);
  q.flush();
  assert.equal(q.whereIs('default/p'), 'backoff', 'second backoff is 2 s');
  clock.advance(1);
  q.flush();
  assert.equal(q.whereIs('default/p'), 'active');
});

test('unschedulable pods are retried after 5 minutes without events; updates that matter retry at once', () => {
  const { q, add, clock } = setup();
  const p = add(testPod('p'));
  q.moveAll();
  const a = q.tryPop();
  assert.ok(a);
  q.requeueUnschedulable(a, new Set(['NodeAffinity']));
  assert.equal(q.whereIs('default/p'), 'unschedulable');
  // A status-only update (our own PodScheduled condition) changes nothing.
  q.update({ ...p, status: { conditions: [{ type: 'PodScheduled', status: 'False' }] } }, 'default/p');
  assert.equal(q.whereIs('default/p'), 'unschedulable');
  // A new nodeSelector might fit: back to the queue (backoff still running → backoffQ).
  q.update({ ...p, spec: { ...p.spec, nodeSelector: { a: 'b' } } }, 'default/p');
  assert.equal(q.whereIs('default/p'), 'backoff');
  clock.advance(1000);
  q.flush();
  const b = q.tryPop();
  assert.ok(b);
  q.requeueUnschedulable(b, new Set(['NodeAffinity']));
  assert.equal(q.whereIs('default/p'), 'unschedulable');
  clock.advance(5 * 60_000 + 1);
  q.flush();
  assert.equal(q.whereIs('default/p'), 'active');
});

test('errors go to backoff; gated pods wait for their gates; deleted pods leave; pop waits', async () => {
  const { q, add, clock } = setup({ initial: 100 });
  add(testPod('e'));
  const e = q.tryPop();
  assert.ok(e);
  q.requeueBackoff(e);
  assert.equal(q.whereIs('default/e'), 'backoff');
  q.delete('default/e');
  assert.equal(q.whereIs('default/e'), undefined);
  const gated = add({ ...testPod('g'), spec: { ...testPod('g').spec, schedulingGates: [{ name: 'wait' }] } });
  assert.equal(q.whereIs('default/g'), 'gated');
  const waiting = q.pop();
  q.update({ ...gated, spec: { ...gated.spec, schedulingGates: [] } }, 'default/g');
  const got = await waiting;
  assert.equal(got?.pod.metadata?.name, 'g');
  // A pod deleted while being scheduled is not requeued.
  q.delete('default/g');
  q.requeueUnschedulable(got!, new Set(['X']));
  assert.equal(q.whereIs('default/g'), undefined);
  clock.advance(1);
  const closed = q.pop();
  q.close();
  assert.equal(await closed, undefined);
});
