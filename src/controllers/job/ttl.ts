// The TTL-after-finished controller (kube pkg/controller/ttlafterfinished): a finished Job with
// spec.ttlSecondsAfterFinished is deleted (background propagation) that long after its Complete /
// Failed condition's lastTransitionTime. The Job is re-read from the API before deletion and the
// delete carries its resourceVersion, so a Job whose TTL was just changed is not deleted.
import { R, createWorkQueue } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import { runWorkers, waitForSync, type Controller, type ControllerContext, type Result } from '../runtime/index.js';
import { finishTime, finishedType } from './conditions.js';
import type { Job } from './types.js';

const keyOf = (job: Readonly<Job>) => `${job.metadata?.namespace ?? ''}/${job.metadata?.name ?? ''}`;

function needsCleanup(job: Readonly<Job>): boolean {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  return ttl !== undefined && ttl !== null && !!finishedType(job) && !job.metadata?.deletionTimestamp;
}

/** Milliseconds until the Job expires (<= 0: expired); undefined when it has no finish time. */
function timeLeft(job: Readonly<Job>, now: number): number | undefined {
  const finishedAt = finishTime(job);
  if (finishedAt === undefined) return undefined;
  return finishedAt + (job.spec?.ttlSecondsAfterFinished ?? 0) * 1000 - now;
}

export function ttlAfterFinishedControllerWith(opts: { retryBaseMs?: number } = {}): (ctx: ControllerContext) => Controller {
  return (ctx) => ({
    name: 'ttl-after-finished',
    async run(signal) {
      const log = ctx.log.child({ controller: 'ttl-after-finished' });
      const queue = createWorkQueue({ clock: ctx.clock, baseDelayMs: opts.retryBaseMs ?? 5, maxDelayMs: 60_000 });
      const jobs = ctx.informers.informerFor<Job>(R.jobs);
      const consider = (job: Readonly<Job>) => { if (needsCleanup(job)) queue.add(keyOf(job)); };
      jobs.on({ add: consider, update: (_old, cur) => consider(cur) });

      const reconcile = async (key: string): Promise<Result | void> => {
        const cached = jobs.lister.get(key);
        if (!cached || !needsCleanup(cached)) return;
        const left = timeLeft(cached, ctx.clock.now());
        if (left === undefined) { log.warn({ job: key }, 'finished job without a finish time'); return; }
        if (left > 0) return { requeueAfterMs: left };
        const [ns, name] = [cached.metadata?.namespace ?? '', cached.metadata?.name ?? ''];
        let fresh: Job;
        try {
          fresh = await ctx.client.get<Job>(R.jobs, ns, name);
        } catch (e) {
          if (isStatusError(e) && e.code === 404) return;
          throw e;
        }
        if (!needsCleanup(fresh)) return;
        const freshLeft = timeLeft(fresh, ctx.clock.now());
        if (freshLeft === undefined) return;
        if (freshLeft > 0) return { requeueAfterMs: freshLeft };
        try {
          await ctx.client.delete(R.jobs, ns, name, {
            propagationPolicy: 'Background',
            preconditions: { resourceVersion: fresh.metadata?.resourceVersion ?? '' },
          });
          log.debug({ job: key }, 'deleted finished job after its TTL');
        } catch (e) {
          if (isStatusError(e) && e.code === 404) return;
          throw e;
        }
      };

      if (!await waitForSync(signal, jobs)) return;
      await runWorkers({ name: 'ttl-after-finished', queue, workers: ctx.config.workers ?? 5, reconcile, log, signal });
    },
  });
}

/** kube's "ttl-after-finished" controller. */
export const ttlAfterFinishedController = ttlAfterFinishedControllerWith();
