// Finding, creating and revising the new ReplicaSet (kube's getAllReplicaSetsAndSyncRevision and
// getNewReplicaSet, pkg/controller/deployment/sync.go). The new ReplicaSet is the one whose
// template is the Deployment's; it gets the revision after the highest old one, which is also how
// a rollback shows: the old ReplicaSet becomes new again with the next revision.
import { R } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import { clone } from '../../machinery/deep-equal.js';
import { controllerOf, newControllerRef } from '../runtime/index.js';
import type { ReplicaSet } from '../replicaset/index.js';
import { setDeploymentRevision, setNewReplicaSetAnnotations } from './annotations.js';
import { getCondition, newCondition, setCondition } from './conditions.js';
import { computeHash } from './hash.js';
import { maxSurge } from './intstr.js';
import { findNewReplicaSet, maxRevision, equalIgnoreHash, type RS } from './replicasets.js';
import { newRSReplicas } from './replica-math.js';
import { writeDeploymentStatus, writeReplicaSet, replaceReplicaSet, type SyncState } from './state.js';
import { DEPLOYMENT_API_VERSION, DEPLOYMENT_KIND, POD_TEMPLATE_HASH, REVISION, Reason, type Deployment } from './types.js';

export function hasProgressDeadline(d: Readonly<Deployment>): boolean {
  const p = d.spec?.progressDeadlineSeconds;
  return p !== undefined && p !== null && p !== 2147483647;
}

export interface NewAndOld { newRS: RS | undefined; oldRSs: RS[] }

/** Every ReplicaSet but the new one (FindOldReplicaSets' second list). */
function oldReplicaSets(s: SyncState, newRS: RS | undefined): RS[] {
  return s.rsList.filter((rs) => !newRS || rs.metadata?.uid !== newRS.metadata?.uid);
}

/** The new ReplicaSet (created when `create` and missing) and the old ones, revisions synced. */
export async function getAllReplicaSetsAndSyncRevision(s: SyncState, create: boolean): Promise<NewAndOld> {
  const existing = findNewReplicaSet(s.d, s.rsList);
  const oldRSs = oldReplicaSets(s, existing);
  const newRS = await getNewReplicaSet(s, existing, oldRSs, create);
  return { newRS, oldRSs: oldReplicaSets(s, newRS) };
}

async function getNewReplicaSet(s: SyncState, existing: RS | undefined, oldRSs: readonly RS[], create: boolean): Promise<RS | undefined> {
  const d = s.d;
  const now = s.deps.clock.now();
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) {
    const copy = clone(existing) as ReplicaSet;
    const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true, maxSurge(d));
    const minReady = d.spec?.minReadySeconds ?? 0;
    if (annotationsChanged || (copy.spec?.minReadySeconds ?? 0) !== minReady) {
      copy.spec = { ...copy.spec, minReadySeconds: minReady };
      if (!minReady) delete copy.spec.minReadySeconds;
      return writeReplicaSet(s, copy);
    }
    let needsUpdate = setDeploymentRevision(d, copy.metadata?.annotations?.[REVISION] ?? '');
    if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
      setCondition((d.status ??= {}), newCondition('Progressing', 'True', Reason.FoundNewRS, `Found new replica set "${copy.metadata?.name ?? ''}"`, now));
      needsUpdate = true;
    }
    if (needsUpdate) await writeDeploymentStatus(s);
    return existing;
  }
  if (!create) return undefined;

  const ns = d.metadata?.namespace ?? '';
  const template = clone(d.spec?.template ?? {});
  const hash = computeHash(d.spec?.template ?? {}, d.status?.collisionCount);
  const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
  template.metadata = { ...template.metadata, labels };
  const selector = clone(d.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
  const minReady = d.spec?.minReadySeconds ?? 0;
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata?.name ?? ''}-${hash}`, namespace: ns, labels: { ...labels },
      ownerReferences: [newControllerRef(d, DEPLOYMENT_API_VERSION, DEPLOYMENT_KIND)],
    },
    spec: { replicas: 0, ...(minReady ? { minReadySeconds: minReady } : {}), selector, template },
  };
  const replicas = newRSReplicas(d, [...oldRSs, rs], rs);
  rs.spec!.replicas = replicas;
  setNewReplicaSetAnnotations(d, rs, newRevision, false, maxSurge(d));

  let created: RS;
  let alreadyExisted = false;
  try {
    created = await s.deps.client.create<ReplicaSet>(R.replicasets, ns, rs);
  } catch (e) {
    if (isStatusError(e) && e.code === 409 && e.reason === 'AlreadyExists') {
      const found = s.deps.replicaSets.get(`${ns}/${rs.metadata?.name ?? ''}`);
      if (!found) throw e; // not in the cache yet: look again on the retry
      const ref = controllerOf(found);
      if (ref?.uid === d.metadata?.uid && equalIgnoreHash(d.spec?.template, found.spec?.template)) {
        // Ours, created by an earlier sync the cache had not shown yet.
        created = found;
        alreadyExisted = true;
      } else {
        // A different object has this name: the next hash must differ (collisionCount).
        const st = (d.status ??= {});
        st.collisionCount = (st.collisionCount ?? 0) + 1;
        await writeDeploymentStatus(s);
        s.deps.log.info({ deployment: `${ns}/${d.metadata?.name ?? ''}`, collisionCount: st.collisionCount }, 'pod-template-hash collision');
        throw e;
      }
    } else if (isStatusError(e) && e.status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) {
      throw e;
    } else {
      const msg = `Failed to create new replica set "${rs.metadata?.name ?? ''}": ${e instanceof Error ? e.message : String(e)}`;
      if (hasProgressDeadline(d)) {
        setCondition((d.status ??= {}), newCondition('Progressing', 'False', Reason.FailedRSCreate, msg, now));
        await writeDeploymentStatus(s).catch(() => undefined);
      }
      s.deps.events.record(d, 'Warning', Reason.FailedRSCreate, msg);
      throw e;
    }
  }
  replaceReplicaSet(s, created);
  if (!alreadyExisted) s.deps.writtenReplicaSets.wrote(undefined, created);
  if (!alreadyExisted && replicas > 0) {
    s.deps.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata?.name ?? ''} from 0 to ${replicas}`);
  }
  let needsUpdate = setDeploymentRevision(d, String(newRevision));
  if (!alreadyExisted && hasProgressDeadline(d)) {
    setCondition((d.status ??= {}), newCondition('Progressing', 'True', Reason.NewRSCreated, `Created new replica set "${created.metadata?.name ?? ''}"`, now));
    needsUpdate = true;
  }
  if (needsUpdate) await writeDeploymentStatus(s);
  return created;
}
