// What the DaemonSet controller's last sync created and deleted that its pod cache has not shown
// yet (kube's ControllerExpectations, counted; pkg/controller/controller_utils.go). A set with
// pending expectations gets only its status updated; records expire so a lost event only delays.
// Also the per-node backoff before a failed daemon pod is deleted again (failedPodsBackoff).
import type { Clock } from '../../machinery/clock.js';

export const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Expected { add: number; del: number; at: number }

export class DaemonExpectations {
  readonly #records = new Map<string, Expected>();
  constructor(private readonly clock: Clock, private readonly ttlMs = EXPECTATIONS_TTL_MS) {}

  satisfied(key: string): boolean {
    const r = this.#records.get(key);
    return !r || (r.add <= 0 && r.del <= 0) || this.clock.now() - r.at > this.ttlMs;
  }

  /** SetExpectations: about to create `add` and delete `del` pods. */
  expect(key: string, add: number, del: number): void {
    this.#records.set(key, { add, del, at: this.clock.now() });
  }

  /** LowerExpectations: creations or deletions that will not happen after all. */
  lower(key: string, add: number, del: number): void {
    const r = this.#records.get(key);
    if (r) { r.add -= add; r.del -= del; }
  }

  creationObserved(key: string): void { this.lower(key, 1, 0); }
  deletionObserved(key: string): void { this.lower(key, 0, 1); }
  forget(key: string): void { this.#records.delete(key); }
}

/** flowcontrol.Backoff as the DaemonSet controller uses it: 1s doubling to 15 minutes, per key. */
export class FailedPodBackoff {
  readonly #entries = new Map<string, { delayMs: number; lastMs: number }>();
  constructor(private readonly initialMs = 1000, private readonly maxMs = 15 * 60_000) {}

  /** Still waiting since the last failure recorded for `key`. */
  inBackoff(key: string, nowMs: number): boolean {
    const e = this.#entries.get(key);
    return e !== undefined && nowMs - e.lastMs < e.delayMs;
  }

  delayMs(key: string): number { return this.#entries.get(key)?.delayMs ?? 0; }

  /** Records a failure: the delay starts at the initial one (or after a long quiet spell) and doubles. */
  next(key: string, nowMs: number): void {
    const e = this.#entries.get(key);
    if (!e || nowMs - e.lastMs > 2 * this.maxMs) this.#entries.set(key, { delayMs: this.initialMs, lastMs: nowMs });
    else { e.delayMs = Math.min(e.delayMs * 2, this.maxMs); e.lastMs = nowMs; }
  }
}
