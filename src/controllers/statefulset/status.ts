// StatefulSet status (stateful_set_control.go computeReplicaStatus, completeRollingUpdate,
// inconsistentStatus; stateful_set_status_updater.go): counted from the pods, written through the
// status subresource only when it differs, serialised as kube's (zero counters omitted except
// replicas and availableReplicas).
import { R } from '../../client/index.js';
import type { ApiClient } from '../../client/types.js';
import { isStatusError } from '../../machinery/errors.js';
import { podRevision } from './identity.js';
import { isCreated, isRunningAndAvailable, isRunningAndReady, isTerminating } from './pod-state.js';
import { specReplicas, type Pod, type StatefulSet, type StatefulSetStatus } from './types.js';

export interface Counts { replicas: number; readyReplicas: number; availableReplicas: number; currentReplicas: number; updatedReplicas: number }

/** computeReplicaStatus over every list given (replicas, condemned). */
export function countPods(lists: readonly (readonly Readonly<Pod>[])[], minReadySeconds: number, nowMs: number, currentRevision: string, updateRevision: string): Counts {
  const c: Counts = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const list of lists) {
    for (const p of list) {
      if (isCreated(p)) c.replicas++;
      if (isRunningAndReady(p)) {
        c.readyReplicas++;
        if (isRunningAndAvailable(p, minReadySeconds, nowMs)) c.availableReplicas++;
      }
      if (isCreated(p) && !isTerminating(p)) {
        const rev = podRevision(p);
        if (rev === currentRevision) c.currentReplicas++;
        if (rev === updateRevision) c.updatedReplicas++;
      }
    }
  }
  return c;
}

/** completeRollingUpdate: once every replica is updated and ready, the update revision is current. */
export function completeRollingUpdate(set: Readonly<StatefulSet>, status: StatefulSetStatus): void {
  const want = specReplicas(set);
  if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate'
    && status.updatedReplicas === want && status.readyReplicas === want && status.replicas === want) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

/** inconsistentStatus: whether `status` says anything the set's status does not. */
export function statusDiffers(set: Readonly<StatefulSet>, status: Readonly<StatefulSetStatus>): boolean {
  const cur = set.status ?? {};
  const n = (v: number | undefined) => v ?? 0;
  return n(status.observedGeneration) > n(cur.observedGeneration)
    || n(status.replicas) !== n(cur.replicas)
    || n(status.currentReplicas) !== n(cur.currentReplicas)
    || n(status.readyReplicas) !== n(cur.readyReplicas)
    || n(status.updatedReplicas) !== n(cur.updatedReplicas)
    || (status.currentRevision ?? '') !== (cur.currentRevision ?? '')
    || n(status.availableReplicas) !== n(cur.availableReplicas)
    || (status.updateRevision ?? '') !== (cur.updateRevision ?? '')
    || status.collisionCount !== cur.collisionCount;
}

/** The status as kube's JSON has it: omitempty counters dropped when zero. */
export function serializeStatus(s: Readonly<StatefulSetStatus>, keep: Readonly<StatefulSetStatus>): StatefulSetStatus {
  const out: StatefulSetStatus = { replicas: s.replicas ?? 0, availableReplicas: s.availableReplicas ?? 0 };
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.currentReplicas) out.currentReplicas = s.currentReplicas;
  if (s.updatedReplicas) out.updatedReplicas = s.updatedReplicas;
  if (s.currentRevision) out.currentRevision = s.currentRevision;
  if (s.updateRevision) out.updateRevision = s.updateRevision;
  if (s.collisionCount !== undefined) out.collisionCount = s.collisionCount;
  if (keep.conditions?.length) out.conditions = keep.conditions; // nothing sets them; keep what others wrote
  return out;
}

/** updateStatefulSetStatus: complete a finished rollout, then PUT the status if it changed (retrying conflicts). */
export async function writeStatus(client: ApiClient, set: Readonly<StatefulSet>, status: StatefulSetStatus): Promise<void> {
  completeRollingUpdate(set, status);
  if (!statusDiffers(set, status)) return;
  const ns = set.metadata?.namespace ?? '';
  let target: Readonly<StatefulSet> = set;
  for (let attempt = 0; ; attempt++) {
    try {
      await client.update(R.statefulsets, ns, { ...target, status: serializeStatus(status, target.status ?? {}) }, { subresource: 'status' });
      return;
    } catch (e) {
      if (attempt >= 4 || !isStatusError(e) || e.code !== 409) throw e;
      target = await client.get<StatefulSet>(R.statefulsets, ns, set.metadata?.name ?? '');
      if (target.metadata?.uid !== set.metadata?.uid) return;
    }
  }
}
