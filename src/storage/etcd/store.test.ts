import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd } from '../../../test/helpers/etcd.js';
import type { EtcdCluster } from '../../../test/helpers/etcd.js';
import { storeConformance } from '../conformance.js';
import { KeyExistsError, RevisionCompactedError, RevisionConflictError } from '../types.js';
import type { KeyValue, Store, WatchEvent } from '../types.js';
import { prefixEnd } from './keys.js';
import { openEtcdStore } from './store.js';

const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

// One etcd serves the conformance suite, each store under a key prefix of its own. Compaction is
// etcd-wide, though: after a test compacts, the next store gets a fresh etcd, so that every store
// starts with its whole (empty) history watchable, as a new SQLite store does.
let shared: EtcdCluster | undefined;
let opened = 0;
after(async () => { await shared?.stop(); });

async function uncompactedEtcd(): Promise<EtcdCluster> {
  if (shared !== undefined) {
    const probe = await openEtcdStore({ endpoints: shared.endpoints });
    const compacted = await probe.compactedRevision().finally(() => probe.close());
    if (compacted === 0) return shared;
    await shared.stop();
  }
  shared = await startEtcd();
  return shared;
}

storeConformance('etcd', async () =>
  openEtcdStore({ endpoints: (await uncompactedEtcd()).endpoints, keyPrefix: `/conformance-${opened++}/` }));

/** Runs `fn` with a fresh cluster, stopped afterwards. */
async function withEtcd(members: 1 | 3, fn: (c: EtcdCluster) => Promise<void>, tls = false): Promise<void> {
  const c = await startEtcd({ members, tls });
  try {
    await fn(c);
  } finally {
    await c.stop();
  }
}

/** Collects a watch's events into `into` until aborted; resolves with its error, if any. */
function drain(s: Store, prefix: string, after: number, signal: AbortSignal, into: WatchEvent[]): Promise<unknown> {
  return (async () => {
    for await (const ev of s.watch(prefix, after, signal)) into.push(ev);
  })().then(() => undefined, (e: unknown) => e);
}

async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('etcd store', () => {
  test('prefix ranges end after the last key with the prefix', () => {
    assert.deepEqual(prefixEnd(Buffer.from('/a/')), Buffer.from('/a0'));
    assert.deepEqual(prefixEnd(Buffer.from([0x61, 0xff, 0xff])), Buffer.from([0x62]));
    assert.deepEqual(prefixEnd(Buffer.from([0xff])), Buffer.from([0]), 'no end: every key from the prefix on');
  });

  test('three members: losing the leader (twice) loses no acknowledged write and no watch event', async () => {
    await withEtcd(3, async (c) => {
      // The store talks to the leader first, so the kill hits both its connection and the raft leader.
      const first = await c.leader();
      const order = [first, ...[0, 1, 2].filter((i) => i !== first)];
      const s = await openEtcdStore({ endpoints: order.map((i) => c.endpoints[i] as string) });
      try {
        const start = await s.currentRevision();
        const ac = new AbortController();
        const seen: WatchEvent[] = [];
        const watching = drain(s, '/f/', start, ac.signal, seen);
        const acked: KeyValue[] = [];
        let failed = 0;
        let n = 0;
        const write = async (mustSucceed: boolean): Promise<void> => {
          const key = `/f/${String(n++).padStart(5, '0')}`;
          try {
            acked.push(await s.create(key, buf(key)));
          } catch (e) {
            // A write in flight on the killed member may or may not have happened (as with any
            // etcd client); it is reported, never retried behind the caller's back.
            if (mustSucceed) throw e;
            failed++;
          }
        };
        const writeMany = async (count: number, mustSucceed: boolean): Promise<void> => {
          for (let i = 0; i < count; i++) await write(mustSucceed);
        };

        await writeMany(30, true);
        await Promise.all([c.killMember(first), writeMany(30, false)]);
        await writeMany(30, true);
        await c.restartMember(first);
        const second = await c.leader();
        await Promise.all([c.killMember(second), writeMany(30, false)]);
        await writeMany(30, true);
        assert.ok(failed <= 4, `${failed} writes failed around the two kills`);

        const listed = await s.list('/f/');
        const byKey = new Map(listed.items.map((kv) => [kv.key, kv]));
        for (const kv of acked) assert.deepEqual(byKey.get(kv.key), kv, `acknowledged ${kv.key} is readable`);

        const last = acked[acked.length - 1]?.modRevision ?? 0;
        await until('the watch to deliver every write', () => (seen[seen.length - 1]?.kv.modRevision ?? 0) >= last);
        const revs = seen.map((e) => e.kv.modRevision);
        for (let i = 1; i < revs.length; i++) assert.ok((revs[i] ?? 0) > (revs[i - 1] ?? 0), 'no duplicates, in order');
        // Exactly what the store holds: acknowledged writes, plus any unacknowledged one that happened.
        assert.deepEqual(seen.map((e) => e.kv), listed.items);
        assert.ok(seen.every((e) => e.type === 'create'));
        ac.abort();
        assert.equal(await watching, undefined);
      } finally {
        await s.close();
      }
    });
  });

  test('two stores on one etcd (two servers) see each other\'s writes and conflicts', async () => {
    await withEtcd(1, async (c) => {
      const a = await openEtcdStore({ endpoints: c.endpoints, keyPrefix: '/registry/' });
      const b = await openEtcdStore({ endpoints: c.urls, keyPrefix: '/registry/' });
      try {
        const ac = new AbortController();
        const seen: WatchEvent[] = [];
        const watching = drain(a, 'pods/', await a.currentRevision(), ac.signal, seen);
        const created = await b.create('pods/x', buf('1'));
        await until('A to see B\'s create', () => seen.length === 1);
        assert.deepEqual(seen, [{ type: 'create', kv: created }]);
        assert.deepEqual(await a.get('pods/x'), created);

        const stale = (await a.get('pods/x')) as KeyValue;
        const byB = await b.update('pods/x', buf('2'), stale.modRevision);
        await assert.rejects(a.update('pods/x', buf('3'), stale.modRevision), (e: unknown) =>
          e instanceof RevisionConflictError && e.key === 'pods/x' && assert.deepEqual(e.current, byB) === undefined);
        await assert.rejects(a.delete('pods/x', stale.modRevision), RevisionConflictError);
        await assert.rejects(a.create('pods/x', buf('4')), KeyExistsError);
        const deleted = await a.delete('pods/x', byB.modRevision);
        await until('A to see the update and the delete', () => seen.length === 3);
        assert.deepEqual(seen.slice(1), [
          { type: 'update', kv: byB, prev: created },
          { type: 'delete', kv: deleted, prev: byB },
        ]);
        assert.equal(await b.get('pods/x'), undefined);
        ac.abort();
        assert.equal(await watching, undefined);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  test('two stores compacting at once: the compacted revision only grows and both see it', async () => {
    await withEtcd(1, async (c) => {
      const a = await openEtcdStore({ endpoints: c.endpoints, keyPrefix: '/a/' });
      const b = await openEtcdStore({ endpoints: c.endpoints, keyPrefix: '/b/' });
      try {
        let kv = await a.create('k', buf('0'));
        const revs: number[] = [kv.modRevision];
        for (let i = 1; i <= 40; i++) {
          kv = await a.update('k', buf(String(i)), kv.modRevision);
          revs.push(kv.modRevision);
        }
        let highest = 0;
        for (let round = 0; round < 8; round++) {
          const targets = [revs[round * 4 + 3], revs[round * 4 + 1], revs[round * 4 + 4], revs[round * 4 + 2]] as number[];
          await Promise.all(targets.map((t, i) => (i % 2 === 0 ? a : b).compact(t)));
          highest = Math.max(highest, ...targets);
          assert.equal(await a.compactedRevision(), highest);
          assert.equal(await b.compactedRevision(), highest);
        }
        // Compacting below the record is a no-op, whoever asks.
        await b.compact(highest - 3);
        assert.equal(await a.compactedRevision(), highest);
        // etcd itself dropped the history: both stores refuse older reads and watches.
        for (const s of [a, b]) {
          await assert.rejects(s.get('k', highest - 1), (e: unknown) => e instanceof RevisionCompactedError && e.compacted === highest);
          await assert.rejects(s.watch('', highest - 1, new AbortController().signal)[Symbol.asyncIterator]().next(),
            RevisionCompactedError);
        }
        assert.equal((await a.get('k', highest))?.value.toString(), revs.indexOf(highest).toString());
        // A store that never compacted learns etcd's compacted revision when etcd refuses a watch.
        const fresh = await openEtcdStore({ endpoints: c.endpoints, compactKey: 'someone-elses-record' });
        try {
          assert.equal(await fresh.compactedRevision(), 0);
          await assert.rejects(fresh.watch('', 1, new AbortController().signal)[Symbol.asyncIterator]().next(),
            (e: unknown) => e instanceof RevisionCompactedError && e.compacted === highest);
          assert.equal(await fresh.compactedRevision(), highest);
        } finally {
          await fresh.close();
        }
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  test('TLS with client certificates; refused without them', async () => {
    await withEtcd(1, async (c) => {
      assert.ok(c.tls);
      const s = await openEtcdStore({ endpoints: c.endpoints, ...c.tls });
      try {
        const ac = new AbortController();
        const seen: WatchEvent[] = [];
        const watching = drain(s, '/t/', await s.currentRevision(), ac.signal, seen);
        const kv = await s.create('/t/a', buf('secret'));
        assert.deepEqual(await s.get('/t/a'), kv);
        await until('the watch over TLS', () => seen.length === 1);
        ac.abort();
        assert.equal(await watching, undefined);
      } finally {
        await s.close();
      }
      const https = await openEtcdStore({ endpoints: c.urls, ...c.tls });
      assert.equal((await https.get('/t/a'))?.value.toString(), 'secret');
      await https.close();
      await assert.rejects(openEtcdStore({ endpoints: c.endpoints, caFile: c.tls.caFile, dialTimeoutMs: 1_500 }), /no member reachable/);
      await assert.rejects(openEtcdStore({ endpoints: c.endpoints, dialTimeoutMs: 1_500 }), /no member reachable/);
    }, true);
  });

  test('close ends running watches', async () => {
    await withEtcd(1, async (c) => {
      const s = await openEtcdStore({ endpoints: c.endpoints });
      const seen: WatchEvent[] = [];
      const watching = drain(s, '/', 0, new AbortController().signal, seen);
      await s.create('/a', buf('a'));
      await until('the event', () => seen.length === 1);
      await s.close();
      assert.equal(await watching, undefined);
      await assert.rejects(s.get('/a'), /closed/);
    });
  });
});
