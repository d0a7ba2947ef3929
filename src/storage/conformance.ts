// The shared Store conformance suite (hono's runTest idea): every backend runs the same tests, so
// SQLite and etcd give the API server identical semantics. Kube relies on each property here:
// resourceVersion is the modRevision, optimistic concurrency is the expected revision, paging is
// limit/continue at one revision, and informers need gap-free watches that resume from a revision.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FutureRevisionError, KeyExistsError, KeyNotFoundError, RevisionCompactedError, RevisionConflictError,
} from './types.js';
import type { KeyValue, Store } from './types.js';
import { watchConformance } from './conformance-watch.js';

export const buf = (s: string): Buffer => Buffer.from(s, 'utf8');
export const text = (kv: KeyValue | undefined): string | undefined => kv?.value.toString('utf8');
export const keys = (kvs: readonly KeyValue[]): string[] => kvs.map((kv) => kv.key);

export type StoreTest = (s: Store) => Promise<void>;
export type WithStore = (fn: StoreTest) => () => Promise<void>;

/** Registers the suite under `describe(name)`; `open` must return a fresh, empty store each call. */
export function storeConformance(name: string, open: () => Promise<Store>): void {
  const withStore: WithStore = (fn) => async () => {
    const store = await open();
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };

  describe(`Store conformance: ${name}`, () => {
    describe('single keys', () => singleKeyTests(withStore));
    describe('list', () => listTests(withStore));
    describe('compaction', () => compactionTests(withStore));
    watchConformance(withStore);
  });
}

function singleKeyTests(withStore: WithStore): void {
  test('create stores the value; get returns it; absent keys are undefined', withStore(async (s) => {
    const before = await s.currentRevision();
    const kv = await s.create('/registry/pods/default/a', buf('{"a":1}'));
    assert.equal(kv.key, '/registry/pods/default/a');
    assert.equal(text(kv), '{"a":1}');
    assert.ok(kv.modRevision > before, 'a write takes a revision after the current one');
    assert.equal(kv.createRevision, kv.modRevision);
    assert.equal(await s.currentRevision(), kv.modRevision);
    assert.deepEqual(await s.get('/registry/pods/default/a'), kv);
    assert.equal(await s.get('/registry/pods/default/b'), undefined);
  }));

  test('binary and empty values round-trip, and the caller may reuse its buffer', withStore(async (s) => {
    const bytes = Buffer.from([0, 255, 1, 0, 128]);
    await s.create('/bin', bytes);
    bytes.fill(7);
    assert.deepEqual((await s.get('/bin'))?.value, Buffer.from([0, 255, 1, 0, 128]));
    await s.create('/empty', Buffer.alloc(0));
    assert.equal((await s.get('/empty'))?.value.length, 0);
  }));

  test('create of an existing key throws KeyExistsError and takes no revision', withStore(async (s) => {
    await s.create('/k', buf('1'));
    const rev = await s.currentRevision();
    await assert.rejects(s.create('/k', buf('2')), (e: unknown) => e instanceof KeyExistsError && e.key === '/k');
    assert.equal(text(await s.get('/k')), '1');
    assert.equal(await s.currentRevision(), rev);
  }));

  test('update with the current revision replaces the value and keeps createRevision', withStore(async (s) => {
    const created = await s.create('/k', buf('1'));
    const updated = await s.update('/k', buf('2'), created.modRevision);
    assert.equal(text(updated), '2');
    assert.equal(updated.createRevision, created.createRevision);
    assert.ok(updated.modRevision > created.modRevision);
    assert.deepEqual(await s.get('/k'), updated);
  }));

  test('update with a stale revision throws RevisionConflictError carrying the current value', withStore(async (s) => {
    const created = await s.create('/k', buf('1'));
    const updated = await s.update('/k', buf('2'), created.modRevision);
    const rev = await s.currentRevision();
    await assert.rejects(s.update('/k', buf('3'), created.modRevision), (e: unknown) => {
      assert.ok(e instanceof RevisionConflictError);
      assert.equal(e.key, '/k');
      assert.deepEqual(e.current, updated);
      return true;
    });
    assert.equal(text(await s.get('/k')), '2');
    assert.equal(await s.currentRevision(), rev, 'a failed write takes no revision');
  }));

  test('update or delete of an absent key throws KeyNotFoundError', withStore(async (s) => {
    await assert.rejects(s.update('/nope', buf('1'), 1), (e: unknown) => e instanceof KeyNotFoundError && e.key === '/nope');
    await assert.rejects(s.delete('/nope'), KeyNotFoundError);
    await assert.rejects(s.delete('/nope', 1), KeyNotFoundError);
  }));

  test('delete returns the last value at the delete revision; a re-create starts anew', withStore(async (s) => {
    const created = await s.create('/k', buf('1'));
    const updated = await s.update('/k', buf('2'), created.modRevision);
    const deleted = await s.delete('/k', updated.modRevision);
    assert.equal(text(deleted), '2');
    assert.equal(deleted.createRevision, created.createRevision);
    assert.ok(deleted.modRevision > updated.modRevision);
    assert.equal(await s.currentRevision(), deleted.modRevision);
    assert.equal(await s.get('/k'), undefined);
    await assert.rejects(s.delete('/k'), KeyNotFoundError);
    const again = await s.create('/k', buf('3'));
    assert.ok(again.createRevision > deleted.modRevision);
    assert.equal(again.createRevision, again.modRevision);
  }));

  test('delete with a stale expected revision conflicts and keeps the key', withStore(async (s) => {
    const created = await s.create('/k', buf('1'));
    const updated = await s.update('/k', buf('2'), created.modRevision);
    await assert.rejects(s.delete('/k', created.modRevision), (e: unknown) =>
      e instanceof RevisionConflictError && e.current.modRevision === updated.modRevision);
    assert.equal(text(await s.get('/k')), '2');
    const unconditional = await s.delete('/k');
    assert.equal(text(unconditional), '2');
  }));

  test('revisions are one global counter, strictly increasing across keys', withStore(async (s) => {
    const revs: number[] = [];
    for (const k of ['/a', '/b', '/c']) revs.push((await s.create(k, buf(k))).modRevision);
    revs.push((await s.update('/a', buf('a2'), revs[0] ?? 0)).modRevision);
    revs.push((await s.delete('/b')).modRevision);
    for (let i = 1; i < revs.length; i++) assert.ok((revs[i] ?? 0) > (revs[i - 1] ?? 0), `revisions ${revs.join(',')}`);
    assert.equal(await s.currentRevision(), revs[revs.length - 1]);
  }));
}

function listTests(withStore: WithStore): void {
  const seed = async (s: Store, ks: readonly string[]): Promise<void> => {
    for (const k of ks) await s.create(k, buf(k));
  };

  test('a prefix matches only keys under it, in key order; count agrees', withStore(async (s) => {
    await seed(s, [
      '/registry/pods/default2/x', '/registry/pods/default/b', '/registry/pods/default',
      '/registry/pods/default/a', '/registry/pods/kube-system/c', '/registry/services/default/a',
    ]);
    const res = await s.list('/registry/pods/default/');
    assert.deepEqual(keys(res.items), ['/registry/pods/default/a', '/registry/pods/default/b']);
    assert.equal(res.more, false);
    assert.equal(res.remaining, 0);
    assert.equal(res.revision, await s.currentRevision());
    assert.equal(text(res.items[0]), '/registry/pods/default/a');
    assert.deepEqual(keys((await s.list('/registry/pods/')).items), [
      '/registry/pods/default', '/registry/pods/default/a', '/registry/pods/default/b',
      '/registry/pods/default2/x', '/registry/pods/kube-system/c',
    ]);
    assert.equal((await s.list('')).items.length, 6);
    assert.equal(await s.count('/registry/pods/default/'), 2);
    assert.equal(await s.count('/registry/pods/'), 5);
    assert.equal(await s.count('/registry/nodes/'), 0);
    await s.delete('/registry/pods/default/a');
    assert.deepEqual(keys((await s.list('/registry/pods/default/')).items), ['/registry/pods/default/b']);
    assert.equal(await s.count('/registry/pods/default/'), 1);
  }));

  test('limit and startAfter page through a list, with remaining counts', withStore(async (s) => {
    const all = ['/p/a', '/p/b', '/p/c', '/p/d', '/p/e', '/p/f', '/p/g'];
    await seed(s, [...all].reverse());
    await seed(s, ['/pz', '/o']);
    const p1 = await s.list('/p/', { limit: 3 });
    assert.deepEqual(keys(p1.items), ['/p/a', '/p/b', '/p/c']);
    assert.equal(p1.more, true);
    assert.equal(p1.remaining, 4);
    const p2 = await s.list('/p/', { limit: 3, startAfter: '/p/c', revision: p1.revision });
    assert.deepEqual(keys(p2.items), ['/p/d', '/p/e', '/p/f']);
    assert.equal(p2.remaining, 1);
    const p3 = await s.list('/p/', { limit: 3, startAfter: '/p/f', revision: p1.revision });
    assert.deepEqual(keys(p3.items), ['/p/g']);
    assert.equal(p3.more, false);
    assert.equal(p3.remaining, 0);
    const exact = await s.list('/p/', { limit: 7 });
    assert.equal(exact.more, false, 'a page that holds everything left is the last');
    assert.equal(exact.items.length, 7);
  }));

  test('paging at a fixed revision ignores writes made between pages', withStore(async (s) => {
    await seed(s, ['/p/a', '/p/b', '/p/c', '/p/d']);
    const p1 = await s.list('/p/', { limit: 2 });
    await s.create('/p/bb', buf('new'));
    await s.delete('/p/d');
    await s.update('/p/c', buf('changed'), (await s.get('/p/c'))?.modRevision ?? 0);
    const p2 = await s.list('/p/', { limit: 2, startAfter: '/p/b', revision: p1.revision });
    assert.deepEqual(keys(p2.items), ['/p/c', '/p/d']);
    assert.equal(text(p2.items[0]), '/p/c');
    assert.equal(p2.revision, p1.revision);
    assert.deepEqual(keys((await s.list('/p/')).items), ['/p/a', '/p/b', '/p/bb', '/p/c']);
  }));

  test('list and get at an older revision show the state as it was then', withStore(async (s) => {
    const a1 = await s.create('/p/a', buf('a1'));
    const b1 = await s.create('/p/b', buf('b1'));
    const a2 = await s.update('/p/a', buf('a2'), a1.modRevision);
    const bDel = await s.delete('/p/b');
    await s.create('/p/c', buf('c1'));
    const atB1 = await s.list('/p/', { revision: b1.modRevision });
    assert.equal(atB1.revision, b1.modRevision);
    assert.deepEqual(atB1.items, [a1, b1]);
    const atDel = await s.list('/p/', { revision: bDel.modRevision });
    assert.deepEqual(atDel.items, [a2]);
    assert.deepEqual(await s.get('/p/a', a1.modRevision), a1);
    assert.deepEqual(await s.get('/p/b', b1.modRevision), b1);
    assert.equal(await s.get('/p/b', bDel.modRevision), undefined);
    assert.equal(await s.get('/p/c', a2.modRevision), undefined);
    const paged = await s.list('/p/', { revision: b1.modRevision, limit: 1 });
    assert.deepEqual(paged.items, [a1]);
    assert.equal(paged.more, true);
    assert.equal(paged.remaining, 1);
  }));

  test('reading at a future revision throws FutureRevisionError', withStore(async (s) => {
    await s.create('/k', buf('1'));
    const future = (await s.currentRevision()) + 10;
    await assert.rejects(s.list('/', { revision: future }), FutureRevisionError);
    await assert.rejects(s.get('/k', future), FutureRevisionError);
  }));
}

function compactionTests(withStore: WithStore): void {
  test('compaction keeps the state at the compacted revision and refuses older reads', withStore(async (s) => {
    const x1 = await s.create('/p/x', buf('x1'));
    const y1 = await s.create('/p/y', buf('y1'));
    const y2 = await s.update('/p/y', buf('y2'), y1.modRevision);
    await s.create('/p/z', buf('z1'));
    await s.delete('/p/z');
    const at = await s.currentRevision();
    const x2 = await s.update('/p/x', buf('x2'), x1.modRevision); // after the compacted revision
    await s.compact(at);
    assert.equal(await s.compactedRevision(), at);
    // x's value at `at` was written long before it and replaced after it: it must survive.
    assert.deepEqual((await s.list('/p/', { revision: at })).items, [x1, y2]);
    assert.deepEqual(await s.get('/p/x', at), x1);
    assert.deepEqual((await s.list('/p/')).items, [x2, y2]);
    await assert.rejects(s.list('/p/', { revision: at - 1 }), (e: unknown) =>
      e instanceof RevisionCompactedError && e.compacted === at);
    await assert.rejects(s.get('/p/y', y1.modRevision), RevisionCompactedError);
    // Compacting to an older revision is a no-op; to a future one is an error (as etcd).
    await s.compact(at - 1);
    assert.equal(await s.compactedRevision(), at);
    await assert.rejects(s.compact((await s.currentRevision()) + 1), FutureRevisionError);
  }));
}
