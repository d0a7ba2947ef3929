// What one Job sync works with: its dependencies, and the state it computes before writing
// (kube's syncJobCtx).
import type { Logger } from 'pino';
import type { ApiClient, EventRecorder, Lister } from '../../client/types.js';
import type { Clock } from '../../machinery/clock.js';
import type { BackoffRecord } from './backoff.js';
import type { JobExpectations } from './expectations.js';
import type { Interval } from './intervals.js';
import type { Job, JobCondition, Pod } from './types.js';

export interface JobDeps {
  client: ApiClient;
  clock: Clock;
  events: EventRecorder;
  log: Logger;
  pods: Lister<Pod>;
  expectations: JobExpectations;
  /** Per job key: failures since the last success (kube podBackoffStore). */
  backoff: Map<string, BackoffRecord>;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Writes the Job's status; resolves with the server's copy. */
  writeStatus(key: string, job: Job): Promise<Job>;
}

export interface SyncState {
  key: string;
  /** The working copy; replaced by the server's answer after every status write. */
  job: Job;
  pods: readonly Readonly<Pod>[];
  activePods: readonly Readonly<Pod>[];
  /** The condition the Job is heading for: SuccessCriteriaMet / FailureTarget first, then Complete / Failed. */
  finished?: JobCondition;
  succeeded: number;
  failed: number;
  prevSucceededIndexes: Interval[];
  succeededIndexes: Interval[];
  newBackoff: BackoffRecord;
  /** Pods whose finalizer this controller removed but the cache still shows. */
  expectedRmFinalizers: ReadonlySet<string>;
  /** status.uncountedTerminatedPods as the sync found it. */
  uncountedSucceeded: ReadonlySet<string>;
  uncountedFailed: ReadonlySet<string>;
  terminating: number;
  ready: number;
  /** Earliest time this Job must be looked at again (deadline, backoff). */
  requeueAfterMs?: number;
}

export function requeueWithin(s: SyncState, ms: number): void {
  const v = Math.max(0, ms);
  s.requeueAfterMs = s.requeueAfterMs === undefined ? v : Math.min(s.requeueAfterMs, v);
}
