// Writes of the StatefulSet controller on pods and claims, with kube's events
// (pkg/controller/statefulset stateful_pod_control.go): claims are created before their pod;
// "create Pod web-0 in StatefulSet web successful", "create Claim www-web-0 Pod web-0 in
// StatefulSet web success"; retention-policy owner references on the claims.
import type { Logger } from 'pino';
import { R } from '../../client/index.js';
import type { ApiClient, EventRecorder, Lister } from '../../client/types.js';
import { clone } from '../../machinery/deep-equal.js';
import { isStatusError } from '../../machinery/errors.js';
import { claimsFor, identityMatches, ordinalOf, storageMatches, updateIdentity, updateStorage } from './identity.js';
import { claimOwnerRefs, claimOwnerUpToDate, hasStaleOwnerRef, retentionPolicy } from './retention.js';
import type { PersistentVolumeClaim, Pod, StatefulSet } from './types.js';

export interface PodControlDeps {
  client: ApiClient;
  events: EventRecorder;
  claims: Lister<PersistentVolumeClaim>;
  log: Logger;
}

const title = (verb: string): string => verb.charAt(0).toUpperCase() + verb.slice(1);
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const keyOf = (ns: string, name: string): string => `${ns}/${name}`;

function recordPodEvent(d: PodControlDeps, verb: string, set: Readonly<StatefulSet>, pod: Readonly<Pod>, err?: unknown): void {
  const p = pod.metadata?.name ?? '';
  const s = set.metadata?.name ?? '';
  if (err === undefined) d.events.record(set, 'Normal', `Successful${title(verb)}`, `${verb} Pod ${p} in StatefulSet ${s} successful`);
  else d.events.record(set, 'Warning', `Failed${title(verb)}`, `${verb} Pod ${p} in StatefulSet ${s} failed error: ${errText(err)}`);
}

function recordClaimEvent(d: PodControlDeps, verb: string, set: Readonly<StatefulSet>, pod: Readonly<Pod>, claim: string, err?: unknown): void {
  const p = pod.metadata?.name ?? '';
  const s = set.metadata?.name ?? '';
  if (err === undefined) d.events.record(set, 'Normal', `Successful${title(verb)}`, `${verb} Claim ${claim} Pod ${p} in StatefulSet ${s} success`);
  else d.events.record(set, 'Warning', `Failed${title(verb)}`, `${verb} Claim ${claim} for Pod ${p} in StatefulSet ${s} failed error: ${errText(err)}`);
}

/** Several failures as one error (utilerrors.NewAggregate's message). */
function aggregate(errs: readonly unknown[]): Error | undefined {
  if (errs.length === 0) return undefined;
  if (errs.length === 1) return errs[0] instanceof Error ? errs[0] : new Error(String(errs[0]));
  return new Error(`[${errs.map(errText).join(', ')}]`);
}

/** createPersistentVolumeClaims: every claim of the pod exists and is not being deleted. */
async function createClaims(d: PodControlDeps, set: Readonly<StatefulSet>, pod: Readonly<Pod>): Promise<void> {
  const errs: unknown[] = [];
  for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
    const ns = claim.metadata?.namespace ?? '';
    const name = claim.metadata?.name ?? '';
    let existing = d.claims.get(keyOf(ns, name));
    if (!existing) {
      try {
        await d.client.create(R.persistentvolumeclaims, ns, claim);
        recordClaimEvent(d, 'create', set, pod, name);
        continue;
      } catch (e) {
        if (!isStatusError(e) || e.code !== 409) {
          errs.push(new Error(`failed to create PVC ${name}: ${errText(e)}`));
          recordClaimEvent(d, 'create', set, pod, name, e);
          continue;
        }
        // Made by an earlier sync and not in the cache yet: look at the API's copy.
        try {
          existing = await d.client.get<PersistentVolumeClaim>(R.persistentvolumeclaims, ns, name);
        } catch (ge) {
          errs.push(new Error(`failed to retrieve PVC ${name}: ${errText(ge)}`));
          continue;
        }
      }
    }
    if (existing.metadata?.deletionTimestamp) errs.push(new Error(`pvc ${name} is being deleted`));
  }
  const err = aggregate(errs);
  if (err) throw err;
}

/** The pod's claims that exist (the cache's copies). */
function existingClaims(d: PodControlDeps, set: Readonly<StatefulSet>, pod: Readonly<Pod>): Readonly<PersistentVolumeClaim>[] {
  const out: Readonly<PersistentVolumeClaim>[] = [];
  for (const c of claimsFor(set, ordinalOf(pod)).values()) {
    const got = d.claims.get(keyOf(c.metadata?.namespace ?? '', c.metadata?.name ?? ''));
    if (got) out.push(got);
  }
  return out;
}

/** ClaimsMatchRetentionPolicy: every existing claim's owners are what the policy asks. */
export function claimsMatchRetentionPolicy(d: PodControlDeps, set: Readonly<StatefulSet>, pod: Readonly<Pod>): boolean {
  return existingClaims(d, set, pod).every((c) => claimOwnerUpToDate(c, set, pod));
}

/** UpdatePodClaimForRetentionPolicy: rewrite the owner references of the claims that differ. */
export async function updateClaimsForRetentionPolicy(d: PodControlDeps, set: Readonly<StatefulSet>, pod: Readonly<Pod>): Promise<void> {
  for (const c of existingClaims(d, set, pod)) {
    if (claimOwnerUpToDate(c, set, pod)) continue;
    const next = clone(c) as PersistentVolumeClaim;
    next.metadata = { ...next.metadata, ownerReferences: claimOwnerRefs(c, set, pod) };
    try {
      await d.client.update(R.persistentvolumeclaims, c.metadata?.namespace ?? '', next);
    } catch (e) {
      throw new Error(`could not update claim ${c.metadata?.name ?? ''} for delete policy ownerRefs: ${errText(e)}`);
    }
  }
}

/** PodClaimIsStale: with whenScaled=Delete, a claim still owned by an earlier pod of this name blocks creation. */
export function podClaimIsStale(d: PodControlDeps, set: Readonly<StatefulSet>, pod: Readonly<Pod>): boolean {
  if (retentionPolicy(set).whenScaled === 'Retain') return false;
  return existingClaims(d, set, pod).some((c) => hasStaleOwnerRef(c, pod));
}

/** CreateStatefulPod: claims first, then the pod. Resolves with the pod the API made. */
export async function createStatefulPod(d: PodControlDeps, set: Readonly<StatefulSet>, pod: Readonly<Pod>): Promise<Pod> {
  try {
    await createClaims(d, set, pod);
  } catch (e) {
    recordPodEvent(d, 'create', set, pod, e);
    throw e;
  }
  let created: Pod;
  try {
    created = await d.client.create<Pod>(R.pods, pod.metadata?.namespace ?? '', pod);
  } catch (e) {
    if (!(isStatusError(e) && e.code === 409)) recordPodEvent(d, 'create', set, pod, e);
    throw e;
  }
  try {
    await updateClaimsForRetentionPolicy(d, set, created);
  } catch (e) {
    recordPodEvent(d, 'update', set, created, e);
    throw e;
  }
  recordPodEvent(d, 'create', set, created);
  return created;
}

/** createMissingPersistentVolumeClaims: for a pending pod whose claims went missing. */
export async function createMissingClaims(d: PodControlDeps, set: Readonly<StatefulSet>, pod: Readonly<Pod>): Promise<void> {
  await createClaims(d, set, pod);
  try {
    await updateClaimsForRetentionPolicy(d, set, pod);
  } catch (e) {
    recordPodEvent(d, 'update', set, pod, e);
    throw e;
  }
}

export async function deleteStatefulPod(d: PodControlDeps, set: Readonly<StatefulSet>, pod: Readonly<Pod>): Promise<void> {
  try {
    await d.client.delete(R.pods, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', { preconditions: { uid: pod.metadata?.uid ?? '' } });
  } catch (e) {
    recordPodEvent(d, 'delete', set, pod, e);
    throw e;
  }
  recordPodEvent(d, 'delete', set, pod);
}

/** UpdateStatefulPod: restore identity, storage and claim ownership; retried on conflict with a fresh read. */
export async function updateStatefulPod(d: PodControlDeps, set: Readonly<StatefulSet>, pod: Readonly<Pod>): Promise<void> {
  let cur = clone(pod) as Pod;
  let attempted = false;
  for (let attempt = 0; ; attempt++) {
    let consistent = true;
    try {
      if (!identityMatches(set, cur)) { updateIdentity(set, cur); consistent = false; }
      if (!storageMatches(set, cur)) { updateStorage(set, cur); consistent = false; await createClaims(d, set, cur); }
      if (!claimsMatchRetentionPolicy(d, set, cur)) { await updateClaimsForRetentionPolicy(d, set, cur); consistent = false; }
    } catch (e) {
      recordPodEvent(d, 'update', set, cur, e);
      throw e;
    }
    if (consistent) {
      if (attempted) recordPodEvent(d, 'update', set, cur);
      return;
    }
    attempted = true;
    try {
      await d.client.update(R.pods, cur.metadata?.namespace ?? '', cur);
      recordPodEvent(d, 'update', set, cur);
      return;
    } catch (e) {
      if (attempt >= 4 || !isStatusError(e) || e.code !== 409) {
        recordPodEvent(d, 'update', set, cur, e);
        throw e;
      }
      cur = await d.client.get<Pod>(R.pods, cur.metadata?.namespace ?? '', cur.metadata?.name ?? '');
    }
  }
}
