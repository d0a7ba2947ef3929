// The CronJob controller's wiring (kube CronJobControllerV2): CronJobs are queued on change and
// requeued for their next start time; a Job's change wakes the CronJob that controls it.
import { R, createWorkQueue, INDEX_CONTROLLER } from '../../client/index.js';
import type { Job } from '../job/index.js';
import { controllerOf, runWorkers, waitForSync, type Controller, type ControllerContext, type Result } from '../runtime/index.js';
import { nextScheduleDelayMs, parseSchedule } from './schedule.js';
import { cleanupFinishedJobs, MAX_REQUEUE_MS, syncCronJob, type CronJobDeps } from './sync.js';
import { CRONJOB_KIND, type CronJob } from './types.js';

const keyOf = (o: Readonly<{ metadata?: { namespace?: string; name?: string } }>) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** Status as kube serialises it: an empty active list is omitted. */
function normalizeStatus(cj: CronJob): CronJob {
  if (cj.status?.active && cj.status.active.length === 0) delete cj.status.active;
  return cj;
}

export function cronJobControllerWith(opts: { retryBaseMs?: number } = {}): (ctx: ControllerContext) => Controller {
  return (ctx) => ({
    name: 'cronjob',
    async run(signal) {
      const log = ctx.log.child({ controller: 'cronjob' });
      const queue = createWorkQueue({ clock: ctx.clock, baseDelayMs: opts.retryBaseMs ?? 5, maxDelayMs: 1000_000 });
      const cronJobs = ctx.informers.informerFor<CronJob>(R.cronjobs);
      const jobs = ctx.informers.informerFor<Job>(R.jobs);

      /** The CronJob a Job's controllerRef names, if cached with that uid. */
      const ownerOf = (j: Readonly<Job>): Readonly<CronJob> | undefined => {
        const ref = controllerOf(j);
        if (!ref || ref.kind !== CRONJOB_KIND) return undefined;
        const cj = cronJobs.lister.get(`${j.metadata?.namespace ?? ''}/${ref.name}`);
        return cj && cj.metadata?.uid === ref.uid ? cj : undefined;
      };
      const wakeOwner = (j: Readonly<Job>) => { const cj = ownerOf(j); if (cj) queue.add(keyOf(cj)); };

      cronJobs.on({
        add: (cj) => queue.add(keyOf(cj)),
        update: (old, cur) => {
          if (old.spec?.schedule !== cur.spec?.schedule || (old.spec?.timeZone ?? null) !== (cur.spec?.timeZone ?? null)) {
            // A new schedule: wake up at its next start time (sooner than the old one, the queue keeps the earlier).
            try {
              const sched = parseSchedule(cur.spec?.schedule ?? '', cur.spec?.timeZone ?? undefined);
              const inputs = {
                creationMs: Date.parse(cur.metadata?.creationTimestamp ?? '') || 0,
                ...(cur.status?.lastScheduleTime ? { lastScheduleMs: Date.parse(cur.status.lastScheduleTime) } : {}),
              };
              const t = nextScheduleDelayMs(inputs, ctx.clock.now(), sched);
              if (t !== undefined) queue.addAfter(keyOf(cur), Math.min(t, MAX_REQUEUE_MS));
            } catch {
              ctx.events.record(cur, 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cur.spec?.schedule ?? ''}`);
            }
            return;
          }
          queue.add(keyOf(cur));
        },
        delete: (cj) => queue.add(keyOf(cj)),
      });
      jobs.on({
        add: (j) => wakeOwner(j),
        update: (old, cur) => {
          if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
          const oldRef = controllerOf(old);
          if (oldRef && oldRef.uid !== controllerOf(cur)?.uid) wakeOwner(old);
          wakeOwner(cur);
        },
        delete: (j) => wakeOwner(j),
      });

      const deps: CronJobDeps = { client: ctx.client, clock: ctx.clock, events: ctx.events, log };

      const reconcile = async (key: string): Promise<Result | void> => {
        const cached = cronJobs.lister.get(key);
        if (!cached) return;
        const owned = jobs.lister.byIndex(INDEX_CONTROLLER, cached.metadata?.uid ?? '');
        const copy = structuredClone(cached) as CronJob;
        const cleaned = await cleanupFinishedJobs(deps, copy, owned);
        const r = await syncCronJob(deps, copy, owned);
        if (cleaned || r.updateStatus) {
          await ctx.client.update(R.cronjobs, r.cj.metadata?.namespace ?? '', normalizeStatus(r.cj), { subresource: 'status' });
        }
        if (r.requeueAfterMs !== undefined) return { requeueAfterMs: r.requeueAfterMs };
        if (r.error !== undefined) throw r.error;
      };

      if (!await waitForSync(signal, cronJobs, jobs)) return;
      await runWorkers({ name: 'cronjob', queue, workers: ctx.config.workers ?? 5, reconcile, log, signal });
    },
  });
}

/** kube's "cronjob" controller. */
export const cronJobController = cronJobControllerWith();
