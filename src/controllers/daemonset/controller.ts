// The DaemonSet controller's wiring (pkg/controller/daemon daemon_controller.go NewDaemonSetsController):
// informers on DaemonSets, ControllerRevisions, pods and nodes; pod events count against the
// expectations and enqueue the owner; node events enqueue the sets whose verdict for that node
// changed.
import { createWorkQueue, INDEX_NODE, R } from '../../client/index.js';
import { deepEqual } from '../../machinery/deep-equal.js';
import type { KubeObject } from '../../machinery/object.js';
import { isPodReady } from '../replicaset/pods.js';
import { controllerOf, runWorkers, waitForSync, type Controller, type ControllerContext, type ControllerFactory } from '../runtime/index.js';
import { ORPHANS_BY_NAMESPACE, orphansByNamespace, ownerLookup, routeUpdate, type ControllerRevision } from '../history/index.js';
import { keyOf, type DaemonSetDeps } from './deps.js';
import { nodeShouldRunDaemonPod } from './eligibility.js';
import { DaemonExpectations, EXPECTATIONS_TTL_MS, FailedPodBackoff } from './expectations.js';
import { syncDaemonSet } from './sync.js';
import { DS_KIND, type DaemonSet, type Node, type Pod } from './types.js';

export interface DaemonSetControllerOptions {
  /** First retry delay after a failed sync, doubling (kube's default controller rate limiter: 5ms). */
  retryBaseMs?: number;
  /** Most pods created or deleted per sync (kube: 250). */
  burstReplicas?: number;
  expectationsTtlMs?: number;
  /** Backoff before deleting a failed daemon pod on the same node again (kube: 1s doubling to 15m). */
  failedPodBackoffMs?: number;
}

/** The node fields NodeShouldRunDaemonPod reads (shouldIgnoreNodeUpdate compares the rest away). */
const nodeFacts = (n: Readonly<Node>) => ({
  labels: n.metadata?.labels ?? {}, taints: n.spec?.taints ?? [], unschedulable: n.spec?.unschedulable ?? false,
  conditions: (n.status?.conditions ?? []).map((c) => [c.type, c.status]),
});

export function daemonSetControllerWith(opts: DaemonSetControllerOptions = {}): ControllerFactory {
  return (ctx: ControllerContext): Controller => ({
    name: 'daemonset',
    async run(signal) {
      const log = ctx.log.child({ controller: 'daemonset' });
      const queue = createWorkQueue({ clock: ctx.clock, ...(opts.retryBaseMs !== undefined ? { baseDelayMs: opts.retryBaseMs } : {}) });
      const daemonSets = ctx.informers.informerFor<DaemonSet>(R.daemonsets);
      const revisions = ctx.informers.informerFor<ControllerRevision>(R.controllerrevisions);
      const pods = ctx.informers.informerFor<Pod>(R.pods);
      const nodes = ctx.informers.informerFor<Node>(R.nodes);
      pods.addIndex(ORPHANS_BY_NAMESPACE, orphansByNamespace);
      revisions.addIndex(ORPHANS_BY_NAMESPACE, orphansByNamespace);
      const expectations = new DaemonExpectations(ctx.clock, opts.expectationsTtlMs ?? EXPECTATIONS_TTL_MS);
      const padding = ctx.config.minReadyCheckMs ?? 1000;

      const enqueue = (ds: Readonly<DaemonSet>) => queue.add(keyOf(ds));

      // resolveControllerRef, and the sets selecting an orphan.
      const owners = ownerLookup(daemonSets.lister, DS_KIND);
      const resolve = owners.resolve;
      const matching = owners.selecting;

      const podDeleted = (p: Readonly<Pod>) => {
        const ds = resolve(p.metadata?.namespace ?? '', controllerOf(p));
        if (!ds) return;
        expectations.deletionObserved(keyOf(ds));
        enqueue(ds);
      };

      pods.on({
        add: (p) => {
          if (p.metadata?.deletionTimestamp) { podDeleted(p); return; }
          const ref = controllerOf(p);
          if (ref) {
            const ds = resolve(p.metadata?.namespace ?? '', ref);
            if (!ds) return;
            expectations.creationObserved(keyOf(ds));
            enqueue(ds);
            return;
          }
          for (const ds of matching(p)) enqueue(ds);
        },
        update: (old, cur) => {
          if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
          if (cur.metadata?.deletionTimestamp) { podDeleted(cur); return; }
          const r = routeUpdate(owners, old, cur);
          if (r.previous) enqueue(r.previous);
          for (const o of r.selecting) enqueue(o);
          if (!r.current) return;
          enqueue(r.current);
          const minReady = r.current.spec?.minReadySeconds ?? 0;
          if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) queue.addAfter(keyOf(r.current), minReady * 1000 + padding);
        },
        // As kube: a graceful deletion is counted when it starts and again when the pod goes
        // (expectations may go below zero; that only ends the wait sooner).
        delete: podDeleted,
      });

      const revisionChanged = (r: Readonly<ControllerRevision>) => {
        const ref = controllerOf(r);
        if (ref) {
          const ds = resolve(r.metadata?.namespace ?? '', ref);
          if (ds) enqueue(ds);
          return;
        }
        for (const ds of matching(r)) enqueue(ds);
      };
      revisions.on({ add: revisionChanged, update: (_o, cur) => revisionChanged(cur), delete: revisionChanged });

      nodes.on({
        add: (n) => {
          for (const ds of daemonSets.lister.list()) if (nodeShouldRunDaemonPod(n, ds).shouldRun) enqueue(ds);
        },
        update: (old, cur) => {
          if (deepEqual(nodeFacts(old), nodeFacts(cur))) return;
          for (const ds of daemonSets.lister.list()) {
            if (!deepEqual(nodeShouldRunDaemonPod(old, ds), nodeShouldRunDaemonPod(cur, ds))) enqueue(ds);
          }
        },
        // The sets with pods on a deleted node recount their status (the pods go with PodGC).
        delete: (n) => {
          for (const p of pods.lister.byIndex(INDEX_NODE, n.metadata?.name ?? '')) {
            const ds = resolve(p.metadata?.namespace ?? '', controllerOf(p));
            if (ds) enqueue(ds);
          }
        },
      });

      daemonSets.on({
        add: enqueue,
        update: (old, cur) => {
          if (old.metadata?.uid !== cur.metadata?.uid) expectations.forget(keyOf(old));
          enqueue(cur);
        },
        delete: (ds) => {
          expectations.forget(keyOf(ds));
          enqueue(ds);
        },
      });

      const deps: DaemonSetDeps = {
        client: ctx.client, events: ctx.events, clock: ctx.clock, log,
        daemonSets: daemonSets.lister, pods: pods.lister, nodes: nodes.lister, revisions: revisions.lister,
        expectations, failedPodsBackoff: new FailedPodBackoff(opts.failedPodBackoffMs ?? 1000),
        burstReplicas: opts.burstReplicas ?? 250, availabilityPaddingMs: padding,
        enqueueAfter: (key, ms) => queue.addAfter(key, ms),
      };

      if (!await waitForSync(signal, daemonSets, revisions, pods, nodes)) return;
      await runWorkers({ name: 'daemonset', queue, workers: ctx.config.workers ?? 2, reconcile: (key) => syncDaemonSet(deps, key), log, signal });
    },
  });
}

/** The DaemonSet controller with kube's defaults. */
export const daemonSetController: ControllerFactory = daemonSetControllerWith();
