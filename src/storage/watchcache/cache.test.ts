import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeConformance } from '../conformance.js';
import { collect } from '../conformance-watch.js';
import { openSqliteStore, WatchOverflowError } from '../sqlite/index.js';
import {
  KeyExistsError, KeyNotFoundError, RevisionCompactedError, RevisionConflictError,
} from '../types.js';
import type { KeyValue, ListOptions, Store, WatchEvent } from '../types.js';
import { withWatchCache } from './index.js';
import type { CachedStore, WatchCacheOptions } from './index.js';

const buf = (s: string): Buffer => Buffer.from(s, 'utf8');
const keys = (kvs: readonly KeyValue[]): string[] => kvs.map((kv) => kv.key);
const POD = (ns: string, name: string): string => `/registry/core/pods/${ns}/${name}`;
const PODS = '/registry/core/pods/';

// ---- the shared suite, as the API server uses the cache ----

storeConformance('watch cache over sqlite', async () => withWatchCache(await openSqliteStore({ path: ':memory:' })));

/**
 * The conformance suite's keys are mostly outside /registry/<group>/<resource>/ and so pass
 * through; here every key is moved under /registry/x/, so '/p/' is a cached resource and the suite
 * runs against the cache itself.
 */
const ROOT = '/registry/x';
function underRegistry(s: Store): Store {
  const up = (k: string): string => ROOT + k;
  const down = (kv: KeyValue): KeyValue => ({ ...kv, key: kv.key.slice(ROOT.length) });
  const downEvent = (ev: WatchEvent): WatchEvent =>
    ev.prev ? { type: ev.type, kv: down(ev.kv), prev: down(ev.prev) } : { type: ev.type, kv: down(ev.kv) };
  const mapError = (e: unknown): never => {
    if (e instanceof KeyExistsError) throw new KeyExistsError(e.key.slice(ROOT.length));
    if (e instanceof KeyNotFoundError) throw new KeyNotFoundError(e.key.slice(ROOT.length));
    if (e instanceof RevisionConflictError) throw new RevisionConflictError(e.key.slice(ROOT.length), down(e.current));
    throw e;
  };
  return {
    name: s.name,
    get: (k, rev) => s.get(up(k), rev).then((kv) => (kv ? down(kv) : undefined)),
    list: async (p, o?: ListOptions) => {
      const r = await s.list(up(p), o?.startAfter === undefined ? o : { ...o, startAfter: up(o.startAfter) });
      return { ...r, items: r.items.map(down) };
    },
    count: (p) => s.count(up(p)),
    create: (k, v) => s.create(up(k), v).then(down, mapError),
    update: (k, v, rev) => s.update(up(k), v, rev).then(down, mapError),
    delete: (k, rev) => s.delete(up(k), rev).then(down, mapError),
    watch: (p, after, signal) => (async function* () {
      for await (const ev of s.watch(up(p), after, signal)) yield downEvent(ev);
    })(),
    currentRevision: () => s.currentRevision(),
    compact: (rev) => s.compact(rev),
    compactedRevision: () => s.compactedRevision(),
    close: () => s.close(),
  };
}

storeConformance('watch cache over sqlite, every key under /registry/<g>/<r>/',
  async () => underRegistry(withWatchCache(await openSqliteStore({ path: ':memory:' }))));

// ---- helpers ----

/** Delegates every method to `inner`, except `overrides`. */
function wrap(inner: Store, overrides: Partial<Store>): Store {
  return {
    name: inner.name,
    get: (k, r) => inner.get(k, r),
    list: (p, o) => inner.list(p, o),
    count: (p) => inner.count(p),
    create: (k, v) => inner.create(k, v),
    update: (k, v, r) => inner.update(k, v, r),
    delete: (k, r) => inner.delete(k, r),
    watch: (p, a, s) => inner.watch(p, a, s),
    currentRevision: () => inner.currentRevision(),
    compact: (r) => inner.compact(r),
    compactedRevision: () => inner.compactedRevision(),
    close: () => inner.close(),
    ...overrides,
  };
}

/** A store whose calls to list() are counted and whose upstream watch (prefix '') can be broken. */
async function instrumented(): Promise<{ store: Store; lists: { n: number }; upstreams: { n: number }; breakUpstream(e: Error): void }> {
  const inner = await openSqliteStore({ path: ':memory:' });
  const lists = { n: 0 };
  const upstreams = { n: 0 };
  const breakers = new Set<(e: Error) => void>();
  const store = wrap(inner, {
    list: (p, o) => { lists.n++; return inner.list(p, o); },
    watch: (prefix, after, signal) => {
      if (prefix !== '') return inner.watch(prefix, after, signal);
      upstreams.n++;
      return (async function* () {
        const ac = new AbortController();
        const onAbort = (): void => ac.abort();
        signal.addEventListener('abort', onAbort, { once: true });
        let failure: Error | undefined;
        const breaker = (e: Error): void => { failure = e; ac.abort(); };
        breakers.add(breaker);
        try {
          for await (const ev of inner.watch(prefix, after, ac.signal)) yield ev;
          if (failure) throw failure;
        } finally {
          breakers.delete(breaker);
          signal.removeEventListener('abort', onAbort);
        }
      })();
    },
  });
  return { store, lists, upstreams, breakUpstream: (e) => { for (const b of [...breakers]) b(e); } };
}

async function open(opts: WatchCacheOptions = {}): Promise<CachedStore> {
  return withWatchCache(await openSqliteStore({ path: ':memory:' }), opts);
}

/** A test body on a fresh cache over an in-memory store, closed afterwards. */
function withCache(fn: (s: CachedStore) => Promise<void>): () => Promise<void>;
function withCache(opts: WatchCacheOptions, fn: (s: CachedStore) => Promise<void>): () => Promise<void>;
function withCache(a: WatchCacheOptions | ((s: CachedStore) => Promise<void>), b?: (s: CachedStore) => Promise<void>): () => Promise<void> {
  const [opts, fn] = typeof a === 'function' ? [{}, a] : [a, b!];
  return async () => {
    const s = await open(opts);
    try { await fn(s); } finally { await s.close(); }
  };
}

function iterate(s: Store, prefix: string, after: number, ac: AbortController): AsyncIterator<WatchEvent> {
  return s.watch(prefix, after, ac.signal)[Symbol.asyncIterator]();
}


/** Whether a promise settles within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([p.then(() => true, () => true), new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); })]);
  clearTimeout(timer);
  return r;
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail('condition not reached in time');
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
};

const summary = (evs: readonly WatchEvent[]): string[] => evs.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}`);

async function seedPods(s: Store, namespaces: readonly string[], perNs: number): Promise<KeyValue[]> {
  const out: KeyValue[] = [];
  for (const ns of namespaces) {
    out.push(...await Promise.all(Array.from({ length: perNs }, (_, i) => s.create(POD(ns, `p${String(i).padStart(5, '0')}`), buf(`${ns}/${i}`)))));
  }
  return out;
}

// ---- the cache's own behaviour ----

describe('watch cache', () => {
  test('a LIST straight after an acknowledged write sees it', withCache(async (s) => {
    await seedPods(s, ['a'], 3);
    await s.list(PODS); // the resource is cached from here on
    for (let i = 0; i < 100; i++) {
      const kv = await s.create(POD('a', `n${i}`), buf(`v${i}`));
      const listed = await s.list(POD('a', ''));
      assert.ok(listed.items.some((x) => x.key === kv.key), `create ${i} listed`);
      assert.ok(listed.revision >= kv.modRevision);
      const up = await s.update(kv.key, buf(`w${i}`), kv.modRevision);
      assert.equal((await s.list(PODS)).items.find((x) => x.key === kv.key)?.value.toString(), `w${i}`);
      await s.delete(kv.key, up.modRevision);
      assert.ok(!(await s.list(PODS)).items.some((x) => x.key === kv.key), `delete ${i} listed`);
    }
    // Concurrent writers, each listing right after its write.
    await Promise.all(Array.from({ length: 200 }, async (_, i) => {
      const kv = await s.create(POD('b', `c${i}`), buf('x'));
      const listed = await s.list(POD('b', ''));
      assert.ok(listed.items.some((x) => x.key === kv.key));
    }));
    assert.equal((await s.list(POD('b', ''))).items.length, 200);
    assert.equal(s.stats().consistentReadTimeouts, 0);
  }));

  test('serves LISTs from memory: the store is listed once per resource', async () => {
    const { store, lists } = await instrumented();
    const s = withWatchCache(store);
    try {
      await seedPods(s, ['a', 'b'], 50);
      assert.equal((await s.list(PODS)).items.length, 100);
      assert.equal(lists.n, 1, 'loading the resource');
      for (let i = 0; i < 50; i++) {
        const kv = await s.create(POD('c', `x${i}`), buf('x'));
        await s.update(POD('a', 'p00001'), buf(`u${i}`), (await s.get(POD('a', 'p00001')))!.modRevision);
        const all = await s.list(PODS);
        assert.equal(all.items.length, 101 + i);
        assert.equal(all.revision, await s.currentRevision());
        assert.ok((await s.list(POD('c', ''))).items.some((x) => x.key === kv.key));
        const page = await s.list(PODS, { limit: 10, startAfter: POD('b', '') });
        assert.equal(page.items[0]?.key, POD('b', 'p00000'));
        // A page at the revision just served, nothing changed since: from memory.
        const again = await s.list(PODS, { limit: 10, startAfter: page.items[9]!.key, revision: page.revision });
        assert.equal(again.revision, page.revision);
      }
      assert.equal(lists.n, 1, 'no list reached the store');
      const st = s.stats();
      assert.equal(st.listsFromStore, 0);
      assert.ok(st.listsFromCache >= 200);
      assert.equal(st.resources[PODS]?.items, 150);
      // At a revision the prefix has changed since: as it was then, still from memory.
      const before = await s.list(POD('a', ''));
      await s.create(POD('a', 'late'), buf('x'));
      await s.update(POD('a', 'p00002'), buf('changed'), (await s.get(POD('a', 'p00002')))!.modRevision);
      await s.delete(POD('a', 'p00003'));
      await s.list(PODS); // the cache has seen them
      const old = await s.list(POD('a', ''), { revision: before.revision });
      assert.deepEqual(old, before);
      assert.equal(lists.n, 1);
      assert.deepEqual(await store.list(POD('a', ''), { revision: before.revision }), before, 'as the store has it');
    } finally {
      await s.close();
    }
  });

  test('resources are cached lazily and separately; keys outside /registry/<g>/<r>/ pass through', async () => {
    const { store, lists } = await instrumented();
    const s = withWatchCache(store);
    try {
      await s.create('/registry/core/nodes/n1', buf('n1'));
      await s.create('/registry/stable.example.com/crontabs/default/c1', buf('c1'));
      await s.create('/other/key', buf('o'));
      assert.deepEqual(keys((await s.list('/registry/core/nodes/')).items), ['/registry/core/nodes/n1']);
      assert.deepEqual(Object.keys(s.stats().resources), ['/registry/core/nodes/']);
      assert.deepEqual(keys((await s.list('/registry/stable.example.com/crontabs/default/')).items),
        ['/registry/stable.example.com/crontabs/default/c1']);
      assert.deepEqual(Object.keys(s.stats().resources).sort(),
        ['/registry/core/nodes/', '/registry/stable.example.com/crontabs/']);
      const n = lists.n;
      assert.equal((await s.list('/registry/')).items.length, 2);
      assert.equal((await s.list('/other/')).items.length, 1);
      assert.equal(lists.n, n + 2, 'lists outside one resource go to the store');
      // Writes elsewhere advance the cache's revision: a list after them does not wait.
      await s.create('/other/key2', buf('o'));
      const l = await s.list('/registry/core/nodes/');
      assert.equal(l.revision, await s.currentRevision());
      assert.equal(s.stats().revision, l.revision);
    } finally {
      await s.close();
    }
  });

  test('a watch from inside the window replays exactly the missing events, then follows', withCache(async (s) => {
    const ac = new AbortController();
    await s.list(PODS);
    const written = await seedPods(s, ['a'], 10);
    const from = written[4]!.modRevision;
    const upd = await s.update(written[0]!.key, buf('u'), written[0]!.modRevision);
    const del = await s.delete(written[1]!.key);
    const it = iterate(s, PODS, from, ac);
    const got = await collect(it, 7);
    // The store's own history is the reference.
    const want = await collect(iterate(wrapInnerOnly(s), PODS, from, ac), 7);
    assert.deepEqual(summary(got), summary(want));
    assert.deepEqual(got.map((e) => e.kv.modRevision), [...written.slice(5).map((k) => k.modRevision), upd.modRevision, del.modRevision]);
    assert.deepEqual(got[5], { type: 'update', kv: upd, prev: written[0] });
    assert.equal(got[6]?.type, 'delete');
    assert.equal(got[6]?.prev?.modRevision, written[1]!.modRevision);
    const next = it.next();
    assert.equal(await settlesWithin(next, 50), false);
    const live = await s.create(POD('a', 'live'), buf('l'));
    assert.deepEqual((await next).value, { type: 'create', kv: live });
    // Two watchers get the very same event objects (one copy of each value).
    const a = await collect(iterate(s, PODS, from, ac), 1);
    const b = await collect(iterate(s, PODS, from, ac), 1);
    assert.equal(a[0], b[0]);
    assert.equal(s.stats().resources[PODS]?.watchers, 3);
    assert.equal(s.stats().resources[PODS]?.watchersFromStore, 0);
    ac.abort();
    await until(() => s.stats().resources[PODS]?.watchers === 0);
  }));

  test('a watch from before the window: RevisionCompactedError when configured as kube, else the store then the window', async () => {
    const opts = { windowEvents: 10, windowMs: 0, maxWindowEvents: 10 };
    const kube = await open({ ...opts, beforeWindow: 'expire' });
    const s = await open(opts);
    try {
      for (const store of [kube, s]) {
        await store.list(PODS);
        await seedPods(store, ['a'], 50);
      }
      const ac = new AbortController();
      await kube.list(PODS); // caught up
      const st = kube.stats().resources[PODS]!;
      assert.equal(st.window, 10);
      assert.equal(st.oldestRevision, st.windowStart + 1);
      await assert.rejects(iterate(kube, PODS, st.windowStart - 1, ac).next(), (e: unknown) =>
        e instanceof RevisionCompactedError && e.requested === st.windowStart - 1 && e.compacted === st.windowStart);
      // The window's start itself is fine.
      assert.equal((await collect(iterate(kube, PODS, st.windowStart, ac), 10)).length, 10);
      // A LIST at a revision before the window is read from the store.
      const fromStore = kube.stats().listsFromStore;
      assert.equal((await kube.list(PODS, { revision: st.windowStart - 1 })).items.length, 39);
      assert.equal((await kube.list(PODS, { revision: st.windowStart })).items.length, 40);
      assert.equal(kube.stats().listsFromStore, fromStore + 1);

      // Default: replayed from the store's history, then moved onto the window.
      const start = (await s.list(PODS)).revision - 50;
      const it = iterate(s, PODS, start, ac);
      const first = await collect(it, 20);
      assert.deepEqual(first.map((e) => e.kv.key), Array.from({ length: 20 }, (_, i) => POD('a', `p${String(i).padStart(5, '0')}`)));
      assert.equal(s.stats().resources[PODS]?.watchersFromStore, 1);
      const rest = await collect(it, 30);
      assert.equal(rest[29]?.kv.key, POD('a', 'p00049'));
      await until(() => s.stats().watchesMovedToCache === 1);
      assert.equal(s.stats().resources[PODS]?.watchersFromStore, 0);
      assert.equal(s.stats().resources[PODS]?.watchers, 1);
      const live = await s.create(POD('a', 'live'), buf('l'));
      assert.deepEqual(await collect(it, 1), [{ type: 'create', kv: live }]);
      // Compacted in the store too: RevisionCompactedError.
      await s.compact(start + 10);
      await assert.rejects(iterate(s, PODS, start, ac).next(), RevisionCompactedError);
      ac.abort();
    } finally {
      await kube.close();
      await s.close();
    }
  });

  test('a watch from a revision compacted through the cache is refused even inside the window', withCache(async (s) => {
    const ac = new AbortController();
    await s.list(PODS);
    const written = await seedPods(s, ['a'], 5);
    await s.compact(written[3]!.modRevision);
    await s.list(PODS); // caught up
    assert.equal(s.stats().resources[PODS]?.window, 5);
    await assert.rejects(iterate(s, PODS, written[2]!.modRevision, ac).next(), (e: unknown) =>
      e instanceof RevisionCompactedError && e.compacted === written[3]!.modRevision);
    assert.deepEqual(await collect(iterate(s, PODS, written[3]!.modRevision, ac), 1), [{ type: 'create', kv: written[4] }]);
    await assert.rejects(s.list(PODS, { revision: written[2]!.modRevision }), RevisionCompactedError);
    ac.abort();
  }));

  test('a namespace list or watch sees only that namespace', withCache(async (s) => {
    const ac = new AbortController();
    await seedPods(s, ['a', 'ab', 'b'], 5);
    await s.create('/registry/core/podsx/a/p', buf('other resource'));
    assert.deepEqual(keys((await s.list(POD('a', ''))).items), Array.from({ length: 5 }, (_, i) => POD('a', `p0000${i}`)));
    assert.equal((await s.list(POD('ab', ''), { limit: 2 })).remaining, 3);
    const rev = await s.currentRevision();
    const wa = iterate(s, POD('a', ''), rev, ac);
    const wAny = iterate(s, '/registry/core/pods/a', rev, ac); // a and ab, not b
    const wAll = iterate(s, PODS, rev, ac);
    const b = await s.create(POD('b', 'new'), buf('x'));
    const ab = await s.create(POD('ab', 'new'), buf('x'));
    const a = await s.create(POD('a', 'new'), buf('x'));
    await s.create('/registry/core/podsx/a/q', buf('x'));
    assert.deepEqual(await collect(wa, 1), [{ type: 'create', kv: a }]);
    assert.deepEqual(await collect(wAny, 2), [{ type: 'create', kv: ab }, { type: 'create', kv: a }]);
    assert.deepEqual(await collect(wAll, 3), [{ type: 'create', kv: b }, { type: 'create', kv: ab }, { type: 'create', kv: a }]);
    assert.equal(await settlesWithin(wa.next(), 30), false);
    ac.abort();
  }));

  test('paging with limit/startAfter across 10k keys gives every key once', async () => {
    const { store, lists } = await instrumented();
    const s = withWatchCache(store);
    try {
      const nss = ['default', 'kube-system', 'team-a', 'team-b'];
      for (const ns of nss) {
        for (let i = 0; i < 2500; i += 500) {
          await Promise.all(Array.from({ length: 500 }, (_, j) => s.create(POD(ns, `pod-${String(i + j).padStart(5, '0')}`), buf('{}'))));
        }
      }
      const all = await s.list(PODS);
      assert.equal(all.items.length, 10_000);
      const expected = keys(all.items);
      const before = lists.n;
      const pageAll = async (churn: boolean): Promise<string[]> => {
        const got: string[] = [];
        let revision = 0;
        let startAfter: string | undefined;
        for (let page = 0; ; page++) {
          const p = await s.list(PODS, { limit: 500, ...(revision ? { revision } : {}), ...(startAfter ? { startAfter } : {}) });
          if (revision === 0) revision = p.revision;
          assert.equal(p.revision, revision);
          got.push(...keys(p.items));
          assert.equal(p.remaining, 10_000 - got.length);
          if (!p.more) break;
          startAfter = p.items[p.items.length - 1]!.key;
          if (churn) {
            await s.create(POD('default', `new-${page}`), buf('x'));
            await s.delete(POD('team-a', `pod-${String(page).padStart(5, '0')}`));
          }
        }
        return got;
      };
      assert.deepEqual(await pageAll(false), expected);
      assert.equal(lists.n, before, 'every page from memory');
      // Writes between pages: later pages are still read at the first page's revision, from memory.
      assert.deepEqual(await pageAll(true), expected);
      assert.equal(lists.n, before);
      // One namespace, paged.
      const team = await s.list(POD('team-b', ''), { limit: 1000 });
      assert.equal(team.items.length, 1000);
      assert.equal(team.remaining, 1500);
      assert.ok(team.items.every((kv) => kv.key.startsWith(POD('team-b', ''))));
    } finally {
      await s.close();
    }
  });

  test('LIST at older revisions inside the window agrees with the store, for any prefix, limit and start', async () => {
    const { store, lists } = await instrumented();
    const s = withWatchCache(store);
    try {
      let seed = 11;
      const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
      const nss = ['a', 'ab', 'b'];
      const key = (): string => POD(nss[rand(3)]!, `p${rand(40)}`);
      await s.list(PODS);
      const revisions: number[] = [];
      for (let op = 0; op < 600; op++) {
        const k = key();
        const cur = await s.get(k);
        if (cur === undefined) await s.create(k, buf(`c${op}`));
        else if (rand(3) === 0) await s.delete(k, cur.modRevision);
        else await s.update(k, buf(`u${op}`), cur.modRevision);
        if (op % 20 === 0) revisions.push(await s.currentRevision());
      }
      await s.list(PODS); // caught up
      const prefixes = [PODS, POD('a', ''), POD('ab', ''), '/registry/core/pods/a'];
      let compared = 0;
      for (const revision of revisions) {
        for (const prefix of prefixes) {
          for (const limit of [0, 1, 7, 100]) {
            const starts = [undefined, POD('a', 'p2'), POD('ab', 'p17'), POD('b', ''), '/registry/core/pods/zzz'];
            for (const startAfter of starts) {
              const opts = { revision, limit, ...(startAfter ? { startAfter } : {}) };
              const n = lists.n;
              const got = await s.list(prefix, opts);
              assert.equal(lists.n, n, 'served from memory');
              const want = await store.list(prefix, opts);
              assert.deepEqual(got, want, `${prefix} ${JSON.stringify(opts)}`);
              compared++;
            }
          }
        }
      }
      assert.equal(compared, revisions.length * 80);
    } finally {
      await s.close();
    }
  });

  test('values are kept in buffers of their own, and an update\'s prev is the object the cache held', withCache(async (s) => {
    const ac = new AbortController();
    await s.list(PODS);
    const big = Buffer.alloc(64 * 1024, 1); // values as slices of a larger buffer (a pool slab, a response)
    const a1 = await s.create(POD('a', 'x'), big.subarray(100, 3100));
    const listed = (await s.list(PODS)).items[0]!;
    assert.deepEqual(listed, a1);
    assert.equal(listed.value.buffer.byteLength, 3000);
    const it = iterate(s, PODS, a1.modRevision, ac);
    await s.update(POD('a', 'x'), Buffer.from('small, from the pool'), a1.modRevision);
    const [ev] = await collect(it, 1);
    assert.equal(ev!.prev, listed, 'the same object, not a copy the store read');
    assert.equal(ev!.kv.value.buffer.byteLength, ev!.kv.value.length);
    await s.delete(POD('a', 'x'));
    const [del] = await collect(it, 1);
    assert.equal(del!.kv.value, ev!.kv.value, 'a delete carries the last value, the same buffer');
    assert.equal(del!.prev, ev!.kv);
    ac.abort();
  }));

  test('upstream watch failure: resumed from the last revision without losing an event', async () => {
    const { store, upstreams, breakUpstream } = await instrumented();
    const s = withWatchCache(store, { retryMs: 50 });
    try {
      const ac = new AbortController();
      await s.list(PODS);
      const it = iterate(s, PODS, await s.currentRevision(), ac);
      const first = await seedPods(s, ['a'], 5);
      assert.equal((await collect(it, 5)).length, 5);
      breakUpstream(new Error('connection reset'));
      const during = await seedPods(s, ['b'], 5); // written while the cache is not watching
      await until(() => upstreams.n === 2);
      const got = await collect(it, 5);
      assert.deepEqual(got.map((e) => e.kv.modRevision), during.map((kv) => kv.modRevision));
      assert.equal((await s.list(PODS)).items.length, 10);
      assert.equal(s.stats().resets, 0);
      assert.equal(s.stats().upstreamRestarts, 1);
      void first;
      ac.abort();
    } finally {
      await s.close();
    }
  });

  test('upstream watch failure past compaction: cached watchers end with RevisionCompactedError; lists stay correct', async () => {
    const { store, breakUpstream } = await instrumented();
    const s = withWatchCache(store, { retryMs: 200 });
    try {
      const ac = new AbortController();
      await seedPods(s, ['a'], 5);
      await s.list(PODS);
      await s.list('/registry/core/nodes/');
      const it = iterate(s, PODS, await s.currentRevision(), ac);
      const pending = it.next();
      breakUpstream(new Error('connection reset'));
      // While the cache is not watching: writes, then compaction past the revision it has seen.
      const kept = await s.update(POD('a', 'p00000'), buf('changed'), (await s.get(POD('a', 'p00000')))!.modRevision);
      await s.delete(POD('a', 'p00001'));
      await s.create('/registry/core/nodes/n1', buf('n'));
      await s.compact(await s.currentRevision());
      await assert.rejects(pending, RevisionCompactedError);
      await until(() => s.stats().resets === 1);
      const listed = await s.list(PODS);
      assert.deepEqual(keys(listed.items), [POD('a', 'p00000'), POD('a', 'p00002'), POD('a', 'p00003'), POD('a', 'p00004')]);
      assert.deepEqual(listed.items[0], kept);
      assert.deepEqual(keys((await s.list('/registry/core/nodes/')).items), ['/registry/core/nodes/n1']);
      // A new watch from now on works.
      const it2 = iterate(s, PODS, listed.revision, ac);
      const c = await s.create(POD('a', 'after'), buf('x'));
      assert.deepEqual(await collect(it2, 1), [{ type: 'create', kv: c }]);
      assert.equal(s.stats().listsFromStore, 0);
      ac.abort();
    } finally {
      await s.close();
    }
  });

  test('a slow watcher is ended with WatchOverflowError; the others go on', withCache({ windowEvents: 50, windowMs: 0, maxWindowEvents: 50 }, async (s) => {
    const ac = new AbortController();
    await s.list(PODS);
    const rev = await s.currentRevision();
    const slow = iterate(s, PODS, rev, ac);
    const fast = iterate(s, PODS, rev, ac);
    const nsWatcher = iterate(s, POD('b', ''), rev, ac); // parked meanwhile: nothing for it
    const nsNext = nsWatcher.next();
    const fastAll = collect(fast, 200);
    await s.create(POD('a', 'first'), buf('x'));
    assert.equal((await collect(slow, 1)).length, 1);
    for (let i = 0; i < 199; i += 1) await s.create(POD('a', `p${i}`), buf('x')); // the fast one keeps up
    assert.equal((await fastAll).length, 200);
    await assert.rejects(slow.next(), (e: unknown) => e instanceof WatchOverflowError);
    assert.equal(s.stats().resources[PODS]?.watchers, 2);
    const b = await s.create(POD('b', 'x'), buf('x'));
    assert.deepEqual((await nsNext).value, { type: 'create', kv: b });
    assert.deepEqual(await collect(fast, 1), [{ type: 'create', kv: b }]);
    ac.abort();
  }));

  test('the window keeps events younger than windowMs beyond windowEvents, up to maxWindowEvents', async () => {
    let now = 1_000_000;
    const s = await open({ windowEvents: 5, windowMs: 1000, maxWindowEvents: 30, now: () => now });
    try {
      await s.list(PODS);
      await seedPods(s, ['a'], 20);
      await s.list(PODS);
      assert.equal(s.stats().resources[PODS]?.window, 20);
      await seedPods(s, ['b'], 20);
      await s.list(PODS);
      assert.equal(s.stats().resources[PODS]?.window, 30, 'capped');
      now += 2000;
      await s.create(POD('c', 'x'), buf('x'));
      await s.list(PODS);
      assert.equal(s.stats().resources[PODS]?.window, 5, 'old events dropped past the minimum');
    } finally {
      await s.close();
    }
  });

  test('close ends waiting watchers and closes the store', async () => {
    const s = await open();
    await s.list(PODS);
    const ac = new AbortController();
    const it = iterate(s, PODS, await s.currentRevision(), ac);
    const next = it.next();
    await s.close();
    assert.equal((await next).done, true);
    await assert.rejects(s.create(POD('a', 'x'), buf('x')));
  });
});

/** A view of a cached store's inner store for reference reads (the cache passes non-resource prefixes through). */
function wrapInnerOnly(s: CachedStore): Store {
  // Watching the whole keyspace is not a resource prefix, so it reaches the store; filter to pods.
  return wrap(s, {
    watch: (prefix, after, signal) => (async function* () {
      for await (const ev of s.watch('', after, signal)) if (ev.kv.key.startsWith(prefix)) yield ev;
    })(),
  });
}
