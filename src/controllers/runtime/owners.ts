// Owner references: which object controls which.
import type { KubeObject, OwnerReference } from '../../machinery/object.js';

/** The ownerReference with controller:true, if any. */
export function controllerOf(obj: Readonly<KubeObject>): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** An ownerReference naming `owner` as the controller (blocking its deletion in foreground). */
export function newControllerRef(owner: Readonly<KubeObject>, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}
