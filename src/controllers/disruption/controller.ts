// The disruption controller (pkg/controller/disruption): keeps each PodDisruptionBudget's status —
// expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, disruptedPods, observedGeneration
// and the DisruptionAllowed condition — up to date with the pods it selects, which is what the
// eviction subresource (kubectl drain) consults. A budget whose status cannot be computed gets
// disruptionsAllowed 0 and reason SyncFailed, so evictions are refused rather than risked.
import { R, createWorkQueue, INDEX_NAMESPACE, objectKey } from '../../client/index.js';
import type { Informer } from '../../client/types.js';
import { isStatusError } from '../../machinery/errors.js';
import { labelSelectorToString, matches, selectorFromLabelSelector } from '../../machinery/labels.js';
import { runWorkers, waitForSync, type Controller, type ControllerContext, type Result } from '../runtime/index.js';
import { DEFAULT_DISCOVERY_RESYNC_MS, discoverResources, groupKindKey, type DiscoveredResource } from '../garbagecollector/index.js';
import type { Pod } from '../endpoints/index.js';
import {
  countHealthy, failSafeStatus, nextStatus, scaledValue, standingDisruptions, type PdbStatus, type PodDisruptionBudget,
} from './budget.js';
import { expectedPodCount, type ScaleDeps, type Workload } from './scale.js';

export function disruptionController(ctx: ControllerContext): Controller {
  const name = 'disruption';
  return {
    name,
    async run(signal) {
      const log = ctx.log.child({ controller: name });
      const queue = createWorkQueue({ clock: ctx.clock, maxDelayMs: 60_000 });
      const pdbs: Informer<PodDisruptionBudget> = ctx.informers.informerFor<PodDisruptionBudget>(R.poddisruptionbudgets);
      const pods = ctx.informers.informerFor<Pod>(R.pods);
      const workloads = {
        replicationControllers: ctx.informers.informerFor<Workload>(R.replicationcontrollers),
        replicaSets: ctx.informers.informerFor<Workload>(R.replicasets),
        deployments: ctx.informers.informerFor<Workload>(R.deployments),
        statefulSets: ctx.informers.informerFor<Workload>(R.statefulsets),
      };

      // Other controller kinds are resolved through discovery, re-read at most every resync period.
      let kinds: { at: number; byKind: Map<string, DiscoveredResource> } | undefined;
      const resyncMs = ctx.config.discoveryResyncMs ?? DEFAULT_DISCOVERY_RESYNC_MS;
      const resourceFor = async (groupKind: string): Promise<DiscoveredResource | undefined> => {
        if (!kinds || !kinds.byKind.has(groupKind) && ctx.clock.now() - kinds.at > resyncMs) {
          const d = await discoverResources(ctx.client);
          kinds = { at: ctx.clock.now(), byKind: new Map(d.resources.map((r) => [groupKindKey(r.group, r.kind), r])) };
        }
        return kinds.byKind.get(groupKind);
      };
      const scaleDeps: ScaleDeps = {
        client: ctx.client, resourceFor,
        replicationControllers: workloads.replicationControllers.lister, replicaSets: workloads.replicaSets.lister,
        deployments: workloads.deployments.lister, statefulSets: workloads.statefulSets.lister,
      };

      /** Budgets in the pod's namespace whose selector matches it (kube takes the first; all are synced here). */
      const budgetsOf = (p: Readonly<Pod>) => {
        for (const pdb of pdbs.lister.byIndex(INDEX_NAMESPACE, p.metadata?.namespace ?? '')) {
          try {
            if (matches(selectorFromLabelSelector(pdb.spec?.selector), p.metadata?.labels)) queue.add(objectKey(pdb));
          } catch { /* an invalid selector selects nothing; its own sync reports it */ }
        }
      };
      pdbs.on({ add: (b) => queue.add(objectKey(b)), update: (_o, b) => queue.add(objectKey(b)), delete: (b) => queue.add(objectKey(b)) });
      pods.on({ add: budgetsOf, update: (_o, p) => budgetsOf(p), delete: budgetsOf });

      const writeStatus = async (pdb: Readonly<PodDisruptionBudget>, status: PdbStatus) => {
        await ctx.client.update(R.poddisruptionbudgets, pdb.metadata?.namespace ?? '', { ...pdb, status }, { subresource: 'status' });
      };

      const trySync = async (pdb: Readonly<PodDisruptionBudget>): Promise<Result | void> => {
        const ns = pdb.metadata?.namespace ?? '';
        let selected: Readonly<Pod>[];
        try {
          const sel = selectorFromLabelSelector(pdb.spec?.selector);
          selected = pods.lister.byIndex(INDEX_NAMESPACE, ns).filter((p) => matches(sel, p.metadata?.labels));
        } catch (e) {
          ctx.events.record(pdb, 'Warning', 'NoPods', `Failed to get pods: ${(e as Error).message}`);
          throw e;
        }
        if (selected.length === 0) ctx.events.record(pdb, 'Normal', 'NoPods', 'No matching pods found');
        let counts;
        try {
          counts = await expectedPodCount(scaleDeps, pdb.spec, selected, (v, total) => scaledValue(v, total, true));
        } catch (e) {
          ctx.events.record(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(e as Error).message}`);
          throw e;
        }
        if (counts.unmanaged.length) {
          ctx.events.record(pdb, 'Warning', 'UnmanagedPods',
            `Pods selected by this PodDisruptionBudget (selector: ${labelSelectorToString(pdb.spec?.selector)}) were found to be unmanaged. ` +
            'As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. ' +
            'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.');
        }
        const now = ctx.clock.now();
        const disrupted = standingDisruptions(selected, pdb.status?.disruptedPods, now);
        for (const podName of disrupted.expired) {
          const pod = pods.lister.get(`${ns}/${podName}`);
          if (pod) ctx.events.record(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${ns}/${pdb.metadata?.name ?? ''} to be deleted but it wasn't`);
        }
        const status = nextStatus(pdb, {
          currentHealthy: countHealthy(selected, disrupted.pods, now),
          desiredHealthy: counts.desiredHealthy, expectedPods: counts.expectedPods, disruptedPods: disrupted.pods,
        }, now);
        if (status) await writeStatus(pdb, status);
        // A claim that runs out without its pod being deleted gives the disruption back then.
        if (disrupted.recheckAt !== undefined) return { requeueAfterMs: Math.max(0, disrupted.recheckAt - now) + 1 };
      };

      const reconcile = async (key: string): Promise<Result | void> => {
        const pdb = pdbs.lister.get(key);
        if (!pdb) return;
        try {
          return await trySync(pdb);
        } catch (e) {
          if (isStatusError(e) && (e.code === 409 || e.code === 404)) throw e;
          log.info({ err: e, pdb: key }, 'failed to sync PodDisruptionBudget');
          await writeStatus(pdb, failSafeStatus(pdb, (e as Error).message, ctx.clock.now()));
        }
      };

      if (!await waitForSync(signal, pdbs, pods, ...Object.values(workloads))) return;
      await runWorkers({ name, queue, workers: ctx.config.workers ?? 2, reconcile, log, signal });
    },
  };
}
