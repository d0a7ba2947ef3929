import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compactionTarget, startCompactor } from './compactor.js';
import { openSqliteStore } from './sqlite/index.js';

describe('compactor', () => {
  test('the target keeps the newest revisions and, with an age rule, everything younger', () => {
    assert.equal(compactionTarget(100, [], 0, 10, 0), 90);
    assert.equal(compactionTarget(5, [], 0, 10, 0), undefined);
    const samples = [{ at: 0, revision: 40 }, { at: 60_000, revision: 70 }, { at: 120_000, revision: 100 }];
    assert.equal(compactionTarget(100, samples, 120_000, 10, 60_000), 70);
    assert.equal(compactionTarget(100, samples, 120_000, 50, 60_000), 50);
    assert.equal(compactionTarget(100, samples, 30_000, 10, 60_000), undefined, 'nothing is old enough yet');
  });

  test('compacts the store on each pass, keeping the window', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    let now = 0;
    const c = startCompactor(store, { intervalMs: 3_600_000, keepRevisions: 10, keepMs: 60_000, now: () => now });
    for (let i = 0; i < 30; i++) await store.create(`/k/${i}`, Buffer.from('x'));
    const first = await store.currentRevision();
    assert.equal(await c.runOnce(), undefined, 'nothing is a minute old yet');
    for (let i = 30; i < 60; i++) await store.create(`/k/${i}`, Buffer.from('x'));
    now = 61_000;
    assert.equal(await c.runOnce(), first);
    assert.equal(await store.compactedRevision(), first);
    assert.equal(await store.count('/k/'), 60, 'current values are kept');
    await c.stop();
    await store.close();
  });
});
