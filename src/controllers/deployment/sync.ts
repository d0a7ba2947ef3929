// One reconcile of a Deployment (kube's syncDeployment, pkg/controller/deployment/
// deployment_controller.go and sync.go): claim its ReplicaSets, then — by what changed — only
// write status (being deleted), resize (paused, or a scaling event), or roll out by strategy.
import { INDEX_CONTROLLER, R } from '../../client/index.js';
import { clone } from '../../machinery/deep-equal.js';
import { isEverything, selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels.js';
import type { Result } from '../runtime/index.js';
import { claimBySelector, type ReplicaSet } from '../replicaset/index.js';
import { getCondition, newCondition, setCondition } from './conditions.js';
import { getAllReplicaSetsAndSyncRevision, hasProgressDeadline } from './new-rs.js';
import { syncDeploymentStatus } from './progress.js';
import { rolloutRecreate } from './recreate.js';
import { isActive, type RS } from './replicasets.js';
import { rolloutRolling } from './rolling.js';
import { cleanupDeployment } from './cleanup.js';
import { scale } from './scale.js';
import { writeDeploymentStatus, type DeploymentDeps, type SyncState } from './state.js';
import { DESIRED_REPLICAS, Reason, desiredReplicas, type Deployment } from './types.js';

/** The ReplicaSets the Deployment controls once orphans are adopted and strays released. */
function claimReplicaSets(deps: DeploymentDeps, d: Readonly<Deployment>, selector: LabelSelector): Promise<RS[]> {
  const candidates = [...deps.replicaSets.byIndex(INDEX_CONTROLLER, d.metadata?.uid ?? ''), ...deps.replicaSets.byIndex(deps.orphanIndex, d.metadata?.namespace ?? '')]
    .map((rs) => deps.writtenReplicaSets.resolve(rs));
  return claimBySelector<ReplicaSet>(deps.client, { owner: d, ownerRef: R.deployments, dependentRef: R.replicasets, selector, candidates });
}

/**
 * Progressing Unknown DeploymentPaused / DeploymentResumed on pause and resume, so that time spent
 * paused never counts against the progress deadline (checkPausedConditions).
 */
async function checkPausedConditions(s: SyncState): Promise<void> {
  const d = s.d;
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, 'Progressing');
  if (cond?.reason === Reason.TimedOut) return; // a reported failure stays
  const pausedShown = cond?.reason === Reason.Paused;
  const now = s.deps.clock.now();
  if (d.spec?.paused && !pausedShown) {
    setCondition((d.status ??= {}), newCondition('Progressing', 'Unknown', Reason.Paused, 'Deployment is paused', now));
  } else if (!d.spec?.paused && pausedShown) {
    setCondition((d.status ??= {}), newCondition('Progressing', 'Unknown', Reason.Resumed, 'Deployment is resumed', now));
  } else {
    return;
  }
  await writeDeploymentStatus(s);
}

/** spec.replicas differs from the desired-replicas an active ReplicaSet was last sized for. */
async function isScalingEvent(s: SyncState): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, false);
  const want = String(desiredReplicas(s.d));
  return [...oldRSs, newRS].filter(isActive).some((rs) => {
    const desired = rs.metadata?.annotations?.[DESIRED_REPLICAS];
    return desired !== undefined && /^-?\d+$/.test(desired) && desired !== want;
  });
}

/** Resize without rolling out (sync): scaling events and paused Deployments. */
async function syncScale(s: SyncState): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, false);
  await scale(s, newRS, oldRSs);
  const cur = (rs: RS) => s.rsList.find((x) => x.metadata?.uid === rs.metadata?.uid) ?? rs;
  if (s.d.spec?.paused) await cleanupDeployment(s, oldRSs.map(cur));
  await syncDeploymentStatus(s, [...oldRSs.map(cur), newRS && cur(newRS)], newRS && cur(newRS));
}

export async function syncDeployment(deps: DeploymentDeps, key: string): Promise<Result | void> {
  const cached = deps.deployments.get(key);
  if (!cached) return;
  const d = clone(deps.writtenDeployments.resolve(cached)) as Deployment;
  let selector: LabelSelector;
  try {
    selector = selectorFromLabelSelector(d.spec?.selector);
  } catch (e) {
    deps.log.info({ deployment: key, err: e }, 'invalid selector; not syncing');
    return;
  }
  const s: SyncState = { deps, d, rsList: [] };
  if (isEverything(selector)) {
    deps.events.record(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
      (d.status ??= {}).observedGeneration = d.metadata?.generation ?? 0;
      await writeDeploymentStatus(s);
    }
    return;
  }
  s.rsList = await claimReplicaSets(deps, d, selector);
  if (d.metadata?.deletionTimestamp) {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, false);
    await syncDeploymentStatus(s, [...oldRSs, newRS], newRS);
    return;
  }
  await checkPausedConditions(s);
  if (d.spec?.paused || await isScalingEvent(s)) {
    await syncScale(s);
  } else if (d.spec?.strategy?.type === 'Recreate') {
    await rolloutRecreate(s);
  } else {
    await rolloutRolling(s);
  }
  return s.requeueAfterMs !== undefined ? { requeueAfterMs: s.requeueAfterMs } : undefined;
}
