import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyValue } from '../types.js';
import { SortedKV } from './sorted-kv.js';

const kv = (key: string, rev = 1): KeyValue => ({ key, value: Buffer.from(key), createRevision: rev, modRevision: rev });

/** A tiny deterministic PRNG (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('random inserts, replaces and deletes agree with a sorted reference, chunks splitting', () => {
  const rand = rng(7);
  const s = new SortedKV();
  const ref = new Map<string, KeyValue>();
  const nss = ['a', 'ab', 'b', 'kube-system', 'z'];
  for (let op = 0; op < 20_000; op++) {
    const key = `/registry/core/pods/${nss[Math.floor(rand() * nss.length)]}/p${Math.floor(rand() * 3000)}`;
    if (rand() < 0.3) {
      assert.equal(s.delete(key)?.key, ref.get(key)?.key);
      ref.delete(key);
    } else {
      const v = kv(key, op);
      s.set(v);
      ref.set(key, v);
    }
  }
  const sorted = [...ref.keys()].sort();
  assert.equal(s.size, sorted.length);
  assert.deepEqual([...s].map((x) => x.key), sorted);
  for (const k of sorted.slice(0, 200)) assert.equal(s.get(k), ref.get(k));
  assert.equal(s.get('/registry/core/pods/a/nope'), undefined);
  for (const ns of nss) {
    const prefix = `/registry/core/pods/${ns}/`;
    const want = sorted.filter((k) => k.startsWith(prefix));
    assert.equal(s.countPrefix(prefix), want.length);
    const all = s.page(prefix);
    assert.deepEqual(all.items.map((x) => x.key), want);
    assert.equal(all.more, false);
    // Paged: every key once, remaining counted after each page.
    const got: string[] = [];
    let after: string | undefined;
    for (;;) {
      const p = s.page(prefix, 97, after);
      got.push(...p.items.map((x) => x.key));
      assert.equal(p.remaining, want.length - got.length);
      assert.equal(p.more, got.length < want.length);
      if (!p.more) break;
      after = p.items[p.items.length - 1]!.key;
    }
    assert.deepEqual(got, want);
    const mid = want[Math.floor(want.length / 2)]!;
    assert.deepEqual([...s.scan(prefix, mid)].map((x) => x.key), want.filter((k) => k > mid));
    assert.equal(s.countPrefix(prefix, mid), want.filter((k) => k > mid).length);
  }
});

test('prefix ranges: start before the prefix, after it, and past every key', () => {
  const s = SortedKV.from(['/r/a/1', '/r/a/2', '/r/b/1', '/r/c/1'].map((k) => kv(k)));
  assert.deepEqual(s.page('/r/b/').items.map((x) => x.key), ['/r/b/1']);
  assert.deepEqual(s.page('/r/', 0, '/q').items.map((x) => x.key), ['/r/a/1', '/r/a/2', '/r/b/1', '/r/c/1']);
  assert.deepEqual(s.page('/r/', 2, '/r/a/1'), { items: [kv('/r/a/2'), kv('/r/b/1')], more: true, remaining: 1 });
  assert.deepEqual(s.page('/r/', 0, '/r/z').items, []);
  assert.deepEqual(s.page('/s/').items, []);
  assert.equal(s.countPrefix(''), 4);
  const unsorted = SortedKV.from([kv('/b'), kv('/a'), kv('/c')]);
  assert.deepEqual([...unsorted].map((x) => x.key), ['/a', '/b', '/c']);
});
