// What a Job's last sync did that the pod cache has not shown yet (kube's ControllerExpectations
// and uidTrackingExpectations). Until the cache catches up, counting pods from it would create
// too many pods or count a finished pod twice. Entries expire after a while in case an event was
// missed (kube: 5 minutes), so a lost watch event only delays a Job.
import type { Clock } from '../../machinery/clock.js';

const EXPECTATION_TTL_MS = 5 * 60_000;

interface Pending {
  /** Names of pods created but not yet seen in the cache. */
  creations: Set<string>;
  /** UIDs of pods deleted whose deletion (or deletionTimestamp) is not yet seen. */
  deletions: Set<string>;
  at: number;
}

export class JobExpectations {
  readonly #pending = new Map<string, Pending>();
  /** Per job key: pod UIDs whose tracking finalizer was removed but the cache still shows it. */
  readonly #finalizers = new Map<string, Set<string>>();
  readonly #clock: Clock;

  constructor(clock: Clock) { this.#clock = clock; }

  #entry(key: string): Pending {
    let e = this.#pending.get(key);
    if (!e) { e = { creations: new Set(), deletions: new Set(), at: this.#clock.now() }; this.#pending.set(key, e); }
    e.at = this.#clock.now();
    return e;
  }

  expectCreation(key: string, podName: string): void { this.#entry(key).creations.add(podName); }
  expectDeletion(key: string, podUid: string): void { this.#entry(key).deletions.add(podUid); }

  creationObserved(key: string, podName: string): void { this.#pending.get(key)?.creations.delete(podName); }
  deletionObserved(key: string, podUid: string): void { this.#pending.get(key)?.deletions.delete(podUid); }

  /** True when nothing is pending, or what is pending is too old to wait for. */
  satisfied(key: string): boolean {
    const e = this.#pending.get(key);
    if (!e) return true;
    if ((e.creations.size === 0 && e.deletions.size === 0) || this.#clock.now() - e.at > EXPECTATION_TTL_MS) {
      this.#pending.delete(key);
      return true;
    }
    return false;
  }

  expectFinalizerRemoved(key: string, podUid: string): void {
    let s = this.#finalizers.get(key);
    if (!s) { s = new Set(); this.#finalizers.set(key, s); }
    s.add(podUid);
  }

  finalizerRemovalObserved(key: string, podUid: string): void {
    const s = this.#finalizers.get(key);
    if (!s) return;
    s.delete(podUid);
    if (s.size === 0) this.#finalizers.delete(key);
  }

  expectedFinalizerRemovals(key: string): ReadonlySet<string> {
    return this.#finalizers.get(key) ?? new Set();
  }

  forget(key: string): void {
    this.#pending.delete(key);
    this.#finalizers.delete(key);
  }
}
