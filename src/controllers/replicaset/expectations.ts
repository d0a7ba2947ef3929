// What a controller's last sync did that its informer has not shown yet (kube's
// ControllerExpectations + UIDTrackingControllerExpectations, pkg/controller/controller_utils.go).
// Until the cache catches up, counting pods from it would create or delete twice; so a key whose
// expectations are pending is not managed, only its status is. Records expire (kube: 5 minutes)
// so that a lost watch event only delays a controller, never blocks it.
import type { Clock } from '../../machinery/clock.js';

export const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Record {
  /** Creations not yet observed; may go below zero (an add was seen twice or skipped). */
  add: number;
  /** Deletions not yet observed. */
  del: number;
  at: number;
}

export class ControllerExpectations {
  readonly #records = new Map<string, Record>();
  /** Per controller key: keys (namespace/name) of the pods it deleted and has not seen go. */
  readonly #deleting = new Map<string, Set<string>>();
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(clock: Clock, ttlMs = EXPECTATIONS_TTL_MS) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** True when nothing is pending (or what is pending is too old to wait for): the key may be managed. */
  satisfied(key: string): boolean {
    const r = this.#records.get(key);
    if (!r) return true;
    return (r.add <= 0 && r.del <= 0) || this.#clock.now() - r.at > this.#ttlMs;
  }

  /** Replaces the record: `n` pods are about to be created. */
  expectCreations(key: string, n: number): void {
    this.#records.set(key, { add: n, del: 0, at: this.#clock.now() });
  }

  /** Replaces the record: these pods (namespace/name) are about to be deleted. */
  expectDeletions(key: string, podKeys: readonly string[]): void {
    this.#deleting.set(key, new Set(podKeys));
    this.#records.set(key, { add: 0, del: podKeys.length, at: this.#clock.now() });
  }

  /** A pod of this controller appeared, or a planned creation did not happen. */
  creationObserved(key: string): void {
    const r = this.#records.get(key);
    if (r) r.add--;
  }

  /** A pod went (or got a deletionTimestamp); counts only for pods this controller deleted. */
  deletionObserved(key: string, podKey: string): void {
    const set = this.#deleting.get(key);
    if (!set?.delete(podKey)) return;
    if (set.size === 0) this.#deleting.delete(key);
    const r = this.#records.get(key);
    if (r) r.del--;
  }

  /** The controller is gone. */
  forget(key: string): void {
    this.#records.delete(key);
    this.#deleting.delete(key);
  }
}
