// One reconcile of a DaemonSet (daemon_controller.go syncDaemonSet, updateDaemonSet): settle the
// revisions, claim the pods, and — once the last sync's creations and deletions are seen — create
// and delete pods per node, roll the update, trim the history; always write the status.
import { selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels.js';
import type { Result } from '../runtime/index.js';
import type { DaemonSetDeps } from './deps.js';
import { cleanupHistory, constructHistory } from './history.js';
import { planManage } from './manage.js';
import { claimDaemonPods, nodesToDaemonPods } from './pods.js';
import { planRollingUpdate } from './rolling.js';
import { countDaemonPods, storeStatus } from './status.js';
import { syncNodes } from './sync-nodes.js';
import { REVISION_HASH_LABEL, type DaemonSet, type Pod } from './types.js';

const isEmptySelector = (ds: Readonly<DaemonSet>): boolean => {
  const s = ds.spec?.selector;
  return !s || (Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0);
};

export async function syncDaemonSet(d: DaemonSetDeps, key: string): Promise<Result | void> {
  const ds = d.daemonSets.get(key);
  if (!ds) {
    d.expectations.forget(key);
    return;
  }
  if (isEmptySelector(ds)) {
    d.events.record(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
    return;
  }
  let selector: LabelSelector;
  try {
    selector = selectorFromLabelSelector(ds.spec?.selector);
  } catch (e) {
    d.log.info({ daemonset: key, err: e }, 'invalid selector');
    return;
  }
  // Being deleted: its revisions may already be gone, so no status can be trusted (as kube).
  if (ds.metadata?.deletionTimestamp) return;

  let pods: readonly Readonly<Pod>[] | undefined;
  const claim = async () => (pods ??= await claimDaemonPods(d, ds, selector));
  const { current, old } = await constructHistory(d, ds, selector, claim);
  const hash = current.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';
  const nodes = d.nodes.list();
  const byNode = nodesToDaemonPods(await claim());

  let error: unknown;
  const observed = d.expectations.satisfied(key);
  if (observed) {
    try {
      const m = planManage(d, ds, nodes, byNode, hash);
      await syncNodes(d, ds, m.podsToDelete, m.nodesNeedingPods, hash);
      // Roll only when manage had nothing to do (its writes raise the expectations).
      if (d.expectations.satisfied(key) && (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
        const r = planRollingUpdate(d, ds, nodes, byNode, hash);
        if (r.podsToDelete.length || r.nodesToCreate.length) await syncNodes(d, ds, r.podsToDelete, r.nodesToCreate, hash);
      }
      await cleanupHistory(d, ds, await claim(), old);
    } catch (e) {
      error = e;
    }
  }
  const counts = countDaemonPods(ds, nodes, byNode, hash, d.clock.now());
  // Without an observed sync the generation is not marked observed (kube: updateObservedGen false).
  await storeStatus(d, ds, counts, observed);
  if (error !== undefined) throw error;
  d.log.debug({ daemonset: key, ...counts }, 'synced');
  if (counts.msUntilAvailable !== undefined && counts.numberReady !== counts.numberAvailable) {
    return { requeueAfterMs: counts.msUntilAvailable + d.availabilityPaddingMs };
  }
}
