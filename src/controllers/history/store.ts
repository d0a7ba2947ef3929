// ControllerRevision writes (pkg/controller/history realHistory): create with a collision probe,
// renumber (a rollback makes an old revision the newest), delete, and claim (adopt orphans the
// owner's selector matches, release those it no longer matches).
import { INDEX_CONTROLLER, R } from '../../client/index.js';
import type { ApiClient, Lister, ResourceRef } from '../../client/types.js';
import { deepEqual } from '../../machinery/deep-equal.js';
import { isStatusError } from '../../machinery/errors.js';
import { matches, type LabelSelector } from '../../machinery/labels.js';
import type { KubeObject } from '../../machinery/object.js';
import { controllerOf, newControllerRef } from '../runtime/index.js';
import { adoptPatch, checkStillAdoptable, claimObjects, releasePatch } from '../replicaset/claim.js';
import { controllerRevisionName, hashRevisionData } from './hash.js';
import { ORPHANS_BY_NAMESPACE, type ControllerRevision } from './types.js';

/** Index function for ORPHANS_BY_NAMESPACE: objects without a controller, by namespace. */
export function orphansByNamespace(o: Readonly<KubeObject>): readonly string[] {
  return controllerOf(o) ? [] : [o.metadata?.namespace ?? ''];
}

export interface CreatedRevision {
  revision: ControllerRevision;
  /** The collision count after the probe (raised once per name taken by different data). */
  collisionCount: number;
}

/**
 * CreateControllerRevision: create `revision` named `<owner>-<hash(data, collisionCount)>`; when
 * the name is taken by the same data, that revision is the answer; when by other data, the count
 * goes up and the next name is tried.
 */
export async function createControllerRevision(client: ApiClient, ownerName: string, revision: Readonly<ControllerRevision>, collisionCount: number): Promise<CreatedRevision> {
  const ns = revision.metadata?.namespace ?? '';
  for (let count = collisionCount; ; count++) {
    const name = controllerRevisionName(ownerName, hashRevisionData(revision.data, count));
    try {
      const created = await client.create<ControllerRevision>(R.controllerrevisions, ns, { ...revision, metadata: { ...revision.metadata, name } });
      return { revision: created, collisionCount: count };
    } catch (e) {
      if (!isStatusError(e) || e.code !== 409) throw e;
      const existing = await client.get<ControllerRevision>(R.controllerrevisions, ns, name);
      if (deepEqual(existing.data, revision.data)) return { revision: existing, collisionCount: count };
    }
  }
}

/** UpdateControllerRevision: give `revision` the number `n`, re-reading it on conflict. */
export async function setRevisionNumber(client: ApiClient, revision: Readonly<ControllerRevision>, n: number): Promise<ControllerRevision> {
  const ns = revision.metadata?.namespace ?? '';
  let cur: Readonly<ControllerRevision> = revision;
  for (let attempt = 0; ; attempt++) {
    if (cur.revision === n) return cur as ControllerRevision;
    try {
      return await client.update<ControllerRevision>(R.controllerrevisions, ns, { ...cur, revision: n });
    } catch (e) {
      if (attempt >= 4 || !isStatusError(e) || e.code !== 409) throw e;
      cur = await client.get<ControllerRevision>(R.controllerrevisions, ns, revision.metadata?.name ?? '');
    }
  }
}

/** Deletes a revision; one already gone is fine. */
export async function deleteControllerRevision(client: ApiClient, revision: Readonly<ControllerRevision>): Promise<void> {
  try {
    await client.delete(R.controllerrevisions, revision.metadata?.namespace ?? '', revision.metadata?.name ?? '');
  } catch (e) {
    if (!isStatusError(e) || e.code !== 404) throw e;
  }
}

export interface ClaimOptions<T extends KubeObject> {
  client: ApiClient;
  /** The dependents' informer lister; it must have the ORPHANS_BY_NAMESPACE index. */
  dependents: Lister<T>;
  dependentResource: ResourceRef;
  owner: Readonly<KubeObject>;
  ownerResource: ResourceRef;
  ownerApiVersion: string;
  /** Whether the owner wants the object (its selector matches, and whatever else the kind asks). */
  match(obj: Readonly<T>): boolean;
}

/**
 * The dependents the owner controls after adopting the orphans it matches and releasing those it
 * no longer matches (ControllerRefManager.ClaimPods / ClaimControllerRevisions). Adoption first
 * re-reads the owner from the API so a deleted owner adopts nothing.
 */
export async function claimDependents<T extends KubeObject>(o: ClaimOptions<T>): Promise<Readonly<T>[]> {
  const ns = o.owner.metadata?.namespace ?? '';
  const uid = o.owner.metadata?.uid ?? '';
  const candidates = [...o.dependents.byIndex(INDEX_CONTROLLER, uid), ...o.dependents.byIndex(ORPHANS_BY_NAMESPACE, ns)];
  return claimObjects<T>(candidates, {
    owner: o.owner,
    match: o.match,
    canAdopt: async () => {
      checkStillAdoptable(await o.client.get(o.ownerResource, ns, o.owner.metadata?.name ?? ''), o.owner);
    },
    adopt: async (r) => {
      const ref = newControllerRef(o.owner, o.ownerApiVersion, o.ownerResource.kind);
      await o.client.patch(o.dependentResource, ns, r.metadata?.name ?? '', adoptPatch(ref, r.metadata?.uid ?? ''), 'strategic');
    },
    release: async (r) => {
      await o.client.patch(o.dependentResource, ns, r.metadata?.name ?? '', releasePatch(uid, r.metadata?.uid ?? ''), 'strategic');
    },
  });
}

/** claimDependents for ControllerRevisions: those the owner's selector matches (its template labels). */
export function claimRevisions(o: Omit<ClaimOptions<ControllerRevision>, 'dependentResource' | 'match'> & { selector: LabelSelector }): Promise<Readonly<ControllerRevision>[]> {
  return claimDependents<ControllerRevision>({ ...o, dependentResource: R.controllerrevisions, match: (r) => matches(o.selector, r.metadata?.labels) });
}
