// The watch cache (kube-apiserver's cacher, as a Store decorator): LIST and WATCH of resources are
// served from memory, kept current by ONE watch of the whole store.
// https://github.com/kubernetes/kubernetes/tree/master/staging/src/k8s.io/apiserver/pkg/storage/cacher
//
// - One upstream watch of every key: each write makes one event, so the cache knows exactly which
//   revision it has seen. Events of resources nobody lists or watches only advance that revision.
// - A resource (/registry/<group>/<resource>/) is cached from its first list or watch: the cache
//   lists it from the store at the current revision R, holds its events meanwhile, then applies
//   those after R. CRDs therefore need no registration.
// - LIST without a revision is a consistent read (kube 1.31 "consistent reads from cache"): it asks
//   the store for its current revision and answers once the cache has seen it (or from the store
//   after `consistentReadTimeoutMs`). LIST at an older revision (the pages after the first of a
//   paged list) is answered from memory while the window holds the events since that revision:
//   the changed keys are put back as they were. Older than the window: from the store.
// - WATCH from a revision inside the resource's window replays from memory, then follows live
//   events. From before the window it replays the store's own history and moves onto the window
//   as soon as it has caught up with it (or, with `beforeWindow: 'expire'`, fails with
//   RevisionCompactedError, i.e. 410 Gone, as kube does).
// - The upstream watch failing is resumed from the last revision seen, with back-off: nothing is
//   lost. Only when that revision has been compacted are the resources re-listed; their watchers
//   then end with RevisionCompactedError and their clients re-list.
// - Values are the store's own buffers, shared by the objects map, the window and every watcher.

import type { KeyValue, ListOptions, ListResult, Store, WatchEvent } from '../types.js';
import { RevisionCompactedError } from '../types.js';
import type { StoreLogger } from '../sqlite/store.js';
import { ResourceCache } from './resource.js';
import type { ResourceStats, WindowLimits } from './resource.js';

export interface WatchCacheOptions {
  /** Events each resource's window keeps at least (default 4096). */
  windowEvents?: number;
  /** Also keep events younger than this (default 75 s, kube's eventFreshDuration)... */
  windowMs?: number;
  /** ...but never more than this many per resource (default 32,768). */
  maxWindowEvents?: number;
  /** How long a consistent LIST waits for the cache to catch up before reading the store (default 3 s). */
  consistentReadTimeoutMs?: number;
  /**
   * A WATCH from before a resource's window: 'store' (default) replays the store's history (while
   * the store has it) and then follows the cache; 'expire' fails with RevisionCompactedError.
   */
  beforeWindow?: 'store' | 'expire';
  /** First delay before re-watching the store after an error; doubles up to 5 s (default 100 ms). */
  retryMs?: number;
  /** Prefix of the upstream watch: it must see every write for revisions to add up (default ''). */
  upstreamPrefix?: string;
  logger?: StoreLogger;
  /** close() closes `inner` too (default true; false when the store is shared, e.g. servers of one process). */
  closeInner?: boolean;
  /** Clock for the time window (tests). */
  now?: () => number;
}

export interface WatchCacheStats {
  /** The newest revision the cache has seen. */
  readonly revision: number;
  readonly resources: Readonly<Record<string, ResourceStats>>;
  readonly listsFromCache: number;
  readonly listsFromStore: number;
  /** Consistent lists that gave up waiting for the cache and read the store. */
  readonly consistentReadTimeouts: number;
  /** Upstream watches that failed or ended and were resumed. */
  readonly upstreamRestarts: number;
  /** Re-lists of every resource after the upstream watch lost events (compaction). */
  readonly resets: number;
  /** Watches that started before a window and moved onto it. */
  readonly watchesMovedToCache: number;
}

export type CachedStore = Store & {
  stats(): WatchCacheStats;
  /**
   * A key's value as the cache holds it now, without asking the store: a lister's read (possibly a
   * little behind the store), for admission checks as kube's use informers. `null` when the key's
   * resource is not cached (yet): read the store then.
   */
  peek(key: string): KeyValue | undefined | null;
};

const REGISTRY = '/registry/';

/** `/registry/<group>/<resource>/` of a key or prefix under one, else undefined. */
export function resourcePrefixOf(key: string): string | undefined {
  if (!key.startsWith(REGISTRY)) return undefined;
  const g = key.indexOf('/', REGISTRY.length);
  if (g <= REGISTRY.length) return undefined;
  const r = key.indexOf('/', g + 1);
  if (r <= g + 1) return undefined;
  return key.slice(0, r + 1);
}

interface Waiter {
  readonly target: number;
  readonly resolve: (caughtUp: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

class WatchCache implements CachedStore {
  readonly name: string;
  private seen = 0;
  private closed = false;
  private needReset = false;
  private knownCompacted = 0;
  private readonly resources = new Map<string, ResourceCache>();
  private readonly limits: WindowLimits;
  private readonly consistentTimeout: number;
  private readonly beforeWindow: 'store' | 'expire';
  private readonly retryMs: number;
  private retryDelay: number;
  private readonly upstreamPrefix: string;
  private readonly now: () => number;
  private readonly started: Promise<boolean>;
  private upstream: Promise<void> = Promise.resolve();
  private upstreamAbort = new AbortController();
  private sleeping: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  private readonly sweeper: NodeJS.Timeout | undefined;
  /** Watches replaying the store's history (before a window): ended on close. */
  private readonly storeWatches = new Map<AbortController, () => void>();
  private waiters: Waiter[] = [];
  private minWaiting = Infinity;
  private counts = {
    listsFromCache: 0, listsFromStore: 0, consistentReadTimeouts: 0, upstreamRestarts: 0, resets: 0, watchesMovedToCache: 0,
  };

  constructor(private readonly inner: Store, private readonly opts: WatchCacheOptions) {
    this.name = inner.name;
    const windowEvents = Math.max(1, opts.windowEvents ?? 4096);
    this.limits = {
      windowEvents,
      windowMs: opts.windowMs ?? 75_000,
      maxWindowEvents: Math.max(windowEvents, opts.maxWindowEvents ?? 32_768),
    };
    this.consistentTimeout = opts.consistentReadTimeoutMs ?? 3000;
    this.beforeWindow = opts.beforeWindow ?? 'store';
    this.retryMs = this.retryDelay = opts.retryMs ?? 100;
    this.upstreamPrefix = opts.upstreamPrefix ?? '';
    this.now = opts.now ?? Date.now;
    this.started = inner.currentRevision().then(
      (rev) => {
        if (this.closed) return false;
        this.seen = rev;
        this.upstream = this.run();
        return true;
      },
      (err: unknown) => {
        opts.logger?.error({ err }, 'watch cache: cannot read the current revision; serving from the store');
        return false;
      },
    );
    if (this.limits.windowMs > 0) {
      this.sweeper = setInterval(() => this.sweep(), Math.min(10_000, Math.max(1000, this.limits.windowMs / 4)));
      this.sweeper.unref();
    }
  }

  peek(key: string): KeyValue | undefined | null {
    const prefix = resourcePrefixOf(key);
    const r = prefix === undefined ? undefined : this.resources.get(prefix);
    if (!r?.ready) {
      // Start caching the resource, so that the next reads are served from memory.
      if (prefix !== undefined && !r && !this.closed) this.list(prefix, { limit: 1 }).catch(() => undefined);
      return null;
    }
    return r.items.get(key);
  }

  // ---- pass-through ----

  get(key: string, revision?: number): Promise<KeyValue | undefined> {
    return this.inner.get(key, revision);
  }

  count(prefix: string): Promise<number> {
    return this.inner.count(prefix);
  }

  create(key: string, value: Buffer): Promise<KeyValue> {
    return this.inner.create(key, value);
  }

  update(key: string, value: Buffer, expectedRevision: number): Promise<KeyValue> {
    return this.inner.update(key, value, expectedRevision);
  }

  delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    return this.inner.delete(key, expectedRevision);
  }

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  async compact(revision: number): Promise<void> {
    await this.inner.compact(revision);
    this.knownCompacted = Math.max(this.knownCompacted, revision);
  }

  async compactedRevision(): Promise<number> {
    const rev = await this.inner.compactedRevision();
    this.knownCompacted = Math.max(this.knownCompacted, rev);
    return rev;
  }

  // ---- LIST ----

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const res = resourcePrefixOf(prefix);
    if (res === undefined || this.closed) return this.inner.list(prefix, opts);
    const r = await this.readyResource(res);
    if (r === undefined) return this.fromStore(prefix, opts);
    const limit = opts.limit ?? 0;
    const revision = opts.revision ?? 0;
    if (revision !== 0) {
      // A page of a list already begun, or an exact read: from memory while the window holds the
      // events since (and the store would not refuse it as compacted).
      const page = revision >= this.knownCompacted ? r.pageAt(prefix, revision, limit, opts.startAfter, this.seen) : undefined;
      if (page === undefined) return this.fromStore(prefix, opts);
      this.counts.listsFromCache++;
      return page;
    }
    const target = await this.inner.currentRevision();
    if (!(await this.caughtUp(target)) || !r.ready || this.closed) return this.fromStore(prefix, opts);
    this.counts.listsFromCache++;
    return r.page(prefix, r.revision(this.seen), limit, opts.startAfter);
  }

  private fromStore(prefix: string, opts: ListOptions): Promise<ListResult> {
    this.counts.listsFromStore++;
    return this.inner.list(prefix, opts);
  }

  /** Resolves true once the cache has seen `target`, false after the timeout (or on close). */
  private caughtUp(target: number): Promise<boolean> {
    if (this.seen >= target) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        this.minWaiting = this.waiters.reduce((m, w) => Math.min(m, w.target), Infinity);
        this.counts.consistentReadTimeouts++;
        resolve(false);
      }, this.consistentTimeout);
      this.waiters.push({ target, resolve, timer });
      if (target < this.minWaiting) this.minWaiting = target;
    });
  }

  private releaseWaiters(): void {
    const still: Waiter[] = [];
    let min = Infinity;
    for (const w of this.waiters) {
      if (w.target <= this.seen) {
        clearTimeout(w.timer);
        w.resolve(true);
      } else {
        still.push(w);
        if (w.target < min) min = w.target;
      }
    }
    this.waiters = still;
    this.minWaiting = min;
  }

  // ---- WATCH ----

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent> {
    return this.events(prefix, afterRevision, signal);
  }

  private async *events(prefix: string, after: number, signal: AbortSignal): AsyncGenerator<WatchEvent> {
    if (signal.aborted) return;
    const res = resourcePrefixOf(prefix);
    let r = res === undefined || this.closed ? undefined : await this.readyResource(res);
    if (signal.aborted) return;
    if (res === undefined || r === undefined) {
      const ac = this.storeWatch(signal);
      try {
        yield* this.inner.watch(prefix, after, ac.signal);
      } finally {
        this.storeWatchDone(ac, signal);
      }
      return;
    }
    // The store's rule holds for the cache too: no watch from before a compaction made through it
    // (kube's cacher would serve it from its window; the store contract, and clients, expect 410).
    if (after < this.knownCompacted) throw new RevisionCompactedError(after, this.knownCompacted);
    let w = r.subscribe(prefix, after, signal);
    if (w === undefined) {
      if (this.beforeWindow === 'expire' && r.ready) throw new RevisionCompactedError(after, r.windowStart);
      // Before the window: the store's history, until the window reaches back to the last event.
      const counted = r;
      const ac = this.storeWatch(signal);
      counted.watchersFromStore++;
      try {
        for await (const ev of this.inner.watch(prefix, after, ac.signal)) {
          yield ev;
          if (signal.aborted || this.closed) return;
          const cur = this.resources.get(res);
          w = cur?.subscribe(prefix, ev.kv.modRevision, signal);
          if (w !== undefined) {
            r = cur!;
            this.counts.watchesMovedToCache++;
            break;
          }
        }
      } finally {
        counted.watchersFromStore--;
        this.storeWatchDone(ac, signal);
      }
      if (w === undefined) return; // the store's watch ended (closed, or aborted)
    }
    try {
      for (;;) {
        const ev = w.take();
        if (ev !== undefined) {
          yield ev;
          continue;
        }
        if (w.done) return;
        await w.park();
      }
    } finally {
      r.release(w);
    }
  }

  /** A signal for a watch of the store: aborted with the caller's, or when the cache closes. */
  private storeWatch(signal: AbortSignal): AbortController {
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.storeWatches.set(ac, onAbort);
    return ac;
  }

  private storeWatchDone(ac: AbortController, signal: AbortSignal): void {
    const onAbort = this.storeWatches.get(ac);
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    this.storeWatches.delete(ac);
    ac.abort();
  }

  // ---- resources ----

  /** The cache of a resource, loaded (undefined when the cache cannot serve it: use the store). */
  private async readyResource(res: string): Promise<ResourceCache | undefined> {
    if (!(await this.started) || this.closed) return undefined;
    let r = this.resources.get(res);
    if (r === undefined) {
      r = new ResourceCache(res, this.limits);
      this.resources.set(res, r);
      this.load(r);
    }
    if (r.ready) return r;
    try {
      await r.whenReady();
    } catch {
      return undefined;
    }
    return this.closed ? undefined : r;
  }

  /** Lists a resource from the store at its current revision; events meanwhile are held by it. */
  private load(r: ResourceCache): void {
    const gen = r.beginLoad();
    this.inner.list(r.prefix).then(
      (page) => { r.finishLoad(gen, page, this.now()); },
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        this.opts.logger?.warn({ err: error, prefix: r.prefix }, 'watch cache: loading a resource failed');
        // Forget it: the next list or watch of the resource tries again.
        if (r.failLoad(gen, error) && this.resources.get(r.prefix) === r) this.resources.delete(r.prefix);
      },
    );
  }

  // ---- the upstream watch ----

  private async run(): Promise<void> {
    while (!this.closed) {
      const ac = new AbortController();
      this.upstreamAbort = ac;
      try {
        if (this.needReset) await this.reset();
        for await (const ev of this.inner.watch(this.upstreamPrefix, this.seen, ac.signal)) this.onEvent(ev);
        if (this.closed) return;
        this.opts.logger?.warn({ revision: this.seen }, 'watch cache: the store watch ended; resuming');
      } catch (err) {
        if (this.closed) return;
        if (err instanceof RevisionCompactedError) this.needReset = true;
        this.opts.logger?.warn({ err, revision: this.seen }, 'watch cache: the store watch failed; resuming');
      }
      this.counts.upstreamRestarts++;
      await this.sleep(this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, 5000);
    }
  }

  private onEvent(ev: WatchEvent): void {
    const rev = ev.kv.modRevision;
    if (rev <= this.seen) return;
    this.seen = rev;
    this.retryDelay = this.retryMs;
    if (this.resources.size > 0) {
      const res = resourcePrefixOf(ev.kv.key);
      if (res !== undefined) this.resources.get(res)?.onEvent(ev, this.now());
    }
    if (rev >= this.minWaiting) this.releaseWaiters();
  }

  /**
   * The events after the last revision seen are gone: watchers of the cache end with
   * RevisionCompactedError, and every resource is listed anew while the upstream watch restarts at
   * the current revision.
   */
  private async reset(): Promise<void> {
    const rev = await this.inner.currentRevision();
    if (this.closed) return;
    this.counts.resets++;
    const error = new RevisionCompactedError(this.seen, rev);
    this.opts.logger?.warn({ from: this.seen, to: rev, resources: this.resources.size }, 'watch cache: events lost; re-listing');
    this.seen = Math.max(this.seen, rev);
    this.needReset = false;
    for (const r of this.resources.values()) {
      r.reset(error);
      this.load(r);
    }
    this.releaseWaiters();
  }

  private sweep(): void {
    const now = this.now();
    for (const r of this.resources.values()) r.sweep(now);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.sleeping = undefined; resolve(); }, ms);
      this.sleeping = { timer, resolve };
    });
  }

  // ---- lifecycle ----

  stats(): WatchCacheStats {
    const resources: Record<string, ResourceStats> = {};
    for (const [prefix, r] of this.resources) resources[prefix] = r.stats();
    return { revision: this.seen, resources, ...this.counts };
  }

  /** Stops the upstream watch, ends every watcher, then closes the store (unless `closeInner` is false). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.upstreamAbort.abort();
    if (this.sleeping !== undefined) {
      clearTimeout(this.sleeping.timer);
      this.sleeping.resolve();
    }
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters = [];
    for (const r of this.resources.values()) r.close();
    for (const ac of this.storeWatches.keys()) ac.abort();
    this.resources.clear();
    await this.started;
    if (this.opts.closeInner ?? true) await this.inner.close();
    await this.upstream;
  }
}

/**
 * Wraps a store with a watch cache: LIST and WATCH of `/registry/<group>/<resource>/...` are served
 * from memory; everything else, and every write, goes to `inner`. close() closes `inner` too.
 */
export function withWatchCache(inner: Store, opts: WatchCacheOptions = {}): CachedStore {
  return new WatchCache(inner, opts);
}
