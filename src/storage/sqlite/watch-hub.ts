// In-process fan-out of committed events to watchers. Publishing never blocks a writer: each
// watcher has its own buffer, and a watcher that falls more than `maxBuffered` events behind is
// ended with WatchOverflowError after its buffered events (kube's cacher likewise terminates
// watchers that cannot keep up, and the client re-watches from its last resourceVersion or
// re-lists). https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apiserver/pkg/storage/cacher/cache_watcher.go

import { WatchOverflowError } from '../types.js';
import type { WatchEvent } from '../types.js';

/** A watcher fell too far behind and was ended; resume from its last revision or re-list. */
export { WatchOverflowError };

/** One watcher's queue of live events for keys under `prefix` with revision > `after`. */
export class Subscription {
  private buffer: WatchEvent[] = [];
  private head = 0;
  private wake: (() => void) | undefined;
  private ended = false;
  private error: Error | undefined;
  private readonly onAbort = (): void => this.end();

  constructor(
    private readonly hub: WatchHub,
    readonly prefix: string,
    readonly after: number,
    private readonly maxBuffered: number,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  push(ev: WatchEvent): void {
    if (this.ended || ev.kv.modRevision <= this.after || !ev.kv.key.startsWith(this.prefix)) return;
    if (this.buffer.length - this.head >= this.maxBuffered) {
      this.end(new WatchOverflowError(this.maxBuffered));
      return;
    }
    this.buffer.push(ev);
    this.notify();
  }

  /** Stops delivery; buffered events are still handed out, then `error` (if any) is thrown. */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error;
    this.detach();
    this.notify();
  }

  /** The next event, or undefined once ended cleanly (abort, store closed). */
  async next(): Promise<WatchEvent | undefined> {
    for (;;) {
      if (this.signal.aborted) return undefined;
      const ev = this.buffer[this.head];
      if (ev !== undefined) {
        this.head++;
        if (this.head > 1024 && this.head * 2 > this.buffer.length) {
          this.buffer = this.buffer.slice(this.head);
          this.head = 0;
        }
        return ev;
      }
      if (this.error !== undefined) throw this.error;
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
  }

  /** Releases the subscription (the consumer is gone). */
  close(): void {
    this.ended = true;
    this.buffer = [];
    this.head = 0;
    this.detach();
    this.notify();
  }

  private detach(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    this.hub.remove(this);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

export class WatchHub {
  private readonly subs = new Set<Subscription>();

  constructor(private readonly maxBuffered: number) {}

  /** Registers a watcher; it receives every event published from now on. */
  subscribe(prefix: string, after: number, signal: AbortSignal): Subscription {
    const sub = new Subscription(this, prefix, after, this.maxBuffered, signal);
    this.subs.add(sub);
    return sub;
  }

  remove(sub: Subscription): void {
    this.subs.delete(sub);
  }

  /** Delivers committed events (in revision order) to every matching watcher. */
  publish(events: readonly WatchEvent[]): void {
    if (events.length === 0) return;
    for (const sub of this.subs) {
      for (const ev of events) sub.push(ev);
    }
  }

  /** Ends every watcher cleanly (store closing). */
  endAll(): void {
    for (const sub of [...this.subs]) sub.end();
  }

  get size(): number {
    return this.subs.size;
  }
}
