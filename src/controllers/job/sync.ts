// syncJob: one level-triggered pass over a Job (kube pkg/controller/job/job_controller.go syncJob).
// Reads the Job and its pods from the caches, decides whether it is finished, failing (backoff
// limit, deadline, pod failure policy) or needs pods, acts, and records status.
import type { Result } from '../runtime/index.js';
import { rfc3339 } from '../../machinery/object.js';
import { nextBackoffRecord } from './backoff.js';
import { ensureCondition, failureTarget, finishedType, MESSAGE, newCondition, REASON, successCriteriaMet } from './conditions.js';
import { matchPodFailurePolicy } from './failure-policy.js';
import { has, intersectionCount, parseIntervals, total, withIndexes, type Interval } from './intervals.js';
import { deleteActivePods, manageJob } from './manage.js';
import {
  completionIndex, hasTrackingFinalizer, isActive, isPodFailed, isReady, isTerminating, restartsOfLivePods, UNKNOWN_INDEX,
} from './pods.js';
import { requeueWithin, type JobDeps, type SyncState } from './sync-state.js';
import { trackStatusAndRemoveFinalizers } from './tracking.js';
import type { Job, Pod } from './types.js';

/** The value of spec.managedBy that means this controller (any other: an external controller owns the Job). */
export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

const suspended = (job: Readonly<Job>): boolean => job.spec?.suspend === true;

/** Pods of the Job that still have the finalizer and are not yet counted (getNewFinishedPods). */
function newFinishedPods(s: Pick<SyncState, 'job' | 'pods' | 'uncountedSucceeded' | 'uncountedFailed' | 'expectedRmFinalizers'>): { succeeded: Readonly<Pod>[]; failed: Readonly<Pod>[] } {
  const isIndexed = s.job.spec?.completionMode === 'Indexed';
  const completions = s.job.spec?.completions ?? 0;
  const succeeded: Readonly<Pod>[] = [];
  const failed: Readonly<Pod>[] = [];
  for (const p of s.pods) {
    const uid = p.metadata?.uid ?? '';
    if (!hasTrackingFinalizer(p) || s.expectedRmFinalizers.has(uid)) continue;
    if (isIndexed) {
      const ix = completionIndex(p);
      if (ix === UNKNOWN_INDEX || ix >= completions) continue;
    }
    if (p.status?.phase === 'Succeeded' && !s.uncountedSucceeded.has(uid)) succeeded.push(p);
    else if (isPodFailed(p, s.job) && !s.uncountedFailed.has(uid)) failed.push(p);
  }
  return { succeeded, failed };
}

function pastBackoffLimitOnFailure(job: Readonly<Job>, pods: readonly Readonly<Pod>[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  const limit = job.spec.backoffLimit ?? 6;
  const n = restartsOfLivePods(pods);
  return limit === 0 ? n > 0 : n >= limit;
}

/** spec.successPolicy (Indexed Jobs): "Matched rules at index N" when a rule is met. */
function matchSuccessPolicy(job: Readonly<Job>, succeeded: readonly Interval[]): string | undefined {
  const rules = (job.spec as { successPolicy?: { rules?: { succeededIndexes?: string; succeededCount?: number }[] } } | undefined)?.successPolicy?.rules;
  if (!rules || succeeded.length === 0) return undefined;
  const completions = job.spec?.completions ?? 0;
  for (const [i, rule] of rules.entries()) {
    if (rule.succeededIndexes !== undefined && rule.succeededIndexes !== null) {
      const required = parseIntervals(rule.succeededIndexes, completions);
      if (required.length === 0) continue;
      const n = intersectionCount(required, succeeded);
      if (rule.succeededCount !== undefined && rule.succeededCount !== null ? n >= rule.succeededCount : n >= total(required)) return `Matched rules at index ${i}`;
    } else if (rule.succeededCount !== undefined && rule.succeededCount !== null && total(succeeded) >= rule.succeededCount) {
      return `Matched rules at index ${i}`;
    }
  }
  return undefined;
}

export async function syncJob(d: JobDeps, key: string, cached: Readonly<Job>): Promise<Result> {
  const managedBy = cached.spec?.managedBy;
  if (managedBy && managedBy !== JOB_CONTROLLER_NAME) return {};
  if (finishedType(cached)) {
    d.backoff.delete(key);
    return {};
  }
  const mode = cached.spec?.completionMode ?? 'NonIndexed';
  if (mode !== 'NonIndexed' && mode !== 'Indexed') {
    d.events.record(cached, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
    return {};
  }
  const job = structuredClone(cached) as Job;
  const status = (job.status ??= {});
  status.uncountedTerminatedPods ??= {};
  const now = d.clock.now();

  // Expectations first: a pod that shows up after this check waits for the next sync.
  const satisfied = d.expectations.satisfied(key);
  const uid = job.metadata?.uid ?? '';
  const pods = d.pods.byIndex('controller', uid);
  const activePods = pods.filter(isActive);
  const s: SyncState = {
    key, job, pods, activePods,
    succeeded: 0, failed: 0, prevSucceededIndexes: [], succeededIndexes: [],
    newBackoff: { failuresAfterLastSuccess: 0 },
    expectedRmFinalizers: d.expectations.expectedFinalizerRemovals(key),
    uncountedSucceeded: new Set(status.uncountedTerminatedPods.succeeded ?? []),
    uncountedFailed: new Set(status.uncountedTerminatedPods.failed ?? []),
    terminating: pods.filter(isTerminating).length,
    ready: activePods.filter(isReady).length,
  };
  let active = activePods.length;
  const fresh = newFinishedPods(s);
  s.succeeded = (status.succeeded ?? 0) + fresh.succeeded.length + s.uncountedSucceeded.size;
  s.failed = (status.failed ?? 0) + fresh.failed.filter((p) => matchPodFailurePolicy(job, p).countFailed).length + s.uncountedFailed.size;

  if (!status.startTime && !suspended(job)) status.startTime = rfc3339(now);
  s.newBackoff = nextBackoffRecord(d.backoff.get(key), fresh.succeeded, fresh.failed);

  const met = successCriteriaMet(job);
  if (met) s.finished = met;
  else {
    const target = failureTarget(job);
    if (target) s.finished = newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', now);
    else if (job.spec?.podFailurePolicy) {
      for (const p of pods) {
        const msg = isPodFailed(p, job) ? matchPodFailurePolicy(job, p).failJobMessage : undefined;
        if (msg) { s.finished = newCondition('FailureTarget', 'True', REASON.podFailurePolicy, msg, now); break; }
      }
    }
  }
  if (!s.finished) {
    const ads = job.spec?.activeDeadlineSeconds;
    const startedAt = status.startTime ? Date.parse(status.startTime) : NaN;
    if (s.failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods)) {
      s.finished = newCondition('FailureTarget', 'True', REASON.backoffLimitExceeded, MESSAGE.backoffLimitExceeded, now);
    } else if (ads !== undefined && ads !== null && !suspended(job) && !Number.isNaN(startedAt)) {
      const left = startedAt + ads * 1000 - now;
      if (left <= 0) s.finished = newCondition('FailureTarget', 'True', REASON.deadlineExceeded, MESSAGE.deadlineExceeded, now);
      else requeueWithin(s, left);
    }
  }

  if (mode === 'Indexed') {
    const completions = job.spec?.completions ?? 0;
    s.prevSucceededIndexes = parseIntervals(status.completedIndexes, completions);
    const fresh = pods.filter((p) => p.status?.phase === 'Succeeded' && hasTrackingFinalizer(p))
      .map(completionIndex).filter((ix) => ix !== UNKNOWN_INDEX && ix < completions && !has(s.prevSucceededIndexes, ix));
    s.succeededIndexes = withIndexes(s.prevSucceededIndexes, [...new Set(fresh)].sort((a, b) => a - b));
    s.succeeded = total(s.succeededIndexes);
    if (!s.finished) {
      const msg = matchSuccessPolicy(job, s.succeededIndexes);
      if (msg) s.finished = newCondition('SuccessCriteriaMet', 'True', REASON.successPolicy, msg, now);
    }
  }

  let manageError: unknown;
  let suspendChanged = false;
  if (s.finished) {
    // Finishing: stop what still runs. Not finished yet while deletions or cache updates are pending.
    const r = await deleteActivePods(d, job, activePods);
    if (r.deleted !== active || !satisfied) s.finished = undefined;
    active -= r.deleted;
    s.terminating += r.deleted;
    s.ready -= r.deletedReady;
    manageError = r.error;
  } else {
    let managed = false;
    if (satisfied && !job.metadata?.deletionTimestamp) {
      const r = await manageJob(d, s);
      active = r.active;
      manageError = r.error;
      managed = true;
    }
    const completions = job.spec?.completions;
    const complete = completions === undefined || completions === null ? s.succeeded > 0 && active === 0 : s.succeeded >= completions && active === 0;
    if (complete) {
      s.finished = newCondition('SuccessCriteriaMet', 'True', REASON.completionsReached, MESSAGE.completionsReached, now);
    } else if (managed) {
      if (suspended(job)) {
        suspendChanged = ensureCondition(job, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
        if (suspendChanged) d.events.record(job, 'Normal', 'Suspended', 'Job suspended');
      } else {
        suspendChanged = ensureCondition(job, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
        if (suspendChanged) {
          d.events.record(job, 'Normal', 'Resumed', 'Job resumed');
          // activeDeadlineSeconds counts time continuously active: the clock restarts on resume.
          status.startTime = rfc3339(now);
        }
      }
    }
  }

  const needsUpdate = suspendChanged || active !== (status.active ?? 0) || s.ready !== status.ready ||
    s.terminating !== status.terminating || status.startTime !== cached.status?.startTime;
  status.active = active;
  status.ready = s.ready;
  status.terminating = s.terminating;
  await trackStatusAndRemoveFinalizers(d, s, needsUpdate);
  if (manageError !== undefined) throw manageError;
  return s.requeueAfterMs === undefined ? {} : { requeueAfterMs: s.requeueAfterMs };
}
