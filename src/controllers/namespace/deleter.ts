// Deleting everything in a namespace (pkg/controller/namespace/deletion/namespaced_resources_deleter.go):
// for every namespaced resource discovery lists with the delete verb, deletecollection (or list
// and delete each item when the resource has no deletecollection), Background propagation so the
// server adds no orphan finalizer; then list again to see what remains, which finalizers hold it,
// and how long graceful pod termination may still take.
import type { ApiClient, ResourceRef } from '../../client/types.js';
import type { Clock } from '../../machinery/clock.js';
import { isStatusError } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import { discoverResources, hasVerbs, type DiscoveredResource } from '../garbagecollector/index.js';
import type { DeletionOutcome } from './conditions.js';

/** Assumed wait, in seconds, for finalizers to complete on remaining items (kube: 15). */
export const FINALIZER_ESTIMATE_SECONDS = 15;

export interface ContentDeletion {
  /** Seconds until the remaining content is expected to be gone; 0 when nothing is left to wait for. */
  estimateSeconds: number;
  outcome: DeletionOutcome;
}

interface ResourceResult { estimate: number; remaining: number; finalizers: Map<string, number>; error?: string }

const grName = (r: ResourceRef): string => `${r.resource}.${r.group}`;
const notSupported = (e: unknown): boolean => isStatusError(e) && (e.code === 404 || e.code === 405);

/** Longest grace period of the namespace's non-terminal pods, unless the namespace has been terminating that long already. */
async function podGraceEstimate(client: ApiClient, pods: ResourceRef, ns: string, deletedAt: number, now: number): Promise<number> {
  const list = await client.list(pods, ns);
  let estimate = 0;
  for (const p of list.items) {
    const phase = (p.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const grace = (p.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds;
    if (typeof grace === 'number' && grace > estimate) estimate = grace;
  }
  return now - deletedAt >= estimate * 1000 ? 0 : estimate;
}

async function deleteResource(client: ApiClient, r: DiscoveredResource, ns: string, deletedAt: number, clock: Clock): Promise<ResourceResult> {
  const result: ResourceResult = { estimate: 0, remaining: 0, finalizers: new Map() };
  try {
    if (r.group === '' && r.resource === 'pods') result.estimate = await podGraceEstimate(client, r, ns, deletedAt, clock.now());
    if (hasVerbs(r, 'deletecollection')) {
      try {
        await client.deleteCollection(r, ns, { propagationPolicy: 'Background' });
      } catch (e) {
        if (!notSupported(e)) throw e;
      }
    } else if (hasVerbs(r, 'list')) {
      const list = await client.list(r, ns);
      for (const item of list.items) {
        try {
          await client.delete(r, ns, item.metadata?.name ?? '', { propagationPolicy: 'Background' });
        } catch (e) {
          if (!notSupported(e)) throw e;
        }
      }
    }
    if (!hasVerbs(r, 'list')) return result;
    let items: KubeObject[];
    try {
      items = (await client.list(r, ns)).items;
    } catch (e) {
      if (notSupported(e)) return result;
      throw e;
    }
    if (items.length === 0) return { ...result, estimate: 0 };
    result.remaining = items.length;
    for (const item of items) for (const f of item.metadata?.finalizers ?? []) result.finalizers.set(f, (result.finalizers.get(f) ?? 0) + 1);
    if (result.estimate === 0) {
      // Items held by finalizers are expected to go; anything else should have been deleted.
      if (result.finalizers.size) result.estimate = FINALIZER_ESTIMATE_SECONDS;
      else result.error = `unexpected items still remain in namespace: ${ns} for gvr: ${r.group}/${r.version}, Resource=${r.resource}`;
    }
    return result;
  } catch (e) {
    return { ...result, error: `${grName(r)}: ${(e as Error).message}` };
  }
}

/** One pass over every namespaced resource; never throws for one resource's failure (it is in the outcome). */
export async function deleteAllContent(client: ApiClient, ns: string, deletedAt: number, clock: Clock): Promise<ContentDeletion> {
  const discovery = await discoverResources(client);
  const resources = discovery.resources.filter((r) => r.namespaced && hasVerbs(r, 'delete'));
  const results = await Promise.all(resources.map(async (r) => ({ r, res: await deleteResource(client, r, ns, deletedAt, clock) })));
  const remaining = new Map<string, number>();
  const finalizers = new Map<string, number>();
  const contentErrors: string[] = [];
  let estimateSeconds = 0;
  for (const { r, res } of results) {
    estimateSeconds = Math.max(estimateSeconds, res.estimate);
    if (res.error) contentErrors.push(res.error);
    if (res.remaining > 0) {
      remaining.set(grName(r), res.remaining);
      for (const [f, n] of res.finalizers) finalizers.set(f, (finalizers.get(f) ?? 0) + n);
    }
  }
  return { estimateSeconds, outcome: { discoveryFailures: discovery.failed, contentErrors, remaining, finalizers } };
}
