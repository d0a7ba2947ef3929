// Classifying an object's owners, as kube's garbage collector does before it deletes anything
// (pkg/controller/garbagecollector/garbagecollector.go classifyReferences / isDangling):
// - solid: the owner exists and is not being deleted in the foreground;
// - waitingForDependentsDeletion: the owner exists, is being deleted, and carries foregroundDeletion;
// - dangling: the owner does not exist. Absence is only believed after a live GET of the owner
//   (404, or an object of that name with another uid), never from a possibly stale cache; known
//   absent uids are remembered in a bounded cache so a thousand orphans cost one GET.
// A cluster-scoped object cannot be owned by a namespaced one: such a reference is reported, and
// the object is left alone.
import type { ApiClient } from '../../client/types.js';
import { isStatusError } from '../../machinery/errors.js';
import type { KubeObject, OwnerReference } from '../../machinery/object.js';
import type { Monitors } from './monitors.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

export interface ClassifiedOwners {
  solid: OwnerReference[];
  dangling: OwnerReference[];
  waiting: OwnerReference[];
}

/** A uid set that forgets the oldest entries beyond its capacity (kube's absentOwnerCache, an LRU of 500). */
export class AbsentOwners {
  readonly #uids = new Map<string, true>();
  constructor(private readonly capacity = 500) {}
  has(uid: string): boolean {
    if (!this.#uids.has(uid)) return false;
    this.#uids.delete(uid);
    this.#uids.set(uid, true);
    return true;
  }
  add(uid: string): void {
    this.#uids.delete(uid);
    this.#uids.set(uid, true);
    if (this.#uids.size > this.capacity) {
      const oldest = this.#uids.keys().next().value;
      if (oldest !== undefined) this.#uids.delete(oldest);
    }
  }
}

export const hasFinalizer = (o: Readonly<KubeObject>, f: string): boolean => (o.metadata?.finalizers ?? []).includes(f);

/** Being deleted, and waiting for its blocking dependents first. */
export const isDeletingDependents = (o: Readonly<KubeObject>): boolean =>
  !!o.metadata?.deletionTimestamp && hasFinalizer(o, FINALIZER_FOREGROUND);

/** An ownerReference whose kind discovery does not know (yet): retried with backoff, as kube's restMappingError. */
export class UnknownOwnerKindError extends Error {
  override name = 'UnknownOwnerKindError';
}

/**
 * A cluster-scoped object naming a namespaced owner: the reference can never resolve. kube neither
 * deletes the object nor retries (namespacedOwnerOfClusterScopedObjectErr); it reports an event.
 */
export class InvalidOwnerReferenceError extends Error {
  override name = 'InvalidOwnerReferenceError';
  constructor(readonly ref: OwnerReference) {
    super(`ownerRef [${ref.apiVersion}/${ref.kind}, namespace: , name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace ""`);
  }
}

export interface OwnerDeps {
  monitors: Monitors;
  client: ApiClient;
  absent: AbsentOwners;
}

async function ownerState(d: OwnerDeps, ref: OwnerReference, dependentNamespace: string): Promise<keyof ClassifiedOwners> {
  if (d.absent.has(ref.uid)) return 'dangling';
  const resource = d.monitors.resourceFor(ref);
  if (!resource) throw new UnknownOwnerKindError(`no served resource for ownerReference ${ref.apiVersion}/${ref.kind} "${ref.name}"`);
  if (resource.namespaced && !dependentNamespace) throw new InvalidOwnerReferenceError(ref);
  const cached = d.monitors.cachedOwner(ref, dependentNamespace);
  if (cached) return isDeletingDependents(cached) ? 'waiting' : 'solid';
  let live: KubeObject;
  try {
    live = await d.client.get(resource, resource.namespaced ? dependentNamespace : '', ref.name);
  } catch (e) {
    if (isStatusError(e) && e.code === 404) { d.absent.add(ref.uid); return 'dangling'; }
    throw e;
  }
  if (live.metadata?.uid !== ref.uid) { d.absent.add(ref.uid); return 'dangling'; }
  return isDeletingDependents(live) ? 'waiting' : 'solid';
}

export async function classifyOwners(d: OwnerDeps, refs: readonly OwnerReference[], dependentNamespace: string): Promise<ClassifiedOwners> {
  const out: ClassifiedOwners = { solid: [], dangling: [], waiting: [] };
  for (const ref of refs) out[await ownerState(d, ref, dependentNamespace)].push(ref);
  return out;
}

/** Cheap check on cached state only: every owner is present (uid match) and not deleting in the foreground. */
export function ownersLookSolid(monitors: Monitors, o: Readonly<KubeObject>): boolean {
  const ns = o.metadata?.namespace ?? '';
  return (o.metadata?.ownerReferences ?? []).every((ref) => {
    const owner = monitors.cachedOwner(ref, ns);
    return owner !== undefined && !isDeletingDependents(owner);
  });
}
