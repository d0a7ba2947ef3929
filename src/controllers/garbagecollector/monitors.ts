// The garbage collector's view of the cluster: one informer ("monitor") per resource that can be
// listed, watched and deleted (kube's GraphBuilder monitors), re-read from discovery so CRDs come
// and go. Instead of a uid graph, ownership is answered by the informers' built-in owner index:
// the dependents of uid U are the objects, in any monitored resource, whose ownerReferences name U.
import type { Informer, InformerFactory, InformerHandlers } from '../../client/types.js';
import { INDEX_OWNER, objectKey } from '../../client/index.js';
import type { KubeObject, OwnerReference } from '../../machinery/object.js';
import type { Clock } from '../../machinery/clock.js';
import { groupKindKey, groupOf, hasVerbs, type DiscoveredResource, type DiscoveryResult } from './discovery.js';

export interface Monitor {
  /** `group/resource`: stable across version changes. */
  readonly id: string;
  readonly ref: DiscoveredResource;
  readonly informer: Informer<KubeObject>;
}

export interface Dependent { readonly monitor: Monitor; readonly obj: Readonly<KubeObject> }

/** Resources the collector never watches (kube's DefaultIgnoredResources): events have no dependents worth the churn. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

export const monitorId = (r: { group: string; resource: string }): string => `${r.group}/${r.resource}`;

export function isCollectable(r: DiscoveredResource): boolean {
  return hasVerbs(r, 'list', 'watch', 'delete') && !IGNORED.has(monitorId(r));
}

export class Monitors {
  readonly #byId = new Map<string, Monitor>();
  /** group/Kind → the served resource, collectable or not (to GET owners of any kind). */
  #kinds = new Map<string, DiscoveredResource>();
  /** Informers whose handlers are installed (an informer is shared and lives as long as the factory). */
  readonly #wired = new WeakSet<object>();

  constructor(
    private readonly informers: InformerFactory,
    private readonly handlersFor: (id: string, informer: Informer<KubeObject>) => InformerHandlers<KubeObject>,
  ) {}

  /**
   * Applies a discovery result: new collectable resources get a monitor, resources no longer served
   * lose theirs (their informer keeps its cache but is no longer consulted). Groups whose discovery
   * failed keep what they had.
   */
  apply(d: DiscoveryResult): { added: Monitor[]; removed: string[] } {
    const failedGroups = new Set(d.failed.map((f) => f.group));
    const keep = (group: string) => failedGroups.has(group) || (group !== '' && failedGroups.has('*'));
    const kinds = new Map<string, DiscoveredResource>();
    for (const [k, r] of this.#kinds) if (keep(r.group)) kinds.set(k, r);
    for (const r of d.resources) kinds.set(groupKindKey(r.group, r.kind), r);
    this.#kinds = kinds;

    const wanted = new Map(d.resources.filter(isCollectable).map((r) => [monitorId(r), r]));
    const added: Monitor[] = [];
    const removed: string[] = [];
    for (const [id, m] of this.#byId) {
      const w = wanted.get(id);
      if (w ? w.version !== m.ref.version : !keep(m.ref.group)) { this.#byId.delete(id); removed.push(id); }
    }
    for (const [id, ref] of wanted) {
      if (this.#byId.has(id)) continue;
      const informer = this.informers.informerFor<KubeObject>({ group: ref.group, version: ref.version, resource: ref.resource, kind: ref.kind, namespaced: ref.namespaced });
      const m: Monitor = { id, ref, informer };
      this.#byId.set(id, m);
      if (!this.#wired.has(informer)) {
        this.#wired.add(informer);
        informer.on(this.handlersFor(id, informer));
      }
      added.push(m);
    }
    return { added, removed };
  }

  get(id: string): Monitor | undefined { return this.#byId.get(id); }

  /** Whether `informer` is the current monitor of `id` (events of a dropped monitor are ignored). */
  isCurrent(id: string, informer: Informer<KubeObject>): boolean { return this.#byId.get(id)?.informer === informer; }

  all(): IterableIterator<Monitor> { return this.#byId.values(); }

  /** The served resource of an ownerReference's kind, if discovery knows it. */
  resourceFor(ref: Pick<OwnerReference, 'apiVersion' | 'kind'>): DiscoveredResource | undefined {
    return this.#kinds.get(groupKindKey(groupOf(ref.apiVersion), ref.kind));
  }

  /** The monitor of an ownerReference's kind, if that kind is collectable. */
  monitorFor(ref: Pick<OwnerReference, 'apiVersion' | 'kind'>): Monitor | undefined {
    const r = this.resourceFor(ref);
    return r ? this.#byId.get(monitorId(r)) : undefined;
  }

  /** The cached owner named by `ref` (looked up in the dependent's namespace when namespaced), uid-checked. */
  cachedOwner(ref: OwnerReference, dependentNamespace: string): Readonly<KubeObject> | undefined {
    const m = this.monitorFor(ref);
    if (!m) return undefined;
    const key = m.ref.namespaced ? `${dependentNamespace}/${ref.name}` : ref.name;
    const o = m.informer.lister.get(key);
    return o && o.metadata?.uid === ref.uid ? o : undefined;
  }

  /** Every cached object, of any monitored resource, with an ownerReference to `uid`. */
  dependentsOf(uid: string): Dependent[] {
    const out: Dependent[] = [];
    for (const monitor of this.#byId.values()) {
      for (const obj of monitor.informer.lister.byIndex(INDEX_OWNER, uid)) out.push({ monitor, obj });
    }
    return out;
  }

  /** Resolves once every current monitor has listed, or after `timeoutMs` (a resource that cannot be listed must not stall collection). */
  async synced(timeoutMs: number, clock: Clock, signal: AbortSignal): Promise<boolean> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([
        Promise.all([...this.#byId.values()].map((m) => m.informer.synced())).then(() => true),
        clock.sleep(timeoutMs, stop.signal).then(() => false, () => false),
      ]);
    } finally {
      stop.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }
}

/** Queue key of an object of a monitored resource: `group/resource|namespace/name`. */
export const itemKey = (monitorIdValue: string, obj: Readonly<KubeObject>): string => `${monitorIdValue}|${objectKey(obj)}`;

export function splitItemKey(key: string): { id: string; objKey: string } {
  const i = key.indexOf('|');
  return { id: key.slice(0, i), objKey: key.slice(i + 1) };
}
