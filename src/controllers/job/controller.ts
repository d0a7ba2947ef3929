// The Job controller's wiring (kube pkg/controller/job/job_controller.go NewController, Run):
// informers on Jobs and pods, a queue of Job keys (pod events batched), and a second queue of
// orphan pods whose tracking finalizer must go because their Job is gone or finished.
import { R, createWorkQueue, INDEX_CONTROLLER } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import { runWorkers, waitForSync, controllerOf, type Controller, type ControllerContext, type Result } from '../runtime/index.js';
import { DEFAULT_POD_FAILURE_BACKOFF_MS, MAX_POD_FAILURE_BACKOFF_MS, type BackoffRecord } from './backoff.js';
import { finishedType } from './conditions.js';
import { JobExpectations } from './expectations.js';
import { hasTrackingFinalizer } from './pods.js';
import type { JobDeps } from './sync-state.js';
import { syncJob } from './sync.js';
import { JOB_API_VERSION, JOB_KIND, JOB_TRACKING_FINALIZER, type Job, type Pod } from './types.js';

export interface JobControllerOptions {
  /** Pod events and status updates are batched per Job for this long (kube syncJobBatchPeriod: 1s). */
  batchPeriodMs?: number;
  /** First retry delay after an API error, doubling to 1 minute (kube DefaultJobApiBackOff: 1s). */
  retryBaseMs?: number;
  /** Cap of the pod failure backoff (kube MaxJobPodFailureBackOff: 10m); the base is ctx.config.jobBackoffBaseMs. */
  backoffMaxMs?: number;
}

const podKey = (p: Readonly<Pod>): string => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;

/** Status as kube serialises it: zero counters omitted, the uncounted lists omitted when empty. */
function normalizeStatus(job: Job): Job {
  const st = job.status;
  if (!st) return job;
  for (const k of ['active', 'succeeded', 'failed'] as const) if (st[k] === 0) delete st[k];
  const u = st.uncountedTerminatedPods;
  if (u) {
    if (u.succeeded && u.succeeded.length === 0) delete u.succeeded;
    if (u.failed && u.failed.length === 0) delete u.failed;
  }
  if (st.completedIndexes === '') delete st.completedIndexes;
  return job;
}

export function jobControllerWith(opts: JobControllerOptions = {}): (ctx: ControllerContext) => Controller {
  return (ctx) => ({
    name: 'job',
    async run(signal) {
      const log = ctx.log.child({ controller: 'job' });
      const batchMs = opts.batchPeriodMs ?? 1000;
      const retry = { clock: ctx.clock, baseDelayMs: opts.retryBaseMs ?? 1000, maxDelayMs: 60_000 };
      const queue = createWorkQueue(retry);
      const orphans = createWorkQueue(retry);
      const jobs = ctx.informers.informerFor<Job>(R.jobs);
      const pods = ctx.informers.informerFor<Pod>(R.pods);
      const expectations = new JobExpectations(ctx.clock);
      const backoff = new Map<string, BackoffRecord>();
      // Our own status writes, until the cache shows them: resourceVersions they replaced → the newest copy.
      const written = new Map<string, { superseded: Set<string>; job: Job }>();

      const keyOf = (job: Readonly<Job>) => `${job.metadata?.namespace ?? ''}/${job.metadata?.name ?? ''}`;
      const enqueueNow = (job: Readonly<Job>) => queue.add(keyOf(job));
      const enqueueBatched = (job: Readonly<Job>) => queue.addAfter(keyOf(job), batchMs);

      /** The Job a pod's controllerRef names, if it is in the cache with that uid. */
      const jobOf = (p: Readonly<Pod>): Readonly<Job> | undefined => {
        const ref = controllerOf(p);
        if (!ref || ref.kind !== JOB_KIND) return undefined;
        const job = jobs.lister.get(`${p.metadata?.namespace ?? ''}/${ref.name}`);
        return job && job.metadata?.uid === ref.uid ? job : undefined;
      };

      const podGone = (p: Readonly<Pod>, final: boolean) => {
        const job = jobOf(p);
        const fin = hasTrackingFinalizer(p);
        if (!job || finishedType(job)) {
          if (fin) orphans.add(podKey(p));
          return;
        }
        const key = keyOf(job);
        expectations.deletionObserved(key, p.metadata?.uid ?? '');
        if (final || !fin) expectations.finalizerRemovalObserved(key, p.metadata?.uid ?? '');
        enqueueBatched(job);
      };

      pods.on({
        add: (p) => {
          if (p.metadata?.deletionTimestamp) { podGone(p, false); return; }
          const job = jobOf(p);
          if (job) {
            expectations.creationObserved(keyOf(job), p.metadata?.name ?? '');
            enqueueBatched(job);
          } else if (!controllerOf(p) && hasTrackingFinalizer(p)) {
            orphans.add(podKey(p));
          } else if (controllerOf(p)?.kind === JOB_KIND && hasTrackingFinalizer(p)) {
            orphans.add(podKey(p)); // its Job is not (or no longer) in the cache
          }
        },
        update: (old, cur) => {
          if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
          if (cur.metadata?.deletionTimestamp) { podGone(cur, false); return; }
          const oldRef = controllerOf(old);
          const curRef = controllerOf(cur);
          if (oldRef && (oldRef.uid !== curRef?.uid)) {
            const oldJob = jobOf(old);
            if (oldJob) {
              if (!hasTrackingFinalizer(cur)) expectations.finalizerRemovalObserved(keyOf(oldJob), cur.metadata?.uid ?? '');
              enqueueBatched(oldJob);
            }
          }
          const job = jobOf(cur);
          if (job) {
            if (!hasTrackingFinalizer(cur)) expectations.finalizerRemovalObserved(keyOf(job), cur.metadata?.uid ?? '');
            if (finishedType(job) && hasTrackingFinalizer(cur)) orphans.add(podKey(cur));
            enqueueBatched(job);
          } else if (hasTrackingFinalizer(cur) && (!curRef || curRef.kind === JOB_KIND)) {
            orphans.add(podKey(cur));
          }
        },
        delete: (p) => podGone(p, true),
      });

      /** Pods of a finished or deleted Job that still hold the finalizer (cleanupPodFinalizers). */
      const cleanupPodFinalizers = (job: Readonly<Job>) => {
        for (const p of pods.lister.byIndex(INDEX_CONTROLLER, job.metadata?.uid ?? '')) {
          if (hasTrackingFinalizer(p)) orphans.add(podKey(p));
        }
      };

      jobs.on({
        add: (job) => enqueueNow(job),
        update: (old, cur) => {
          if (old.metadata?.generation === cur.metadata?.generation) enqueueBatched(cur);
          else enqueueNow(cur);
          if (finishedType(cur)) cleanupPodFinalizers(cur);
          // A changed activeDeadlineSeconds needs its own wake-up.
          const ads = cur.spec?.activeDeadlineSeconds;
          const start = cur.status?.startTime ? Date.parse(cur.status.startTime) : NaN;
          if (ads !== undefined && ads !== null && ads !== old.spec?.activeDeadlineSeconds && !Number.isNaN(start)) {
            queue.addAfter(keyOf(cur), Math.max(0, start + ads * 1000 - ctx.clock.now()));
          }
        },
        delete: (job) => {
          enqueueNow(job);
          cleanupPodFinalizers(job);
        },
      });

      const deps: JobDeps = {
        client: ctx.client, clock: ctx.clock, events: ctx.events, log,
        pods: pods.lister, expectations, backoff,
        backoffBaseMs: ctx.config.jobBackoffBaseMs ?? DEFAULT_POD_FAILURE_BACKOFF_MS,
        backoffMaxMs: opts.backoffMaxMs ?? MAX_POD_FAILURE_BACKOFF_MS,
        writeStatus: async (key, job) => {
          const before = job.metadata?.resourceVersion ?? '';
          const out = await ctx.client.update<Job>(R.jobs, job.metadata?.namespace ?? '', normalizeStatus(job), { subresource: 'status' });
          const prev = written.get(key);
          const superseded = prev ? prev.superseded : new Set<string>();
          superseded.add(before);
          written.set(key, { superseded, job: out });
          return structuredClone(out);
        },
      };

      const reconcile = async (key: string): Promise<Result | void> => {
        const cached = jobs.lister.get(key);
        if (!cached) {
          expectations.forget(key);
          backoff.delete(key);
          written.delete(key);
          return;
        }
        // The cache can lag behind our own last status write; never act on an older status than we wrote.
        let job: Readonly<Job> = cached;
        const w = written.get(key);
        if (w) {
          if (w.job.metadata?.uid === cached.metadata?.uid && w.superseded.has(cached.metadata?.resourceVersion ?? '')) job = w.job;
          else written.delete(key);
        }
        log.debug({ job: key }, 'syncing job');
        return syncJob(deps, key, job);
      };

      /** syncOrphanPod: drop the finalizer of a pod whose Job is gone or finished. */
      const reconcileOrphan = async (key: string): Promise<void> => {
        const p = pods.lister.get(key);
        if (!p || !hasTrackingFinalizer(p)) return;
        const ref = controllerOf(p);
        if (ref) {
          if (ref.kind !== JOB_KIND || ref.apiVersion !== JOB_API_VERSION) return;
          const job = jobOf(p);
          if (job && !finishedType(job)) return; // still managed by its Job
        }
        try {
          await ctx.client.patch(R.pods, p.metadata?.namespace ?? '', p.metadata?.name ?? '',
            { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER] } }, 'strategic');
        } catch (e) {
          if (!isStatusError(e) || e.code !== 404) throw e;
        }
      };

      if (!await waitForSync(signal, jobs, pods)) return;
      const workers = ctx.config.workers ?? 5;
      await Promise.all([
        runWorkers({ name: 'job', queue, workers, reconcile, log, signal }),
        runWorkers({ name: 'job-orphan-pods', queue: orphans, workers: 1, reconcile: reconcileOrphan, log, signal }),
      ]);
    },
  });
}

/** The Job controller with kube's defaults. */
export const jobController = jobControllerWith();
