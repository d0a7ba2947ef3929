// syncNodes (daemon_controller.go): create the missing daemon pods, pinned to their nodes, in
// slow-start batches (1, 2, 4, ...: a quota error stops the flood after one pod), and delete the
// unwanted ones; expectations are set first so the next sync waits for the cache to show them.
// Events as kube's pod control writes them: "Created pod: ds-xyz", "Deleted pod: ds-xyz".
import { R } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import { podFromTemplate } from '../replicaset/pod-template.js';
import { newControllerRef } from '../runtime/index.js';
import { keyOf, type DaemonSetDeps } from './deps.js';
import { pinToNode } from './eligibility.js';
import { daemonPodTemplate } from './pods.js';
import { DS_API_VERSION, DS_KIND, type DaemonSet, type Pod } from './types.js';

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Several failures as one error (utilerrors.NewAggregate's message). */
function aggregate(errs: readonly unknown[]): Error | undefined {
  if (errs.length === 0) return undefined;
  if (errs.length === 1) return errs[0] instanceof Error ? errs[0] : new Error(String(errs[0]));
  return new Error(`[${errs.map(errText).join(', ')}]`);
}

export async function syncNodes(d: DaemonSetDeps, ds: Readonly<DaemonSet>, podsToDelete: readonly Readonly<Pod>[], nodesNeedingPods: readonly string[], hash: string): Promise<void> {
  const key = keyOf(ds);
  const ns = ds.metadata?.namespace ?? '';
  const createDiff = Math.min(nodesNeedingPods.length, d.burstReplicas);
  const deleteDiff = Math.min(podsToDelete.length, d.burstReplicas);
  d.expectations.expect(key, createDiff, deleteDiff);
  const errors: unknown[] = [];

  const template = daemonPodTemplate(ds, hash);
  const ref = newControllerRef(ds, DS_API_VERSION, DS_KIND);
  const createOn = async (node: string) => {
    const pod = podFromTemplate(template, ns, ds.metadata?.name ?? '', ref) as Pod;
    pod.spec = { ...(pod.spec ?? {}), affinity: pinToNode(pod.spec?.affinity, node) };
    try {
      const made = await d.client.create<Pod>(R.pods, ns, pod);
      d.events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${made.metadata?.name ?? ''}`);
    } catch (e) {
      d.expectations.creationObserved(key);
      errors.push(e);
      d.events.record(ds, 'Warning', 'FailedCreate', `Error creating: ${errText(e)}`);
    }
  };
  for (let pos = 0, batch = Math.min(createDiff, 1); pos < createDiff; pos += batch, batch = Math.min(2 * batch, createDiff - pos)) {
    const before = errors.length;
    await Promise.all(nodesNeedingPods.slice(pos, pos + batch).map(createOn));
    const skipped = createDiff - (pos + batch);
    if (errors.length > before && skipped > 0) {
      d.expectations.lower(key, skipped, 0); // retried by the next sync
      break;
    }
  }

  await Promise.all(podsToDelete.slice(0, deleteDiff).map(async (p) => {
    const name = p.metadata?.name ?? '';
    try {
      await d.client.delete(R.pods, ns, name, { preconditions: { uid: p.metadata?.uid ?? '' } });
      d.events.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (e) {
      d.expectations.deletionObserved(key);
      if (isStatusError(e) && e.code === 404) return;
      errors.push(e);
      d.events.record(ds, 'Warning', 'FailedDelete', `Error deleting: ${errText(e)}`);
    }
  }));
  const err = aggregate(errors);
  if (err) throw err;
}
