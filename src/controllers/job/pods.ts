// What the Job controller reads off its pods: active / terminating / failed, readiness, the
// completion index and when a pod finished (kube pkg/controller/job and controller_utils.go).
import { JOB_COMPLETION_INDEX, JOB_TRACKING_FINALIZER, type Job, type Pod } from './types.js';

export const UNKNOWN_INDEX = -1;

export function hasTrackingFinalizer(p: Readonly<Pod>): boolean {
  return (p.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

const terminal = (p: Readonly<Pod>): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** controller.FilterActivePods: not terminal and not being deleted. */
export function isActive(p: Readonly<Pod>): boolean {
  return !terminal(p) && !p.metadata?.deletionTimestamp;
}

/** controller.CountTerminatingPods' test. */
export function isTerminating(p: Readonly<Pod>): boolean {
  return !terminal(p) && !!p.metadata?.deletionTimestamp;
}

export function isReady(p: Readonly<Pod>): boolean {
  return (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Replace a pod only once it reached phase Failed (podReplacementPolicy Failed, implied by a podFailurePolicy). */
export function onlyReplaceFailedPods(job: Readonly<Job>): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || !!job.spec?.podFailurePolicy;
}

/** A pod counts as failed when Failed, or (TerminatingOrFailed) when deleted before it succeeded. */
export function isPodFailed(p: Readonly<Pod>, job: Readonly<Job>): boolean {
  if (p.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded';
}

export function completionIndex(p: Readonly<Pod>): number {
  const v = p.metadata?.annotations?.[JOB_COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return UNKNOWN_INDEX;
  return Number(v);
}

const ms = (t: string | undefined | null): number | undefined => {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
};

/**
 * When a pod finished (backoff_utils.go getFinishedTime): the last container termination, else
 * the Ready=False transition, else deletion time minus grace, else creation.
 */
export function finishedTime(p: Readonly<Pod>): number {
  const statuses = p.status?.containerStatuses ?? [];
  let latest: number | undefined;
  let allTerminated = statuses.length > 0;
  for (const s of statuses) {
    const at = ms(s.state?.terminated?.finishedAt);
    if (at === undefined) { allTerminated = false; break; }
    latest = latest === undefined ? at : Math.max(latest, at);
  }
  if (allTerminated && latest !== undefined) return latest;
  const ready = (p.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const readyFalse = ready?.status === 'False' ? ms(ready.lastTransitionTime) : undefined;
  if (readyFalse !== undefined) return readyFalse;
  const deleted = ms(p.metadata?.deletionTimestamp);
  if (deleted !== undefined) return deleted - (p.metadata?.deletionGracePeriodSeconds ?? 0) * 1000;
  return ms(p.metadata?.creationTimestamp) ?? 0;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(p: Readonly<Pod>): number {
  return (p.status?.containerStatuses ?? []).reduce((n, s) => Math.max(n, s.restartCount ?? 0), 0);
}

/**
 * controller.ActivePods ordering: the pods to delete first come first — unscheduled before
 * scheduled, pending before running, not ready before ready, more restarts first, newer first.
 */
export function byDeletionPreference(a: Readonly<Pod>, b: Readonly<Pod>): number {
  const sa = a.spec?.nodeName ? 1 : 0;
  const sb = b.spec?.nodeName ? 1 : 0;
  if (sa !== sb) return sa - sb;
  const pa = PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0;
  const pb = PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isReady(a) ? 1 : 0;
  const rb = isReady(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  const rsa = restarts(a);
  const rsb = restarts(b);
  if (rsa !== rsb) return rsb - rsa;
  return (ms(b.metadata?.creationTimestamp) ?? 0) - (ms(a.metadata?.creationTimestamp) ?? 0);
}

/** Pods to delete so that at most `keep` active pods remain; for Indexed jobs duplicates and out-of-range indexes go first. */
export function activePodsForRemoval(job: Readonly<Job>, active: readonly Readonly<Pod>[], rmAtLeast: number): Readonly<Pod>[] {
  const rm: Readonly<Pod>[] = [];
  let left: Readonly<Pod>[] = [...active];
  if (job.spec?.completionMode === 'Indexed') {
    const completions = job.spec.completions ?? 0;
    const byIndex = new Map<number, Readonly<Pod>[]>();
    left = [];
    for (const p of active) {
      const ix = completionIndex(p);
      if (ix === UNKNOWN_INDEX || ix >= completions) { rm.push(p); continue; }
      const list = byIndex.get(ix) ?? [];
      list.push(p);
      byIndex.set(ix, list);
    }
    for (const list of byIndex.values()) {
      list.sort(byDeletionPreference);
      rm.push(...list.slice(0, -1));
      left.push(list[list.length - 1] as Readonly<Pod>);
    }
  }
  if (rm.length < rmAtLeast) {
    left.sort(byDeletionPreference);
    rm.push(...left.slice(0, rmAtLeast - rm.length));
  }
  return rm;
}

/** Sum of container restarts of running/pending pods (pastBackoffLimitOnFailure, restartPolicy OnFailure). */
export function restartsOfLivePods(pods: readonly Readonly<Pod>[]): number {
  let n = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const s of p.status.initContainerStatuses ?? []) n += s.restartCount ?? 0;
    for (const s of p.status.containerStatuses ?? []) n += s.restartCount ?? 0;
  }
  return n;
}
