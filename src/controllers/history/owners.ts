// From a dependent's event to its owners (controller_utils resolveControllerRef, and the
// getXForPod lookups used to adopt orphans): owners come from the informer cache.
import { INDEX_NAMESPACE } from '../../client/index.js';
import type { Lister } from '../../client/types.js';
import { matches, selectorFromLabelSelector, type MetaLabelSelector } from '../../machinery/labels.js';
import { deepEqual } from '../../machinery/deep-equal.js';
import type { KubeObject, OwnerReference } from '../../machinery/object.js';

export interface SelectingOwner extends KubeObject {
  spec?: { selector?: MetaLabelSelector };
}

export interface OwnerLookup<T extends SelectingOwner> {
  /** The owner a controllerRef names, if it is in the cache with that uid and kind. */
  resolve(namespace: string, ref: OwnerReference | undefined): Readonly<T> | undefined;
  /** The owners of the object's namespace whose selector matches its labels. */
  selecting(obj: Readonly<KubeObject>): Readonly<T>[];
}

export function ownerLookup<T extends SelectingOwner>(owners: Lister<T>, kind: string): OwnerLookup<T> {
  return {
    resolve: (namespace, ref) => {
      if (!ref || ref.kind !== kind) return undefined;
      const owner = owners.get(`${namespace}/${ref.name}`);
      return owner && owner.metadata?.uid === ref.uid ? owner : undefined;
    },
    selecting: (obj) => owners.byIndex(INDEX_NAMESPACE, obj.metadata?.namespace ?? '').filter((o) => {
      try {
        return matches(selectorFromLabelSelector(o.spec?.selector), obj.metadata?.labels);
      } catch { return false; }
    }),
  };
}

export interface UpdateRouting<T> {
  /** The controller before, when the controllerRef moved away from it. */
  previous?: Readonly<T>;
  /** The controller now. */
  current?: Readonly<T>;
  /** For an orphan whose labels or controllerRef changed: the owners that may adopt it. */
  selecting: Readonly<T>[];
}

/** Which owners a dependent's update concerns (the updatePod handlers of kube's workload controllers). */
export function routeUpdate<T extends SelectingOwner>(lookup: OwnerLookup<T>, old: Readonly<KubeObject>, cur: Readonly<KubeObject>): UpdateRouting<T> {
  const ns = cur.metadata?.namespace ?? '';
  const oldRef = old.metadata?.ownerReferences?.find((r) => r.controller);
  const curRef = cur.metadata?.ownerReferences?.find((r) => r.controller);
  const refChanged = !deepEqual(oldRef ?? null, curRef ?? null);
  const out: UpdateRouting<T> = { selecting: [] };
  const previous = refChanged ? lookup.resolve(ns, oldRef) : undefined;
  if (previous) out.previous = previous;
  if (curRef) {
    const current = lookup.resolve(ns, curRef);
    if (current) out.current = current;
  } else if (refChanged || !deepEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {})) {
    out.selecting = lookup.selecting(cur);
  }
  return out;
}
