// The EndpointSlice controller (pkg/controller/endpointslice): discovery.k8s.io/v1 EndpointSlices for
// every Service with a selector, owned by the Service (so the garbage collector removes them with
// it), labelled kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by, at most
// maxEndpointsPerSlice endpoints each (kube: --max-endpoints-per-slice, 100).
//
// The slice cache lags our own writes; a sync on a stale cache would create a slice twice. As
// kube's EndpointSliceTracker does, the revisions we wrote (and the slices we deleted) are
// remembered per service, and a sync waits until the cache has caught up with them.
import { R, createWorkQueue, splitKey, INDEX_NAMESPACE } from '../../client/index.js';
import type { Informer } from '../../client/types.js';
import { isStatusError } from '../../machinery/errors.js';
import { matches, selectorFromSet } from '../../machinery/labels.js';
import type { KubeObject } from '../../machinery/object.js';
import { runWorkers, waitForSync, type Controller, type ControllerContext, type ControllerFactory, type Result } from '../runtime/index.js';
import { TriggerTimeTracker, enqueueServicesOnChange, type Pod, type Service } from '../endpoints/index.js';
import { planSlices } from './reconciler.js';
import { CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, LABEL_TOPOLOGY_ZONE, setTriggerTime, type EndpointSlice } from './slices.js';

export const DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;
/** Re-check after this long when the slice cache has not caught up with our writes yet. */
const STALE_CACHE_RETRY_MS = 100;

export interface EndpointSliceControllerOptions {
  maxEndpointsPerSlice?: number;
}

interface NodeView extends KubeObject { metadata?: KubeObject['metadata'] }

const INDEX_SERVICE = 'endpointslice-service';

/** What we last wrote per slice of a service: a revision, or `deleted`. */
type Expectations = Map<string, string | 'deleted'>;

function rvBefore(cached: string | undefined, expected: string): boolean {
  if (cached === undefined) return true;
  if (/^\d+$/.test(cached) && /^\d+$/.test(expected)) return BigInt(cached) < BigInt(expected);
  return false;
}

export function endpointSliceControllerWith(o: EndpointSliceControllerOptions = {}): ControllerFactory {
  return (ctx: ControllerContext): Controller => {
    const name = 'endpointslice';
    const max = o.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE;
    return {
      name,
      async run(signal) {
        const log = ctx.log.child({ controller: name });
        const queue = createWorkQueue({ clock: ctx.clock, maxDelayMs: 60_000 });
        const services = ctx.informers.informerFor<Service>(R.services);
        const pods = ctx.informers.informerFor<Pod>(R.pods);
        const nodes = ctx.informers.informerFor<NodeView>(R.nodes);
        const slices: Informer<EndpointSlice> = ctx.informers.informerFor<EndpointSlice>(R.endpointslices);
        slices.addIndex(INDEX_SERVICE, (s) => {
          const svc = s.metadata?.labels?.[LABEL_SERVICE_NAME];
          return svc && s.metadata?.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME ? [`${s.metadata?.namespace ?? ''}/${svc}`] : [];
        });
        const triggers = new TriggerTimeTracker();
        const expectations = new Map<string, Expectations>();
        /** Services that left out a pod because its node was unknown, by node name. */
        const waitingForNode = new Map<string, Set<string>>();
        const addAll = (keys: Iterable<string>) => { for (const k of keys) queue.add(k); };
        /** A slice change syncs its service, unless it is the echo of our own write (kube: EndpointSliceTracker.ShouldSync). */
        const sliceService = (s: Readonly<EndpointSlice>, deleted: boolean) => {
          const svc = s.metadata?.labels?.[LABEL_SERVICE_NAME];
          if (!svc || s.metadata?.labels?.[LABEL_MANAGED_BY] !== CONTROLLER_NAME) return;
          const key = `${s.metadata?.namespace ?? ''}/${svc}`;
          const exp = expectations.get(key);
          const expected = exp?.get(s.metadata?.name ?? '');
          // A slice that is gone can be waited for no longer, whoever deleted it.
          if (deleted) exp?.delete(s.metadata?.name ?? '');
          if (expected !== undefined && expected === (deleted ? 'deleted' : s.metadata?.resourceVersion)) return;
          queue.add(key);
        };
        enqueueServicesOnChange(services, pods, (k) => queue.add(k));
        slices.on({ add: (s) => sliceService(s, false), update: (_o, s) => sliceService(s, false), delete: (s) => sliceService(s, true) });
        nodes.on({
          add: (n) => {
            const waiting = waitingForNode.get(n.metadata?.name ?? '');
            if (waiting) { waitingForNode.delete(n.metadata?.name ?? ''); addAll(waiting); }
          },
        });

        /** Whether the cache reflects everything we wrote for `key` (and forget what it does). */
        const cacheCaughtUp = (key: string): boolean => {
          const exp = expectations.get(key);
          if (!exp) return true;
          const { namespace } = splitKey(key);
          for (const [sliceName, rv] of exp) {
            const cached = slices.lister.get(`${namespace}/${sliceName}`);
            if (rv === 'deleted' ? cached !== undefined : rvBefore(cached?.metadata?.resourceVersion, rv)) return false;
          }
          expectations.delete(key);
          return true;
        };

        const reconcile = async (key: string): Promise<Result | void> => {
          const { namespace } = splitKey(key);
          const svc = services.lister.get(key);
          if (!svc) {
            // Its slices are owned by it: the garbage collector deletes them.
            triggers.delete(key);
            expectations.delete(key);
            return;
          }
          if (!svc.spec?.selector) return; // slices of selectorless services are their users'
          if (!cacheCaughtUp(key)) return { requeueAfterMs: STALE_CACHE_RETRY_MS };
          const existing = slices.lister.byIndex(INDEX_SERVICE, key);
          if (svc.spec.type === 'ExternalName') {
            // An ExternalName service has no endpoints: remove what we made for it.
            for (const s of existing) await deleteSlice(key, s);
            return;
          }
          const sel = selectorFromSet(svc.spec.selector);
          const selected = pods.lister.byIndex(INDEX_NAMESPACE, namespace).filter((p) => matches(sel, p.metadata?.labels));
          const triggerTime = triggers.compute(key, svc, selected);
          const plan = planSlices({
            service: svc, pods: selected, existing, maxEndpointsPerSlice: max,
            nodeZone: (nodeName) => {
              const n = nodes.lister.get(nodeName);
              return n ? n.metadata?.labels?.[LABEL_TOPOLOGY_ZONE] ?? '' : undefined;
            },
          });
          const exp: Expectations = expectations.get(key) ?? new Map();
          expectations.set(key, exp);
          // No new slices for a service on its way out: the garbage collector is deleting them.
          if (!svc.metadata?.deletionTimestamp) {
            for (const s of plan.create) {
              setTriggerTime(s, triggerTime);
              try {
                const created = await ctx.client.create<EndpointSlice>(R.endpointslices, namespace, s);
                exp.set(created.metadata?.name ?? '', created.metadata?.resourceVersion ?? '');
              } catch (e) {
                if (isStatusError(e) && e.code === 403) return; // namespace terminating
                throw e;
              }
            }
          }
          for (const s of plan.update) {
            setTriggerTime(s, triggerTime);
            const updated = await ctx.client.update<EndpointSlice>(R.endpointslices, namespace, s);
            exp.set(updated.metadata?.name ?? '', updated.metadata?.resourceVersion ?? '');
          }
          for (const s of plan.delete) await deleteSlice(key, s);
          if (plan.create.length || plan.update.length || plan.delete.length) {
            log.debug({ service: key, created: plan.create.length, updated: plan.update.length, deleted: plan.delete.length }, 'endpoint slices synced');
          }
          if (plan.missingNodes.length) {
            for (const n of plan.missingNodes) {
              let set = waitingForNode.get(n);
              if (!set) waitingForNode.set(n, (set = new Set()));
              set.add(key);
            }
            throw new Error(`service ${key}: pods skipped, their nodes are not known yet: ${plan.missingNodes.join(', ')}`);
          }
        };

        const deleteSlice = async (key: string, s: Readonly<EndpointSlice>) => {
          const sliceName = s.metadata?.name ?? '';
          try {
            await ctx.client.delete(R.endpointslices, s.metadata?.namespace ?? '', sliceName);
          } catch (e) {
            if (!(isStatusError(e) && e.code === 404)) throw e;
          }
          const exp = expectations.get(key) ?? new Map<string, string | 'deleted'>();
          exp.set(sliceName, 'deleted');
          expectations.set(key, exp);
        };

        if (!await waitForSync(signal, services, pods, nodes, slices)) return;
        await runWorkers({ name, queue, workers: ctx.config.workers ?? 5, reconcile, log, signal });
      },
    };
  };
}

/** The EndpointSlice controller with kube's defaults (100 endpoints per slice). */
export const endpointSliceController: ControllerFactory = endpointSliceControllerWith();
