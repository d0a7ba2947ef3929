// RollingUpdate (pkg/controller/daemon update.go rollingUpdate, updatedDesiredNodeCounts; util
// SurgeCount / UnavailableCount). Without surge: delete old pods while fewer than maxUnavailable
// new ones are unavailable, and let manage create their replacements. With surge: create new pods
// beside old ones, up to maxSurge at a time, and delete each old pod once its new one is available.
import { isPodAvailable } from '../replicaset/pods.js';
import type { DaemonSetDeps } from './deps.js';
import { nodeShouldRunDaemonPod } from './eligibility.js';
import { isPodUpdated, templateGeneration } from './pods.js';
import type { DaemonSet, Node, Pod } from './types.js';

/** intstr.GetScaledValueFromIntOrPercent: an integer as is, a percentage of `total` rounded as asked. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.isInteger(Number(v)) ? Number(v) : 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

const rolling = (ds: Readonly<DaemonSet>) =>
  (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' ? ds.spec?.updateStrategy?.rollingUpdate : undefined;

/** SurgeCount: extra pods allowed during an update (0 unless RollingUpdate sets maxSurge). */
export const surgeCount = (ds: Readonly<DaemonSet>, desired: number): number => scaledValue(rolling(ds)?.maxSurge, desired, true);
/** UnavailableCount: pods allowed to be unavailable during an update. */
export const unavailableCount = (ds: Readonly<DaemonSet>, desired: number): number => scaledValue(rolling(ds)?.maxUnavailable, desired, true);

/** findUpdatedPodsOnNode: the node's new and old pod; undefined when it has more than one of either. */
function updatedPodsOnNode(pods: readonly Readonly<Pod>[], hash: string, generation: string | undefined): { newPod?: Readonly<Pod>; oldPod?: Readonly<Pod> } | undefined {
  let newPod: Readonly<Pod> | undefined;
  let oldPod: Readonly<Pod> | undefined;
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp) continue;
    if (isPodUpdated(p, hash, generation)) {
      if (newPod) return undefined;
      newPod = p;
    } else {
      if (oldPod) return undefined;
      oldPod = p;
    }
  }
  return { ...(newPod ? { newPod } : {}), ...(oldPod ? { oldPod } : {}) };
}

export interface RollingPlan {
  podsToDelete: Readonly<Pod>[];
  nodesToCreate: string[];
}

export function planRollingUpdate(d: DaemonSetDeps, ds: Readonly<DaemonSet>, nodes: readonly Readonly<Node>[], byNodeIn: ReadonlyMap<string, readonly Readonly<Pod>[]>, hash: string): RollingPlan {
  const byNode = new Map(byNodeIn);
  // updatedDesiredNodeCounts: nodes that should run a pod count even without one.
  let desired = 0;
  const nodeByName = new Map<string, Readonly<Node>>();
  for (const n of nodes) {
    nodeByName.set(n.metadata?.name ?? '', n);
    if (!nodeShouldRunDaemonPod(n, ds).shouldRun) continue;
    desired++;
    if (!byNode.has(n.metadata?.name ?? '')) byNode.set(n.metadata?.name ?? '', []);
  }
  let maxUnavailable = unavailableCount(ds, desired);
  const maxSurge = surgeCount(ds, desired);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1; // impossible settings: allow one
  const now = d.clock.now();
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: Readonly<Pod>) => isPodAvailable(p, minReady, now);
  const generation = templateGeneration(ds);
  const plan: RollingPlan = { podsToDelete: [], nodesToCreate: [] };

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const replacements: Readonly<Pod>[] = [];
    const candidates: Readonly<Pod>[] = [];
    for (const pods of byNode.values()) {
      const found = updatedPodsOnNode(pods, hash, generation);
      if (!found) { numUnavailable++; continue; } // manage cleans up the excess first
      const { newPod, oldPod } = found;
      if ((!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
      else if (newPod) { if (!available(newPod)) numUnavailable++; }
      else if (oldPod && !available(oldPod)) { replacements.push(oldPod); numUnavailable++; }
      else if (oldPod && numUnavailable < maxUnavailable) candidates.push(oldPod);
    }
    const room = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
    plan.podsToDelete.push(...replacements, ...candidates.slice(0, room));
    return plan;
  }

  let numSurge = 0;
  let numAvailable = 0;
  const allowedNew: string[] = [];
  const candidateNew: string[] = [];
  const shouldNotRun: Readonly<Pod>[] = [];
  const wantsPod = (nodeName: string) => {
    const node = nodeByName.get(nodeName);
    return node !== undefined && nodeShouldRunDaemonPod(node, ds).shouldRun;
  };
  for (const [nodeName, pods] of byNode) {
    const found = updatedPodsOnNode(pods, hash, generation);
    if (!found) { numSurge++; continue; } // manage cleans up the excess first
    const { newPod, oldPod } = found;
    if ((oldPod && available(oldPod)) || (newPod && available(newPod))) numAvailable++;
    if (!oldPod) continue; // manage handles this node
    if (!newPod) {
      if (!available(oldPod)) {
        if (!wantsPod(nodeName)) { plan.podsToDelete.push(oldPod); continue; }
        allowedNew.push(nodeName); // an unavailable old pod may be replaced at once
      } else if (numSurge < maxSurge) {
        if (!wantsPod(nodeName)) shouldNotRun.push(oldPod);
        else candidateNew.push(nodeName);
      }
      continue;
    }
    if (!available(newPod)) { numSurge++; continue; }
    plan.podsToDelete.push(oldPod); // its replacement is available
  }
  // Surge promises full availability: a pod on a node it no longer fits goes only while more
  // pods are available than desired.
  const deletable = Math.min(Math.max(0, numAvailable - desired), shouldNotRun.length);
  plan.podsToDelete.push(...shouldNotRun.slice(0, deletable));
  const room = Math.min(Math.max(0, maxSurge - numSurge), candidateNew.length);
  plan.nodesToCreate.push(...allowedNew, ...candidateNew.slice(0, room));
  return plan;
}
