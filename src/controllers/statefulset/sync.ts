// One reconcile of a StatefulSet (stateful_set.go sync + stateful_set_control.go UpdateStatefulSet):
// adopt orphan revisions, claim the pods that are members, settle the current and update
// revisions, run the update pass, write the status, trim the history.
import { R } from '../../client/index.js';
import type { Lister } from '../../client/types.js';
import { matches, selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels.js';
import { claimDependents, claimRevisions, sortRevisions, type ControllerRevision } from '../history/index.js';
import { msUntilAvailable } from '../replicaset/pods.js';
import type { Result } from '../runtime/index.js';
import { isMemberOf } from './identity.js';
import { getSetRevisions, truncateHistory } from './revisions.js';
import { writeStatus } from './status.js';
import { minReadySeconds, specReplicas, STS_API_VERSION, type Pod, type StatefulSet } from './types.js';
import { updateStatefulSet, type UpdateDeps } from './update.js';

export interface SyncDeps extends UpdateDeps {
  sets: Lister<StatefulSet>;
  pods: Lister<Pod>;
  revisions: Lister<ControllerRevision>;
  /** Added to the time until a ready pod becomes available before looking again. */
  availabilityPaddingMs: number;
}

/** getPodsForStatefulSet: members of the set its selector matches, orphans adopted, strays released. */
function claimPods(d: SyncDeps, set: Readonly<StatefulSet>, selector: LabelSelector): Promise<Readonly<Pod>[]> {
  return claimDependents<Pod>({
    client: d.client, dependents: d.pods, dependentResource: R.pods, owner: set, ownerResource: R.statefulsets, ownerApiVersion: STS_API_VERSION,
    match: (p) => matches(selector, p.metadata?.labels) && isMemberOf(set, p),
  });
}

export async function syncStatefulSet(d: SyncDeps, key: string): Promise<Result | void> {
  const set = d.sets.get(key);
  if (!set) return;
  let selector: LabelSelector;
  try {
    selector = selectorFromLabelSelector(set.spec?.selector);
  } catch (e) {
    d.log.info({ statefulset: key, err: e }, 'invalid selector');
    return; // the API validates selectors; nothing to retry
  }
  const revisions = sortRevisions(await claimRevisions({
    client: d.client, dependents: d.revisions, owner: set, ownerResource: R.statefulsets, ownerApiVersion: STS_API_VERSION, selector,
  }));
  const pods = await claimPods(d, set, selector);

  const { current, update, collisionCount } = await getSetRevisions(d.client, set, revisions);
  const outcome = await updateStatefulSet(d, set, current, update, collisionCount, pods);
  let statusError: unknown;
  try {
    await writeStatus(d.client, set, outcome.status);
  } catch (e) {
    statusError = e;
  }
  await truncateHistory(d.client, set, pods, revisions, [current, update]);
  if (outcome.error !== undefined) throw outcome.error;
  if (statusError !== undefined) throw statusError;
  d.log.debug({ statefulset: key, ...outcome.status }, 'synced');

  // Ready pods become available minReadySeconds later with no event to say so: look again then.
  const minReady = minReadySeconds(set);
  if (minReady > 0 && (outcome.status.availableReplicas ?? 0) !== specReplicas(set)) {
    let wait: number | undefined;
    for (const p of pods) {
      const ms = msUntilAvailable(p, minReady, d.clock.now());
      if (ms !== undefined && ms > 0) wait = Math.min(wait ?? ms, ms);
    }
    return { requeueAfterMs: (wait ?? minReady * 1000) + d.availabilityPaddingMs };
  }
}
