// Event-handler helpers the ReplicaSet and Deployment controllers share: which owner a
// controllerRef names, which owners' selectors match an orphan, waiting for caches.
import { INDEX_NAMESPACE } from '../../client/index.js';
import type { Informer, Lister } from '../../client/types.js';
import { matches, selectorFromLabelSelector, type LabelSelectorInput } from '../../machinery/labels.js';
import type { KubeObject, OwnerReference } from '../../machinery/object.js';

type Selecting = KubeObject & { spec?: { selector?: LabelSelectorInput } };

export const keyOf = (o: Readonly<KubeObject>): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** The `kind` object a controllerRef names, if the cache has it with that uid (resolveControllerRef). */
export function resolveOwner<T extends KubeObject>(lister: Lister<T>, kind: string, namespace: string, ref: OwnerReference | undefined): Readonly<T> | undefined {
  if (!ref || ref.kind !== kind) return undefined;
  const owner = lister.get(`${namespace}/${ref.name}`);
  return owner && owner.metadata?.uid === ref.uid ? owner : undefined;
}

/** Owners in the namespace whose non-empty selector matches `labels` (who might adopt an orphan). */
export function ownersSelecting<T extends Selecting>(lister: Lister<T>, namespace: string, labels: Readonly<Record<string, string>> | undefined): Readonly<T>[] {
  return lister.byIndex(INDEX_NAMESPACE, namespace).filter((o) => {
    try {
      const sel = selectorFromLabelSelector(o.spec?.selector);
      return sel.requirements.length > 0 && matches(sel, labels);
    } catch { return false; }
  });
}

