// A ReplicaSet's status from the pods it owns (kube's calculateStatus and updateReplicaSetStatus,
// pkg/controller/replicaset/replica_set_utils.go).
import { matches, selectorFromSet } from '../../machinery/labels.js';
import { deepEqual } from '../../machinery/deep-equal.js';
import { rfc3339 } from '../../machinery/object.js';
import { isPodAvailable, isPodReady } from './pods.js';
import { specReplicas, type Pod, type ReplicaSet, type ReplicaSetCondition, type ReplicaSetStatus } from './types.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

/**
 * Counts of `pods` (the active pods the ReplicaSet controls, as they were before this sync's
 * creations and deletions) and the ReplicaFailure condition: set (FailedCreate / FailedDelete,
 * with the error's message) when managing replicas failed, removed once it succeeds.
 */
export function calculateStatus(rs: Readonly<ReplicaSet>, pods: readonly Readonly<Pod>[], manageError: unknown, nowMs: number): ReplicaSetStatus {
  const templateLabels = selectorFromSet(rs.spec?.template?.metadata?.labels);
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    if (matches(templateLabels, p.metadata?.labels)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, nowMs)) available++;
    }
  }
  let conditions: ReplicaSetCondition[] = (rs.status?.conditions ?? []).map((c) => ({ ...c }));
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError !== undefined && !failure) {
    const diff = pods.length - specReplicas(rs);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const message = manageError instanceof Error ? manageError.message : String(manageError);
    conditions.push({ type: REPLICA_FAILURE, status: 'True', reason, message, lastTransitionTime: rfc3339(nowMs) });
  } else if (manageError === undefined && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  const status: ReplicaSetStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
  };
  if (rs.status?.observedGeneration !== undefined) status.observedGeneration = rs.status.observedGeneration;
  if (conditions.length) status.conditions = conditions;
  return status;
}

/** Whether writing `next` would change nothing (the steady state: no write). */
export function statusUnchanged(rs: Readonly<ReplicaSet>, next: Readonly<ReplicaSetStatus>): boolean {
  const cur = rs.status ?? {};
  return (cur.replicas ?? 0) === (next.replicas ?? 0) &&
    (cur.fullyLabeledReplicas ?? 0) === (next.fullyLabeledReplicas ?? 0) &&
    (cur.readyReplicas ?? 0) === (next.readyReplicas ?? 0) &&
    (cur.availableReplicas ?? 0) === (next.availableReplicas ?? 0) &&
    (rs.metadata?.generation ?? 0) === (cur.observedGeneration ?? 0) &&
    deepEqual(cur.conditions ?? [], next.conditions ?? []);
}

/** The status as kube serialises it: zero counters other than `replicas` omitted. */
export function normalizeStatus(s: ReplicaSetStatus): ReplicaSetStatus {
  const out: ReplicaSetStatus = { replicas: s.replicas ?? 0 };
  if (s.fullyLabeledReplicas) out.fullyLabeledReplicas = s.fullyLabeledReplicas;
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.availableReplicas) out.availableReplicas = s.availableReplicas;
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s.conditions?.length) out.conditions = s.conditions;
  return out;
}
