// The cache of one resource (one key prefix /registry/<group>/<resource>/): its current objects,
// sorted by key, and a window of its recent events that watchers read from. A watcher is a position
// in that window, not a queue of its own: every watcher of a resource shares the same events (the
// same objects, so the same value buffers), and a watcher costs O(1) memory however far behind it
// is. The window holds at least `windowEvents` events, plus those younger than `windowMs`, never
// more than `maxWindowEvents`; a watcher whose position falls out of it is ended with
// WatchOverflowError (kube's cacher likewise ends watchers that cannot keep up), and its client
// resumes from the last revision it got.

import { WatchOverflowError, type KeyValue, type ListResult, type WatchEvent } from '../types.js';
import { EventRing } from './ring.js';
import { SortedKV } from './sorted-kv.js';

export interface WindowLimits {
  readonly windowEvents: number;
  readonly windowMs: number;
  readonly maxWindowEvents: number;
}

export interface ResourceStats {
  /** Objects held. */
  readonly items: number;
  /** Events in the window. */
  readonly window: number;
  /** The window holds every event of the resource after this revision. */
  readonly windowStart: number;
  /** Revision of the oldest event in the window (undefined when it is empty). */
  readonly oldestRevision: number | undefined;
  /** Watchers served from the window. */
  readonly watchers: number;
  /** Watchers still replaying the store's history (they started before the window). */
  readonly watchersFromStore: number;
  readonly ready: boolean;
}

/**
 * The value in a buffer of its own. A small Buffer made with Buffer.from() is a slice of an 8 KiB
 * pool slab, and a value decoded from a network response can be a slice of the whole response:
 * kept for long, the slice pins all of it (measured: 100k values of 3 KiB written through the
 * SQLite store pinned ~5.5 KiB each). One exact copy when the cache takes the value avoids that.
 */
export function ownValue(value: Buffer): Buffer {
  if (value.byteOffset === 0 && value.buffer.byteLength === value.length) return value;
  const copy = Buffer.allocUnsafeSlow(value.length);
  value.copy(copy);
  return copy;
}

function ownKV(kv: KeyValue): KeyValue {
  const value = ownValue(kv.value);
  return value === kv.value ? kv : { key: kv.key, value, createRevision: kv.createRevision, modRevision: kv.modRevision };
}

/** The namespace segment of `rest` (a key or prefix after the resource prefix), if it has one. */
function namespaceOf(rest: string): string | undefined {
  const i = rest.indexOf('/');
  return i > 0 ? rest.slice(0, i) : undefined;
}

export class CacheWatcher {
  cursor: number;
  ended = false;
  error: Error | undefined;
  wake: (() => void) | undefined;
  readonly onAbort = (): void => this.resource.release(this);

  constructor(
    readonly resource: ResourceCache,
    private readonly ring: EventRing,
    readonly prefix: string,
    readonly after: number,
    /** Parked watchers are woken by: every event ('all'), events of one namespace, or a prefix test. */
    readonly group: 'all' | 'ns' | 'other',
    readonly ns: string | undefined,
    readonly signal: AbortSignal,
  ) {
    this.cursor = ring.firstAfter(after);
  }

  /** The watch is over (cleanly: nothing more to yield unless `error`). */
  get done(): boolean {
    return this.ended || this.signal.aborted;
  }

  /** The next event for this watcher if one is ready; throws the error that ended it. */
  take(): WatchEvent | undefined {
    if (this.error !== undefined) throw this.error;
    if (this.done) return undefined;
    const ring = this.ring;
    while (this.cursor < ring.end) {
      if (this.cursor < ring.start) {
        this.resource.end(this, new WatchOverflowError(ring.size));
        throw this.error;
      }
      const ev = ring.at(this.cursor++);
      if (ev.kv.modRevision > this.after && ev.kv.key.startsWith(this.prefix)) return ev;
    }
    return undefined;
  }

  /** Waits for an event that may concern this watcher, for an end, or for an abort. */
  park(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.resource.park(this);
    });
  }
}

export class ResourceCache {
  items = new SortedKV();
  ring = new EventRing();
  /** The window holds every event of this resource with a revision above this. */
  windowStart = 0;
  /** Revision of the list the cache was loaded from. */
  loadedAt = 0;
  /** Revision of the last change applied (at least loadedAt). */
  lastRevision = 0;
  state: 'loading' | 'ready' | 'closed' = 'loading';
  watchersFromStore = 0;
  private pending: WatchEvent[] = [];
  private loadGen = 0;
  private readyPromise!: Promise<void>;
  private resolveReady!: () => void;
  private rejectReady!: (e: Error) => void;
  private readonly watchers = new Set<CacheWatcher>();
  private readonly parkedAll = new Set<CacheWatcher>();
  private readonly parkedNs = new Map<string, Set<CacheWatcher>>();
  private readonly parkedOther = new Set<CacheWatcher>();

  constructor(readonly prefix: string, private readonly limits: WindowLimits) {
    this.newReadyPromise();
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  /** Starts a (re)load: events are held until `finishLoad`. Returns the load's generation. */
  beginLoad(): number {
    if (this.state === 'ready') this.newReadyPromise();
    this.state = 'loading';
    this.pending = [];
    return ++this.loadGen;
  }

  /** Installs a list read at `page.revision`, then the events held since the load began. */
  finishLoad(gen: number, page: ListResult, now: number): boolean {
    if (gen !== this.loadGen || this.state !== 'loading') return false;
    this.items = SortedKV.from(page.items.map(ownKV));
    this.ring = new EventRing();
    this.loadedAt = this.windowStart = this.lastRevision = page.revision;
    const held = this.pending;
    this.pending = [];
    this.state = 'ready';
    for (const ev of held) this.apply(ev, now);
    this.resolveReady();
    return true;
  }

  failLoad(gen: number, error: Error): boolean {
    if (gen !== this.loadGen || this.state !== 'loading') return false;
    this.state = 'closed';
    this.pending = [];
    this.rejectReady(error);
    return true;
  }

  /** The upstream lost events: end every watcher with `error` and reload (see beginLoad). */
  reset(error: Error): number {
    for (const w of [...this.watchers]) this.end(w, error);
    return this.beginLoad();
  }

  /** Ends every watcher cleanly and fails waiting readers. */
  close(): void {
    for (const w of [...this.watchers]) this.end(w);
    if (this.state === 'loading') this.rejectReady(new Error('watch cache closed'));
    this.state = 'closed';
    this.pending = [];
  }

  /** An event from the store, in revision order. */
  onEvent(ev: WatchEvent, now: number): void {
    if (this.state === 'loading') this.pending.push(ev);
    else if (this.state === 'ready') this.apply(ev, now);
  }

  /** Drops events past the window's rules (time passes without events). */
  sweep(now: number): void {
    if (this.state === 'ready') this.evict(now);
  }

  /** The revision the objects are current at, given the revision the cache has seen. */
  revision(seen: number): number {
    return Math.max(seen, this.lastRevision);
  }

  /**
   * The page under `prefix` as it was at `revision` (undefined when the window does not reach back
   * to it, or the cache has not seen it yet): the objects now, with the keys changed since put back
   * as they were, from the first event of each after `revision` (its `prev`, or absent for a create).
   * So the pages of a paged list are served at the first page's revision however the objects changed
   * in between, as long as the window holds the events since.
   */
  pageAt(prefix: string, revision: number, limit: number, startAfter: string | undefined, seen: number): ListResult | undefined {
    if (this.state !== 'ready' || revision < this.windowStart || revision > Math.max(seen, this.lastRevision)) return undefined;
    const ring = this.ring;
    const lower = startAfter !== undefined && startAfter >= prefix ? startAfter : undefined;
    const then = new Map<string, KeyValue | undefined>();
    for (let s = ring.firstAfter(revision); s < ring.end; s++) {
      const ev = ring.at(s);
      const key = ev.kv.key;
      if (!key.startsWith(prefix) || (lower !== undefined && key <= lower) || then.has(key)) continue;
      then.set(key, ev.type === 'create' ? undefined : ev.prev);
    }
    if (then.size === 0) return this.page(prefix, revision, limit, startAfter);
    const older: KeyValue[] = [];
    let presentNow = 0;
    for (const [key, kv] of then) {
      if (this.items.get(key) !== undefined) presentNow++;
      if (kv !== undefined) older.push(kv);
    }
    older.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const total = this.items.countPrefix(prefix, startAfter) - presentNow + older.length;
    const n = limit > 0 ? Math.min(limit, total) : total;
    const items: KeyValue[] = [];
    const now = this.items.scan(prefix, startAfter);
    let cur = now.next();
    let j = 0;
    while (items.length < n) {
      while (cur.done !== true && then.has(cur.value.key)) cur = now.next();
      const old = older[j];
      if (cur.done !== true && (old === undefined || cur.value.key < old.key)) {
        items.push(cur.value);
        cur = now.next();
      } else if (old !== undefined) {
        items.push(old);
        j++;
      } else break;
    }
    return { items, revision, more: items.length < total, remaining: total - items.length };
  }

  page(prefix: string, revision: number, limit: number, startAfter: string | undefined): ListResult {
    const p = this.items.page(prefix, limit, startAfter);
    return { items: p.items, revision, more: p.more, remaining: p.remaining };
  }

  /**
   * A watcher of events after `after` under `prefix`, or undefined when the window does not reach
   * back that far (or the cache is not ready). Events after `after` then come without gap.
   */
  subscribe(prefix: string, after: number, signal: AbortSignal): CacheWatcher | undefined {
    if (this.state !== 'ready' || after < this.windowStart) return undefined;
    const rest = prefix.slice(this.prefix.length);
    let group: 'all' | 'ns' | 'other' = 'other';
    let ns: string | undefined;
    if (rest === '') group = 'all';
    else if (rest.length > 1 && rest.indexOf('/') === rest.length - 1) { group = 'ns'; ns = rest.slice(0, -1); }
    const w = new CacheWatcher(this, this.ring, prefix, after, group, ns, signal);
    this.watchers.add(w);
    signal.addEventListener('abort', w.onAbort, { once: true });
    return w;
  }

  /** Ends a watcher: with `error` it throws that once its consumer asks for more. */
  end(w: CacheWatcher, error?: Error): void {
    if (w.ended) return;
    w.ended = true;
    w.error = error;
    this.release(w);
  }

  /** Forgets a watcher (its consumer is gone, or it ended); wakes it if it waits. */
  release(w: CacheWatcher): void {
    this.watchers.delete(w);
    w.signal.removeEventListener('abort', w.onAbort);
    this.unpark(w);
    const wake = w.wake;
    w.wake = undefined;
    wake?.();
  }

  park(w: CacheWatcher): void {
    if (w.done || !this.watchers.has(w)) {
      const wake = w.wake;
      w.wake = undefined;
      wake?.();
      return;
    }
    if (w.group === 'all') this.parkedAll.add(w);
    else if (w.group === 'ns') {
      let set = this.parkedNs.get(w.ns!);
      if (set === undefined) this.parkedNs.set(w.ns!, (set = new Set()));
      set.add(w);
    } else this.parkedOther.add(w);
  }

  stats(): ResourceStats {
    return {
      items: this.items.size,
      window: this.ring.size,
      windowStart: this.windowStart,
      oldestRevision: this.ring.oldest()?.kv.modRevision,
      watchers: this.watchers.size,
      watchersFromStore: this.watchersFromStore,
      ready: this.state === 'ready',
    };
  }

  private apply(ev: WatchEvent, now: number): void {
    if (ev.kv.modRevision <= this.lastRevision) return; // already in the list the cache was loaded from
    const stored = this.own(ev);
    this.lastRevision = stored.kv.modRevision;
    const ring = this.ring;
    while (ring.size >= this.limits.maxWindowEvents) this.windowStart = ring.shift()!.kv.modRevision;
    const seq = ring.push(stored, now);
    this.evict(now);
    this.wakeFor(stored.kv.key, seq);
  }

  /**
   * Applies an event to the objects and returns it as the window keeps it: its values in buffers of
   * their own (see ownValue), and its `prev` the very object the cache held (the store read its own
   * copy of the old value), so one value is one buffer however many places hold it.
   */
  private own(ev: WatchEvent): WatchEvent {
    const kv0 = ev.kv;
    const prev0 = ev.prev;
    let kv: KeyValue;
    let old: KeyValue | undefined;
    if (ev.type === 'delete') {
      old = this.items.delete(kv0.key);
      const lastValue = old !== undefined && prev0 !== undefined && old.modRevision === prev0.modRevision ? old.value : ownValue(kv0.value);
      kv = lastValue === kv0.value ? kv0 : { key: kv0.key, value: lastValue, createRevision: kv0.createRevision, modRevision: kv0.modRevision };
    } else {
      kv = ownKV(kv0);
      old = this.items.set(kv);
    }
    if (prev0 === undefined) return kv === kv0 ? ev : { type: ev.type, kv };
    const prev = old !== undefined && old.modRevision === prev0.modRevision ? old : ownKV(prev0);
    return kv === kv0 && prev === prev0 ? ev : { type: ev.type, kv, prev };
  }

  private evict(now: number): void {
    const ring = this.ring;
    const { windowEvents, windowMs, maxWindowEvents } = this.limits;
    while (ring.size > windowEvents) {
      if (ring.size <= maxWindowEvents && now - ring.oldestTime()! < windowMs) break;
      this.windowStart = ring.shift()!.kv.modRevision;
    }
  }

  /**
   * Wakes the parked watchers the event at `seq` may concern. A parked watcher had read every event
   * before it parked, and the events since that do not wake it are not under its prefix: it resumes
   * at `seq` (so events it would skip anyway can leave the window without ending it).
   */
  private wakeFor(key: string, seq: number): void {
    if (this.parkedAll.size > 0) {
      for (const w of this.parkedAll) this.resume(w, seq);
      this.parkedAll.clear();
    }
    if (this.parkedNs.size > 0) {
      const ns = namespaceOf(key.slice(this.prefix.length));
      const set = ns === undefined ? undefined : this.parkedNs.get(ns);
      if (set !== undefined) {
        this.parkedNs.delete(ns!);
        for (const w of set) this.resume(w, seq);
      }
    }
    if (this.parkedOther.size > 0) {
      for (const w of this.parkedOther) {
        if (!key.startsWith(w.prefix)) continue;
        this.parkedOther.delete(w);
        this.resume(w, seq);
      }
    }
  }

  private resume(w: CacheWatcher, seq: number): void {
    if (w.cursor < seq) w.cursor = seq;
    const wake = w.wake;
    w.wake = undefined;
    wake?.();
  }

  private unpark(w: CacheWatcher): void {
    if (w.group === 'all') this.parkedAll.delete(w);
    else if (w.group === 'ns') {
      const set = this.parkedNs.get(w.ns!);
      if (set !== undefined && set.delete(w) && set.size === 0) this.parkedNs.delete(w.ns!);
    } else this.parkedOther.delete(w);
  }

  private newReadyPromise(): void {
    this.readyPromise = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.readyPromise.catch(() => undefined); // readers that wait see the rejection; none is unhandled
  }
}
