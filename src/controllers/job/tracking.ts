// Counting finished pods so that counts survive pod deletion (kube trackJobStatusAndRemoveFinalizers):
//  1. a finished pod that still has the tracking finalizer goes into status.uncountedTerminatedPods
//     (written first, so a crash cannot lose it),
//  2. its finalizer is removed,
//  3. pods whose finalizer is gone move from uncounted into succeeded / failed,
//  4. the Job gets Complete / Failed once nothing is uncounted and no pod is terminating.
import { R } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import { ensureCondition, newCondition } from './conditions.js';
import { matchPodFailurePolicy } from './failure-policy.js';
import { formatIntervals, has, total, withIndexes } from './intervals.js';
import { completionIndex, hasTrackingFinalizer, isPodFailed, UNKNOWN_INDEX } from './pods.js';
import type { JobDeps, SyncState } from './sync-state.js';
import { JOB_TRACKING_FINALIZER, type JobStatus, type Pod } from './types.js';

/** kube MaxUncountedPods: keeps status small and one big Job from starving the others. */
const MAX_UNCOUNTED_PODS = 500;

/** Moves uncounted UIDs whose pod no longer has the finalizer into the counters. */
function cleanUncounted(status: JobStatus, withFinalizer: ReadonlySet<string>): boolean {
  const u = (status.uncountedTerminatedPods ??= {});
  let changed = false;
  const keepS = (u.succeeded ?? []).filter((uid) => withFinalizer.has(uid));
  if (keepS.length !== (u.succeeded ?? []).length) {
    status.succeeded = (status.succeeded ?? 0) + (u.succeeded ?? []).length - keepS.length;
    u.succeeded = keepS;
    changed = true;
  }
  const keepF = (u.failed ?? []).filter((uid) => withFinalizer.has(uid));
  if (keepF.length !== (u.failed ?? []).length) {
    status.failed = (status.failed ?? 0) + (u.failed ?? []).length - keepF.length;
    u.failed = keepF;
    changed = true;
  }
  return changed;
}

function canRemoveFinalizer(s: SyncState, pod: Readonly<Pod>, considerFailed: boolean): boolean {
  return !!s.job.metadata?.deletionTimestamp || s.finished !== undefined || pod.status?.phase === 'Succeeded' || considerFailed;
}

/** Removes the finalizer from each pod; returns the UIDs it is gone from (a pod already deleted counts). */
async function removeFinalizers(d: JobDeps, key: string, pods: readonly Readonly<Pod>[]): Promise<{ removed: Set<string>; error?: unknown }> {
  const removed = new Set<string>();
  let error: unknown;
  await Promise.all(pods.map(async (p) => {
    const uid = p.metadata?.uid ?? '';
    const ns = p.metadata?.namespace ?? '';
    const name = p.metadata?.name ?? '';
    try {
      await d.client.patch(R.pods, ns, name, { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER] } }, 'strategic');
      // The cache may still show the finalizer for a while: do not count this pod again meanwhile.
      const cached = d.pods.get(`${ns}/${name}`);
      if (cached && cached.metadata?.uid === uid && hasTrackingFinalizer(cached)) d.expectations.expectFinalizerRemoved(key, uid);
      removed.add(uid);
    } catch (e) {
      if (isStatusError(e) && e.code === 404) { removed.add(uid); return; }
      error ??= e;
    }
  }));
  return { removed, error };
}

/** Counts finished pods, removes their finalizers and, when nothing is left, sets Complete / Failed (recording its events). */
export async function trackStatusAndRemoveFinalizers(d: JobDeps, s: SyncState, needsFlushIn: boolean): Promise<void> {
  let needsFlush = needsFlushIn;
  const isIndexed = s.job.spec?.completionMode === 'Indexed';
  const completions = s.job.spec?.completions ?? 0;
  const pods = isIndexed ? [...s.pods].sort((a, b) => completionIndex(a) - completionIndex(b)) : s.pods;
  const withFinalizer = new Set<string>();
  for (const p of pods) {
    const uid = p.metadata?.uid ?? '';
    if (hasTrackingFinalizer(p) && !s.expectedRmFinalizers.has(uid)) withFinalizer.add(uid);
  }
  const status = (s.job.status ??= {});
  const uncounted = (status.uncountedTerminatedPods ??= {});
  if (cleanUncounted(status, withFinalizer)) needsFlush = true;

  const toRemove: Readonly<Pod>[] = [];
  const newSucceededIndexes: number[] = [];
  let reachedMax = false;
  for (const p of pods) {
    const uid = p.metadata?.uid ?? '';
    if (!hasTrackingFinalizer(p) || s.expectedRmFinalizers.has(uid)) continue;
    const considerFailed = isPodFailed(p, s.job);
    if (!canRemoveFinalizer(s, p, considerFailed)) continue;
    toRemove.push(p);
    if (p.status?.phase === 'Succeeded' && !s.uncountedFailed.has(uid)) {
      if (isIndexed) {
        const ix = completionIndex(p);
        if (ix !== UNKNOWN_INDEX && ix < completions && !has(s.prevSucceededIndexes, ix)) {
          newSucceededIndexes.push(ix);
          needsFlush = true;
        }
      } else if (!s.uncountedSucceeded.has(uid)) {
        (uncounted.succeeded ??= []).push(uid);
        needsFlush = true;
      }
    } else if (considerFailed || (s.finished !== undefined && s.finished.type !== 'SuccessCriteriaMet')) {
      // Once the Job is failing, every pod that did not succeed counts as failed.
      const ix = completionIndex(p);
      if (!s.uncountedFailed.has(uid) && (!isIndexed || (ix !== UNKNOWN_INDEX && ix < completions))) {
        if (matchPodFailurePolicy(s.job, p).countFailed) {
          (uncounted.failed ??= []).push(uid);
          needsFlush = true;
        }
      }
    }
    if (newSucceededIndexes.length + (uncounted.succeeded ?? []).length + (uncounted.failed ?? []).length >= MAX_UNCOUNTED_PODS) {
      reachedMax = true;
      break;
    }
  }
  if (isIndexed) {
    s.succeededIndexes = withIndexes(s.succeededIndexes, newSucceededIndexes.sort((a, b) => a - b));
    const text = formatIntervals(s.succeededIndexes);
    if (text !== (status.completedIndexes ?? '')) needsFlush = true;
    status.succeeded = total(s.succeededIndexes);
    status.completedIndexes = text;
  }
  const now = d.clock.now();
  if (s.finished?.type === 'FailureTarget') {
    // The interim condition is written before finalizers go, so the reason is never lost.
    (status.conditions ??= []).push(s.finished);
    needsFlush = true;
    s.finished = newCondition('Failed', 'True', s.finished.reason ?? '', s.finished.message ?? '', now);
  }
  if (s.finished?.type === 'SuccessCriteriaMet') {
    if (!(status.conditions ?? []).some((c) => c.type === 'SuccessCriteriaMet' && c.status === 'True')) {
      (status.conditions ??= []).push(s.finished);
      needsFlush = true;
    }
    s.finished = newCondition('Complete', 'True', s.finished.reason ?? '', s.finished.message ?? '', now);
  }

  // Flush the uncounted UIDs, then remove finalizers, then count what lost its finalizer.
  if (needsFlush) {
    s.job = await d.writeStatus(s.key, s.job);
    d.backoff.set(s.key, s.newBackoff);
    needsFlush = false;
  }
  let rmError: unknown;
  if (toRemove.length > 0) {
    const r = await removeFinalizers(d, s.key, toRemove);
    for (const uid of r.removed) withFinalizer.delete(uid);
    rmError = r.error;
  }
  if (cleanUncounted((s.job.status ??= {}), withFinalizer)) needsFlush = true;
  if (rmError !== undefined) {
    if (needsFlush) s.job = await d.writeStatus(s.key, s.job);
    throw rmError;
  }

  const finished = !reachedMax && enactJobFinished(d, s);
  if (finished) needsFlush = true;
  if (needsFlush) {
    s.job = await d.writeStatus(s.key, s.job);
    if (finished) recordJobFinished(d, s);
  }
}

/** Sets Complete / Failed when nothing is left uncounted or terminating. */
function enactJobFinished(d: JobDeps, s: SyncState): boolean {
  const c = s.finished;
  if (!c) return false;
  const u = s.job.status?.uncountedTerminatedPods;
  if ((u?.succeeded ?? []).length + (u?.failed ?? []).length > 0) return false;
  if (s.terminating > 0) return false;
  const now = d.clock.now();
  ensureCondition(s.job, c.type, c.status, c.reason ?? '', c.message ?? '', now);
  if (c.type === 'Complete') {
    const cond = (s.job.status?.conditions ?? []).find((x) => x.type === 'Complete');
    (s.job.status ??= {}).completionTime = cond?.lastTransitionTime ?? c.lastTransitionTime ?? '';
  }
  return true;
}

function recordJobFinished(d: JobDeps, s: SyncState): void {
  const c = s.finished;
  if (!c) return;
  if (c.type === 'Complete') {
    const completions = s.job.spec?.completions;
    if (completions !== undefined && completions !== null && (s.job.status?.succeeded ?? 0) > completions) {
      d.events.record(s.job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
    }
    d.events.record(s.job, 'Normal', 'Completed', 'Job completed');
  } else {
    d.events.record(s.job, 'Warning', c.reason ?? 'Failed', c.message ?? '');
  }
}
