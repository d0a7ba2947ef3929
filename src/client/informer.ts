// Informers: list, then watch from the list's revision; relist on 410 Gone or a broken stream
// (with backoff), periodic resync; one indexed cache per informer; shared through a factory.
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { isStatusError, type Status } from '../machinery/errors.js';
import type { KubeObject } from '../machinery/object.js';
import { realClock, type Clock } from '../machinery/clock.js';
import { objectKey, type ApiClient, type IndexFunc, type Informer, type InformerFactory, type InformerHandlers, type InformerOptions, type ResourceRef } from './types.js';
import { IndexedCache, deepFreeze } from './cache.js';

const PAGE = 500;

class Gone extends Error {}

interface InformerInternals { log?: Logger | undefined; pageSize?: number }

export class SharedInformer<T extends KubeObject> implements Informer<T> {
  readonly cache = new IndexedCache<T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private hasSynced = false;
  private readonly syncWaiters: (() => void)[] = [];
  private started = false;
  private readonly clock: Clock;
  private lastRv = '';

  constructor(
    private readonly client: ApiClient,
    private readonly ref: ResourceRef,
    private readonly opts: InformerOptions = {},
    private readonly internals: InformerInternals = {},
  ) {
    this.clock = opts.clock ?? realClock;
  }

  get lister(): IndexedCache<T> { return this.cache; }

  /** The revision of the last list or event seen. */
  get resourceVersion(): string { return this.lastRv; }

  on(h: InformerHandlers<T>): void {
    this.handlers.push(h);
    if (h.add) for (const o of this.cache.list()) this.safe(() => h.add!(o));
  }

  addIndex(name: string, fn: IndexFunc<T>): void { this.cache.addIndex(name, fn); }

  synced(): Promise<void> {
    return this.hasSynced ? Promise.resolve() : new Promise((r) => this.syncWaiters.push(r));
  }

  start(signal: AbortSignal): void {
    if (this.started) return;
    this.started = true;
    void this.loop(signal);
    if (this.opts.resyncMs) void this.resyncLoop(signal, this.opts.resyncMs);
  }

  private safe(fn: () => void): void {
    try { fn(); } catch (e) { this.internals.log?.error({ err: e, resource: this.ref.resource }, 'informer handler failed'); }
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let backoff = 100;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) { await this.relist(signal); needList = false; }
        const began = this.clock.now();
        await this.watch(signal);
        // A watch that ended normally (its timeout) is resumed from lastRv at once; one that ended
        // right away (a server going down, a proxy cutting it) is resumed after a backoff.
        if (this.clock.now() - began < 1000) {
          await this.clock.sleep(backoff, signal).catch(() => undefined);
          backoff = Math.min(backoff * 2, 30_000);
        } else backoff = 100;
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof Gone || isStatusError(e) && e.code === 410) {
          needList = true;
          this.internals.log?.debug({ resource: this.ref.resource }, 'watch expired; relisting');
          continue;
        }
        needList = true;
        this.internals.log?.debug({ err: e, resource: this.ref.resource }, 'list/watch failed; retrying');
        await this.clock.sleep(backoff, signal).catch(() => undefined);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const seen = new Set<string>();
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.client.list<T>(this.ref, this.opts.namespace ?? '', {
        labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector,
        limit: this.internals.pageSize ?? PAGE, ...(cont ? { continue: cont } : {}),
      });
      if (signal.aborted) return;
      for (const item of page.items) {
        item.apiVersion ??= page.apiVersion;
        item.kind ??= this.ref.kind;
        items.push(item);
      }
      rv = page.metadata?.resourceVersion ?? rv;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    for (const item of items) {
      seen.add(objectKey(item));
      this.apply('put', deepFreeze(item));
    }
    for (const key of [...this.cache.keys()]) {
      if (!seen.has(key)) {
        const old = this.cache.remove(key);
        if (old) for (const h of this.handlers) if (h.delete) this.safe(() => h.delete!(old));
      }
    }
    this.lastRv = rv;
    if (!this.hasSynced) {
      this.hasSynced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async watch(signal: AbortSignal): Promise<void> {
    const timeoutSeconds = 300 + Math.floor(Math.random() * 300);
    for await (const ev of this.client.watch<T>(this.ref, this.opts.namespace ?? '', {
      resourceVersion: this.lastRv, labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector,
      allowWatchBookmarks: true, timeoutSeconds,
    }, signal)) {
      const obj = ev.object;
      if (ev.type === 'ERROR') {
        const st = obj as unknown as Status;
        if (st.code === 410) throw new Gone(st.message);
        throw new Error(`watch error: ${st.message ?? JSON.stringify(st)}`);
      }
      const rv = obj.metadata?.resourceVersion;
      if (rv) this.lastRv = rv;
      if (ev.type === 'BOOKMARK') continue;
      obj.apiVersion ??= this.ref.group ? `${this.ref.group}/${this.ref.version}` : this.ref.version;
      obj.kind ??= this.ref.kind;
      if (ev.type === 'DELETED') this.apply('delete', deepFreeze(obj));
      else this.apply('put', deepFreeze(obj));
    }
  }

  private apply(op: 'put' | 'delete', obj: Readonly<T>): void {
    if (op === 'delete') {
      const old = this.cache.remove(objectKey(obj));
      for (const h of this.handlers) if (h.delete) this.safe(() => h.delete!(obj ?? old));
      return;
    }
    const old = this.cache.put(obj);
    if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) return; // relist of an unchanged object
    for (const h of this.handlers) {
      if (old) { if (h.update) this.safe(() => h.update!(old, obj)); }
      else if (h.add) this.safe(() => h.add!(obj));
    }
  }

  private async resyncLoop(signal: AbortSignal, every: number): Promise<void> {
    while (!signal.aborted) {
      await this.clock.sleep(every, signal).catch(() => undefined);
      if (signal.aborted || !this.hasSynced) continue;
      for (const o of this.cache.list()) for (const h of this.handlers) if (h.update) this.safe(() => h.update!(o, o));
    }
  }
}

export interface InformerFactoryOptions { clock?: Clock; resyncMs?: number; log?: Logger; pageSize?: number }

export function createInformerFactory(client: ApiClient, fo: InformerFactoryOptions = {}): InformerFactory {
  const informers = new Map<string, SharedInformer<KubeObject>>();
  let signal: AbortSignal | undefined;
  return {
    informerFor<T extends KubeObject>(ref: ResourceRef, o: InformerOptions = {}): Informer<T> {
      const key = [ref.group, ref.version, ref.resource, o.namespace ?? '', o.labelSelector ?? '', o.fieldSelector ?? ''].join('|');
      let inf = informers.get(key);
      if (!inf) {
        const opts: InformerOptions = { ...o };
        if (opts.resyncMs === undefined && fo.resyncMs) opts.resyncMs = fo.resyncMs;
        if (!opts.clock && fo.clock) opts.clock = fo.clock;
        inf = new SharedInformer<KubeObject>(client, ref, opts, { log: fo.log, ...(fo.pageSize ? { pageSize: fo.pageSize } : {}) });
        informers.set(key, inf);
        if (signal) inf.start(signal);
      }
      return inf as unknown as Informer<T>;
    },
    start(s: AbortSignal) {
      signal = s;
      setMaxListeners(0, s); // each informer and its timers listen to it
      for (const inf of informers.values()) inf.start(s);
    },
    async synced() {
      await Promise.all([...informers.values()].map((i) => i.synced()));
    },
  };
}
