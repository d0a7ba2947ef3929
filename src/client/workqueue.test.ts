import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorkQueue } from './workqueue.js';

test('a key added many times is handed out once', async () => {
  const q = createWorkQueue();
  q.add('a'); q.add('a'); q.add('b'); q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.len(), 0);
});

test('a key added while being processed comes back after done(), never to two workers at once', async () => {
  const q = createWorkQueue();
  q.add('a');
  const k = await q.get();
  q.add('a');
  assert.equal(q.len(), 0, 'not handed out while processing');
  let second: string | undefined;
  void q.get().then((v) => { second = v; });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(second, undefined);
  q.done(k!);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(second, 'a');
});

test('addRateLimited backs off exponentially until forget', async () => {
  const q = createWorkQueue({ baseDelayMs: 20 });
  const times: number[] = [];
  const start = Date.now();
  for (let i = 0; i < 3; i++) {
    q.addRateLimited('k');
    const k = await q.get();
    times.push(Date.now() - start);
    q.done(k!);
  }
  // 20, 20+40, 20+40+80
  assert.ok(times[0]! >= 15 && times[1]! >= 55 && times[2]! >= 130, `delays ${times.join(',')}`);
  q.forget('k');
  const t0 = Date.now();
  q.addRateLimited('k');
  await q.get();
  assert.ok(Date.now() - t0 < 60, 'back to the base delay after forget');
});

test('addAfter keeps the earliest wake-up; shutDown releases waiters', async () => {
  const q = createWorkQueue();
  q.addAfter('x', 1000);
  q.addAfter('x', 10);
  const t0 = Date.now();
  assert.equal(await q.get(), 'x');
  assert.ok(Date.now() - t0 < 500);
  const waiting = q.get();
  q.shutDown();
  assert.equal(await waiting, undefined);
});
