// Our own writes, until the informer shows them. A sync that reads the cache right after the
// previous sync wrote would act on the older copy and lose its write to a Conflict; reading
// through this gives the newest copy we know of (the Job controller keeps the same record).
import type { KubeObject } from '../../machinery/object.js';

interface Written<T> { superseded: Set<string>; obj: Readonly<T> }

export class WrittenObjects<T extends KubeObject> {
  readonly #byUid = new Map<string, Written<T>>();

  /** `after` replaced the version `beforeRv` on the server. */
  wrote(beforeRv: string | undefined, after: Readonly<T>): void {
    const uid = after.metadata?.uid ?? '';
    const e = this.#byUid.get(uid) ?? { superseded: new Set<string>(), obj: after };
    if (beforeRv) e.superseded.add(beforeRv);
    e.obj = after;
    this.#byUid.set(uid, e);
  }

  /** The cached object, or our newer write of it. */
  resolve(cached: Readonly<T>): Readonly<T> {
    const uid = cached.metadata?.uid ?? '';
    const e = this.#byUid.get(uid);
    if (!e) return cached;
    if (e.superseded.has(cached.metadata?.resourceVersion ?? '')) return e.obj;
    this.#byUid.delete(uid); // the cache caught up (or someone else wrote since)
    return cached;
  }

  forget(uid: string): void { this.#byUid.delete(uid); }
}
