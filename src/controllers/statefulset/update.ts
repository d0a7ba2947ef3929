// One pass of the StatefulSet algorithm (stateful_set_control.go updateStatefulSet): split the pods
// into replicas (ordinals in range) and condemned (beyond it); create missing replicas, recreate
// finished ones, wait for each to be Running and Ready before the next (OrderedReady) or act on all
// at once (Parallel); delete the condemned from the highest ordinal; then roll the update from the
// highest ordinal down to the partition, one unavailable pod at a time.
import type { Clock } from '../../machinery/clock.js';
import { isStatusError } from '../../machinery/errors.js';
import { applyRevision, type ControllerRevision } from '../history/index.js';
import { identityMatches, inOrdinalRange, newVersionedPod, ordinalOf, podRevision, startOrdinal, storageMatches } from './identity.js';
import {
  claimsMatchRetentionPolicy, createMissingClaims, createStatefulPod, deleteStatefulPod, podClaimIsStale,
  updateClaimsForRetentionPolicy, updateStatefulPod, type PodControlDeps,
} from './pod-control.js';
import {
  isCreated, isFailed, isPending, isRunningAndAvailable, isRunningAndReady, isSucceeded, isTerminating, isUnavailable,
} from './pod-state.js';
import { countPods } from './status.js';
import { minReadySeconds, specReplicas, type Pod, type StatefulSet, type StatefulSetStatus } from './types.js';

export interface UpdateDeps extends PodControlDeps { clock: Clock }

export interface UpdateOutcome {
  status: StatefulSetStatus;
  /** The first write that failed; the status is still worth writing. */
  error?: unknown;
}

/** Concurrent requests at most in one slow-start batch (kube MaxBatchSize). */
const MAX_BATCH = 500;

/** Step result: true stops a monotonic (OrderedReady) pass. */
type Step = (i: number) => Promise<boolean>;

/**
 * runForAll: in order, stopping at the first step that blocks or fails (monotonic); or in batches
 * of 1, 2, 4, ... run concurrently, stopping after a batch with a failure (burst).
 */
async function runForAll(count: number, step: Step, monotonic: boolean): Promise<{ exit: boolean; error?: unknown }> {
  if (monotonic) {
    for (let i = 0; i < count; i++) {
      try {
        if (await step(i)) return { exit: true };
      } catch (e) {
        return { exit: true, error: e };
      }
    }
    return { exit: false };
  }
  let next = 0;
  for (let batch = Math.min(1, count); batch > 0; batch = Math.min(2 * batch, count - next, MAX_BATCH)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, k) => step(next + k)));
    next += batch;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) return { exit: true, error: failed.reason };
  }
  return { exit: false };
}

export async function updateStatefulSet(
  d: UpdateDeps, set: Readonly<StatefulSet>, current: Readonly<ControllerRevision>, update: Readonly<ControllerRevision>,
  collisionCount: number, pods: readonly Readonly<Pod>[],
): Promise<UpdateOutcome> {
  const currentSet = applyRevision(set, current);
  const updateSet = applyRevision(set, update);
  const currentName = current.metadata?.name ?? '';
  const updateName = update.metadata?.name ?? '';
  const minReady = minReadySeconds(set);
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata?.generation ?? 0, currentRevision: currentName, updateRevision: updateName, collisionCount,
  };
  const recount = (...lists: (readonly Readonly<Pod>[])[]) => Object.assign(status, countPods(lists, minReady, d.clock.now(), currentName, updateName));
  recount(pods);

  const start = startOrdinal(set);
  const replicas: Readonly<Pod>[] = [];
  const condemned: Readonly<Pod>[] = [];
  for (const p of pods) {
    if (inOrdinalRange(p, set)) replicas[ordinalOf(p) - start] = p;
    else if (ordinalOf(p) >= 0) condemned.push(p);
  }
  for (let i = 0; i < specReplicas(set); i++) replicas[i] ??= newVersionedPod(currentSet, updateSet, currentName, updateName, start + i);
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));

  const unavailable = (p: Readonly<Pod>) => isUnavailable(p, minReady, d.clock.now());
  const firstUnavailable = replicas.find(unavailable) ?? [...condemned].reverse().find(unavailable);

  if (set.metadata?.deletionTimestamp) return { status };
  const monotonic = set.spec?.podManagementPolicy !== 'Parallel';

  const processReplica: Step = async (i) => {
    const pod = replicas[i] as Readonly<Pod>;
    // A finished pod (failed, or stopped for good) is deleted; the next sync makes a new one.
    if (isFailed(pod) || isSucceeded(pod)) {
      if (!isTerminating(pod)) await deleteStatefulPod(d, set, pod);
      return true;
    }
    if (!isCreated(pod)) {
      if (podClaimIsStale(d, set, pod)) return true; // an old claim awaits the garbage collector
      await createStatefulPod(d, set, pod);
      if (monotonic) return true;
    }
    if (isPending(pod)) await createMissingClaims(d, set, pod);
    if (isTerminating(pod) && monotonic) return true;
    if (!isRunningAndReady(pod) && monotonic) return true;
    if (!isRunningAndAvailable(pod, minReady, d.clock.now()) && monotonic) return true;
    // Enforce the identity, storage and claim ownership of a running replica.
    const retentionMatch = claimsMatchRetentionPolicy(d, updateSet, pod);
    if (identityMatches(set, pod) && storageMatches(set, pod) && retentionMatch) return false;
    await updateStatefulPod(d, updateSet, pod);
    return false;
  };
  let r = await runForAll(replicas.length, processReplica, monotonic);
  if (r.exit || r.error) {
    recount(replicas, condemned);
    return { status, error: r.error };
  }

  // Claims of condemned pods get the owners whenScaled asks for before the pods go.
  r = await runForAll(condemned.length, async (i) => {
    const pod = condemned[i] as Readonly<Pod>;
    if (!claimsMatchRetentionPolicy(d, updateSet, pod)) await updateClaimsForRetentionPolicy(d, updateSet, pod);
    return false;
  }, monotonic);
  if (r.exit || r.error) {
    recount(replicas, condemned);
    return { status, error: r.error };
  }

  // Scale down from the highest ordinal; in order mode only once every replica is available and
  // the lower condemned pods are healthy (the first unavailable pod may go).
  r = await runForAll(condemned.length, async (i) => {
    const pod = condemned[i] as Readonly<Pod>;
    if (isTerminating(pod)) return monotonic;
    if (monotonic && pod !== firstUnavailable && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, d.clock.now()))) return true;
    await deleteStatefulPod(d, set, pod);
    return true;
  }, monotonic);
  recount(replicas, condemned);
  if (r.exit || r.error) return { status, error: r.error };

  if (set.spec?.updateStrategy?.type === 'OnDelete') return { status };

  // Rolling update: delete the highest pod not at the update revision, one at a time, waiting
  // for each replacement to be available; ordinals below the partition are left alone.
  const rolling = set.spec?.updateStrategy?.rollingUpdate;
  const updateMin = rolling ? rolling.partition ?? 0 : 0;
  for (let target = replicas.length - 1; target >= updateMin; target--) {
    const pod = replicas[target] as Readonly<Pod>;
    if (podRevision(pod) !== updateName && !isTerminating(pod)) {
      try {
        await deleteStatefulPod(d, set, pod);
      } catch (e) {
        if (!isStatusError(e) || e.code !== 404) return { status, error: e };
      }
      status.currentReplicas = (status.currentReplicas ?? 0) - 1;
      return { status };
    }
    if (unavailable(pod)) return { status };
  }
  return { status };
}
