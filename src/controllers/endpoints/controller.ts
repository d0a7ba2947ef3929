// The Endpoints controller (pkg/controller/endpoint/endpoints_controller.go): for every Service
// with a selector, an Endpoints object of the same name listing the IPs of the selected pods, ready
// ones under addresses and the others under notReadyAddresses (all of them ready when the service
// publishes not-ready addresses), for the pod ports the service's targetPorts resolve to. Labels are
// the service's (plus service.kubernetes.io/headless for headless services); no ownerReference:
// the Endpoints is deleted by name when its service goes, and leftovers are swept at start.
import { R, createWorkQueue, splitKey, objectKey, INDEX_NAMESPACE } from '../../client/index.js';
import { deepEqual } from '../../machinery/deep-equal.js';
import { isStatusError } from '../../machinery/errors.js';
import { matches, selectorFromSet } from '../../machinery/labels.js';
import type { KubeObject } from '../../machinery/object.js';
import { runWorkers, waitForSync, type Controller, type ControllerContext, type Result } from '../runtime/index.js';
import {
  ANNOTATION_LAST_CHANGE_TRIGGER_TIME, LABEL_HEADLESS, enqueueServicesOnChange, isHeadless, type Pod, type Service,
} from './pods.js';
import { ANNOTATION_OVER_CAPACITY, MAX_ENDPOINTS_CAPACITY, desiredSubsets, truncate, type EndpointSubset } from './subsets.js';
import { TriggerTimeTracker, rfc3339Nano } from './trigger-time.js';

interface Endpoints extends KubeObject { subsets?: EndpointSubset[] }

/** Endpoints written by leader election (old-style locks) belong to no service: never swept. */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

/** Subsets as compared: without targetRef.resourceVersion (pod updates that change nothing shown). */
function comparable(subsets: readonly EndpointSubset[] | undefined): unknown {
  const strip = (as: EndpointSubset['addresses']) => as?.map((a) => (a.targetRef ? { ...a, targetRef: { ...a.targetRef, resourceVersion: undefined } } : a));
  return JSON.parse(JSON.stringify((subsets ?? []).map((s) => ({ ...s, addresses: strip(s.addresses), notReadyAddresses: strip(s.notReadyAddresses) }))));
}

function withoutLabel(labels: Readonly<Record<string, string>> | undefined, key: string): Record<string, string> {
  const out = { ...(labels ?? {}) };
  delete out[key];
  return out;
}

function capacityAnnotationCorrect(ep: Readonly<Endpoints>): boolean {
  let n = 0;
  for (const s of ep.subsets ?? []) n += (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0);
  if (n > MAX_ENDPOINTS_CAPACITY) return false;
  return ep.metadata?.annotations?.[ANNOTATION_OVER_CAPACITY] === undefined;
}

export function endpointsController(ctx: ControllerContext): Controller {
  const name = 'endpoints';
  return {
    name,
    async run(signal) {
      const log = ctx.log.child({ controller: name });
      const queue = createWorkQueue({ clock: ctx.clock, maxDelayMs: 60_000 });
      const services = ctx.informers.informerFor<Service>(R.services);
      const pods = ctx.informers.informerFor<Pod>(R.pods);
      const endpoints = ctx.informers.informerFor<Endpoints>(R.endpoints);
      const triggers = new TriggerTimeTracker();
      enqueueServicesOnChange(services, pods, (k) => queue.add(k));
      // A deleted Endpoints of a live service is recreated.
      endpoints.on({ delete: (ep) => queue.add(objectKey(ep)) });

      const reconcile = async (key: string): Promise<Result | void> => {
        const { namespace, name: svcName } = splitKey(key);
        const svc = services.lister.get(key);
        if (!svc) {
          triggers.delete(key);
          try {
            await ctx.client.delete(R.endpoints, namespace, svcName);
          } catch (e) {
            if (!(isStatusError(e) && e.code === 404)) throw e;
          }
          return;
        }
        // ExternalName services and services without a selector get no endpoints from us
        // (the latter's are written by their users).
        if (svc.spec?.type === 'ExternalName' || !svc.spec?.selector) return;
        const sel = selectorFromSet(svc.spec.selector);
        const selected = pods.lister.byIndex(INDEX_NAMESPACE, namespace).filter((p) => matches(sel, p.metadata?.labels));
        const triggerTime = triggers.compute(key, svc, selected);
        const { subsets } = desiredSubsets(svc, selected);

        const current = endpoints.lister.get(key);
        const svcLabels = svc.metadata?.labels ?? {};
        if (current && deepEqual(comparable(current.subsets), comparable(subsets)) &&
          deepEqual(withoutLabel(current.metadata?.labels, LABEL_HEADLESS), { ...svcLabels }) && capacityAnnotationCorrect(current)) {
          return;
        }
        const next: Endpoints = current
          ? structuredClone(current) as Endpoints
          : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svcName, namespace } };
        const meta = (next.metadata ??= {});
        if (subsets.length) next.subsets = subsets; else delete next.subsets;
        const annotations = { ...(meta.annotations ?? {}) };
        if (triggerTime) annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME] = rfc3339Nano(triggerTime);
        else delete annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME];
        if (next.subsets && truncate(next.subsets)) annotations[ANNOTATION_OVER_CAPACITY] = 'truncated';
        else delete annotations[ANNOTATION_OVER_CAPACITY];
        if (Object.keys(annotations).length) meta.annotations = annotations; else delete meta.annotations;
        const labels = withoutLabel(svcLabels, LABEL_HEADLESS);
        if (isHeadless(svc)) labels[LABEL_HEADLESS] = '';
        if (Object.keys(labels).length) meta.labels = labels; else delete meta.labels;

        try {
          if (current) await ctx.client.update(R.endpoints, namespace, next);
          else await ctx.client.create(R.endpoints, namespace, next);
        } catch (e) {
          // The namespace is terminating: creates keep failing; drop the key.
          if (!current && isStatusError(e) && e.code === 403) return;
          if (!(isStatusError(e) && e.code === 409)) {
            ctx.events.record(next, 'Warning', current ? 'FailedToUpdateEndpoint' : 'FailedToCreateEndpoint',
              current ? `Failed to update endpoint ${key}: ${(e as Error).message}` : `Failed to create endpoint for service ${key}: ${(e as Error).message}`);
          }
          throw e;
        }
        log.debug({ service: key }, 'endpoints updated');
      };

      if (!await waitForSync(signal, services, pods, endpoints)) return;
      // Endpoints whose service went while we were not running (checkLeftoverEndpoints).
      for (const ep of endpoints.lister.list()) {
        if (ep.metadata?.annotations?.[LEADER_ANNOTATION] === undefined) queue.add(objectKey(ep));
      }
      await runWorkers({ name, queue, workers: ctx.config.workers ?? 5, reconcile, log, signal });
    },
  };
}
