// The StatefulSet's current and update revisions (stateful_set_control.go getStatefulSetRevisions,
// truncateHistory): the update revision snapshots the template now; an equal older revision is
// re-used (a rollback) by renumbering it the newest; the current revision is the one the status
// names, or the update revision for a new set.
import type { ApiClient } from '../../client/types.js';
import {
  createControllerRevision, deleteControllerRevision, equalRevision, findEqualRevisions, newControllerRevision,
  nextRevision, setRevisionNumber, templatePatch, type ControllerRevision,
} from '../history/index.js';
import { podRevision } from './identity.js';
import { STS_API_VERSION, STS_KIND, type Pod, type StatefulSet } from './types.js';

export interface SetRevisions {
  current: Readonly<ControllerRevision>;
  update: Readonly<ControllerRevision>;
  collisionCount: number;
}

/** The revision the set's template is now, not yet written. */
export function newRevision(set: Readonly<StatefulSet>, revision: number, collisionCount: number): ControllerRevision {
  return newControllerRevision({
    owner: set, ownerApiVersion: STS_API_VERSION, ownerKind: STS_KIND,
    templateLabels: set.spec?.template?.metadata?.labels, data: templatePatch(set), revision, collisionCount,
    annotations: set.metadata?.annotations,
  });
}

/** `revisions` sorted oldest first. May create a revision or renumber one. */
export async function getSetRevisions(client: ApiClient, set: Readonly<StatefulSet>, revisions: readonly Readonly<ControllerRevision>[]): Promise<SetRevisions> {
  let collisionCount = set.status?.collisionCount ?? 0;
  const candidate = newRevision(set, nextRevision(revisions), collisionCount);
  const equal = findEqualRevisions(revisions, candidate);
  const last = revisions[revisions.length - 1];
  const lastEqual = equal[equal.length - 1];
  let update: Readonly<ControllerRevision>;
  if (lastEqual && last && equalRevision(last, lastEqual)) {
    update = last; // the template has not changed
  } else if (lastEqual) {
    update = await setRevisionNumber(client, lastEqual, candidate.revision ?? 0); // back to an older template
  } else {
    const created = await createControllerRevision(client, set.metadata?.name ?? '', candidate, collisionCount);
    update = created.revision;
    collisionCount = created.collisionCount;
  }
  const current = revisions.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount };
}

/**
 * truncateHistory: delete the oldest revisions that are not live (current, update, or the revision
 * of a pod) until at most revisionHistoryLimit of them remain.
 */
export async function truncateHistory(client: ApiClient, set: Readonly<StatefulSet>, pods: readonly Readonly<Pod>[], revisions: readonly Readonly<ControllerRevision>[], live: readonly (Readonly<ControllerRevision> | undefined)[]): Promise<void> {
  const keep = new Set<string>();
  for (const r of live) if (r?.metadata?.name) keep.add(r.metadata.name);
  for (const p of pods) keep.add(podRevision(p));
  const history = revisions.filter((r) => !keep.has(r.metadata?.name ?? ''));
  const limit = set.spec?.revisionHistoryLimit ?? 10;
  if (limit < 0 || history.length <= limit) return;
  for (const r of history.slice(0, history.length - limit)) await deleteControllerRevision(client, r);
}
