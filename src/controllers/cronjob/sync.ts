// One pass over a CronJob (kube pkg/controller/cronjob/cronjob_controllerv2.go sync, syncCronJob,
// cleanupFinishedJobs): follow its Jobs into status, prune history, and start the Job of the most
// recent unmet start time if the concurrency policy and starting deadline allow.
import type { Logger } from 'pino';
import { R } from '../../client/index.js';
import type { ApiClient, EventRecorder } from '../../client/types.js';
import type { Clock } from '../../machinery/clock.js';
import { isStatusError } from '../../machinery/errors.js';
import { rfc3339 } from '../../machinery/object.js';
import { finishedType, type Job } from '../job/index.js';
import { controllerOf } from '../runtime/index.js';
import { byStartTime, deleteFromActiveList, inActiveList, inActiveListByName, jobFromTemplate, jobNameFor, refOf } from './jobs.js';
import { earliestTime, mostRecentScheduleTime, nextScheduleDelayMs, parseSchedule, ScheduleError, type Schedule, type ScheduleInputs } from './schedule.js';
import { formatRfc1123zUtc, isKnownTimeZone } from './time-zone.js';
import type { CronJob } from './types.js';

export interface CronJobDeps {
  client: ApiClient;
  clock: Clock;
  events: EventRecorder;
  log: Logger;
}

interface SyncOutcome { requeueAfterMs?: number; updateStatus: boolean; error?: unknown }

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const ms = (t: string | undefined): number | undefined => {
  const v = t ? Date.parse(t) : NaN;
  return Number.isNaN(v) ? undefined : v;
};

function scheduleInputs(cj: Readonly<CronJob>): ScheduleInputs {
  return {
    creationMs: ms(cj.metadata?.creationTimestamp) ?? 0,
    ...(cj.status?.lastScheduleTime ? { lastScheduleMs: ms(cj.status.lastScheduleTime) ?? 0 } : {}),
    startingDeadlineSeconds: cj.spec?.startingDeadlineSeconds ?? null,
  };
}

/**
 * Timers hold at most 2^31-1 ms (about 24.8 days; a longer setTimeout fires at once), and a far
 * start time needs no precise timer: look again daily until it is near.
 */
export const MAX_REQUEUE_MS = 24 * 3600_000;

function requeueFor(inputs: ScheduleInputs, now: number, sched: Schedule): { requeueAfterMs?: number } {
  const t = nextScheduleDelayMs(inputs, now, sched);
  return t === undefined ? {} : { requeueAfterMs: Math.min(t, MAX_REQUEUE_MS) };
}

/** Deletes a Job (background propagation) and drops it from the active list. */
async function deleteJob(d: CronJobDeps, cj: CronJob, job: Readonly<Job>): Promise<boolean> {
  try {
    await d.client.delete(R.jobs, job.metadata?.namespace ?? '', job.metadata?.name ?? '', { propagationPolicy: 'Background' });
  } catch (e) {
    if (!isStatusError(e) || e.code !== 404) {
      d.events.record(cj, 'Warning', 'FailedDelete', `Deleted job: ${errText(e)}`);
      d.log.info({ err: e, job: job.metadata?.name }, 'could not delete job of cronjob');
      return false;
    }
  }
  deleteFromActiveList(cj, job.metadata?.uid ?? '');
  d.events.record(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata?.name ?? ''}`);
  return true;
}

/** Removes the oldest finished Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit. */
export async function cleanupFinishedJobs(d: CronJobDeps, cj: CronJob, jobs: readonly Readonly<Job>[]): Promise<boolean> {
  const okLimit = cj.spec?.successfulJobsHistoryLimit;
  const failLimit = cj.spec?.failedJobsHistoryLimit;
  if ((okLimit === undefined || okLimit === null) && (failLimit === undefined || failLimit === null)) return false;
  let changed = false;
  const prune = async (list: Readonly<Job>[], limit: number | null | undefined) => {
    if (limit === undefined || limit === null || list.length <= limit) return;
    list.sort(byStartTime);
    for (const j of list.slice(0, list.length - limit)) if (await deleteJob(d, cj, j)) changed = true;
  };
  await prune(jobs.filter((j) => finishedType(j) === 'Complete'), okLimit);
  await prune(jobs.filter((j) => finishedType(j) === 'Failed'), failLimit);
  return changed;
}

/** Follows the Jobs into status.active / lastSuccessfulTime. Returns the working copy (it may be re-read). */
async function trackJobs(d: CronJobDeps, cjIn: CronJob, jobs: readonly Readonly<Job>[], out: SyncOutcome): Promise<CronJob> {
  let cj = cjIn;
  const children = new Set<string>();
  for (const j of jobs) {
    const uid = j.metadata?.uid ?? '';
    children.add(uid);
    const found = inActiveList(cj, uid);
    const finished = finishedType(j);
    if (!found && !finished) {
      // Maybe our cache of the CronJob is older than the Job we created: ask the server.
      const fresh = await d.client.get<CronJob>(R.cronjobs, cj.metadata?.namespace ?? '', cj.metadata?.name ?? '');
      if (inActiveList(fresh, uid)) { cj = fresh; continue; }
      d.events.record(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata?.name ?? ''}`);
    } else if (found && finished) {
      deleteFromActiveList(cj, uid);
      d.events.record(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata?.name ?? ''}, status: ${finished}`);
      out.updateStatus = true;
    } else if (finished === 'Complete') {
      // Not in the active list but succeeded: its completion still counts.
      const done = ms(j.status?.completionTime);
      const last = ms(cj.status?.lastSuccessfulTime);
      if (done !== undefined && (last === undefined || done > last)) {
        (cj.status ??= {}).lastSuccessfulTime = j.status?.completionTime ?? '';
        out.updateStatus = true;
      }
    }
  }
  // An active Job that is gone would keep a Forbid CronJob stuck for ever.
  for (const ref of [...(cj.status?.active ?? [])]) {
    if (children.has(ref.uid ?? '')) continue;
    try {
      await d.client.get(R.jobs, ref.namespace ?? '', ref.name ?? '');
    } catch (e) {
      if (!isStatusError(e) || e.code !== 404) throw e;
      d.events.record(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name ?? ''}`);
      deleteFromActiveList(cj, ref.uid ?? '');
      out.updateStatus = true;
    }
  }
  return cj;
}

/** syncCronJob. `cj` is a working copy whose status the caller writes when `updateStatus`. */
export async function syncCronJob(d: CronJobDeps, cjIn: CronJob, jobs: readonly Readonly<Job>[]): Promise<{ cj: CronJob } & SyncOutcome> {
  const out: SyncOutcome = { updateStatus: false };
  const now = d.clock.now();
  const cj = await trackJobs(d, cjIn, jobs, out);
  const done = (extra: Partial<SyncOutcome> = {}) => ({ cj, ...out, ...extra });
  if (cj.metadata?.deletionTimestamp) return done();

  const tz = cj.spec?.timeZone ?? undefined;
  if (tz !== undefined && !isKnownTimeZone(tz)) {
    d.events.record(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${tz}": unknown time zone ${tz}`);
    return done();
  }
  if (cj.spec?.suspend === true) return done();

  let sched: Schedule;
  try {
    sched = parseSchedule(cj.spec?.schedule ?? '', tz);
  } catch (e) {
    d.events.record(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec?.schedule ?? ''}" : ${errText(e)}`);
    return done();
  }
  const inputs = scheduleInputs(cj);
  const next = () => requeueFor(inputs, now, sched);

  let scheduled: number | undefined;
  try {
    const r = mostRecentScheduleTime(earliestTime(inputs, now, true), now, sched);
    scheduled = r.mostRecent;
    if (scheduled !== undefined && r.missed === 'many') {
      d.events.record(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    }
  } catch (e) {
    if (!(e instanceof ScheduleError)) throw e;
    d.events.record(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec?.schedule ?? ''} : ${e.message}`);
    return done();
  }
  if (scheduled === undefined) return done(next());

  const deadline = cj.spec?.startingDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) {
    d.events.record(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatRfc1123zUtc(scheduled)}`);
    return done(next());
  }
  const lastSchedule = ms(cj.status?.lastScheduleTime);
  if (inActiveListByName(cj, jobNameFor(cj, scheduled)) || lastSchedule === scheduled) return done(next());

  const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && (cj.status?.active ?? []).length > 0) {
    d.events.record(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
    return done(next());
  }
  if (policy === 'Replace') {
    for (const ref of [...(cj.status?.active ?? [])]) {
      let job: Job;
      try {
        job = await d.client.get<Job>(R.jobs, ref.namespace ?? '', ref.name ?? '');
      } catch (e) {
        d.events.record(cj, 'Warning', 'FailedGet', `Get job: ${errText(e)}`);
        return done({ error: e });
      }
      if (!(await deleteJob(d, cj, job))) return done({ error: new Error(`could not replace job ${ref.namespace ?? ''}/${ref.name ?? ''}`) });
      out.updateStatus = true;
    }
  }

  const request = jobFromTemplate(cj, scheduled);
  let created: Job;
  let existed = false;
  try {
    created = await d.client.create<Job>(R.jobs, cj.metadata?.namespace ?? '', request);
  } catch (e) {
    if (isStatusError(e) && (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) return done({ error: e });
    if (!isStatusError(e) || e.code !== 409 || e.reason !== 'AlreadyExists') {
      d.events.record(cj, 'Warning', 'FailedCreate', `Error creating job: ${errText(e)}`);
      return done({ error: e });
    }
    // Made earlier by us (status not updated then) or by someone else (who keeps the status).
    existed = true;
    created = await d.client.get<Job>(R.jobs, request.metadata?.namespace ?? '', request.metadata?.name ?? '');
    if (controllerOf(created)?.uid !== cj.metadata?.uid) return done();
    if (inActiveList(cj, created.metadata?.uid ?? '')) return done();
  }
  if (!existed) d.events.record(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata?.name ?? ''}`);
  const st = (cj.status ??= {});
  st.active = [...(st.active ?? []), refOf(created)];
  st.lastScheduleTime = rfc3339(scheduled);
  out.updateStatus = true;
  d.log.debug({ cronjob: cj.metadata?.name, job: created.metadata?.name }, 'created job');
  return done(requeueFor(scheduleInputs(cj), now, sched));
}
