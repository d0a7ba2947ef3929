// Creating and deleting pods to reach spec.replicas (kube's manageReplicas,
// pkg/controller/replicaset/replica_set.go). Creations go in slow-start batches (1, 2, 4, ...):
// when pods cannot be created (quota, a bad template) the first failure stops the sync instead
// of a burst of failing calls. Expectations are raised before any call, so that informer lag
// never makes the next sync act on the same gap again.
import { INDEX_CONTROLLER, R } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import { controllerOf, newControllerRef } from '../runtime/index.js';
import type { ReplicaSetDeps } from './deps.js';
import { podKey } from './pods.js';
import { podFromTemplate } from './pod-template.js';
import { podsToDelete } from './ranking.js';
import { RS_API_VERSION, RS_KIND, specReplicas, type Pod, type ReplicaSet } from './types.js';

/** kube's SlowStartInitialBatchSize. */
const SLOW_START_INITIAL_BATCH = 1;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The namespace is being deleted: creating anything in it fails, and that is nobody's fault. */
function namespaceTerminating(e: unknown): boolean {
  if (!isStatusError(e)) return false;
  return Boolean(e.status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) ||
    (e.code === 403 && /because it is being terminated/.test(e.message));
}

/**
 * Calls `fn` `count` times in batches of 1, 2, 4, ... (each batch concurrently); stops after the
 * first batch with a failure. Resolves with the number of successful calls and the first error.
 */
export async function slowStartBatch(count: number, initial: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += size - failed.length;
    if (failed.length) return { successes, error: failed[0]!.reason };
    remaining -= size;
  }
  return { successes };
}

/** Active pods of the ReplicaSet and of its siblings (the ReplicaSets of the same owner), for ranking. */
function relatedPods(d: ReplicaSetDeps, rs: Readonly<ReplicaSet>): Readonly<Pod>[] {
  const owner = controllerOf(rs);
  const siblings = owner ? d.replicaSets.byIndex(INDEX_CONTROLLER, owner.uid) : [rs];
  return siblings.flatMap((s) => d.pods.byIndex(INDEX_CONTROLLER, s.metadata?.uid ?? ''));
}

/** Creates or deletes pods so that `pods` (the active pods the ReplicaSet controls) reach spec.replicas. Throws the first failure. */
export async function manageReplicas(d: ReplicaSetDeps, key: string, rs: Readonly<ReplicaSet>, pods: readonly Readonly<Pod>[]): Promise<void> {
  const ns = rs.metadata?.namespace ?? '';
  const diff = pods.length - specReplicas(rs);
  if (diff < 0) {
    const want = Math.min(-diff, d.burstReplicas);
    d.expectations.expectCreations(key, want);
    d.log.debug({ replicaSet: key, need: want }, 'too few replicas, creating');
    const ref = newControllerRef(rs, RS_API_VERSION, RS_KIND);
    const template = rs.spec?.template ?? {};
    const { successes, error } = await slowStartBatch(want, SLOW_START_INITIAL_BATCH, async () => {
      const pod = podFromTemplate(template, ns, rs.metadata?.name ?? '', ref);
      if (!pod.metadata?.labels) throw new Error('unable to create pods, no labels');
      try {
        const created = await d.client.create<Pod>(R.pods, ns, pod);
        d.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name ?? ''}`);
      } catch (e) {
        if (namespaceTerminating(e)) return;
        d.events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${messageOf(e)}`);
        throw e;
      }
    });
    // Pods never created will never be observed: stop waiting for them.
    for (let i = successes; i < want; i++) d.expectations.creationObserved(key);
    if (error !== undefined) throw error;
    return;
  }
  if (diff > 0) {
    const n = Math.min(diff, d.burstReplicas);
    d.log.debug({ replicaSet: key, surplus: n }, 'too many replicas, deleting');
    const victims = podsToDelete(pods, relatedPods(d, rs), n, d.clock.now());
    d.expectations.expectDeletions(key, victims.map(podKey));
    const errors: unknown[] = [];
    await Promise.all(victims.map(async (p) => {
      const name = p.metadata?.name ?? '';
      try {
        await d.client.delete(R.pods, ns, name);
        d.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
      } catch (e) {
        // The informer will not show this deletion (or already did): stop waiting for it.
        d.expectations.deletionObserved(key, podKey(p));
        if (isStatusError(e) && e.code === 404) return;
        d.events.record(rs, 'Warning', 'FailedDelete', `Error deleting: ${messageOf(e)}`);
        errors.push(e);
      }
    }));
    if (errors.length) throw errors[0];
  }
}
