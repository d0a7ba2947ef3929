// The Deployment controller's wiring (kube pkg/controller/deployment/deployment_controller.go):
// informers on Deployments, ReplicaSets and pods; a queue of Deployment keys fed by Deployment
// changes, by changes of the ReplicaSets they control (or could adopt), and, for Recreate, by
// their pods going away.
import { R, createWorkQueue } from '../../client/index.js';
import { deepEqual } from '../../machinery/deep-equal.js';
import type { OwnerReference } from '../../machinery/object.js';
import { controllerOf, runWorkers, waitForSync, type Controller, type ControllerContext } from '../runtime/index.js';
import { RS_KIND, keyOf, ownersSelecting, resolveOwner, type Pod, type ReplicaSet } from '../replicaset/index.js';
import { WrittenObjects } from './fresh.js';
import type { DeploymentDeps } from './state.js';
import { syncDeployment } from './sync.js';
import { DEPLOYMENT_KIND, type Deployment } from './types.js';

export interface DeploymentControllerOptions {
  /** First retry delay after an error, doubling (kube's default controller rate limiter: 5ms). */
  retryBaseMs?: number;
}

/** ReplicaSet index: the namespace of every ReplicaSet no controller owns (candidates for adoption). */
export const ORPHAN_REPLICASETS_INDEX = 'deployment/orphans-by-namespace';

export function deploymentControllerWith(opts: DeploymentControllerOptions = {}): (ctx: ControllerContext) => Controller {
  return (ctx) => ({
    name: 'deployment',
    async run(signal) {
      const log = ctx.log.child({ controller: 'deployment' });
      const queue = createWorkQueue({ clock: ctx.clock, ...(opts.retryBaseMs !== undefined ? { baseDelayMs: opts.retryBaseMs } : {}) });
      const deployments = ctx.informers.informerFor<Deployment>(R.deployments);
      const replicaSets = ctx.informers.informerFor<ReplicaSet>(R.replicasets);
      const pods = ctx.informers.informerFor<Pod>(R.pods);
      replicaSets.addIndex(ORPHAN_REPLICASETS_INDEX, (rs) => (controllerOf(rs) ? [] : [rs.metadata?.namespace ?? '']));
      const writtenDeployments = new WrittenObjects<Deployment>();
      const writtenReplicaSets = new WrittenObjects<ReplicaSet>();

      const enqueue = (d: Readonly<Deployment>) => queue.add(keyOf(d));

      const resolve = (ns: string, ref: OwnerReference | undefined) => resolveOwner(deployments.lister, DEPLOYMENT_KIND, ns, ref);
      /** Deployments that might adopt an orphan ReplicaSet (getDeploymentsForReplicaSet). */
      const matching = (rs: Readonly<ReplicaSet>) => ownersSelecting(deployments.lister, rs.metadata?.namespace ?? '', rs.metadata?.labels);

      const rsGone = (rs: Readonly<ReplicaSet>) => {
        writtenReplicaSets.forget(rs.metadata?.uid ?? '');
        const d = resolve(rs.metadata?.namespace ?? '', controllerOf(rs));
        if (d) enqueue(d);
      };

      replicaSets.on({
        add: (rs) => {
          if (rs.metadata?.deletionTimestamp) { rsGone(rs); return; }
          const ref = controllerOf(rs);
          if (ref) {
            const d = resolve(rs.metadata?.namespace ?? '', ref);
            if (d) enqueue(d);
            return;
          }
          for (const d of matching(rs)) enqueue(d);
        },
        update: (old, cur) => {
          if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
          const ns = cur.metadata?.namespace ?? '';
          const curRef = controllerOf(cur);
          const oldRef = controllerOf(old);
          const refChanged = !deepEqual(curRef ?? null, oldRef ?? null);
          if (refChanged && oldRef) {
            const prev = resolve(ns, oldRef);
            if (prev) enqueue(prev);
          }
          if (curRef) {
            const d = resolve(ns, curRef);
            if (d) enqueue(d);
            return;
          }
          if (refChanged || !deepEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {})) for (const d of matching(cur)) enqueue(d);
        },
        delete: rsGone,
      });

      deployments.on({
        add: enqueue,
        update: (_old, cur) => enqueue(cur),
        delete: (d) => {
          writtenDeployments.forget(d.metadata?.uid ?? '');
          enqueue(d);
        },
      });

      // Recreate waits for the old pods to be gone: a pod's deletion may be what it waits for.
      pods.on({
        delete: (p) => {
          const ns = p.metadata?.namespace ?? '';
          const ref = controllerOf(p);
          const rs = resolveOwner(replicaSets.lister, RS_KIND, ns, ref);
          const d = rs && resolve(ns, controllerOf(rs));
          if (d && d.spec?.strategy?.type === 'Recreate') enqueue(d);
        },
      });

      const deps: DeploymentDeps = {
        client: ctx.client, events: ctx.events, clock: ctx.clock, log,
        deployments: deployments.lister, replicaSets: replicaSets.lister, pods: pods.lister,
        orphanIndex: ORPHAN_REPLICASETS_INDEX, writtenDeployments, writtenReplicaSets,
        requeuePaddingMs: ctx.config.minReadyCheckMs ?? 1000,
      };

      if (!await waitForSync(signal, deployments, replicaSets, pods)) return;
      await runWorkers({ name: 'deployment', queue, workers: ctx.config.workers ?? 5, reconcile: (key) => syncDeployment(deps, key), log, signal });
    },
  });
}

/** The Deployment controller with kube's defaults. */
export const deploymentController = deploymentControllerWith();
