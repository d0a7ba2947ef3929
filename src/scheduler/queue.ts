// The scheduling queue (pkg/scheduler/backend/queue/scheduling_queue.go):
//  - activeQ: pods to try now, highest priority first, then oldest;
//  - backoffQ: pods that failed, each waiting initial × 2^(attempts−1) (capped) before the next try;
//  - unschedulable: pods no node fits; a cluster event that could help (node added, pod deleted, ...)
//    moves them back to activeQ (or backoffQ while their backoff lasts); after 5 minutes they go back
//    anyway.
// A cluster event during a pod's attempt sends that pod to backoffQ rather than unschedulable, so an
// event the attempt could not see is never lost (moveRequestCycle).
import type { Clock } from '../machinery/clock.js';
import type { Pod } from './api-types.js';
import { KeyedHeap } from './heap.js';

export interface QueuedPod {
  readonly key: string;
  /** The newest object seen. */
  pod: Readonly<Pod>;
  /** Orders pods of equal priority: creation time when first queued, later the time of requeue. */
  timestamp: number;
  /** Tie-break of equal timestamps: arrival order. */
  seq: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** Plugins that rejected the pod in its last attempt: only events they care about retry it. */
  unschedulablePlugins: ReadonlySet<string>;
  /** The scheduling cycle of its last attempt. */
  cycle: number;
  /** Updated (spec or labels) while being scheduled. */
  updatedInFlight: boolean;
}

export interface SchedulingQueueOptions {
  clock: Clock;
  /** Backoff after the first failure (kube: 1s); doubles per attempt up to backoffMaxMs (kube: 10s). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** A pod waits at most this long as unschedulable before it is retried anyway (kube: 5 min). */
  maxInUnschedulableMs?: number;
}

export interface QueueStats { active: number; backoff: number; unschedulable: number; gated: number; inFlight: number }

const priorityOf = (p: Readonly<Pod>): number => (typeof p.spec?.priority === 'number' ? p.spec.priority : 0);
const isGated = (p: Readonly<Pod>): boolean => (p.spec?.schedulingGates?.length ?? 0) > 0;

function creationMs(p: Readonly<Pod>, fallback: number): number {
  const t = p.metadata?.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : NaN;
  return Number.isFinite(t) ? t : fallback;
}

/** Whether an update can change a scheduling decision (spec or labels; not status or bookkeeping). */
export function podUpdateMatters(a: Readonly<Pod>, b: Readonly<Pod>): boolean {
  if (a === b) return false;
  if (JSON.stringify(a.metadata?.labels ?? {}) !== JSON.stringify(b.metadata?.labels ?? {})) return true;
  return JSON.stringify(a.spec ?? {}) !== JSON.stringify(b.spec ?? {});
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

export class SchedulingQueue {
  readonly #clock: Clock;
  readonly #initial: number;
  readonly #max: number;
  readonly #maxUnschedulable: number;
  readonly #active = new KeyedHeap<QueuedPod>((q) => q.key, (a, b) => {
    const pa = priorityOf(a.pod);
    const pb = priorityOf(b.pod);
    if (pa !== pb) return pa > pb;
    return a.timestamp !== b.timestamp ? a.timestamp < b.timestamp : a.seq < b.seq;
  });
  readonly #backoff = new KeyedHeap<QueuedPod>((q) => q.key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  readonly #unschedulable = new Map<string, QueuedPod>();
  readonly #gated = new Map<string, QueuedPod>();
  readonly #inFlight = new Map<string, QueuedPod>();
  #seq = 0;
  #cycle = 0;
  #moveRequestCycle = -1;
  #waiters: ((q: QueuedPod | undefined) => void)[] = [];
  #closed = false;

  constructor(o: SchedulingQueueOptions) {
    this.#clock = o.clock;
    this.#initial = o.backoffInitialMs ?? 1000;
    this.#max = o.backoffMaxMs ?? 10_000;
    this.#maxUnschedulable = o.maxInUnschedulableMs ?? 5 * 60_000;
  }

  get schedulingCycle(): number { return this.#cycle; }

  stats(): QueueStats {
    return { active: this.#active.size, backoff: this.#backoff.size, unschedulable: this.#unschedulable.size, gated: this.#gated.size, inFlight: this.#inFlight.size };
  }

  /** Where the pod waits, if queued ('inFlight' while being scheduled). */
  whereIs(key: string): 'active' | 'backoff' | 'unschedulable' | 'gated' | 'inFlight' | undefined {
    if (this.#active.has(key)) return 'active';
    if (this.#backoff.has(key)) return 'backoff';
    if (this.#unschedulable.has(key)) return 'unschedulable';
    if (this.#gated.has(key)) return 'gated';
    if (this.#inFlight.has(key)) return 'inFlight';
    return undefined;
  }

  /** backoff duration: initial × 2^(attempts−1), capped at max. */
  backoffDuration(attempts: number): number {
    let d = this.#initial;
    for (let i = 1; i < attempts; i++) {
      if (d > this.#max - d) return this.#max;
      d += d;
    }
    return Math.min(d, this.#max);
  }

  backoffExpiry(q: QueuedPod): number { return q.timestamp + this.backoffDuration(q.attempts); }

  /** A new unscheduled pod, or a newer version of one already queued. */
  add(pod: Readonly<Pod>, key: string): void {
    if (this.whereIs(key)) { this.update(pod, key); return; }
    const q: QueuedPod = {
      key, pod, timestamp: creationMs(pod, this.#clock.now()), seq: this.#seq++, attempts: 0,
      unschedulablePlugins: new Set(), cycle: 0, updatedInFlight: false,
    };
    if (isGated(pod)) this.#gated.set(key, q);
    else this.#pushActive(q);
  }

  update(pod: Readonly<Pod>, key: string): void {
    const a = this.#active.get(key) ?? this.#backoff.get(key);
    if (a) {
      const priorityChanged = priorityOf(a.pod) !== priorityOf(pod);
      a.pod = pod;
      if (priorityChanged && this.#active.has(key)) this.#active.push(a);
      return;
    }
    const f = this.#inFlight.get(key);
    if (f) {
      if (podUpdateMatters(f.pod, pod)) f.updatedInFlight = true;
      f.pod = pod;
      return;
    }
    const g = this.#gated.get(key);
    if (g) {
      g.pod = pod;
      if (!isGated(pod)) { this.#gated.delete(key); this.#pushActive(g); }
      return;
    }
    const u = this.#unschedulable.get(key);
    if (u) {
      const matters = podUpdateMatters(u.pod, pod);
      u.pod = pod;
      if (matters) { this.#unschedulable.delete(key); this.#activeOrBackoff(u); }
      return;
    }
    this.add(pod, key);
  }

  delete(key: string): void {
    this.#active.delete(key);
    this.#backoff.delete(key);
    this.#unschedulable.delete(key);
    this.#gated.delete(key);
    this.#inFlight.delete(key);
  }

  /** The next pod to schedule, waiting if there is none; undefined once closed. */
  pop(): Promise<QueuedPod | undefined> {
    const q = this.tryPop();
    if (q || this.#closed) return Promise.resolve(q);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  tryPop(): QueuedPod | undefined {
    if (this.#closed) return undefined;
    const q = this.#active.pop();
    if (q) this.#startAttempt(q);
    return q;
  }

  #startAttempt(q: QueuedPod): void {
    q.attempts++;
    q.cycle = ++this.#cycle;
    q.updatedInFlight = false;
    this.#inFlight.set(q.key, q);
  }

  /** Whether the pod is still being scheduled (not deleted meanwhile). */
  isInFlight(key: string): boolean { return this.#inFlight.has(key); }

  /** The attempt succeeded (the pod is bound or given up on): forget it. */
  done(key: string): void { this.#inFlight.delete(key); }

  /**
   * No node fits (AddUnschedulableIfNotPresent). To unschedulable, or to backoffQ when a cluster
   * event arrived during the attempt, the pod changed meanwhile, or no plugin rejected it (an error).
   */
  requeueUnschedulable(q: QueuedPod, plugins: ReadonlySet<string>): void {
    if (!this.#inFlight.has(q.key)) return;
    this.#inFlight.delete(q.key);
    q.unschedulablePlugins = plugins;
    q.timestamp = this.#clock.now();
    if (q.updatedInFlight) { this.#activeOrBackoff(q); return; }
    if (this.#moveRequestCycle >= q.cycle || plugins.size === 0) this.#backoff.push(q);
    else this.#unschedulable.set(q.key, q);
  }

  /** The attempt failed for another reason (an error, a failed binding): retry after backoff. */
  requeueBackoff(q: QueuedPod): void {
    if (!this.#inFlight.has(q.key)) return;
    this.#inFlight.delete(q.key);
    q.unschedulablePlugins = new Set();
    q.timestamp = this.#clock.now();
    this.#backoff.push(q);
  }

  /**
   * A cluster event (MoveAllToActiveOrBackoffQueue): unschedulable pods that one of `plugins`
   * rejected (or any, when `plugins` is undefined) get another chance.
   */
  moveAll(plugins?: ReadonlySet<string>): void {
    this.#moveRequestCycle = this.#cycle;
    if (this.#unschedulable.size === 0) return;
    for (const [key, q] of this.#unschedulable) {
      if (plugins && q.unschedulablePlugins.size > 0 && !intersects(q.unschedulablePlugins, plugins)) continue;
      this.#unschedulable.delete(key);
      this.#activeOrBackoff(q);
    }
  }

  /** Moves pods whose backoff has ended to activeQ, and pods unschedulable for too long. */
  flush(): void {
    const now = this.#clock.now();
    for (let q = this.#backoff.peek(); q && this.backoffExpiry(q) <= now; q = this.#backoff.peek()) {
      this.#backoff.pop();
      this.#pushActive(q);
    }
    for (const [key, q] of this.#unschedulable) {
      if (now - q.timestamp > this.#maxUnschedulable) {
        this.#unschedulable.delete(key);
        this.#activeOrBackoff(q);
      }
    }
  }

  /** Flushes periodically (kube: backoffQ every second, unschedulable every 30 s) until the signal aborts. */
  async runFlusher(signal: AbortSignal): Promise<void> {
    const every = Math.max(5, Math.min(1000, Math.trunc(this.#initial / 2)));
    while (!signal.aborted) {
      await this.#clock.sleep(every, signal).catch(() => undefined);
      if (!signal.aborted) this.flush();
    }
  }

  /** Ends waiting pops (undefined) until reopen(); pods keep being queued meanwhile. */
  close(): void {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w(undefined);
  }

  reopen(): void { this.#closed = false; }

  #activeOrBackoff(q: QueuedPod): void {
    if (q.attempts > 0 && this.backoffExpiry(q) > this.#clock.now()) this.#backoff.push(q);
    else this.#pushActive(q);
  }

  #pushActive(q: QueuedPod): void {
    const w = this.#waiters.shift();
    if (w) { this.#startAttempt(q); w(q); return; }
    this.#active.push(q);
  }
}
