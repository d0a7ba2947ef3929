// Exponential delay before a failed Job pod is replaced (kube backoff_utils.go): per Job, the
// failures since the last success and when the last one happened; the delay is base·2^(n-1),
// capped. Kept in memory like kube's podBackoffStore; a restart forgets it.
import type { Pod } from './types.js';
import { finishedTime } from './pods.js';

/** kube DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff (job_controller.go). */
export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/** The record after this sync's newly finished pods are taken into account. */
export function nextBackoffRecord(prev: BackoffRecord | undefined, newSucceeded: readonly Readonly<Pod>[], newFailed: readonly Readonly<Pod>[]): BackoffRecord {
  const rec: BackoffRecord = prev ? { ...prev } : { failuresAfterLastSuccess: 0 };
  const failedTimes = newFailed.map(finishedTime).sort((a, b) => a - b);
  if (newSucceeded.length === 0) {
    if (failedTimes.length === 0) return rec;
    return { failuresAfterLastSuccess: rec.failuresAfterLastSuccess + failedTimes.length, lastFailureTime: failedTimes[failedTimes.length - 1] as number };
  }
  // A success resets the count; failures after the last success still count.
  const lastSuccess = Math.max(...newSucceeded.map(finishedTime));
  const after = failedTimes.filter((t) => t > lastSuccess);
  if (after.length === 0) return { failuresAfterLastSuccess: 0 };
  return { failuresAfterLastSuccess: after.length, lastFailureTime: after[after.length - 1] as number };
}

/** How long pod creation must still wait (0: now). */
export function remainingBackoffMs(rec: BackoffRecord | undefined, now: number, baseMs: number, maxMs: number): number {
  if (!rec || rec.failuresAfterLastSuccess === 0 || rec.lastFailureTime === undefined) return 0;
  let delay = baseMs;
  for (let i = 1; i < rec.failuresAfterLastSuccess; i++) {
    delay *= 2;
    if (delay >= maxMs) { delay = maxMs; break; }
  }
  const elapsed = now - rec.lastFailureTime;
  return elapsed > delay ? 0 : delay - elapsed;
}
