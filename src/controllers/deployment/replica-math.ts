// Replica arithmetic of rollouts and proportional scaling (deploymentutil NewRSNewReplicas,
// GetProportion, getReplicaSetFraction).
import { specReplicas } from '../replicaset/index.js';
import { isRollingUpdate, maxSurge } from './intstr.js';
import { podCountUpperBound, type RS } from './replicasets.js';
import { MAX_REPLICAS, desiredReplicas, type Deployment } from './types.js';

/**
 * How many replicas the new ReplicaSet may have now: Recreate — all of them; RollingUpdate — as
 * many more as keep every pod within spec.replicas + maxSurge, never above spec.replicas.
 */
export function newRSReplicas(d: Readonly<Deployment>, allRSs: readonly RS[], newRS: RS): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d)) return desired;
  const maxTotal = desired + maxSurge(d);
  const current = podCountUpperBound(allRSs);
  if (current >= maxTotal) return specReplicas(newRS);
  return specReplicas(newRS) + Math.min(maxTotal - current, desired - specReplicas(newRS));
}

/** math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** The change this ReplicaSet's size would need to keep its share of the Deployment (getReplicaSetFraction). */
function fraction(rs: RS, d: Readonly<Deployment>): number {
  const desired = desiredReplicas(d);
  if (desired === 0) return -specReplicas(rs);
  const maxNow = desired + maxSurge(d);
  const annotated = rs.metadata?.annotations?.[MAX_REPLICAS];
  let maxBefore = annotated !== undefined && /^\d+$/.test(annotated) ? Number(annotated) : 0;
  if (maxBefore === 0) {
    // Annotation missing or tampered with: fall back to the Deployment's current size.
    maxBefore = d.status?.replicas ?? 0;
    if (maxBefore === 0) return 0;
  }
  return roundHalfAway((specReplicas(rs) * maxNow) / maxBefore) - specReplicas(rs);
}

/**
 * This ReplicaSet's part of `toAdd` (negative when scaling down), given `added` already handed out
 * to larger ReplicaSets (GetProportion): never beyond what is left.
 */
export function proportion(rs: RS, d: Readonly<Deployment>, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const f = fraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(f, allowed) : Math.max(f, allowed);
}
