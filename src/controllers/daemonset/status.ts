// DaemonSet status (daemon_controller.go updateDaemonSetStatus, storeDaemonSetStatus): per node
// that should run the pod, whether one is scheduled there, and whether its oldest pod is ready,
// available and at the current revision; pods on other nodes are misscheduled.
import { R } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import { isPodAvailable, isPodReady, msUntilAvailable } from '../replicaset/pods.js';
import type { DaemonSetDeps } from './deps.js';
import { nodeShouldRunDaemonPod } from './eligibility.js';
import { byAgeScheduledFirst, isPodUpdated, templateGeneration } from './pods.js';
import type { DaemonSet, DaemonSetStatus, Node, Pod } from './types.js';

export interface Counts {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

export function countDaemonPods(ds: Readonly<DaemonSet>, nodes: readonly Readonly<Node>[], byNode: ReadonlyMap<string, readonly Readonly<Pod>[]>, hash: string, nowMs: number): Counts & { msUntilAvailable?: number } {
  const c: Counts & { msUntilAvailable?: number } = {
    desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0,
    updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0,
  };
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const generation = templateGeneration(ds);
  for (const node of nodes) {
    const pods = byNode.get(node.metadata?.name ?? '') ?? [];
    const scheduled = pods.length > 0;
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (scheduled) c.numberMisscheduled++;
      continue;
    }
    c.desiredNumberScheduled++;
    if (!scheduled) continue;
    c.currentNumberScheduled++;
    const pod = [...pods].sort(byAgeScheduledFirst)[0] as Readonly<Pod>;
    if (isPodReady(pod)) {
      c.numberReady++;
      if (isPodAvailable(pod, minReady, nowMs)) c.numberAvailable++;
      else {
        const ms = msUntilAvailable(pod, minReady, nowMs);
        if (ms !== undefined) c.msUntilAvailable = Math.min(c.msUntilAvailable ?? ms, ms);
      }
    }
    if (isPodUpdated(pod, hash, generation)) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}

const COUNT_FIELDS = ['desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const;

/** The status as kube's JSON has it: the four scheduling counts always, the rest omitted when zero. */
function serialize(base: Readonly<DaemonSetStatus>, c: Counts, observedGeneration: number | undefined): DaemonSetStatus {
  const out: DaemonSetStatus = {
    currentNumberScheduled: c.currentNumberScheduled, numberMisscheduled: c.numberMisscheduled,
    desiredNumberScheduled: c.desiredNumberScheduled, numberReady: c.numberReady,
  };
  const og = observedGeneration ?? base.observedGeneration;
  if (og) out.observedGeneration = og;
  if (c.updatedNumberScheduled) out.updatedNumberScheduled = c.updatedNumberScheduled;
  if (c.numberAvailable) out.numberAvailable = c.numberAvailable;
  if (c.numberUnavailable) out.numberUnavailable = c.numberUnavailable;
  if (base.collisionCount !== undefined) out.collisionCount = base.collisionCount;
  if (base.conditions?.length) out.conditions = base.conditions;
  return out;
}

/** storeDaemonSetStatus: PUT when a count changed or the generation is newly observed; one retry on a fresh read. */
export async function storeStatus(d: DaemonSetDeps, ds: Readonly<DaemonSet>, c: Counts, updateObservedGeneration: boolean): Promise<void> {
  const cur = ds.status ?? {};
  const generation = ds.metadata?.generation ?? 0;
  if (COUNT_FIELDS.every((f) => (cur[f] ?? 0) === c[f]) && (cur.observedGeneration ?? 0) >= generation) return;
  const ns = ds.metadata?.namespace ?? '';
  let target: Readonly<DaemonSet> = ds;
  for (let attempt = 0; ; attempt++) {
    try {
      const status = serialize(target.status ?? {}, c, updateObservedGeneration ? generation : undefined);
      await d.client.update(R.daemonsets, ns, { ...target, status }, { subresource: 'status' });
      return;
    } catch (e) {
      if (attempt >= 1 || !isStatusError(e) || e.code !== 409) throw e;
      target = await d.client.get<DaemonSet>(R.daemonsets, ns, ds.metadata?.name ?? '');
    }
  }
}
