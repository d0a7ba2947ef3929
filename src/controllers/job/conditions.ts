// Job conditions, their reasons and messages as kube 1.32 writes them (batch/v1 types.go,
// job_controller.go). A Job first gets the interim SuccessCriteriaMet / FailureTarget condition,
// then Complete / Failed once no pod of it is still terminating.
import { rfc3339 } from '../../machinery/object.js';
import type { Job, JobCondition } from './types.js';

export const REASON = {
  backoffLimitExceeded: 'BackoffLimitExceeded',
  deadlineExceeded: 'DeadlineExceeded',
  podFailurePolicy: 'PodFailurePolicy',
  completionsReached: 'CompletionsReached',
  successPolicy: 'SuccessPolicy',
} as const;

export const MESSAGE = {
  backoffLimitExceeded: 'Job has reached the specified backoff limit',
  deadlineExceeded: 'Job was active longer than specified deadline',
  completionsReached: 'Reached expected number of succeeded pods',
} as const;

export function findCondition(list: readonly JobCondition[] | undefined, type: string): JobCondition | undefined {
  return (list ?? []).find((c) => c.type === type);
}

const isTrue = (list: readonly JobCondition[] | undefined, type: string): JobCondition | undefined => {
  const c = findCondition(list, type);
  return c?.status === 'True' ? c : undefined;
};

/** 'Complete' or 'Failed' when the Job has finished (util.IsJobFinished), else undefined. */
export function finishedType(job: Readonly<Job>): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

/** The lastTransitionTime of the finishing condition (the TTL controller's start). */
export function finishTime(job: Readonly<Job>): number | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') {
      const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
      return Number.isNaN(t) ? undefined : t;
    }
  }
  return undefined;
}

export const successCriteriaMet = (job: Readonly<Job>): JobCondition | undefined => isTrue(job.status?.conditions, 'SuccessCriteriaMet');
export const failureTarget = (job: Readonly<Job>): JobCondition | undefined => isTrue(job.status?.conditions, 'FailureTarget');

export function newCondition(type: string, status: string, reason: string, message: string, now: number): JobCondition {
  const t = rfc3339(now);
  return { type, status, lastProbeTime: t, lastTransitionTime: t, reason, message };
}

/**
 * Sets condition `type` to status/reason/message (a fresh condition when any differ). Appending a
 * condition whose status is False is pointless and skipped, as kube does. Returns whether it changed.
 */
export function ensureCondition(job: Job, type: string, status: string, reason: string, message: string, now: number): boolean {
  const status0 = (job.status ??= {});
  const list = (status0.conditions ??= []);
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i] as JobCondition;
    if (c.status === status && (c.reason ?? '') === reason && (c.message ?? '') === message) return false;
    list[i] = newCondition(type, status, reason, message, now);
    return true;
  }
  if (status === 'False') return false;
  list.push(newCondition(type, status, reason, message, now));
  return true;
}
