// The garbage collector's writes. Metadata changes are JSON merge patches that carry the object's
// uid and resourceVersion, so they apply only to the object that was examined (a recreated object
// fails the uid check, a changed one answers 409 and is examined again) and work on every kind,
// custom resources included (kube uses the same JSON merge patch form for them).
import type { ApiClient, DeleteOptions, ResourceRef } from '../../client/types.js';
import { isStatusError } from '../../machinery/errors.js';
import type { KubeObject, OwnerReference } from '../../machinery/object.js';

type Policy = NonNullable<DeleteOptions['propagationPolicy']>;

function nameOf(o: Readonly<KubeObject>): { ns: string; name: string } {
  return { ns: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '' };
}

/** Tolerates the object being gone already. */
async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try { await p; } catch (e) { if (!(isStatusError(e) && e.code === 404)) throw e; }
}

function metaPatch(o: Readonly<KubeObject>, meta: Record<string, unknown>): unknown {
  return { metadata: { uid: o.metadata?.uid, resourceVersion: o.metadata?.resourceVersion, ...meta } };
}

/** Drops the ownerReferences to `uids` (orphaning, or forgetting owners that are gone). */
export async function removeOwnerReferences(client: ApiClient, ref: ResourceRef, o: Readonly<KubeObject>, uids: ReadonlySet<string>): Promise<void> {
  const refs = o.metadata?.ownerReferences ?? [];
  const remaining = refs.filter((r) => !uids.has(r.uid));
  if (remaining.length === refs.length) return;
  const { ns, name } = nameOf(o);
  await ignoreNotFound(client.patch(ref, ns, name, metaPatch(o, { ownerReferences: remaining.length ? remaining : null }), 'merge'));
}

/** Sets blockOwnerDeletion=false on every blocking ownerReference (kube's unblockOwnerReferences, to break foreground cycles). */
export async function unblockOwnerReferences(client: ApiClient, ref: ResourceRef, o: Readonly<KubeObject>): Promise<void> {
  const refs = o.metadata?.ownerReferences ?? [];
  if (!refs.some((r) => r.blockOwnerDeletion)) return;
  const next: OwnerReference[] = refs.map((r) => (r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : { ...r }));
  const { ns, name } = nameOf(o);
  await ignoreNotFound(client.patch(ref, ns, name, metaPatch(o, { ownerReferences: next }), 'merge'));
}

/** Removes one metadata finalizer; the server deletes the object when it was the last. */
export async function removeFinalizer(client: ApiClient, ref: ResourceRef, o: Readonly<KubeObject>, finalizer: string): Promise<void> {
  const fins = o.metadata?.finalizers ?? [];
  if (!fins.includes(finalizer)) return;
  const { ns, name } = nameOf(o);
  await ignoreNotFound(client.patch(ref, ns, name, metaPatch(o, { finalizers: fins.filter((f) => f !== finalizer) }), 'merge'));
}

/** Deletes exactly this object (uid precondition) with a propagation policy. */
export async function deleteWithPolicy(client: ApiClient, ref: ResourceRef, o: Readonly<KubeObject>, propagationPolicy: Policy): Promise<void> {
  const { ns, name } = nameOf(o);
  const uid = o.metadata?.uid;
  try {
    await client.delete(ref, ns, name, { propagationPolicy, ...(uid ? { preconditions: { uid } } : {}) });
  } catch (e) {
    // Gone, or replaced by another object of the same name: nothing of ours to delete.
    if (isStatusError(e) && (e.code === 404 || e.code === 409)) return;
    throw e;
  }
}
