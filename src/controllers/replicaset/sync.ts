// One reconcile of a ReplicaSet (kube's syncReplicaSet): claim the pods its selector matches,
// create or delete pods when the last sync's effects have been observed, write the status.
import { INDEX_CONTROLLER, R } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels.js';
import type { Result } from '../runtime/index.js';
import { claimBySelector } from './claim.js';
import type { ReplicaSetDeps } from './deps.js';
import { manageReplicas } from './manage.js';
import { isPodActive, msUntilAvailable } from './pods.js';
import { calculateStatus, normalizeStatus, statusUnchanged } from './status.js';
import type { Pod, ReplicaSet, ReplicaSetStatus } from './types.js';

/** The active pods the ReplicaSet controls once orphans are adopted and strays released. */
function claimPods(d: ReplicaSetDeps, rs: Readonly<ReplicaSet>, selector: LabelSelector): Promise<Readonly<Pod>[]> {
  const ns = rs.metadata?.namespace ?? '';
  const candidates = [...d.pods.byIndex(INDEX_CONTROLLER, rs.metadata?.uid ?? ''), ...d.pods.byIndex(d.orphanIndex, ns)].filter(isPodActive);
  return claimBySelector<Pod>(d.client, { owner: rs, ownerRef: R.replicasets, dependentRef: R.pods, selector, candidates });
}

/** PUT of the status with observedGeneration; one fresh GET and retry on conflict (kube: statusUpdateRetries 1). */
async function updateStatus(d: ReplicaSetDeps, rs: Readonly<ReplicaSet>, next: ReplicaSetStatus): Promise<Readonly<ReplicaSet>> {
  if (statusUnchanged(rs, next)) return rs;
  const status = normalizeStatus({ ...next, observedGeneration: rs.metadata?.generation ?? 0 });
  const ns = rs.metadata?.namespace ?? '';
  let target: Readonly<ReplicaSet> = rs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await d.client.update<ReplicaSet>(R.replicasets, ns, { ...target, status }, { subresource: 'status' });
    } catch (e) {
      if (attempt >= 1 || !isStatusError(e) || e.code !== 409) throw e;
      target = await d.client.get<ReplicaSet>(R.replicasets, ns, rs.metadata?.name ?? '');
    }
  }
}

export async function syncReplicaSet(d: ReplicaSetDeps, key: string): Promise<Result | void> {
  const rs = d.replicaSets.get(key);
  if (!rs) {
    d.expectations.forget(key);
    return;
  }
  let selector: LabelSelector;
  try {
    selector = selectorFromLabelSelector(rs.spec?.selector);
  } catch (e) {
    d.log.info({ replicaSet: key, err: e }, 'invalid selector; not syncing');
    return;
  }
  // Read before listing pods: an event that arrives meanwhile re-queues the key anyway.
  const needsSync = d.expectations.satisfied(key);
  const pods = await claimPods(d, rs, selector);
  let manageError: unknown;
  if (needsSync && !rs.metadata?.deletionTimestamp) {
    try {
      await manageReplicas(d, key, rs, pods);
    } catch (e) {
      manageError = e;
    }
  }
  const now = d.clock.now();
  const updated = await updateStatus(d, rs, calculateStatus(rs, pods, manageError, now));
  if (manageError !== undefined) throw manageError;
  // Pods ready but not yet ready for minReadySeconds: look again when the first becomes available.
  const minReady = updated.spec?.minReadySeconds ?? 0;
  if (minReady > 0) {
    let soonest: number | undefined;
    for (const p of pods) {
      const ms = msUntilAvailable(p, minReady, now);
      if (ms !== undefined && ms > 0) soonest = Math.min(soonest ?? Infinity, ms);
    }
    if (soonest !== undefined) return { requeueAfterMs: soonest + d.availabilityPaddingMs };
  }
}
