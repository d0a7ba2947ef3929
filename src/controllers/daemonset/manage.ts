// manage (daemon_controller.go manage, podsShouldBeOnNode): per node, create the daemon pod where
// one should run and none does; delete failed and succeeded pods (failed ones with a per-node
// backoff and a warning), extra pods (keeping the oldest, or with surge the right old/new pair),
// and pods on nodes they no longer fit; and unscheduled pods pinned to nodes that are gone.
import { isPodAvailable, isPodReady } from '../replicaset/pods.js';
import { keyOf, type DaemonSetDeps } from './deps.js';
import { nodeShouldRunDaemonPod } from './eligibility.js';
import { byAgeScheduledFirst } from './pods.js';
import { surgeCount } from './rolling.js';
import { REVISION_HASH_LABEL, type DaemonSet, type Node, type Pod } from './types.js';

export interface ManagePlan {
  nodesNeedingPods: string[];
  podsToDelete: Readonly<Pod>[];
}

function podsShouldBeOnNode(d: DaemonSetDeps, node: Readonly<Node>, byNode: ReadonlyMap<string, readonly Readonly<Pod>[]>, ds: Readonly<DaemonSet>, hash: string, plan: ManagePlan): void {
  const nodeName = node.metadata?.name ?? '';
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
  const pods = byNode.get(nodeName);
  if (shouldRun && !pods) {
    plan.nodesNeedingPods.push(nodeName);
    return;
  }
  if (!pods) return;
  if (!shouldContinueRunning) {
    for (const p of pods) if (!p.metadata?.deletionTimestamp) plan.podsToDelete.push(p);
    return;
  }
  const running: Readonly<Pod>[] = [];
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp) continue;
    if (p.status?.phase === 'Failed') {
      // The kubelet may keep rejecting the pod: back off per node before trying again.
      const backoffKey = `${ds.metadata?.uid ?? ''}/${nodeName}`;
      const now = d.clock.now();
      if (d.failedPodsBackoff.inBackoff(backoffKey, now)) {
        d.enqueueAfter(keyOf(ds), d.failedPodsBackoff.delayMs(backoffKey));
        continue;
      }
      d.failedPodsBackoff.next(backoffKey, now);
      d.events.record(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''} on node ${nodeName}, will try to kill it`);
      plan.podsToDelete.push(p);
    } else if (p.status?.phase === 'Succeeded') {
      plan.podsToDelete.push(p);
    } else {
      running.push(p);
    }
  }
  running.sort(byAgeScheduledFirst);
  if (surgeCount(ds, 1) === 0) {
    plan.podsToDelete.push(...running.slice(1)); // one pod per node: the oldest stays
    return;
  }
  if (running.length <= 1) {
    if (running.length === 0 && shouldRun) plan.nodesNeedingPods.push(nodeName); // surging: keep one pod at least
    return;
  }
  // With surge, an old and a new pod may overlap: the oldest of each is kept while the new one is
  // not yet available and the old one is ready; everything else goes.
  let oldestNew: Readonly<Pod> | undefined;
  let oldestOld: Readonly<Pod> | undefined;
  for (const p of running) {
    const isNew = p.metadata?.labels?.[REVISION_HASH_LABEL] === hash;
    if (isNew && !oldestNew) { oldestNew = p; continue; }
    if (!isNew && !oldestOld) { oldestOld = p; continue; }
    plan.podsToDelete.push(p);
  }
  if (oldestNew && oldestOld) {
    if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec?.minReadySeconds ?? 0, d.clock.now())) plan.podsToDelete.push(oldestOld);
  }
}

export function planManage(d: DaemonSetDeps, ds: Readonly<DaemonSet>, nodes: readonly Readonly<Node>[], byNode: ReadonlyMap<string, readonly Readonly<Pod>[]>, hash: string): ManagePlan {
  const plan: ManagePlan = { nodesNeedingPods: [], podsToDelete: [] };
  for (const node of nodes) podsShouldBeOnNode(d, node, byNode, ds, hash, plan);
  // getUnscheduledPodsWithoutNode: pinned to a node that is gone, never bound — no one else cleans them.
  const existing = new Set(nodes.map((n) => n.metadata?.name ?? ''));
  for (const [nodeName, pods] of byNode) {
    if (existing.has(nodeName)) continue;
    for (const p of pods) if (!p.spec?.nodeName) plan.podsToDelete.push(p);
  }
  return plan;
}
