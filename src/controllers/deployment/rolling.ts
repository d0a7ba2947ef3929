// RollingUpdate (kube's rolloutRolling, pkg/controller/deployment/rolling.go): scale the new
// ReplicaSet up within maxSurge, scale old ones down within maxUnavailable — unhealthy old
// replicas first, since they count for nothing — and clean up once complete.
import { specReplicas } from '../replicaset/index.js';
import { cleanupDeployment } from './cleanup.js';
import { maxUnavailable } from './intstr.js';
import { getAllReplicaSetsAndSyncRevision } from './new-rs.js';
import { deploymentComplete, syncRolloutStatus } from './progress.js';
import { newRSReplicas } from './replica-math.js';
import { byCreation, isActive, safeAvailableSum, specSum, type RS } from './replicasets.js';
import { scaleAndRecord } from './scale.js';
import { current, type SyncState } from './state.js';
import { desiredReplicas } from './types.js';

export async function rolloutRolling(s: SyncState): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, true);
  if (!newRS) return; // cannot happen: created above
  const all = () => [...oldRSs.map((rs) => current(s, rs)), current(s, newRS)];
  if (await reconcileNewReplicaSet(s, all(), current(s, newRS))) {
    await syncRolloutStatus(s, all(), current(s, newRS));
    return;
  }
  if (await reconcileOldReplicaSets(s, all(), oldRSs.map((rs) => current(s, rs)).filter(isActive), current(s, newRS))) {
    await syncRolloutStatus(s, all(), current(s, newRS));
    return;
  }
  if (deploymentComplete(s.d, s.d.status)) await cleanupDeployment(s, oldRSs.map((rs) => current(s, rs)));
  await syncRolloutStatus(s, all(), current(s, newRS));
}

async function reconcileNewReplicaSet(s: SyncState, all: readonly RS[], newRS: RS): Promise<boolean> {
  const desired = desiredReplicas(s.d);
  if (specReplicas(newRS) === desired) return false;
  if (specReplicas(newRS) > desired) return (await scaleAndRecord(s, newRS, desired)).scaled;
  return (await scaleAndRecord(s, newRS, newRSReplicas(s.d, all, newRS))).scaled;
}

async function reconcileOldReplicaSets(s: SyncState, all: readonly RS[], oldRSs: readonly RS[], newRS: RS): Promise<boolean> {
  const oldPods = specSum(oldRSs);
  if (oldPods === 0) return false; // nothing to scale down
  const minAvailable = desiredReplicas(s.d) - maxUnavailable(s.d);
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specSum(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // Unhealthy old replicas go first: they count for nothing, and would block the rollout.
  const cleaned = await cleanupUnhealthyReplicas(s, oldRSs, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSets(s, [...oldRSs.map((rs) => current(s, rs)), current(s, newRS)], oldRSs.map((rs) => current(s, rs)));
  return cleaned + scaledDown > 0;
}

async function cleanupUnhealthyReplicas(s: SyncState, oldRSs: readonly RS[], maxCleanup: number): Promise<number> {
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= maxCleanup) break;
    const replicas = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas <= available) continue;
    const n = Math.min(maxCleanup - total, replicas - available);
    await scaleAndRecord(s, rs, replicas - n);
    total += n;
  }
  return total;
}

async function scaleDownOldReplicaSets(s: SyncState, all: readonly RS[], oldRSs: readonly RS[]): Promise<number> {
  const minAvailable = desiredReplicas(s.d) - maxUnavailable(s.d);
  const available = safeAvailableSum(all);
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    const replicas = specReplicas(rs);
    if (replicas === 0) continue;
    const n = Math.min(replicas, budget - total);
    await scaleAndRecord(s, rs, replicas - n);
    total += n;
  }
  return total;
}
