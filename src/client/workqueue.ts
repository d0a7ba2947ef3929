// A de-duplicating, rate-limited work queue (client-go workqueue semantics): a key is never
// handed to two workers at once; a key added while processing is processed again after done().
import { realClock, type Clock } from '../machinery/clock.js';
import type { WorkQueue } from './types.js';

export interface WorkQueueOptions { baseDelayMs?: number; maxDelayMs?: number; clock?: Clock }

export function createWorkQueue(opts: WorkQueueOptions = {}): WorkQueue {
  const base = opts.baseDelayMs ?? 5;
  const max = opts.maxDelayMs ?? 1000_000;
  const clock = opts.clock ?? realClock;
  const queue: string[] = [];
  let head = 0;
  const dirty = new Set<string>();
  const processing = new Set<string>();
  const failures = new Map<string, number>();
  const timers = new Map<string, { at: number; abort: AbortController }>();
  const waiters: ((k: string | undefined) => void)[] = [];
  let shutting = false;

  function push(key: string): void {
    if (shutting || dirty.has(key)) return;
    dirty.add(key);
    if (processing.has(key)) return;
    const w = waiters.shift();
    if (w) { dirty.delete(key); processing.add(key); w(key); return; }
    queue.push(key);
  }

  function addAfter(key: string, delayMs: number): void {
    if (shutting) return;
    if (delayMs <= 0) { push(key); return; }
    const at = clock.now() + delayMs;
    const existing = timers.get(key);
    if (existing && existing.at <= at) return; // an earlier wake-up is already set
    existing?.abort.abort();
    const abort = new AbortController();
    timers.set(key, { at, abort });
    clock.sleep(delayMs, abort.signal).then(() => {
      if (timers.get(key)?.abort === abort) timers.delete(key);
      push(key);
    }, () => undefined);
  }

  return {
    add: push,
    addAfter,
    addRateLimited(key) {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      addAfter(key, Math.min(base * 2 ** n, max));
    },
    forget(key) { failures.delete(key); },
    get() {
      if (head < queue.length) {
        const key = queue[head++]!;
        if (head > 1024 && head * 2 > queue.length) { queue.splice(0, head); head = 0; }
        dirty.delete(key);
        processing.add(key);
        return Promise.resolve(key);
      }
      if (shutting) return Promise.resolve(undefined);
      return new Promise((resolve) => waiters.push(resolve));
    },
    done(key) {
      processing.delete(key);
      if (dirty.has(key)) {
        dirty.delete(key);
        push(key);
      }
    },
    len: () => queue.length - head,
    shutDown() {
      shutting = true;
      for (const t of timers.values()) t.abort.abort();
      timers.clear();
      for (const w of waiters.splice(0)) w(undefined);
    },
  };
}
