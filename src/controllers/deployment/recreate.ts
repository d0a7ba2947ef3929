// Recreate (kube's rolloutRecreate, pkg/controller/deployment/recreate.go): scale every old
// ReplicaSet to zero, wait until none of their pods is left running, then create / scale up the
// new one.
import { INDEX_CONTROLLER } from '../../client/index.js';
import { cleanupDeployment } from './cleanup.js';
import { getAllReplicaSetsAndSyncRevision } from './new-rs.js';
import { deploymentComplete, syncRolloutStatus } from './progress.js';
import { actualSum, isActive, type RS } from './replicasets.js';
import { scaleAndRecord } from './scale.js';
import { current, type SyncState } from './state.js';
import { desiredReplicas } from './types.js';

/** Whether an old ReplicaSet still has pods, or pods not finished (terminating ones count). */
function oldPodsRunning(s: SyncState, newRS: RS | undefined, oldRSs: readonly RS[]): boolean {
  if (actualSum(oldRSs) > 0) return true;
  for (const rs of s.rsList) {
    if (newRS && rs.metadata?.uid === newRS.metadata?.uid) continue;
    for (const p of s.deps.pods.byIndex(INDEX_CONTROLLER, rs.metadata?.uid ?? '')) {
      const phase = p.status?.phase;
      if (phase !== 'Failed' && phase !== 'Succeeded') return true;
    }
  }
  return false;
}

export async function rolloutRecreate(s: SyncState): Promise<void> {
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, false);
  const all = () => [...oldRSs.map((rs) => current(s, rs)), newRS && current(s, newRS)];
  let scaledDown = false;
  for (const rs of oldRSs.filter(isActive)) {
    if ((await scaleAndRecord(s, rs, 0)).scaled) scaledDown = true;
  }
  if (scaledDown || oldPodsRunning(s, newRS, oldRSs.map((rs) => current(s, rs)))) {
    await syncRolloutStatus(s, all(), newRS && current(s, newRS));
    return;
  }
  if (!newRS) ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, true));
  if (newRS) await scaleAndRecord(s, newRS, desiredReplicas(s.d));
  if (deploymentComplete(s.d, s.d.status)) await cleanupDeployment(s, oldRSs.map((rs) => current(s, rs)));
  await syncRolloutStatus(s, all(), newRS && current(s, newRS));
}
