// The ReplicaSet controller's wiring (kube pkg/controller/replicaset/replica_set.go
// NewBaseController, add/update/deletePod, add/update/deleteRS): informers on ReplicaSets and
// pods, a queue of ReplicaSet keys, expectations lowered as the pod informer shows our writes.
import { R, createWorkQueue } from '../../client/index.js';
import { deepEqual } from '../../machinery/deep-equal.js';
import type { OwnerReference } from '../../machinery/object.js';
import { controllerOf, runWorkers, waitForSync, type Controller, type ControllerContext } from '../runtime/index.js';
import type { ReplicaSetDeps } from './deps.js';
import { ControllerExpectations, EXPECTATIONS_TTL_MS } from './expectations.js';
import { isPodReady, podKey } from './pods.js';
import { syncReplicaSet } from './sync.js';
import { RS_KIND, type Pod, type ReplicaSet } from './types.js';
import { keyOf, ownersSelecting, resolveOwner } from './wiring.js';

export interface ReplicaSetControllerOptions {
  /** Most pods created or deleted per sync (kube --replicaset burstReplicas: 500). */
  burstReplicas?: number;
  /** How long unobserved creations/deletions hold a ReplicaSet back (kube: 5 minutes). */
  expectationsTtlMs?: number;
  /** First retry delay after an error, doubling (kube's default controller rate limiter: 5ms). */
  retryBaseMs?: number;
}

/** Pod index: the namespace of every pod that no controller owns (candidates for adoption). */
export const ORPHAN_PODS_INDEX = 'replicaset/orphans-by-namespace';

export function replicaSetControllerWith(opts: ReplicaSetControllerOptions = {}): (ctx: ControllerContext) => Controller {
  return (ctx) => ({
    name: 'replicaset',
    async run(signal) {
      const log = ctx.log.child({ controller: 'replicaset' });
      const queue = createWorkQueue({ clock: ctx.clock, ...(opts.retryBaseMs !== undefined ? { baseDelayMs: opts.retryBaseMs } : {}) });
      const replicaSets = ctx.informers.informerFor<ReplicaSet>(R.replicasets);
      const pods = ctx.informers.informerFor<Pod>(R.pods);
      pods.addIndex(ORPHAN_PODS_INDEX, (p) => (controllerOf(p) ? [] : [p.metadata?.namespace ?? '']));
      const expectations = new ControllerExpectations(ctx.clock, opts.expectationsTtlMs ?? EXPECTATIONS_TTL_MS);
      const padding = ctx.config.minReadyCheckMs ?? 1000;

      const enqueue = (rs: Readonly<ReplicaSet>) => queue.add(keyOf(rs));

      const resolve = (ns: string, ref: OwnerReference | undefined) => resolveOwner(replicaSets.lister, RS_KIND, ns, ref);
      /** ReplicaSets that might adopt an orphan pod (getPodReplicaSets). */
      const matchingReplicaSets = (p: Readonly<Pod>) => ownersSelecting(replicaSets.lister, p.metadata?.namespace ?? '', p.metadata?.labels);

      const podDeleted = (p: Readonly<Pod>) => {
        const rs = resolve(p.metadata?.namespace ?? '', controllerOf(p));
        if (!rs) return;
        expectations.deletionObserved(keyOf(rs), podKey(p));
        enqueue(rs);
      };

      pods.on({
        add: (p) => {
          // A pod already being deleted (seen after a restart) is no creation we wait for.
          if (p.metadata?.deletionTimestamp) { podDeleted(p); return; }
          const ref = controllerOf(p);
          if (ref) {
            const rs = resolve(p.metadata?.namespace ?? '', ref);
            if (!rs) return;
            expectations.creationObserved(keyOf(rs));
            enqueue(rs);
            return;
          }
          for (const rs of matchingReplicaSets(p)) enqueue(rs);
        },
        update: (old, cur) => {
          if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
          const labelsChanged = !deepEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {});
          if (cur.metadata?.deletionTimestamp) {
            // Graceful deletion: replace the pod now, not when the kubelet is done with it.
            podDeleted(cur);
            if (labelsChanged) podDeleted(old);
            return;
          }
          const ns = cur.metadata?.namespace ?? '';
          const curRef = controllerOf(cur);
          const oldRef = controllerOf(old);
          const refChanged = !deepEqual(curRef ?? null, oldRef ?? null);
          if (refChanged && oldRef) {
            const prev = resolve(ns, oldRef);
            if (prev) enqueue(prev);
          }
          if (curRef) {
            const rs = resolve(ns, curRef);
            if (!rs) return;
            enqueue(rs);
            const minReady = rs.spec?.minReadySeconds ?? 0;
            if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) queue.addAfter(keyOf(rs), minReady * 1000 + padding);
            return;
          }
          if (labelsChanged || refChanged) for (const rs of matchingReplicaSets(cur)) enqueue(rs);
        },
        delete: podDeleted,
      });

      replicaSets.on({
        add: enqueue,
        update: (old, cur) => {
          if (old.metadata?.uid !== cur.metadata?.uid) expectations.forget(keyOf(old)); // deleted and re-created
          enqueue(cur);
        },
        delete: (rs) => {
          expectations.forget(keyOf(rs));
          enqueue(rs);
        },
      });

      const deps: ReplicaSetDeps = {
        client: ctx.client, events: ctx.events, clock: ctx.clock, log,
        replicaSets: replicaSets.lister, pods: pods.lister, orphanIndex: ORPHAN_PODS_INDEX,
        expectations, burstReplicas: opts.burstReplicas ?? 500, availabilityPaddingMs: padding,
      };

      if (!await waitForSync(signal, replicaSets, pods)) return;
      await runWorkers({ name: 'replicaset', queue, workers: ctx.config.workers ?? 5, reconcile: (key) => syncReplicaSet(deps, key), log, signal });
    },
  });
}

/** The ReplicaSet controller with kube's defaults. */
export const replicaSetController = replicaSetControllerWith();
