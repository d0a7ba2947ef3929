// persistentVolumeClaimRetentionPolicy as owner references on the claims (stateful_set_utils.go
// isClaimOwnerUpToDate / updateClaimOwnerRefForSetAndPod): whenDeleted=Delete makes the set the
// claim's controller, so the garbage collector deletes the claim with the set; whenScaled=Delete
// makes the pod of a scaled-down ordinal its controller, so the claim goes with that pod.
import type { KubeObject, OwnerReference } from '../../machinery/object.js';
import { newControllerRef } from '../runtime/index.js';
import { inOrdinalRange } from './identity.js';
import { STS_API_VERSION, STS_KIND, type PersistentVolumeClaim, type Pod, type StatefulSet } from './types.js';

interface Kind { apiVersion: string; kind: string }
const SET: Kind = { apiVersion: STS_API_VERSION, kind: STS_KIND };
const POD: Kind = { apiVersion: 'v1', kind: 'Pod' };

export function retentionPolicy(set: Readonly<StatefulSet>): { whenDeleted: string; whenScaled: string } {
  const p = set.spec?.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' };
}

const refs = (o: Readonly<KubeObject>): readonly OwnerReference[] => o.metadata?.ownerReferences ?? [];
const matchesRef = (r: Readonly<OwnerReference>, o: Readonly<KubeObject>, k: Kind): boolean =>
  r.apiVersion === k.apiVersion && r.kind === k.kind && r.name === o.metadata?.name;

/** An owner reference to `owner` by uid (controller or not). */
export const hasOwnerRef = (target: Readonly<KubeObject>, owner: Readonly<KubeObject>): boolean =>
  refs(target).some((r) => r.uid === owner.metadata?.uid);

/** A reference naming `owner` (kind and name) with another uid: left by an earlier object of that name. */
export function hasStaleOwnerRef(target: Readonly<KubeObject>, owner: Readonly<KubeObject>, k: Kind = POD): boolean {
  const r = refs(target).find((x) => matchesRef(x, owner, k));
  return r !== undefined && r.uid !== owner.metadata?.uid;
}

/** A controller other than the set and the pod, or stale references to either (left alone). */
function hasUnexpectedController(claim: Readonly<PersistentVolumeClaim>, set: Readonly<StatefulSet>, pod: Readonly<Pod>): boolean {
  const policy = retentionPolicy(set);
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Retain') return false;
  for (const r of refs(claim)) {
    if (matchesRef(r, set, SET)) { if (r.uid !== set.metadata?.uid) return true; continue; }
    if (matchesRef(r, pod, POD)) { if (r.uid !== pod.metadata?.uid) return true; continue; }
    if (r.controller) return true;
  }
  return false;
}

const hasNonControllerOwner = (claim: Readonly<PersistentVolumeClaim>, set: Readonly<StatefulSet>, pod: Readonly<Pod>): boolean =>
  refs(claim).some((r) => (r.uid === set.metadata?.uid || r.uid === pod.metadata?.uid) && !r.controller);

/** isClaimOwnerUpToDate: the claim's references say what the policy asks (or must not be touched). */
export function claimOwnerUpToDate(claim: Readonly<PersistentVolumeClaim>, set: Readonly<StatefulSet>, pod: Readonly<Pod>): boolean {
  if (hasStaleOwnerRef(claim, set, SET) || hasStaleOwnerRef(claim, pod, POD)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const { whenDeleted, whenScaled } = retentionPolicy(set);
  const setRef = hasOwnerRef(claim, set);
  const podRef = hasOwnerRef(claim, pod);
  const scaledDown = !inOrdinalRange(pod, set);
  if (whenScaled === 'Delete' && whenDeleted === 'Delete') return scaledDown !== setRef && scaledDown === podRef;
  if (whenScaled === 'Delete') return !setRef && scaledDown === podRef;
  if (whenDeleted === 'Delete') return setRef && !podRef;
  return !setRef && !podRef;
}

/** updateClaimOwnerRefForSetAndPod: the claim's owner references once the policy is applied. */
export function claimOwnerRefs(claim: Readonly<PersistentVolumeClaim>, set: Readonly<StatefulSet>, pod: Readonly<Pod>): OwnerReference[] {
  const unexpected = hasUnexpectedController(claim, set, pod);
  const out = refs(claim).filter((r) => !matchesRef(r, set, SET) && !matchesRef(r, pod, POD)).map((r) => ({ ...r }));
  if (unexpected) return out;
  const add = (owner: Readonly<KubeObject>, k: Kind) => {
    if (!out.some((r) => r.uid === owner.metadata?.uid)) out.push(newControllerRef(owner, k.apiVersion, k.kind));
  };
  const { whenDeleted, whenScaled } = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(pod, set);
  if (whenScaled === 'Delete') {
    if (scaledDown) add(pod, POD);
    else if (whenDeleted === 'Delete') add(set, SET);
  } else if (whenDeleted === 'Delete') {
    add(set, SET);
  }
  return out;
}
