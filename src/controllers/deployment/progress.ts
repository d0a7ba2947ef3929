// Deployment status and the Progressing / Available conditions (kube's calculateStatus,
// syncRolloutStatus and requeueStuckDeployment, pkg/controller/deployment/sync.go and
// progress.go). Progress is measured between two syncs: more updated, ready or available pods, or
// fewer old ones. Without progress for progressDeadlineSeconds, Progressing turns False with
// ProgressDeadlineExceeded — which `kubectl rollout status` reports as a failure.
import { getCondition, newCondition, removeCondition, setCondition } from './conditions.js';
import { maxUnavailable } from './intstr.js';
import { hasProgressDeadline } from './new-rs.js';
import { actualSum, availableSum, readySum, specSum, type RS } from './replicasets.js';
import { sameStatus, writeDeploymentStatus, type SyncState } from './state.js';
import { Reason, desiredReplicas, type Deployment, type DeploymentCondition, type DeploymentStatus } from './types.js';

export function calculateStatus(allRSs: readonly (RS | undefined)[], newRS: RS | undefined, d: Readonly<Deployment>, nowMs: number): DeploymentStatus {
  const available = availableSum(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: actualSum(allRSs),
    updatedReplicas: actualSum([newRS]),
    readyReplicas: readySum(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specSum(allRSs) - available),
  };
  if (d.status?.collisionCount !== undefined && d.status.collisionCount !== null) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions?.length) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', Reason.MinimumAvailable, 'Deployment has minimum availability.', nowMs));
  } else {
    setCondition(status, newCondition('Available', 'False', Reason.MinimumUnavailable, 'Deployment does not have minimum availability.', nowMs));
  }
  return status;
}

/** All of spec.replicas updated and available, and the current generation observed. */
export function deploymentComplete(d: Readonly<Deployment>, st: Readonly<DeploymentStatus> | undefined): boolean {
  const want = desiredReplicas(d);
  return (st?.updatedReplicas ?? 0) === want && (st?.replicas ?? 0) === want && (st?.availableReplicas ?? 0) === want &&
    (st?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

function deploymentProgressing(d: Readonly<Deployment>, next: Readonly<DeploymentStatus>): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

const timeMs = (t: string | undefined): number => (t ? Date.parse(t) : NaN);

function deploymentTimedOut(d: Readonly<Deployment>, next: Readonly<DeploymentStatus>, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(next, 'Progressing');
  if (!cond || cond.reason === Reason.NewRSAvailable) return false;
  if (cond.reason === Reason.TimedOut) return true;
  const from = timeMs(cond.lastUpdateTime);
  return !Number.isNaN(from) && from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < nowMs;
}

/** The first ReplicaFailure condition of the ReplicaSets, new one first, as a Deployment condition. */
function replicaFailure(allRSs: readonly (RS | undefined)[], newRS: RS | undefined): DeploymentCondition | undefined {
  for (const rs of [newRS, ...allRSs]) {
    const c = rs?.status?.conditions?.find((x) => x.type === 'ReplicaFailure');
    if (!c) continue;
    const cond: DeploymentCondition = { type: 'ReplicaFailure', status: c.status };
    if (c.lastTransitionTime) { cond.lastUpdateTime = c.lastTransitionTime; cond.lastTransitionTime = c.lastTransitionTime; }
    if (c.reason !== undefined) cond.reason = c.reason;
    if (c.message !== undefined) cond.message = c.message;
    return cond;
  }
  return undefined;
}

/** Wake up when the progress deadline would pass (requeueStuckDeployment). */
function requeueIfStuck(s: SyncState, next: Readonly<DeploymentStatus>, nowMs: number): void {
  const d = s.d;
  const cond = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !cond) return;
  if (deploymentComplete(d, next) || cond.reason === Reason.TimedOut) return;
  const from = timeMs(cond.lastUpdateTime);
  if (Number.isNaN(from)) return;
  const after = from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - nowMs;
  const wake = Math.max(0, after) + s.deps.requeuePaddingMs;
  s.requeueAfterMs = Math.min(s.requeueAfterMs ?? Infinity, wake);
}

/** Status with the Progressing condition estimated; written if it changed. */
export async function syncRolloutStatus(s: SyncState, allRSs: readonly (RS | undefined)[], newRS: RS | undefined): Promise<void> {
  const d = s.d;
  const now = s.deps.clock.now();
  const next = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(next, 'Progressing');
  const cur = getCondition(d.status, 'Progressing');
  const complete = next.replicas === next.updatedReplicas && cur?.reason === Reason.NewRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const rsName = newRS?.metadata?.name;
    const dName = d.metadata?.name ?? '';
    if (deploymentComplete(d, next)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${dName}" has successfully progressed.`;
      setCondition(next, newCondition('Progressing', 'True', Reason.NewRSAvailable, msg, now));
    } else if (deploymentProgressing(d, next)) {
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${dName}" is progressing.`;
      const cond = newCondition('Progressing', 'True', Reason.RSUpdated, msg, now);
      // Progress refreshes lastUpdateTime even when the reason stays the same.
      if (cur) {
        if (cur.status === 'True' && cur.lastTransitionTime) cond.lastTransitionTime = cur.lastTransitionTime;
        removeCondition(next, 'Progressing');
      }
      setCondition(next, cond);
    } else if (deploymentTimedOut(d, next, now)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${dName}" has timed out progressing.`;
      setCondition(next, newCondition('Progressing', 'False', Reason.TimedOut, msg, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(next, failure); else removeCondition(next, 'ReplicaFailure');
  if (sameStatus(d.status, next)) {
    requeueIfStuck(s, next, now);
    return;
  }
  d.status = next;
  await writeDeploymentStatus(s);
}

/** Status without progress estimation (syncDeploymentStatus: scaling events, paused Deployments). */
export async function syncDeploymentStatus(s: SyncState, allRSs: readonly (RS | undefined)[], newRS: RS | undefined): Promise<void> {
  const next = calculateStatus(allRSs, newRS, s.d, s.deps.clock.now());
  if (sameStatus(s.d.status, next)) return;
  s.d.status = next;
  await writeDeploymentStatus(s);
}

