// Pure helpers over ControllerRevisions (pkg/controller/history controller_history.go): build one,
// order them, find the next number, find equal ones.
import { deepEqual } from '../../machinery/deep-equal.js';
import { newControllerRef } from '../runtime/index.js';
import type { KubeObject } from '../../machinery/object.js';
import { controllerRevisionName, hashRevisionData } from './hash.js';
import { CONTROLLER_REVISION_HASH_LABEL, type ControllerRevision } from './types.js';

export interface NewRevisionOptions {
  owner: Readonly<KubeObject>;
  ownerApiVersion: string;
  ownerKind: string;
  /** The owner's pod template labels, copied so the owner's selector selects the revision. */
  templateLabels: Readonly<Record<string, string>> | undefined;
  data: unknown;
  revision: number;
  collisionCount: number;
  annotations?: Readonly<Record<string, string>> | undefined;
}

/** NewControllerRevision: named `<owner>-<hash of data and collision count>`, the hash also a label. */
export function newControllerRevision(o: NewRevisionOptions): ControllerRevision {
  const hash = hashRevisionData(o.data, o.collisionCount);
  const cr: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(o.owner.metadata?.name ?? '', hash),
      namespace: o.owner.metadata?.namespace ?? '',
      labels: { ...(o.templateLabels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [newControllerRef(o.owner, o.ownerApiVersion, o.ownerKind)],
    },
    data: o.data,
    revision: o.revision,
  };
  if (o.annotations && Object.keys(o.annotations).length > 0) cr.metadata!.annotations = { ...o.annotations };
  return cr;
}

const created = (r: Readonly<ControllerRevision>): number => Date.parse(r.metadata?.creationTimestamp ?? '') || 0;

/** SortControllerRevisions: by revision, then creation time, then name (a new, sorted array). */
export function sortRevisions<T extends Readonly<ControllerRevision>>(revs: readonly T[]): T[] {
  return [...revs].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0)
    || created(a) - created(b)
    || ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : (a.metadata?.name ?? '') > (b.metadata?.name ?? '') ? 1 : 0));
}

/** The number after the highest of `revs` (1 for none). */
export function nextRevision(revs: readonly Readonly<ControllerRevision>[]): number {
  let max = 0;
  for (const r of revs) max = Math.max(max, r.revision ?? 0);
  return max + 1;
}

/** EqualRevision: same data (the hash label is not trusted; it may come from a collision probe). */
export function equalRevision(a: Readonly<ControllerRevision> | undefined, b: Readonly<ControllerRevision> | undefined): boolean {
  if (!a || !b) return a === b;
  return deepEqual(a.data, b.data);
}

/** FindEqualRevisions: the revisions with the same data as `needle`, in the order given. */
export function findEqualRevisions<T extends Readonly<ControllerRevision>>(revs: readonly T[], needle: Readonly<ControllerRevision>): T[] {
  return revs.filter((r) => equalRevision(r, needle));
}
