// Scaling ReplicaSets (kube's scale, scaleReplicaSet, scaleReplicaSetAndRecordEvent,
// pkg/controller/deployment/sync.go). When the Deployment is resized mid-rollout, the change is
// spread over the active ReplicaSets in proportion to their size (largest first; leftovers to
// the first), so a half-done rollout stays half done.
import { clone } from '../../machinery/deep-equal.js';
import { specReplicas, type ReplicaSet } from '../replicaset/index.js';
import { replicasAnnotationsNeedUpdate, setReplicasAnnotations } from './annotations.js';
import { isRollingUpdate, maxSurge } from './intstr.js';
import { proportion } from './replica-math.js';
import { bySizeNewer, bySizeOlder, findActiveOrLatest, isActive, isSaturated, specSum, type RS } from './replicasets.js';
import { current, writeReplicaSet, type SyncState } from './state.js';
import { desiredReplicas } from './types.js';

/**
 * Sets the ReplicaSet's size (and its desired/max-replicas annotations) if either differs;
 * records ScalingReplicaSet when the size changed. Returns the ReplicaSet as written.
 */
export async function scaleReplicaSet(s: SyncState, rsIn: RS, newScale: number, operation: string): Promise<{ scaled: boolean; rs: RS }> {
  const rs = current(s, rsIn);
  const desired = desiredReplicas(s.d);
  const max = desired + maxSurge(s.d);
  const oldScale = specReplicas(rs);
  const sizeChanges = oldScale !== newScale;
  if (!sizeChanges && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const copy = clone(rs) as ReplicaSet;
  copy.spec = { ...copy.spec, replicas: newScale };
  setReplicasAnnotations(copy, desired, max);
  const out = await writeReplicaSet(s, copy);
  if (sizeChanges) {
    s.deps.events.record(s.d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${out.metadata?.name ?? ''} from ${oldScale} to ${newScale}`);
  }
  return { scaled: sizeChanges, rs: out };
}

export async function scaleAndRecord(s: SyncState, rsIn: RS, newScale: number): Promise<{ scaled: boolean; rs: RS }> {
  const rs = current(s, rsIn);
  if (specReplicas(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(s, rs, newScale, specReplicas(rs) < newScale ? 'up' : 'down');
}

/** Brings the ReplicaSets' total to the Deployment's size (a scaling event, or a paused Deployment). */
export async function scale(s: SyncState, newRS: RS | undefined, oldRSs: readonly RS[]): Promise<void> {
  const d = s.d;
  const desired = desiredReplicas(d);
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    if (specReplicas(current(s, only)) !== desired) await scaleAndRecord(s, only, desired);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of oldRSs.filter(isActive)) await scaleAndRecord(s, old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = [...oldRSs, newRS].filter(isActive).map((rs) => current(s, rs));
  const allowed = desired > 0 ? desired + maxSurge(d) : 0;
  const toAdd = allowed - specSum(all);
  let operation = '';
  if (toAdd > 0) { all.sort(bySizeNewer); operation = 'up'; }
  if (toAdd < 0) { all.sort(bySizeOlder); operation = 'down'; }
  let added = 0;
  const sizes = new Map<RS, number>();
  for (const rs of all) {
    const p = toAdd !== 0 ? proportion(rs, d, toAdd, added) : 0;
    sizes.set(rs, specReplicas(rs) + p);
    added += p;
  }
  for (const [i, rs] of all.entries()) {
    let size = sizes.get(rs) ?? specReplicas(rs);
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    await scaleReplicaSet(s, rs, size, operation);
  }
}
