// What the Deployment controller asks of its ReplicaSets (deploymentutil and controller_utils):
// which one is new, revisions, orderings and replica sums.
import { specReplicas, type PodTemplateSpec, type ReplicaSet } from '../replicaset/index.js';
import { semanticEqual } from './semantic.js';
import { DESIRED_REPLICAS, POD_TEMPLATE_HASH, REVISION, desiredReplicas, type Deployment } from './types.js';

export type RS = Readonly<ReplicaSet>;

/** The revision annotation as a number; undefined when missing or not an integer. */
export function revisionOf(rs: RS): number | undefined {
  const v = rs.metadata?.annotations?.[REVISION];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

export function maxRevision(rss: readonly RS[]): number {
  let max = 0;
  for (const rs of rss) max = Math.max(max, revisionOf(rs) ?? 0);
  return max;
}

function templateWithoutHash(t: Readonly<PodTemplateSpec> | undefined): unknown {
  const copy = structuredClone(t ?? {}) as PodTemplateSpec;
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH];
  return copy;
}

/** Templates semantically equal but for the pod-template-hash label (EqualIgnoreHash). */
export function equalIgnoreHash(a: Readonly<PodTemplateSpec> | undefined, b: Readonly<PodTemplateSpec> | undefined): boolean {
  return semanticEqual(templateWithoutHash(a), templateWithoutHash(b));
}

const created = (rs: RS) => rs.metadata?.creationTimestamp ?? '';
const nameOf = (rs: RS) => rs.metadata?.name ?? '';

/** Oldest first; ties by name (ReplicaSetsByCreationTimestamp). */
export function byCreation(a: RS, b: RS): number {
  return created(a) === created(b) ? (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0) : created(a) < created(b) ? -1 : 1;
}

/** Lowest revision first; ties oldest first (ReplicaSetsByRevision). */
export function byRevision(a: RS, b: RS): number {
  const ra = revisionOf(a) ?? 0;
  const rb = revisionOf(b) ?? 0;
  return ra === rb ? byCreation(a, b) : ra - rb;
}

/** Largest first; ties newest first (ReplicaSetsBySizeNewer: scale-ups favour new ReplicaSets). */
export function bySizeNewer(a: RS, b: RS): number {
  return specReplicas(a) === specReplicas(b) ? byCreation(b, a) : specReplicas(b) - specReplicas(a);
}

/** Largest first; ties oldest first (ReplicaSetsBySizeOlder: scale-downs hit old ReplicaSets). */
export function bySizeOlder(a: RS, b: RS): number {
  return specReplicas(a) === specReplicas(b) ? byCreation(a, b) : specReplicas(b) - specReplicas(a);
}

/** The oldest ReplicaSet whose template is the Deployment's (FindNewReplicaSet). */
export function findNewReplicaSet(d: Readonly<Deployment>, rss: readonly RS[]): RS | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

export const isActive = (rs: RS | undefined): rs is RS => rs !== undefined && specReplicas(rs) > 0;

/** Sum of spec.replicas. */
export const specSum = (rss: readonly (RS | undefined)[]): number => rss.reduce((n, rs) => n + (rs ? specReplicas(rs) : 0), 0);
/** Sum of status.replicas. */
export const actualSum = (rss: readonly (RS | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const readySum = (rss: readonly (RS | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const availableSum = (rss: readonly (RS | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);

/**
 * Available pods a scale-down may count on. A ReplicaSet's status can lag behind a scale-down of
 * its own spec (the pods are being deleted but the status still counts them), so no ReplicaSet is
 * trusted for more available pods than its spec keeps. Kube sums status.availableReplicas alone;
 * this bound keeps maxUnavailable exact while statuses catch up.
 */
export const safeAvailableSum = (rss: readonly (RS | undefined)[]): number =>
  rss.reduce((n, rs) => n + (rs ? Math.min(specReplicas(rs), rs.status?.availableReplicas ?? 0) : 0), 0);

/**
 * Pods that exist or will: per ReplicaSet the larger of spec.replicas and status.replicas. Kube
 * counts spec.replicas alone; counting pods a scaled-down ReplicaSet has not deleted yet keeps
 * maxSurge exact while they go.
 */
export const podCountUpperBound = (rss: readonly (RS | undefined)[]): number =>
  rss.reduce((n, rs) => n + (rs ? Math.max(specReplicas(rs), rs.status?.replicas ?? 0) : 0), 0);

/** The one active ReplicaSet, or the newest when none is active; undefined when several are (FindActiveOrLatest). */
export function findActiveOrLatest(newRS: RS | undefined, oldRSs: readonly RS[]): RS | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = [...newestFirst, newRS].filter(isActive);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** The new ReplicaSet runs all the Deployment's replicas, all available (IsSaturated). */
export function isSaturated(d: Readonly<Deployment>, rs: RS | undefined): boolean {
  if (!rs) return false;
  const desired = rs.metadata?.annotations?.[DESIRED_REPLICAS];
  if (desired === undefined || !/^-?\d+$/.test(desired)) return false;
  const want = desiredReplicas(d);
  return specReplicas(rs) === want && Number(desired) === want && (rs.status?.availableReplicas ?? 0) === want;
}
