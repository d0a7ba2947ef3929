// A DaemonSet's ControllerRevisions (daemon_controller.go constructHistory, snapshot,
// dedupCurHistories, cleanupHistory): the revision matching the template now is current and gets
// the highest number (re-used on rollback); a missing one is snapshotted as
// `<name>-<hash of template and collisionCount>`; old ones beyond revisionHistoryLimit that no pod
// runs are deleted, oldest first.
import { R } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import type { LabelSelector } from '../../machinery/labels.js';
import {
  claimRevisions, computeTemplateHash, deleteControllerRevision, revisionMatches, setRevisionNumber, sortRevisions, templatePatch,
  type ControllerRevision,
} from '../history/index.js';
import { newControllerRef } from '../runtime/index.js';
import type { DaemonSetDeps } from './deps.js';
import { DS_API_VERSION, DS_KIND, REVISION_HASH_LABEL, type DaemonSet, type Pod } from './types.js';

export interface DaemonHistory {
  current: Readonly<ControllerRevision>;
  old: Readonly<ControllerRevision>[];
}

const hashOf = (r: Readonly<ControllerRevision>): string => r.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';

/** snapshot: create the revision of the template now; on a name taken by other data, bump collisionCount and retry later. */
async function snapshot(d: DaemonSetDeps, ds: Readonly<DaemonSet>, revision: number): Promise<Readonly<ControllerRevision>> {
  const ns = ds.metadata?.namespace ?? '';
  const hash = computeTemplateHash(ds.spec?.template, ds.status?.collisionCount);
  const name = `${ds.metadata?.name ?? ''}-${hash}`;
  const cr: ControllerRevision = {
    apiVersion: 'apps/v1', kind: 'ControllerRevision',
    metadata: {
      name, namespace: ns,
      labels: { ...(ds.spec?.template?.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash },
      ...(ds.metadata?.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(ds, DS_API_VERSION, DS_KIND)],
    },
    data: templatePatch(ds),
    revision,
  };
  try {
    return await d.client.create<ControllerRevision>(R.controllerrevisions, ns, cr);
  } catch (e) {
    if (!isStatusError(e) || e.code !== 409) throw e;
    const existing = await d.client.get<ControllerRevision>(R.controllerrevisions, ns, name);
    if (revisionMatches(ds, existing)) return existing;
    // A different template owns the name: a hash collision. Raise collisionCount (on a fresh read,
    // unless ours was stale) and let the retry compute a new name.
    const fresh = await d.client.get<DaemonSet>(R.daemonsets, ns, ds.metadata?.name ?? '');
    if ((fresh.status?.collisionCount ?? undefined) === (ds.status?.collisionCount ?? undefined)) {
      await d.client.update(R.daemonsets, ns, { ...fresh, status: { ...(fresh.status ?? {}), collisionCount: (fresh.status?.collisionCount ?? 0) + 1 } }, { subresource: 'status' });
    }
    throw e;
  }
}

/** constructHistory. `pods` are the set's pods, relabelled when duplicate current revisions are merged. */
export async function constructHistory(d: DaemonSetDeps, ds: Readonly<DaemonSet>, selector: LabelSelector, pods: () => Promise<readonly Readonly<Pod>[]>): Promise<DaemonHistory> {
  const ns = ds.metadata?.namespace ?? '';
  const claimed = await claimRevisions({ client: d.client, dependents: d.revisions, owner: ds, ownerResource: R.daemonsets, ownerApiVersion: DS_API_VERSION, selector });
  const current: Readonly<ControllerRevision>[] = [];
  const old: Readonly<ControllerRevision>[] = [];
  for (let r of claimed) {
    if (!hashOf(r)) {
      // Older revisions may lack the label: name it by the revision's name, which is unique.
      r = await d.client.update<ControllerRevision>(R.controllerrevisions, ns, { ...r, metadata: { ...r.metadata, labels: { ...(r.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: r.metadata?.name ?? '' } } });
    }
    (revisionMatches(ds, r) ? current : old).push(r);
  }
  let maxOld = 0;
  for (const r of old) maxOld = Math.max(maxOld, r.revision ?? 0);
  const want = maxOld + 1;
  if (current.length === 0) return { current: await snapshot(d, ds, want), old };

  // dedupCurHistories: keep the highest-numbered; move pods onto its hash, drop the others.
  let keep = current[0] as Readonly<ControllerRevision>;
  for (const r of current) if ((r.revision ?? 0) >= (keep.revision ?? 0)) keep = r;
  for (const dup of current) {
    if (dup === keep) continue;
    for (const p of await pods()) {
      if (p.metadata?.labels?.[REVISION_HASH_LABEL] === hashOf(keep)) continue;
      await d.client.patch(R.pods, ns, p.metadata?.name ?? '', { metadata: { labels: { [REVISION_HASH_LABEL]: hashOf(keep) } } }, 'strategic');
    }
    await deleteControllerRevision(d.client, dup);
  }
  if ((keep.revision ?? 0) < want) keep = await setRevisionNumber(d.client, keep, want); // a rollback to this template
  return { current: keep, old };
}

/** cleanupHistory: beyond revisionHistoryLimit, delete the oldest old revisions no pod runs. */
export async function cleanupHistory(d: DaemonSetDeps, ds: Readonly<DaemonSet>, pods: readonly Readonly<Pod>[], old: readonly Readonly<ControllerRevision>[]): Promise<void> {
  let toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
  if (toKill <= 0) return;
  const live = new Set(pods.map((p) => p.metadata?.labels?.[REVISION_HASH_LABEL] ?? '').filter(Boolean));
  for (const r of sortRevisions(old)) {
    if (toKill <= 0) break;
    if (live.has(hashOf(r))) continue;
    await deleteControllerRevision(d.client, r);
    toKill--;
  }
}
