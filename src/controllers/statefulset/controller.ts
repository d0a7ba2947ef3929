// The StatefulSet controller's wiring (pkg/controller/statefulset stateful_set.go): informers on
// StatefulSets, pods, claims and revisions; pod events enqueue the owning set (or, for orphans,
// the sets whose selector matches); one queue of set keys.
import { createWorkQueue, R } from '../../client/index.js';
import type { KubeObject } from '../../machinery/object.js';
import { isPodReady } from '../replicaset/pods.js';
import { controllerOf, runWorkers, waitForSync, type Controller, type ControllerContext, type ControllerFactory } from '../runtime/index.js';
import { ORPHANS_BY_NAMESPACE, orphansByNamespace, ownerLookup, routeUpdate, type ControllerRevision } from '../history/index.js';
import { syncStatefulSet, type SyncDeps } from './sync.js';
import { STS_KIND, type PersistentVolumeClaim, type Pod, type StatefulSet } from './types.js';

export interface StatefulSetControllerOptions {
  /** First retry delay after a failed sync, doubling (kube's default controller rate limiter: 5ms). */
  retryBaseMs?: number;
}

const keyOf = (o: Readonly<KubeObject>): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export function statefulSetControllerWith(opts: StatefulSetControllerOptions = {}): ControllerFactory {
  return (ctx: ControllerContext): Controller => ({
    name: 'statefulset',
    async run(signal) {
      const log = ctx.log.child({ controller: 'statefulset' });
      const queue = createWorkQueue({ clock: ctx.clock, ...(opts.retryBaseMs !== undefined ? { baseDelayMs: opts.retryBaseMs } : {}) });
      const sets = ctx.informers.informerFor<StatefulSet>(R.statefulsets);
      const pods = ctx.informers.informerFor<Pod>(R.pods);
      const claims = ctx.informers.informerFor<PersistentVolumeClaim>(R.persistentvolumeclaims);
      const revisions = ctx.informers.informerFor<ControllerRevision>(R.controllerrevisions);
      pods.addIndex(ORPHANS_BY_NAMESPACE, orphansByNamespace);
      revisions.addIndex(ORPHANS_BY_NAMESPACE, orphansByNamespace);
      const padding = ctx.config.minReadyCheckMs ?? 1000;

      const enqueue = (set: Readonly<StatefulSet>) => queue.add(keyOf(set));

      // resolveControllerRef, and the sets selecting an orphan.
      const owners = ownerLookup(sets.lister, STS_KIND);
      const resolve = owners.resolve;
      const matching = owners.selecting;

      const podChanged = (p: Readonly<Pod>) => {
        const ref = controllerOf(p);
        if (ref) {
          const set = resolve(p.metadata?.namespace ?? '', ref);
          if (set) enqueue(set);
          return;
        }
        for (const s of matching(p)) enqueue(s);
      };

      pods.on({
        add: podChanged,
        update: (old, cur) => {
          if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
          const r = routeUpdate(owners, old, cur);
          if (r.previous) enqueue(r.previous);
          for (const o of r.selecting) enqueue(o);
          if (!r.current) return;
          enqueue(r.current);
          const minReady = r.current.spec?.minReadySeconds ?? 0;
          if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) queue.addAfter(keyOf(r.current), minReady * 1000 + padding);
        },
        delete: (p) => {
          const set = resolve(p.metadata?.namespace ?? '', controllerOf(p));
          if (set) enqueue(set);
        },
      });
      // A claim the garbage collector removed may unblock a pod waiting on a stale claim.
      claims.on({ delete: (c) => { for (const s of matching(c)) enqueue(s); } });
      sets.on({ add: enqueue, update: (_old, cur) => enqueue(cur), delete: enqueue });

      const deps: SyncDeps = {
        client: ctx.client, events: ctx.events, clock: ctx.clock, log,
        sets: sets.lister, pods: pods.lister, claims: claims.lister, revisions: revisions.lister,
        availabilityPaddingMs: padding,
      };

      if (!await waitForSync(signal, sets, pods, claims, revisions)) return;
      await runWorkers({ name: 'statefulset', queue, workers: ctx.config.workers ?? 5, reconcile: (key) => syncStatefulSet(deps, key), log, signal });
    },
  });
}

/** The StatefulSet controller with kube's defaults. */
export const statefulSetController: ControllerFactory = statefulSetControllerWith();
