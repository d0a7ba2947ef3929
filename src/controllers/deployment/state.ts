// What one Deployment sync works with: its dependencies, a private copy of the Deployment that
// every step updates (status, annotations, resourceVersion after each write), and the
// Deployment's ReplicaSets as this sync last wrote them.
import type { Logger } from 'pino';
import { R } from '../../client/index.js';
import type { ApiClient, EventRecorder, Lister } from '../../client/types.js';
import type { Clock } from '../../machinery/clock.js';
import { deepEqual } from '../../machinery/deep-equal.js';
import type { Pod, ReplicaSet } from '../replicaset/index.js';
import type { WrittenObjects } from './fresh.js';
import type { RS } from './replicasets.js';
import { REVISION, type Deployment, type DeploymentStatus } from './types.js';

export interface DeploymentDeps {
  client: ApiClient;
  events: EventRecorder;
  clock: Clock;
  log: Logger;
  deployments: Lister<Deployment>;
  replicaSets: Lister<ReplicaSet>;
  pods: Lister<Pod>;
  /** ReplicaSet index: per namespace, the ReplicaSets no controller owns (candidates for adoption). */
  orphanIndex: string;
  writtenDeployments: WrittenObjects<Deployment>;
  writtenReplicaSets: WrittenObjects<ReplicaSet>;
  /** Added to deadline wake-ups so the deadline has surely passed (kube: 1s). */
  requeuePaddingMs: number;
}

export interface SyncState {
  deps: DeploymentDeps;
  /** Our copy of the Deployment; steps change it and write it. */
  d: Deployment;
  /** The Deployment's ReplicaSets, replaced as this sync writes them. */
  rsList: RS[];
  /** Wake-up asked by a step (progress deadline). */
  requeueAfterMs?: number;
}

/** The status as kube serialises it: zero counters and a missing collisionCount omitted. */
export function normalizeDeploymentStatus(s: Readonly<DeploymentStatus> | undefined): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
    if (s?.[k]) out[k] = s[k];
  }
  if (s?.conditions?.length) out.conditions = s.conditions.map((c) => ({ ...c }));
  if (s?.collisionCount !== undefined && s.collisionCount !== null) out.collisionCount = s.collisionCount;
  return out;
}

export function sameStatus(a: Readonly<DeploymentStatus> | undefined, b: Readonly<DeploymentStatus> | undefined): boolean {
  return deepEqual(normalizeDeploymentStatus(a), normalizeDeploymentStatus(b));
}

/**
 * Writes s.d's status (UpdateStatus). Kube's status subresource for Deployments also takes
 * metadata.annotations — that is how the revision annotation lands; a server that keeps metadata
 * out of status writes gets the revision with a merge patch of the Deployment itself.
 */
export async function writeDeploymentStatus(s: SyncState): Promise<void> {
  const { client } = s.deps;
  const ns = s.d.metadata?.namespace ?? '';
  const before = s.d.metadata?.resourceVersion;
  s.d.status = normalizeDeploymentStatus(s.d.status);
  let out = await client.update<Deployment>(R.deployments, ns, s.d, { subresource: 'status' });
  const revision = s.d.metadata?.annotations?.[REVISION];
  if (revision !== undefined && out.metadata?.annotations?.[REVISION] !== revision) {
    out = await client.patch<Deployment>(R.deployments, ns, s.d.metadata?.name ?? '',
      { metadata: { annotations: { [REVISION]: revision }, resourceVersion: out.metadata?.resourceVersion } }, 'merge');
  }
  s.deps.writtenDeployments.wrote(before, out);
  const meta = (s.d.metadata ??= {});
  meta.resourceVersion = out.metadata?.resourceVersion;
  if (out.metadata?.generation !== undefined) meta.generation = out.metadata.generation;
}

/** Writes a ReplicaSet (PUT, conflicts on a stale copy) and records the result in the sync's list. */
export async function writeReplicaSet(s: SyncState, rs: ReplicaSet): Promise<RS> {
  const before = rs.metadata?.resourceVersion;
  const out = await s.deps.client.update<ReplicaSet>(R.replicasets, rs.metadata?.namespace ?? '', rs);
  s.deps.writtenReplicaSets.wrote(before, out);
  replaceReplicaSet(s, out);
  return out;
}

export function replaceReplicaSet(s: SyncState, rs: RS): void {
  const i = s.rsList.findIndex((x) => x.metadata?.uid === rs.metadata?.uid);
  if (i >= 0) s.rsList[i] = rs; else s.rsList.push(rs);
}

/** The sync's current copy of a ReplicaSet (after its own writes). */
export function current(s: SyncState, rs: RS): RS {
  return s.rsList.find((x) => x.metadata?.uid === rs.metadata?.uid) ?? rs;
}
