// revisionHistoryLimit (kube's cleanupDeployment): the oldest old ReplicaSets beyond the limit are
// deleted, but only those with no replicas wanted or running and their status up to date.
import { R } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import { specReplicas } from '../replicaset/index.js';
import { byRevision, type RS } from './replicasets.js';
import type { SyncState } from './state.js';

export async function cleanupDeployment(s: SyncState, oldRSs: readonly RS[]): Promise<void> {
  const limit = s.d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  const byAge = [...cleanable].sort(byRevision);
  for (const rs of byAge.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 ||
      (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata?.deletionTimestamp) continue;
    s.deps.log.debug({ replicaSet: rs.metadata?.name }, 'deleting old replica set beyond revisionHistoryLimit');
    try {
      await s.deps.client.delete(R.replicasets, rs.metadata?.namespace ?? '', rs.metadata?.name ?? '');
    } catch (e) {
      if (!isStatusError(e) || e.code !== 404) throw e;
    }
  }
}
