// Watch and concurrency part of the Store conformance suite (see conformance.ts). Informers list
// at a revision and then watch from it: any gap or duplicate there is a controller acting on a
// wrong world, so these tests write concurrently while watches replay.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyExistsError, RevisionCompactedError, RevisionConflictError } from './types.js';
import type { Store, WatchEvent } from './types.js';
import type { WithStore } from './conformance.js';

const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Reads exactly `n` events, failing on timeout or on the end of the watch. */
export async function collect(it: AsyncIterator<WatchEvent>, n: number, ms = 10_000): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const deadline = Date.now() + ms;
  while (out.length < n) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), deadline - Date.now()); });
    const r = await Promise.race([it.next(), timeout]);
    clearTimeout(timer);
    if (r === 'timeout') assert.fail(`timed out after ${out.length} of ${n} events`);
    if (r.done === true) assert.fail(`watch ended after ${out.length} of ${n} events`);
    out.push(r.value);
  }
  return out;
}

function open(s: Store, prefix: string, after: number, ac: AbortController): AsyncIterator<WatchEvent> {
  return s.watch(prefix, after, ac.signal)[Symbol.asyncIterator]();
}

const summary = (evs: readonly WatchEvent[]): string[] =>
  evs.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}=${e.kv.value.toString()}` +
    (e.prev ? ` prev@${e.prev.modRevision}=${e.prev.value.toString()}` : ''));

export function watchConformance(withStore: WithStore): void {
  describe('watch', () => {
    test('replays history after the revision, then follows live writes', withStore(async (s) => {
      const a1 = await s.create('/p/a', buf('a1'));
      const b1 = await s.create('/p/b', buf('b1'));
      const a2 = await s.update('/p/a', buf('a2'), a1.modRevision);
      const ac = new AbortController();
      const it = open(s, '/p/', a1.modRevision, ac);
      const replayed = await collect(it, 2);
      assert.deepEqual(replayed, [{ type: 'create', kv: b1 }, { type: 'update', kv: a2, prev: a1 }]);
      const c1 = await s.create('/p/c', buf('c1'));
      assert.deepEqual(await collect(it, 1), [{ type: 'create', kv: c1 }]);
      ac.abort();
      assert.equal((await it.next()).done, true);
    }));

    test('sees only keys under its prefix', withStore(async (s) => {
      const ac = new AbortController();
      const it = open(s, '/registry/pods/default/', await s.currentRevision(), ac);
      await s.create('/registry/pods/default2/x', buf('x'));
      await s.create('/registry/pods/default', buf('y'));
      const a = await s.create('/registry/pods/default/a', buf('a'));
      const [ev] = await collect(it, 1);
      assert.deepEqual(ev, { type: 'create', kv: a });
      ac.abort();
    }));

    test('delete events carry the last value, update events the previous one, live and replayed', withStore(async (s) => {
      const start = await s.currentRevision();
      const ac = new AbortController();
      const live = open(s, '/k', start, ac);
      const v1 = await s.create('/k', buf('v1'));
      const v2 = await s.update('/k', buf('v2'), v1.modRevision);
      const del = await s.delete('/k');
      const expected = [
        { type: 'create', kv: v1 },
        { type: 'update', kv: v2, prev: v1 },
        { type: 'delete', kv: { ...v2, modRevision: del.modRevision }, prev: v2 },
      ];
      assert.deepEqual(await collect(live, 3), expected);
      assert.deepEqual(await collect(open(s, '/k', start, ac), 3), expected);
      ac.abort();
    }));

    test('watches started during concurrent writes see every event once, in order', withStore(async (s) => {
      const start = await s.currentRevision();
      const written: number[] = [];
      for (let wave = 0; wave < 6; wave++) {
        const kvs = await Promise.all(Array.from({ length: 100 }, (_, i) => s.create(`/w/pre-${wave}-${i}`, buf('x'))));
        written.push(...kvs.map((kv) => kv.modRevision));
      }
      const ac = new AbortController();
      const watchers: Promise<WatchEvent[]>[] = [];
      const total = 600 + 20 * 20;
      for (let wave = 0; wave < 20; wave++) {
        if (wave % 7 === 0) watchers.push(collect(open(s, '/w/', start, ac), total));
        const kvs = await Promise.all(Array.from({ length: 20 }, (_, i) => s.create(`/w/live-${wave}-${i}`, buf('y'))));
        written.push(...kvs.map((kv) => kv.modRevision));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      written.sort((a, b) => a - b);
      for (const events of await Promise.all(watchers)) {
        assert.deepEqual(events.map((e) => e.kv.modRevision), written);
        assert.ok(events.every((e) => e.type === 'create'));
      }
      ac.abort();
    }));

    test('from the current revision, only later writes are seen', withStore(async (s) => {
      await s.create('/p/old', buf('old'));
      const ac = new AbortController();
      const it = open(s, '/p/', await s.currentRevision(), ac);
      const fresh = await s.create('/p/new', buf('new'));
      assert.deepEqual(await collect(it, 1), [{ type: 'create', kv: fresh }]);
      ac.abort();
    }));

    test('aborting the signal ends a watch, waiting or not', withStore(async (s) => {
      await s.create('/p/a', buf('a'));
      const ac = new AbortController();
      const seen: string[] = [];
      const loop = (async () => {
        for await (const ev of s.watch('/p/', 0, ac.signal)) seen.push(ev.kv.key);
      })();
      for (let i = 0; seen.length === 0; i++) {
        if (i > 1000) assert.fail('the watch never replayed /p/a');
        await new Promise<void>((resolve) => setTimeout(resolve, 5));
      }
      ac.abort(); // the loop is now waiting for a live event that never comes
      await loop;
      assert.deepEqual(seen, ['/p/a']);
      const pre = new AbortController();
      pre.abort();
      for await (const ev of s.watch('/p/', 0, pre.signal)) assert.fail(`got ${summary([ev]).join()}`);
    }));

    test('from a compacted revision throws RevisionCompactedError; from the compacted one it works', withStore(async (s) => {
      const a1 = await s.create('/p/a', buf('a1'));
      await s.create('/p/b', buf('b1'));
      await s.delete('/p/b');
      const at = await s.currentRevision();
      const a2 = await s.update('/p/a', buf('a2'), a1.modRevision);
      await s.compact(at);
      const ac = new AbortController();
      await assert.rejects(open(s, '/p/', at - 1, ac).next(), (e: unknown) =>
        e instanceof RevisionCompactedError && e.requested === at - 1 && e.compacted === at);
      assert.deepEqual(await collect(open(s, '/p/', at, ac), 1), [{ type: 'update', kv: a2, prev: a1 }]);
      ac.abort();
    }));
  });

  describe('concurrent writes', () => {
    test('concurrent creates of one key: exactly one wins', withStore(async (s) => {
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => s.create('/k', buf(`v${i}`))));
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      assert.ok(results.every((r) => r.status === 'fulfilled' || r.reason instanceof KeyExistsError));
      const winner = won[0];
      assert.ok(winner?.status === 'fulfilled');
      assert.deepEqual(await s.get('/k'), winner.value);
    }));

    test('concurrent updates with one expected revision: exactly one wins', withStore(async (s) => {
      const base = await s.create('/k', buf('base'));
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => s.update('/k', buf(`v${i}`), base.modRevision)));
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      const winner = won[0];
      assert.ok(winner?.status === 'fulfilled');
      for (const r of results) {
        if (r.status === 'rejected') {
          assert.ok(r.reason instanceof RevisionConflictError);
          assert.deepEqual(r.reason.current, winner.value, 'the conflict carries the winning value');
        }
      }
      assert.deepEqual(await s.get('/k'), winner.value);
    }));

    test('many concurrent writes each get a distinct revision and all are stored', withStore(async (s) => {
      const n = 500;
      const kvs = await Promise.all(Array.from({ length: n }, (_, i) => s.create(`/m/${String(i).padStart(4, '0')}`, buf(`${i}`))));
      const revs = new Set(kvs.map((kv) => kv.modRevision));
      assert.equal(revs.size, n);
      assert.equal(await s.currentRevision(), Math.max(...revs));
      const listed = await s.list('/m/');
      assert.deepEqual(listed.items, kvs);
    }));

    test('a write that fails does not fail the writes committed with it', withStore(async (s) => {
      const existing = await s.create('/k', buf('1'));
      const [a, dup, stale, b] = await Promise.allSettled([
        s.create('/a', buf('a')), s.create('/k', buf('2')), s.update('/k', buf('3'), existing.modRevision - 1),
        s.create('/b', buf('b')),
      ]);
      assert.equal(a?.status, 'fulfilled');
      assert.equal(b?.status, 'fulfilled');
      assert.ok(dup?.status === 'rejected' && dup.reason instanceof KeyExistsError);
      assert.ok(stale?.status === 'rejected' && stale.reason instanceof RevisionConflictError);
      assert.equal((await s.list('')).items.length, 3);
    }));
  });
}
