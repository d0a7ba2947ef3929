// Adoption and release of dependents (kube's BaseControllerRefManager.ClaimObject,
// pkg/controller/controller_ref_manager.go). A controller claims the objects its selector matches
// that nobody controls, and lets go of those it controls that no longer match. Ownership is
// written with a strategic merge patch that also names the dependent's uid, so a patch never
// lands on a different object that took the same name.
import type { ApiClient, ResourceRef } from '../../client/types.js';
import { apiVersionOf } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import { matches, type LabelSelector } from '../../machinery/labels.js';
import type { KubeObject, OwnerReference } from '../../machinery/object.js';
import { controllerOf, newControllerRef } from '../runtime/index.js';

export interface ClaimOptions<T extends KubeObject> {
  /** The controller doing the claiming. */
  owner: Readonly<KubeObject>;
  /** Whether the controller's selector selects the object. */
  match(obj: Readonly<T>): boolean;
  /**
   * Checked once before the first adoption (RecheckDeletionTimestamp): a fresh read of the
   * owner from the API, so that a controller deleted meanwhile adopts nothing. Throws to refuse.
   */
  canAdopt(): Promise<void>;
  adopt(obj: Readonly<T>): Promise<void>;
  release(obj: Readonly<T>): Promise<void>;
}

/**
 * The objects of `candidates` the owner controls after claiming. Errors other than NotFound are
 * collected and the first is thrown once every candidate was looked at.
 */
export async function claimObjects<T extends KubeObject>(candidates: readonly Readonly<T>[], o: ClaimOptions<T>): Promise<Readonly<T>[]> {
  const claimed: Readonly<T>[] = [];
  const errors: unknown[] = [];
  let adoptable: Promise<void> | undefined;
  const ownerUid = o.owner.metadata?.uid;
  const ownerDeleting = Boolean(o.owner.metadata?.deletionTimestamp);
  for (const obj of candidates) {
    const ref = controllerOf(obj);
    try {
      if (ref) {
        if (ref.uid !== ownerUid) continue; // someone else's
        if (o.match(obj)) { claimed.push(obj); continue; }
        if (ownerDeleting) continue;
        await o.release(obj);
        continue;
      }
      if (ownerDeleting || !o.match(obj) || obj.metadata?.deletionTimestamp) continue;
      if (o.owner.metadata?.namespace && o.owner.metadata.namespace !== obj.metadata?.namespace) continue;
      adoptable ??= o.canAdopt();
      await adoptable;
      await o.adopt(obj);
      claimed.push(obj);
    } catch (e) {
      if (isStatusError(e) && e.code === 404) continue;
      errors.push(e);
    }
  }
  if (errors.length) throw errors[0];
  return claimed;
}

/** Strategic merge patch making `ref` the controller of the object with `uid` (adoption). */
export function adoptPatch(ref: OwnerReference, uid: string): unknown {
  return { metadata: { ownerReferences: [ref], uid } };
}

/** Strategic merge patch removing the owner `ownerUid` from the object with `uid` (release). */
export function releasePatch(ownerUid: string, uid: string): unknown {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid } };
}

/** RecheckDeletionTimestamp's verdict on a fresh read of the owner. */
export function checkStillAdoptable(fresh: Readonly<KubeObject>, expected: Readonly<KubeObject>): void {
  const ns = expected.metadata?.namespace ?? '';
  const name = expected.metadata?.name ?? '';
  if (fresh.metadata?.uid !== expected.metadata?.uid) {
    throw new Error(`original ${ns}/${name} is gone: got uid ${fresh.metadata?.uid ?? ''}, wanted ${expected.metadata?.uid ?? ''}`);
  }
  if (fresh.metadata?.deletionTimestamp) {
    throw new Error(`${ns}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }
}

/**
 * claimObjects through the API: `owner` (of resource `ownerRef`) claims the `dependentRef`
 * objects among `candidates` that `selector` matches, by strategic merge patches.
 */
export function claimBySelector<T extends KubeObject>(client: ApiClient, o: {
  owner: Readonly<KubeObject>; ownerRef: ResourceRef; dependentRef: ResourceRef; selector: LabelSelector; candidates: readonly Readonly<T>[];
}): Promise<Readonly<T>[]> {
  const ns = o.owner.metadata?.namespace ?? '';
  const ownerUid = o.owner.metadata?.uid ?? '';
  return claimObjects<T>(o.candidates, {
    owner: o.owner,
    match: (obj) => matches(o.selector, obj.metadata?.labels),
    canAdopt: async () => checkStillAdoptable(await client.get(o.ownerRef, ns, o.owner.metadata?.name ?? ''), o.owner),
    adopt: async (obj) => {
      const ref = newControllerRef(o.owner, apiVersionOf(o.ownerRef), o.ownerRef.kind);
      await client.patch(o.dependentRef, ns, obj.metadata?.name ?? '', adoptPatch(ref, obj.metadata?.uid ?? ''), 'strategic');
    },
    release: async (obj) => {
      await client.patch(o.dependentRef, ns, obj.metadata?.name ?? '', releasePatch(ownerUid, obj.metadata?.uid ?? ''), 'strategic');
    },
  });
}
